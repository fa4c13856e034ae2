"""Concurrency: 200 buyers race for 100 tickets over real parallel HTTP requests (none oversold, no
server errors); a stale copy of a row, saved, never undoes what the services wrote meanwhile.

Runs on whichever database the suite runs on (SQLite and PostgreSQL in ``make test``).
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.db import IntegrityError, connections
from django.db.models import F
from django.utils import timezone

from ticketing.models import Order, Ticket, TicketType, Voucher, WaitingListEntry
from ticketing.services import orders

from ..guards import constraint_names, without_constraint
from .factories import OrderFactory, TicketTypeFactory
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


NEVER_OVERSOLD = "ticket_type_never_oversold"
RACERS = 8


def _reset_reserved():
    TicketType.objects.update(reserved=0)


def _check_stock_then_take_one_each(ticket_type):
    """Racers that each read the stock, see room, and then take a ticket: the check and the write
    apart, as the shop's guarded UPDATE never does. The barrier lets every one read before any writes."""
    all_read = threading.Barrier(RACERS, timeout=30)

    def take():
        try:
            row = TicketType.objects.get(pk=ticket_type.pk)
            all_read.wait()
            if row.reserved >= row.capacity:
                return "sold_out"
            try:
                TicketType.objects.filter(pk=ticket_type.pk).update(reserved=F("reserved") + 1)
            except IntegrityError:
                return "refused"
            return "taken"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(RACERS) as pool:
        return Counter(pool.map(lambda _: take(), range(RACERS)))


@pytest.mark.postgres_only
def test_without_the_never_oversold_constraint_buyers_who_check_then_take_oversell(festival):
    ticket_type = TicketType.objects.create(festival=festival, name="Last one", price=2500, capacity=1)
    with without_constraint(TicketType, NEVER_OVERSOLD, clean_up=_reset_reserved):
        outcomes = _check_stock_then_take_one_each(ticket_type)
        reserved = TicketType.objects.get(pk=ticket_type.pk).reserved

    assert outcomes == {"taken": RACERS}
    assert reserved == RACERS  # capacity 1
    assert NEVER_OVERSOLD in constraint_names(TicketType)  # put back for the tests that follow


@pytest.mark.postgres_only
def test_with_the_never_oversold_constraint_buyers_who_check_then_take_get_one_ticket(festival):
    ticket_type = TicketType.objects.create(festival=festival, name="Last one", price=2500, capacity=1)

    outcomes = _check_stock_then_take_one_each(ticket_type)

    assert outcomes == {"taken": 1, "refused": RACERS - 1}
    assert TicketType.objects.get(pk=ticket_type.pk).reserved == 1


@pytest.mark.postgres_only
def test_without_the_never_oversold_constraint_the_shops_guarded_update_still_sells_no_more_than_capacity(
    festival, live_site
):
    capacity, buyers = 5, 20
    ticket_type = TicketType.objects.create(festival=festival, name="Weekend", price=2500, capacity=capacity)
    url = live_site.url + shop_url(festival)
    all_ready = threading.Barrier(buyers, timeout=60)

    def buy(n):
        with requests.Session() as session:
            session.get(url, timeout=60)
            data = order_form(ticket_type, 1, buyer_email=f"buyer{n}@example.org")
            data["csrfmiddlewaretoken"] = session.cookies["csrftoken"]
            all_ready.wait()
            response = session.post(url, data=data, allow_redirects=False, timeout=60, headers={"Referer": url})
            return response.status_code

    with without_constraint(TicketType, NEVER_OVERSOLD, clean_up=_reset_reserved):
        with ThreadPoolExecutor(buyers) as pool:
            statuses = Counter(pool.map(buy, range(buyers)))
        reserved = TicketType.objects.get(pk=ticket_type.pk).reserved

    assert statuses == {303: capacity, 409: buyers - capacity}
    assert reserved == capacity


@pytest.mark.django_db
def test_saving_a_stale_ticket_type_keeps_the_reservations_made_meanwhile(festival):
    ticket_type = TicketTypeFactory(festival=festival, name="Weekend", capacity=100)
    stale = TicketType.objects.get(pk=ticket_type.pk)
    TicketType.objects.filter(pk=ticket_type.pk).update(reserved=F("reserved") + 3)  # buyers, meanwhile

    stale.name = "Weekend pass"
    stale.save()

    fresh = TicketType.objects.get(pk=ticket_type.pk)
    assert (fresh.name, fresh.reserved) == ("Weekend pass", 3)


@pytest.mark.django_db
def test_saving_a_stale_voucher_keeps_the_uses_counted_meanwhile(festival):
    voucher = Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)
    stale = Voucher.objects.get(pk=voucher.pk)
    Voucher.objects.filter(pk=voucher.pk).update(times_used=F("times_used") + 2)

    stale.max_uses = 20
    stale.save()

    fresh = Voucher.objects.get(pk=voucher.pk)
    assert (fresh.max_uses, fresh.times_used) == (20, 2)


@pytest.mark.django_db
def test_saving_a_stale_order_keeps_the_status_and_refund_written_meanwhile(festival):
    order = OrderFactory(festival=festival, total=3000)
    stale = Order.objects.get(pk=order.pk)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED, refunded_amount=3000)

    stale.buyer_name = "Rosa Luxemburg"
    stale.save()

    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.buyer_name, fresh.status, fresh.refunded_amount) == ("Rosa Luxemburg", Order.Status.REFUNDED, 3000)


@pytest.mark.django_db
def test_saving_a_stale_waiting_list_entry_keeps_the_offer_made_meanwhile(festival):
    entry = WaitingListEntry.objects.create(festival=festival, name="Ada", email="ada@example.org")
    stale = WaitingListEntry.objects.get(pk=entry.pk)
    expires = timezone.now() + timedelta(hours=48)
    WaitingListEntry.objects.filter(pk=entry.pk).update(status="offered", offer_expires_at=expires)

    stale.name = "Ada Lovelace"
    stale.save()

    fresh = WaitingListEntry.objects.get(pk=entry.pk)
    assert (fresh.name, fresh.status, fresh.offer_expires_at) == ("Ada Lovelace", "offered", expires)
