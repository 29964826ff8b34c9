import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from demo.seed import mill_has_data, seed_demo


class Command(BaseCommand):
    help = (
        "Build a demo knit-and-woven mill through Weft's services: master data and --years of history "
        "(purchasing, inspections, production with genealogy, sales with seasonality, shipments, complaints)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=float, default=3.0, help="years of history up to today (default 3)")
        parser.add_argument("--seed", type=int, default=42, help="random seed: same seed, same mill (default 42)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database already holds a mill")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if mill_has_data():
            if options["if_empty"]:
                self.stdout.write("The database already holds a mill; nothing seeded.")
                return
            raise CommandError(
                "The database already holds a mill (materials, suppliers or customers); seed_demo "
                "builds one from scratch. Use --if-empty to skip quietly."
            )
        years = options["years"]
        if not 0 < years <= 10:
            raise CommandError("--years must be above 0 and at most 10.")
        counts = seed_demo(years=years, seed=options["seed"], today=options["today"], out=self.stderr)
        self.stdout.write("Demo mill seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
