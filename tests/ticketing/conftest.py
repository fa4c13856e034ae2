"""Shop fixtures: a small edition's ticket types (the Stripe emulator's fixtures are in tests/conftest.py)."""

import pytest

from ticketing.models import TicketType


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
