"""Fixtures shared by every app's tests."""

from datetime import date

import pytest

from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage


@pytest.fixture
def home(db):
    """The site's home page, as the default site's root."""
    return seed_site()


@pytest.fixture
def festival(home):
    """A live three-day edition in October 2026."""
    return upsert_child(
        home,
        FestivalPage,
        slug="2026",
        title="Festival of Resistance 2026",
        start_date=date(2026, 10, 16),
        end_date=date(2026, 10, 18),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )
