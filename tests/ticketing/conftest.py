"""Shop fixtures: the project's Stripe emulator, running for real, and a small edition's ticket types."""

import pytest
from django.urls import reverse

from stripe_emulator import EmulatorServer
from ticketing.models import TicketType


@pytest.fixture(scope="session")
def emulator_server():
    server = EmulatorServer(port=0, sweep_interval=3600).start()
    server.emulator.retry_delays = ()  # tests deliver once; redelivery is tested on purpose
    yield server
    server.stop()


@pytest.fixture
def stripe_emulator(emulator_server, settings):
    """The emulator, with the site's stripe library pointed at it; webhooks go nowhere until ``live_site``."""
    settings.STRIPE_API_BASE = emulator_server.base_url
    settings.STRIPE_SECRET_KEY = ""
    emulator_server.emulator.webhook_url = ""
    emulator_server.emulator.webhook_secret = settings.STRIPE_WEBHOOK_SECRET
    return emulator_server


@pytest.fixture
def live_site(live_server, stripe_emulator, settings):
    """A live server that receives the emulator's webhooks, and SITE_URL pointing at it."""
    settings.SITE_URL = live_server.url
    stripe_emulator.emulator.webhook_url = live_server.url + reverse("ticketing:stripe_webhook")
    yield live_server
    stripe_emulator.emulator.webhook_url = ""


@pytest.fixture
def standard(festival):
    return TicketType.objects.create(festival=festival, name="Standard", price=3500, capacity=100, max_per_order=6)


@pytest.fixture
def solidarity(festival):
    return TicketType.objects.create(
        festival=festival,
        name="Solidarity",
        pricing=TicketType.Pricing.SLIDING,
        min_price=500,
        suggested_price=1500,
        capacity=50,
        sort_order=-1,
    )
