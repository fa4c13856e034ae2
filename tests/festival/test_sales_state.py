"""When an edition sells tickets: one rule, read by the edition page, the shop and the order service."""

from datetime import UTC, date, datetime

import pytest

from festival.models import FestivalPage

Status = FestivalPage.Status
pytestmark = pytest.mark.django_db  # a new page looks up its default locale


def edition(**fields):
    fields = {"start_date": date(2026, 10, 16), "end_date": date(2026, 10, 18), "time_zone": "Europe/London",
              "status": Status.ON_SALE, **fields}  # fmt: skip
    return FestivalPage(title="Festival of Resistance 2026", slug="2026", venue_name="Hall", **fields)


DURING = datetime(2026, 9, 1, 12, tzinfo=UTC)


def test_an_edition_on_sale_with_tickets_left_is_on_sale():
    assert edition().sales_state(now=DURING, tickets_left=5) == Status.ON_SALE


def test_an_edition_with_no_public_ticket_left_is_sold_out_whatever_its_status_says():
    assert edition().sales_state(now=DURING, tickets_left=0) == Status.SOLD_OUT


def test_an_edition_marked_sold_out_by_hand_sells_again_when_tickets_come_back():
    assert edition(status=Status.SOLD_OUT).sales_state(now=DURING, tickets_left=2) == Status.ON_SALE


def test_an_edition_is_over_once_its_last_day_has_passed_even_if_its_status_says_on_sale():
    last_evening = datetime(2026, 10, 18, 22, 59, tzinfo=UTC)  # 23:59 in London (summer time)
    after_midnight = datetime(2026, 10, 18, 23, 0, tzinfo=UTC)  # 00:00 on the 19th in London

    assert edition().sales_state(now=last_evening, tickets_left=5) == Status.ON_SALE
    assert edition().sales_state(now=after_midnight, tickets_left=5) == Status.OVER
    assert edition().sales_state(now=after_midnight, tickets_left=0) == Status.OVER


def test_the_last_day_ends_at_midnight_in_the_editions_own_time_zone():
    auckland = edition(time_zone="Pacific/Auckland")  # 13 hours ahead of UTC in October
    los_angeles = edition(time_zone="America/Los_Angeles")  # 7 hours behind
    now = datetime(2026, 10, 19, 3, 0, tzinfo=UTC)  # 16:00 on the 19th in Auckland, 20:00 on the 18th in LA

    assert auckland.sales_state(now=now, tickets_left=5) == Status.OVER
    assert los_angeles.sales_state(now=now, tickets_left=5) == Status.ON_SALE


@pytest.mark.parametrize("status", [Status.ANNOUNCED, Status.POSTPONED])
def test_an_edition_not_yet_on_sale_keeps_its_status(status):
    assert edition(status=status).sales_state(now=DURING, tickets_left=5) == status
    assert edition(status=status).sales_state(now=DURING, tickets_left=0) == status


def test_an_edition_marked_over_by_hand_is_over():
    assert edition(status=Status.OVER).sales_state(now=DURING, tickets_left=5) == Status.OVER
