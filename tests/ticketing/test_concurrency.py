"""200 buyers race for 100 tickets over real parallel HTTP requests: none oversold, no server errors.

Runs on whichever database the suite runs on (SQLite and PostgreSQL in ``make test``).
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ticketing.models import Order, Ticket, TicketType
from ticketing.services import orders

from .helpers import order_form, shop_url

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 200
CAPACITY = 100
PARALLEL = 32


def test_two_hundred_buyers_race_for_one_hundred_tickets(festival, live_site):
    ticket_type = TicketType.objects.create(festival=festival, name="Weekend", price=2500, capacity=CAPACITY)
    url = live_site.url + shop_url(festival)

    def buy(n):
        with requests.Session() as session:
            session.get(url, timeout=60)
            data = order_form(ticket_type, 1, buyer_email=f"buyer{n}@example.org")
            data["csrfmiddlewaretoken"] = session.cookies["csrftoken"]
            response = session.post(url, data=data, allow_redirects=False, timeout=60, headers={"Referer": url})
            return response.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = Counter(pool.map(buy, range(BUYERS)))

    held = Ticket.objects.filter(ticket_type=ticket_type, status__in=orders.HOLDING_STATUSES).count()
    assert statuses == {303: CAPACITY, 409: BUYERS - CAPACITY}
    assert TicketType.objects.get(pk=ticket_type.pk).reserved == CAPACITY
    assert held == CAPACITY
    assert Order.objects.filter(status=Order.Status.PENDING).exclude(stripe_checkout_session_id="").count() == CAPACITY
