"""Run the local Stripe emulator, delivering webhooks to this site."""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from stripe_emulator import EmulatorServer


class Command(BaseCommand):
    help = "Run the local Stripe emulator (checkout page, API, signed webhooks) for development."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8420)
        parser.add_argument("--webhook-url", default="", help="Default: SITE_URL + /tickets/stripe/webhook/")
        parser.add_argument("--sweep-interval", type=float, default=5.0, help="Seconds between expiry sweeps.")

    def handle(self, *args, host, port, webhook_url, sweep_interval, **options):
        webhook_url = webhook_url or settings.SITE_URL + reverse("ticketing:stripe_webhook")
        server = EmulatorServer(
            host=host,
            port=port,
            webhook_url=webhook_url,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            sweep_interval=sweep_interval,
        )
        self.stdout.write(f"Stripe emulator on {server.base_url}, webhooks to {webhook_url}")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
