"""Sales close by themselves: an edition whose last day has passed, or with no public ticket left, stops selling.

The edition page, the shop and the order service read one rule (``FestivalPage.sales_state``).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from festival.demo import upsert_child
from festival.models import FestivalPage
from ticketing.models import Order, TicketType, WaitingListEntry
from ticketing.services import checkout, orders, waiting_list
from ticketing.services.errors import ShopError

from .helpers import order_form, place, shop_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def over(festival):
    """The edition, its last day yesterday in its own time zone, its status still "on sale"."""
    yesterday = timezone.localdate(timezone=ZoneInfo(festival.time_zone)) - timedelta(days=1)
    festival.start_date, festival.end_date = yesterday - timedelta(days=2), yesterday
    festival.save_revision().publish()
    festival.refresh_from_db()
    assert festival.status == FestivalPage.Status.ON_SALE
    return festival


@pytest.fixture
def last_one(festival):
    return TicketType.objects.create(festival=festival, name="Weekend", price=1000, capacity=1)


def test_an_edition_on_sale_offers_its_tickets(client, festival, standard):
    page = client.get(festival.url).text

    assert f'href="{shop_url(festival)}"' in page
    assert "Buy tickets" in page


def test_an_edition_over_by_date_shows_no_buy_button_though_its_status_says_on_sale(client, over, standard):
    page = client.get(over.url).text
    body = page.split('<main id="main"', 1)[1]  # the menu still links the shop, which says it is over

    assert "Buy tickets" not in page
    assert f'href="{shop_url(over)}"' not in body
    assert "This festival is over" in page
    assert "On sale" not in page


def test_the_shop_of_an_edition_that_is_over_says_so_and_offers_nothing(client, over, standard):
    response = client.get(shop_url(over))

    assert response.status_code == 200
    assert "This festival is over" in response.text
    assert f'name="qty_{standard.pk}"' not in response.text
    assert "waiting list" not in response.text


def test_the_shop_refuses_an_order_for_an_edition_that_is_over(client, over, standard, stripe_emulator):
    response, order = place(client, over, standard, 1)

    assert response.status_code == 409
    assert response.context["error_code"] == "edition_over"
    assert "This festival is over" in response.text
    assert order is None
    assert TicketType.objects.get(pk=standard.pk).reserved == 0


def test_the_review_step_refuses_an_edition_that_is_over(client, over, standard):
    response = client.post(shop_url(over), order_form(standard, 1, step="review"))

    assert response.status_code == 409
    assert response.context["error_code"] == "edition_over"


def test_the_order_service_refuses_an_edition_that_is_over_even_while_its_status_says_on_sale(over, standard):
    with pytest.raises(ShopError) as error:
        checkout.place_order(
            festival=over,
            buyer_name="Rosa Luxemburg",
            buyer_email="rosa@example.org",
            lines=[orders.LineRequest(ticket_type_id=standard.pk, quantity=1)],
            attendee_names=["Rosa Luxemburg"],
        )

    assert error.value.code == "edition_over"
    assert Order.objects.count() == 0
    assert TicketType.objects.get(pk=standard.pk).reserved == 0


def test_nobody_joins_the_waiting_list_of_an_edition_that_is_over(over, last_one):
    TicketType.objects.filter(pk=last_one.pk).update(reserved=1)

    with pytest.raises(ShopError) as error:
        waiting_list.join_waiting_list(festival=over, name="Ada", email="ada@example.org")

    assert error.value.code == "edition_over"
    assert WaitingListEntry.objects.count() == 0


def test_no_waiting_list_offer_is_made_for_an_edition_that_is_over(over, last_one):
    WaitingListEntry.objects.create(festival=over, name="Ada", email="ada@example.org")

    offered = waiting_list.offer_released_tickets(festival=over)

    assert offered == []
    assert WaitingListEntry.objects.get().status == WaitingListEntry.Status.WAITING


def test_an_edition_sold_out_by_capacity_says_so_and_offers_the_waiting_list(
    client, festival, last_one, stripe_emulator
):
    place(client, festival, last_one, 1)

    page = client.get(festival.url).text
    shop = client.get(shop_url(festival)).text

    assert FestivalPage.objects.get(pk=festival.pk).status == FestivalPage.Status.ON_SALE
    assert "Buy tickets" not in page
    assert "Sold out: join the waiting list" in page
    assert f'href="{shop_url(festival)}"' in page
    assert 'action="/tickets/2026/waiting-list/"' in shop


def test_an_edition_page_already_served_says_sold_out_once_the_last_ticket_sells(
    client, festival, last_one, stripe_emulator
):
    assert "Buy tickets" in client.get(festival.url).text
    assert "Buy tickets" in client.get(festival.url).text  # a second visit, as a cache would answer it

    response, _ = place(client, festival, last_one, 1)

    page = client.get(festival.url).text
    assert response.status_code == 303
    assert "Buy tickets" not in page
    assert "Sold out: join the waiting list" in page


def test_an_edition_page_already_served_says_over_once_its_last_day_has_passed(client, festival, standard, monkeypatch):
    assert "Buy tickets" in client.get(festival.url).text
    assert "Buy tickets" in client.get(festival.url).text  # a second visit, as a cache would answer it

    next_morning = datetime.combine(festival.end_date + timedelta(days=1), time(9), tzinfo=festival.tz)
    monkeypatch.setattr(timezone, "now", lambda: next_morning)

    page = client.get(festival.url).text
    assert "Buy tickets" not in page
    assert "This festival is over" in page


def test_the_home_page_lists_an_edition_that_is_over_as_over(client, over, standard):
    page = client.get("/").text

    assert '<span class="status status--over">Over</span>' in page
    assert "On sale" not in page


def test_the_home_page_reads_the_sales_of_one_edition_or_three_in_the_same_queries(client, home, festival, standard):
    def queries_for_home_page():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries.captured_queries)

    queries_for_home_page()  # warm the site's caches (chrome, settings)
    one = queries_for_home_page()
    for year in (2027, 2028):
        edition = upsert_child(
            home, FestivalPage, slug=str(year), title=f"Festival of Resistance {year}", start_date=date(year, 10, 15),
            end_date=date(year, 10, 17), venue_name="Hall", status=FestivalPage.Status.ON_SALE,
        )  # fmt: skip
        TicketType.objects.create(festival=edition, name="Weekend", price=1000, capacity=5)
    queries_for_home_page()

    three = queries_for_home_page()

    assert three == one
