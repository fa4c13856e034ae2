"""Load the demo festival. Safe to run again: it brings the demo back to its known state."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each app adds its seeder here, in the order they build on each other. A seeder takes
# a shared dict (``home``, ``festival`` and whatever earlier seeders put in it).
SEEDERS = [
    "festival.demo.seed",
    "programme.demo.seed",
    "ticketing.demo.seed",
]


class Command(BaseCommand):
    help = "Create or refresh the demo festival, its pages, roles and demo users."

    def handle(self, *args, **options):
        context: dict = {}
        with transaction.atomic():
            for dotted in SEEDERS:
                import_string(dotted)(context)
                self.stdout.write(f"seeded {dotted.rsplit('.', 2)[0]}")
        from festival.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS("Demo festival ready."))
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(u for u, _, _ in DEMO_USERS))
