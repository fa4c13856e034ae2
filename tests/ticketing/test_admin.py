"""The shop in the Wagtail admin: lists without N+1, inspect, refund and cancel, roles."""

from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from festival import roles
from ticketing.models import Order, Ticket, TicketType, Voucher

from .helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, home):
    user = get_user_model().objects.create_superuser("boss", "boss@festival.invalid", "pw")
    client.force_login(user)
    return client


def paid_order(festival, ticket_type, n, *, tickets=1):
    order = Order.objects.create(
        festival=festival, buyer_name=f"Buyer {n}", buyer_email=f"b{n}@example.org", status=Order.Status.PAID
    )
    for _ in range(tickets):
        Ticket.objects.create(order=order, ticket_type=ticket_type, attendee_name=f"A {n}", status="valid", price=0)
    return order


@contextmanager
def meanwhile(model, write):
    """Run ``write`` (another request committing) after the admin view read the row, just before it saves."""

    def receiver(sender, instance, **kwargs):
        write()

    pre_save.connect(receiver, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(receiver, sender=model)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["orders", "ticket_types", "vouchers", "waiting_list"])
def test_admin_lists_take_the_same_queries_for_one_and_three_rows(admin_client, festival, standard, name):
    url = reverse(f"{name}:index")
    paid_order(festival, standard, 0)
    queries_for(admin_client, url)  # warm caches (site, settings, menu)
    one = queries_for(admin_client, url)
    paid_order(festival, standard, 1)
    paid_order(festival, standard, 2)
    TicketType.objects.create(festival=festival, name="Day", price=1000, capacity=5)
    TicketType.objects.create(festival=festival, name="Night", price=1000, capacity=5)

    three = queries_for(admin_client, url)

    assert three == one


def test_orders_can_be_searched_by_code_and_email(admin_client, festival, standard):
    wanted = paid_order(festival, standard, 1)
    paid_order(festival, standard, 2)

    by_code = admin_client.get(reverse("orders:index"), {"q": wanted.code})
    by_email = admin_client.get(reverse("orders:index"), {"q": "b2@example.org"})

    assert wanted.code in by_code.text
    assert "b2@example.org" in by_email.text
    assert "b1@example.org" not in by_email.text


def test_order_inspect_view_shows_the_stripe_references(admin_client, festival, standard):
    order = paid_order(festival, standard, 1)
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id="pi_test_abc")

    response = admin_client.get(reverse("orders:inspect", args=[order.pk]))

    assert response.status_code == 200
    assert "pi_test_abc" in response.text
    assert reverse("ticketing_order_refund", args=[order.pk]) in response.text


def test_admin_cannot_add_orders_by_hand(admin_client, home):
    response = admin_client.get(reverse("orders:add"))

    assert response.status_code in (302, 403)


def test_refund_selected_tickets_from_the_admin(admin_client, festival, standard, stripe_emulator):
    _, order = place(admin_client, festival, standard, 2)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)
    from ticketing.services import payments

    payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    first = order.tickets.order_by("pk").first()

    response = admin_client.post(
        reverse("ticketing_order_refund", args=[order.pk]), {"step": "confirm", "tickets": [first.pk]}
    )

    first.refresh_from_db()
    order.refresh_from_db()
    assert response.status_code == 302
    assert first.status == Ticket.Status.REFUNDED
    assert order.refunded_amount == 3500
    assert TicketType.objects.get(pk=standard.pk).reserved == 1


def test_cancel_from_the_admin_frees_the_places_without_moving_money(admin_client, festival, standard):
    order = paid_order(festival, standard, 1, tickets=2)
    TicketType.objects.filter(pk=standard.pk).update(reserved=2)
    ids = list(order.tickets.values_list("pk", flat=True))

    admin_client.post(reverse("ticketing_order_cancel", args=[order.pk]), {"step": "confirm", "tickets": ids})

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert TicketType.objects.get(pk=standard.pk).reserved == 0


def test_cancel_selected_tickets_from_the_admin_frees_their_places_without_moving_money(
    admin_client, festival, standard
):
    order = paid_order(festival, standard, 1, tickets=2)
    TicketType.objects.filter(pk=standard.pk).update(reserved=2)
    first, second = order.tickets.order_by("pk")
    url = reverse("ticketing_order_cancel", args=[order.pk])

    admin_client.post(url, {"step": "confirm", "tickets": [first.pk]})
    order.refresh_from_db()
    after_one = (order.status, TicketType.objects.get(pk=standard.pk).reserved)
    admin_client.post(url, {"step": "confirm", "tickets": [second.pk]})

    order.refresh_from_db()
    assert after_one == (Order.Status.PAID, 1)
    assert order.status == Order.Status.CANCELLED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert (order.refunded_amount, TicketType.objects.get(pk=standard.pk).reserved) == (0, 0)


def test_an_order_part_refunded_in_stripe_says_which_tickets_to_cancel(admin_client, festival, standard):
    order = paid_order(festival, standard, 1, tickets=2)
    Order.objects.filter(pk=order.pk).update(problem="refunded_in_stripe", refunded_amount=0)

    page = admin_client.get(reverse("ticketing_order_refund", args=[order.pk]))

    assert page.status_code == 200
    assert reverse("ticketing_order_cancel", args=[order.pk]) in page.text
    assert "was refunded in Stripe's dashboard" in page.text


