from django.core.management.base import BaseCommand, CommandError

from inventory.invariants import stock_invariant_violations


class Command(BaseCommand):
    help = (
        "Check the stock ledger: per key on_hand = Σ moves, value = Σ move values, 0 ≤ reserved ≤ on_hand, "
        "FIFO layers = on_hand. Exits non-zero listing every mismatch."
    )

    def handle(self, *args, **options):
        problems = stock_invariant_violations()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} stock invariant violation(s)")
        self.stdout.write("stock ledger invariants hold")
