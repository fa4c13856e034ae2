"""Load the demo festival. Safe to run again: it brings the demo back to its known state."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from festival.demo import DEMO_PASSWORD, DEMO_USERS

# Each app adds its seeder here, in the order they build on each other. A seeder takes
# a shared dict (``home``, ``festival`` and whatever earlier seeders put in it).
SEEDERS = [
    "festival.demo.seed",
    "programme.demo.seed",
    "festival.demo.seed_home",
    "ticketing.demo.seed",
    "assembly.demo.seed",
    "proposals.demo.seed",
]


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--start must be a date such as 2026-10-16, not {value!r}")


class Command(BaseCommand):
    help = "Create or refresh the demo festival, its pages, roles and demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            type=_date,
            help="The demo edition's first day, such as 2026-10-16 (default: today, so it can be tried at the door).",
        )

    def handle(self, *args, **options):
        context: dict = {"start": options["start"]}
        with transaction.atomic():
            for dotted in SEEDERS:
                import_string(dotted)(context)
                self.stdout.write(f"seeded {dotted.rsplit('.', 2)[0]}")
        festival = context["festival"]
        self.stdout.write(self.style.SUCCESS("Demo festival ready."))
        self.stdout.write(
            f"{festival.title} runs from {date_format(festival.start_date, 'l j F')} "
            f"to {date_format(festival.end_date, 'l j F Y')}."
        )
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(u for u, _, _ in DEMO_USERS))
