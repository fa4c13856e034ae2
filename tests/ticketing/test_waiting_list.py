"""Waiting list: join when sold out, offers in order by email, time-limited links; voucher uses under a race."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone

from ticketing.models import Order, TicketType, Voucher, WaitingListEntry
from ticketing.services import capacity, checkout, orders, refunds, waiting_list
from ticketing.services.errors import ShopError

from .helpers import place, shop_url


@pytest.fixture
def tiny(festival):
    return TicketType.objects.create(festival=festival, name="Weekend", price=1000, capacity=1)


def test_joining_is_refused_while_tickets_are_left(festival, tiny):
    with pytest.raises(ShopError) as error:
        waiting_list.join_waiting_list(festival=festival, name="Ada", email="ada@example.org")

    assert error.value.code == "not_sold_out"
    assert WaitingListEntry.objects.count() == 0


def test_sold_out_shop_offers_the_waiting_list(client, festival, tiny, stripe_emulator):
    place(client, festival, tiny, 1)

    page = client.get(shop_url(festival))
    response = client.post(
        shop_url(festival) + "waiting-list/", {"name": "Ada", "email": "Ada@Example.org", "quantity": "1"}
    )
    again = client.post(
        shop_url(festival) + "waiting-list/", {"name": "Ada", "email": "ada@example.org", "quantity": 1}
    )

    assert "join the waiting list" in page.text
    assert response.status_code == 302
    assert again.status_code == 400
    assert "already on the waiting list" in again.text
    assert list(WaitingListEntry.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_a_buyer_who_finds_the_edition_sold_out_is_offered_the_waiting_list_with_their_details(
    client, festival, tiny, stripe_emulator
):
    place(client, festival, tiny, 1)

    response, _ = place(client, festival, tiny, 1, buyer_name="Ada Lovelace", buyer_email="ada@example.org")

    assert response.status_code == 409
    assert "Sorry, Weekend tickets have just sold out." in response.text
    assert "Sold out: join the waiting list" in response.text
    assert 'name="name" id="id_name" value="Ada Lovelace"' in response.text
    assert 'name="email" id="id_email" value="ada@example.org"' in response.text
    assert "Continue: name your attendees" not in response.text  # nothing left to choose
    assert WaitingListEntry.objects.count() == 0


def test_a_buyer_who_finds_one_type_sold_out_can_still_choose_another(client, festival, tiny, standard):
    TicketType.objects.filter(pk=tiny.pk).update(reserved=1)  # sold out, while Standard has room

    response, _ = place(client, festival, tiny, 1)

    assert response.status_code == 409
    assert "Continue: name your attendees" in response.text
    assert "join the waiting list" not in response.text


@pytest.mark.django_db(transaction=True)
def test_released_ticket_is_offered_to_the_first_in_line_only(client, festival, tiny, stripe_emulator):
    _, order = place(client, festival, tiny, 1)
    waiting_list.join_waiting_list(festival=festival, name="First", email="first@example.org")
    waiting_list.join_waiting_list(festival=festival, name="Second", email="second@example.org")

    orders.release_hold(order=order)  # the buyer never paid

    first, second = WaitingListEntry.objects.order_by("created_at")
    assert (first.status, second.status) == ("offered", "waiting")
    assert [m.to for m in mail.outbox] == [["first@example.org"]]
    assert f"?offer={first.offer_token}" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_public_buyer_cannot_take_a_ticket_promised_to_the_waiting_list(client, festival, tiny, stripe_emulator):
    _, order = place(client, festival, tiny, 1)
    waiting_list.join_waiting_list(festival=festival, name="First", email="first@example.org")
    orders.release_hold(order=order)
    entry = WaitingListEntry.objects.get()

    stranger, _ = place(client, festival, tiny, 1, buyer_email="stranger@example.org")
    offered, offered_order = place(client, festival, tiny, 1, buyer_email="first@example.org", offer=entry.offer_token)

    entry.refresh_from_db()
    assert stranger.status_code == 409
    assert offered.status_code == 303
    assert offered_order.buyer_email == "first@example.org"
    assert entry.status == WaitingListEntry.Status.BOUGHT


def test_expired_offer_link_is_refused(client, festival, tiny, stripe_emulator):
    entry = WaitingListEntry.objects.create(
        festival=festival,
        name="Late",
        email="late@example.org",
        status=WaitingListEntry.Status.OFFERED,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )

    page = client.get(shop_url(festival), {"offer": entry.offer_token})

    assert "That offer link has expired or has already been used." in page.text


def test_lapsed_offers_pass_to_the_next_person(festival, tiny):
    TicketType.objects.filter(pk=tiny.pk).update(capacity=2, reserved=1)
    first = WaitingListEntry.objects.create(
        festival=festival,
        name="First",
        email="first@example.org",
        status=WaitingListEntry.Status.OFFERED,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    second = WaitingListEntry.objects.create(festival=festival, name="Second", email="second@example.org")

    waiting_list.offer_released_tickets(festival=festival)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("lapsed", "offered")


def test_the_sweep_passes_a_lapsed_offer_to_the_next_person(festival, tiny, django_capture_on_commit_callbacks):
    TicketType.objects.filter(pk=tiny.pk).update(capacity=2, reserved=1)
    first = WaitingListEntry.objects.create(
        festival=festival,
        name="First",
        email="first@example.org",
        status=WaitingListEntry.Status.OFFERED,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    second = WaitingListEntry.objects.create(festival=festival, name="Second", email="second@example.org")
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_lapsed_holds", stdout=out)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("lapsed", "offered")
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    assert "offers_lapsed: 1" in out.getvalue()
    assert "offers_made: 1" in out.getvalue()


def test_the_sweep_leaves_open_offers_alone(festival, tiny):
    TicketType.objects.filter(pk=tiny.pk).update(capacity=2, reserved=1)
    first = WaitingListEntry.objects.create(
        festival=festival,
        name="First",
        email="first@example.org",
        status=WaitingListEntry.Status.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=1),
    )
    second = WaitingListEntry.objects.create(festival=festival, name="Second", email="second@example.org")

    from ticketing.services import payments

    results = payments.sweep_lapsed_holds()

    first.refresh_from_db()
    second.refresh_from_db()
    assert results == {}
    assert (first.status, second.status) == ("offered", "waiting")


@pytest.mark.django_db(transaction=True)
def test_one_offer_link_buys_only_one_order_when_used_twice_at_once(festival):
    free = TicketType.objects.create(festival=festival, name="Weekend", price=0, capacity=10)
    entry = WaitingListEntry.objects.create(
        festival=festival,
        name="Ada",
        email="ada@example.org",
        status=WaitingListEntry.Status.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=1),
    )
    both_read_the_offer = threading.Barrier(2, timeout=10)

    def wait_for_the_other(sender, instance, **kwargs):
        both_read_the_offer.wait()  # each buyer has checked the offer before either takes it

    def buy(n):
        try:
            checkout.place_order(
                festival=festival,
                buyer_name="Ada",
                buyer_email="ada@example.org",
                lines=[orders.LineRequest(ticket_type_id=free.pk, quantity=1)],
                attendee_names=[f"Ada {n}"],
                offer_token=entry.offer_token,
            )
            return "ok"
        except ShopError as exc:
            return exc.code
        finally:
            connection.close()

    post_init.connect(wait_for_the_other, sender=WaitingListEntry, weak=False)
    try:
        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(buy, range(2)))
    finally:
        post_init.disconnect(wait_for_the_other, sender=WaitingListEntry)

    assert outcomes == ["offer_invalid", "ok"]
    assert Order.objects.count() == 1
    assert TicketType.objects.get(pk=free.pk).reserved == 1
    assert WaitingListEntry.objects.get(pk=entry.pk).status == WaitingListEntry.Status.BOUGHT


@pytest.mark.django_db(transaction=True)
def test_refund_offers_the_freed_place(client, festival, tiny, stripe_emulator):
    _, order = place(client, festival, tiny, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)
    from ticketing.services import payments

    payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    waiting_list.join_waiting_list(festival=festival, name="Next", email="next@example.org")

    refunds.refund_order(order=Order.objects.get(pk=order.pk))

    assert WaitingListEntry.objects.get().status == WaitingListEntry.Status.OFFERED


@pytest.mark.django_db(transaction=True)
def test_voucher_uses_are_counted_safely_when_buyers_race(festival, stripe_emulator):
    free = TicketType.objects.create(festival=festival, name="Comp", capacity=50, is_complimentary=True)
    voucher = Voucher.objects.create(festival=festival, code="CREW", kind=Voucher.Kind.UNLOCK, max_uses=5)
    voucher.unlocks.add(free)

    def buy(n):
        try:
            checkout.place_order(
                festival=festival,
                buyer_name=f"Crew {n}",
                buyer_email=f"crew{n}@example.org",
                lines=[orders.LineRequest(ticket_type_id=free.pk, quantity=1)],
                attendee_names=[f"Crew {n}"],
                voucher_code="CREW",
            )
            return "ok"
        except ShopError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(buy, range(12)))

    assert outcomes.count("ok") == 5
    assert set(outcomes) == {"ok", "voucher_used_up"}
    assert Voucher.objects.get(pk=voucher.pk).times_used == 5
    assert TicketType.objects.get(pk=free.pk).reserved == 5


def test_stock_keeps_aside_only_open_offers_and_lists_types_in_shop_order(festival, tiny):
    TicketType.objects.create(festival=festival, name="Day", price=500, capacity=10, sort_order=-1)
    now = timezone.now()
    offered = {"festival": festival, "status": WaitingListEntry.Status.OFFERED}
    WaitingListEntry.objects.create(name="Open", email="o@example.org", quantity=2, **offered,
                                    offer_expires_at=now + timedelta(hours=1))  # fmt: skip
    WaitingListEntry.objects.create(name="Lapsed", email="l@example.org", quantity=3, **offered,
                                    offer_expires_at=now - timedelta(minutes=1))  # fmt: skip
    WaitingListEntry.objects.create(
        festival=festival, name="Bought", email="b@example.org", quantity=4, status=WaitingListEntry.Status.BOUGHT
    )

    snapshot = capacity.stock(festival, now)

    assert [t.name for t in snapshot.types] == ["Day", "Weekend"]
    assert snapshot.promised == 2
    assert snapshot.public_left == 10 + 1 - 2


def test_a_sold_out_answer_is_not_logged_as_a_warning_but_a_bad_request_still_is(
    client, festival, tiny, stripe_emulator, caplog
):
    place(client, festival, tiny, 1)

    with caplog.at_level("WARNING", logger="django.request"):
        sold_out, _ = place(client, festival, tiny, 1, buyer_email="late@example.org")
        bad = client.post(shop_url(festival), {"step": "pay", f"qty_{tiny.pk}": "-1"})

    assert (sold_out.status_code, bad.status_code) == (409, 400)
    assert [r.status_code for r in caplog.records if r.name == "django.request"] == [400]