def test_cancelling_no_tickets_or_a_ticket_no_longer_valid_is_refused(admin_client, festival, standard):
    from ticketing.services import refunds
    from ticketing.services.errors import ShopError

    order = paid_order(festival, standard, 1, tickets=2)
    first = order.tickets.order_by("pk").first()
    Ticket.objects.filter(pk=first.pk).update(status=Ticket.Status.REFUNDED)

    for ids in ([], [first.pk]):
        with pytest.raises(ShopError) as error:
            refunds.cancel_tickets(order=order, ticket_ids=ids)
        assert error.value.code == "not_cancellable"
    assert order.tickets.filter(status=Ticket.Status.CANCELLED).count() == 0


def test_roles_get_the_shop_permissions_they_need(home):
    groups = roles.sync_roles()

    def can(role, perm):
        user = get_user_model().objects.create_user(f"u-{role}-{perm}".replace(" ", "")[:150])
        user.groups.add(groups[role])
        return user.has_perm(perm)

    assert can(roles.BOX_OFFICE, "ticketing.refund_order")
    assert can(roles.BOX_OFFICE, "ticketing.change_tickettype")
    assert can(roles.ORGANISER, "ticketing.refund_order")
    assert can(roles.FINANCE, "ticketing.view_order")
    assert not can(roles.FINANCE, "ticketing.refund_order")
    assert not can(roles.DOOR_STAFF, "ticketing.view_order")


def test_finance_cannot_open_the_refund_page(client, festival, standard):
    groups = roles.sync_roles()
    user = get_user_model().objects.create_user("femi")
    user.groups.add(groups[roles.FINANCE])
    client.force_login(user)
    order = paid_order(festival, standard, 1)

    ids = list(order.tickets.values_list("pk", flat=True))
    response = client.post(reverse("ticketing_order_cancel", args=[order.pk]), {"step": "confirm", "tickets": ids})

    order.refresh_from_db()
    assert response.status_code == 403
    assert order.status == Order.Status.PAID


def ticket_type_form(ticket_type, **changes):
    data = {
        "festival": ticket_type.festival_id,
        "name": ticket_type.name,
        "description": ticket_type.description,
        "pricing": ticket_type.pricing,
        "price": ticket_type.price,
        "min_price": ticket_type.min_price,
        "suggested_price": ticket_type.suggested_price,
        "capacity": ticket_type.capacity,
        "valid_days": "[]",
        "sale_starts_at": "",
        "sale_ends_at": "",
        "max_per_order": ticket_type.max_per_order,
        "sort_order": ticket_type.sort_order,
    }
    data.update(changes)
    return data


def voucher_form(festival, **changes):
    data = {"festival": festival.pk, "code": "UNION", "kind": "percent", "percent_off": "10", "amount_off": "0",
            "max_uses": "10", "valid_until": ""}  # fmt: skip
    data.update(changes)
    return data


def test_editing_a_ticket_type_keeps_the_reservations_made_during_the_edit(admin_client, festival, standard):
    url = reverse("ticket_types:edit", args=[standard.pk])

    with meanwhile(TicketType, lambda: TicketType.objects.filter(pk=standard.pk).update(reserved=F("reserved") + 4)):
        response = admin_client.post(url, ticket_type_form(standard, capacity=120))

    fresh = TicketType.objects.get(pk=standard.pk)
    assert response.status_code == 302
    assert (fresh.capacity, fresh.reserved) == (120, 4)


def test_editing_a_voucher_keeps_the_uses_counted_during_the_edit(admin_client, festival):
    voucher = Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)
    url = reverse("vouchers:edit", args=[voucher.pk])

    with meanwhile(Voucher, lambda: Voucher.objects.filter(pk=voucher.pk).update(times_used=F("times_used") + 1)):
        response = admin_client.post(url, voucher_form(festival, max_uses="12"))

    fresh = Voucher.objects.get(pk=voucher.pk)
    assert response.status_code == 302
    assert (fresh.max_uses, fresh.times_used) == (12, 1)


def test_editing_a_buyer_keeps_a_cancellation_made_during_the_edit(admin_client, festival, standard):
    order = paid_order(festival, standard, 1)
    url = reverse("orders:edit", args=[order.pk])

    with meanwhile(Order, lambda: Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)):
        response = admin_client.post(url, {"buyer_name": "Clara Zetkin", "buyer_email": "clara@example.org"})

    fresh = Order.objects.get(pk=order.pk)
    assert response.status_code == 302
    assert (fresh.buyer_name, fresh.buyer_email, fresh.status) == (
        "Clara Zetkin",
        "clara@example.org",
        Order.Status.CANCELLED,
    )


def test_adding_a_voucher_whose_code_differs_only_in_case_shows_a_form_error(admin_client, festival):
    Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)

    response = admin_client.post(reverse("vouchers:add"), voucher_form(festival, code=" union "))

    assert response.status_code == 200
    assert "already exists" in response.text
    assert list(Voucher.objects.values_list("code", flat=True)) == ["UNION"]


def test_voucher_added_in_lower_case_is_stored_in_upper_case(admin_client, festival):
    response = admin_client.post(reverse("vouchers:add"), voucher_form(festival, code="solidarity26"))

    assert response.status_code == 302
    assert list(Voucher.objects.values_list("code", flat=True)) == ["SOLIDARITY26"]
