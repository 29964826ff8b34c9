from django.conf import settings
from django.core.management.base import BaseCommand

from users.services import demo_users_ensure


class Command(BaseCommand):
    help = "Create (or reset) the demo admin and one demo user per role."

    def handle(self, *args, **options):
        password = settings.WEFT_ADMIN_PASSWORD
        users = demo_users_ensure(password=password)
        self.stdout.write("Demo users (password: {}): {}".format(password, ", ".join(u.username for u in users)))
