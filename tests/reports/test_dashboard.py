"""The admin home's dashboard: the figures, who sees which panel, and queries that do not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from festival import roles
from reports import figures
from tests.ticketing.factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory
from ticketing.ledger import LedgerState
from ticketing.models import Payment

from .conftest import admit, at

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")
PANEL_IDS = {
    "capacity": "dashboard-capacity-section",
    "revenue": "dashboard-revenue-section",
    "sales": "dashboard-sales-section",
    "arrivals": "dashboard-arrivals-section",
}


def test_capacity_counts_valid_tickets_of_paid_orders_per_type(known):
    assert figures.capacity(known) == [
        figures.TypeSales(name="Weekend", sold=2, capacity=10, left=6),
        figures.TypeSales(name="Day", sold=1, capacity=5, left=4),
    ]


def test_revenue_comes_from_the_ledgers_succeeded_payments_and_refunds(known):
    money = figures.revenue(known)

    assert (money.gross, money.refunded, money.net, money.refunds_pending, money.donations) == (
        12500, 3000, 9500, 1000, 500
    )  # fmt: skip


def test_sales_per_day_count_tickets_by_the_day_paid_in_the_editions_zone(known, today):
    assert figures.sales_per_day(known, today=today) == [(today - timedelta(days=1), 2), (today, 1)]


def test_arrivals_count_standing_admissions_per_hour_and_door_in_the_editions_zone(known, today):
    seen = figures.arrivals(known, day=today)

    assert seen.doors == ["Main", "Side"]
    assert seen.hours == [(at(today, 10), [1, 1], 2)]
    assert (seen.admitted, seen.not_arrived) == (2, 1)


def test_not_arrived_lists_the_sold_tickets_for_today_not_let_in(known, today):
    assert [t.attendee_name for t in figures.not_arrived(known, today)] == ["B Day"]


def test_an_edition_with_nothing_sold_has_zeros(edition, today):
    assert figures.capacity(edition) == []
    assert figures.revenue(edition) == figures.Revenue(gross=0, refunded=0, refunds_pending=0, donations=0)
    assert figures.sales_per_day(edition, today=today) == []
    assert figures.arrivals(edition, day=today) == figures.Arrivals(
        day=today, doors=[], hours=[], admitted=0, not_arrived=0
    )


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (roles.ORGANISER, {"capacity", "revenue", "sales", "arrivals"}),
        (roles.BOX_OFFICE, {"capacity", "sales", "arrivals"}),
        (roles.FINANCE, {"revenue", "sales"}),
        (roles.EDITOR, set()),
    ],
)
def test_each_role_sees_the_panels_that_fit_it(client, signed_in, known, role, shown):
    signed_in(role)

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert {name for name, panel_id in PANEL_IDS.items() if f'id="{panel_id}"' in html} == shown


def test_the_panels_show_the_figures_beside_their_charts(client, signed_in, known, today):
    signed_in(roles.ORGANISER)

    html = client.get(HOME).content.decode()

    ten = f'<time datetime="{at(today, 10).isoformat()}">10:00'
    for words in [ten, "Festival On Now: 3 of 15 places sold.", "£125", "£30", "£95", "£5",
                  "Refunds of £10 are waiting",
                  "Festival On Now: 3 tickets sold in these days.", "2 people let in today.",
                  "1 ticket for today has not arrived yet.", reverse("reports_not_arrived")]:  # fmt: skip
        assert words in html
    assert html.count('role="img"') == 2 + 2  # a meter per ticket type, the sales and arrivals charts
    assert "<title id=" in html


def test_the_not_arrived_page_lists_them_for_box_office_only(client, signed_in, known):
    signed_in(roles.BOX_OFFICE)
    listed = client.get(reverse("reports_not_arrived"))
    signed_in(roles.FINANCE)
    refused = client.get(reverse("reports_not_arrived"))

    assert (listed.status_code, refused.status_code) == (200, 403)
    assert "B Day" in listed.content.decode() and "A One" not in listed.content.decode()
    assert "B Day" not in refused.content.decode()


def test_the_arrivals_panel_says_so_when_the_edition_is_not_on_today(client, signed_in, home, festival):
    signed_in(roles.BOX_OFFICE)

    html = client.get(HOME).content.decode()

    assert "is not on today" in html


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_dashboard_takes_the_same_queries_however_much_was_sold(client, signed_in, known, today,
                                                                    django_assert_num_queries):  # fmt: skip
    signed_in(roles.ORGANISER)
    _home_queries(client)  # warm: site, settings, menu
    small = _home_queries(client)
    staff = UserFactory(username="door-2")
    extra = TicketTypeFactory(festival=known, name="Evening", capacity=50)
    for n in range(12):
        order = OrderFactory(festival=known, total=1500, donation=100, paid_at=at(today - timedelta(days=n % 2), 9))
        Payment.objects.create(order=order, amount=1500, state=LedgerState.SUCCEEDED)
        ticket = TicketFactory(ticket_type=extra, order=order)
        admit(ticket, door=f"Door {n % 4}", when=at(today, 8 + n % 6, n), staff=staff)

    with django_assert_num_queries(small):
        response = client.get(HOME)

    assert response.status_code == 200
