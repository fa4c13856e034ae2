"""Shop fixtures: an edition on sale and its ticket types (the Stripe emulator's fixtures are in tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from festival.demo import upsert_child
from festival.models import FestivalPage
from ticketing.models import TicketType


@pytest.fixture
def festival(home):
    """The shared three-day edition, dated four weeks from today: sales close by themselves once an
    edition's last day has passed, and the shop's tests buy tickets whatever day they run on."""
    start = timezone.localdate() + timedelta(days=28)
    return upsert_child(
        home,
        FestivalPage,
        slug="2026",
        title="Festival of Resistance 2026",
        start_date=start,
        end_date=start + timedelta(days=2),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )


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
