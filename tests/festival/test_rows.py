"""festival.rows.insert: new rows written with SQL built once, as save() would write them."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from festival import rows
from ticketing.models import Order, Ticket, TicketType


@pytest.fixture
def ticket_type(festival):
    return TicketType.objects.create(festival=festival, name="Weekend", price=3500, capacity=10)


def test_an_order_is_written_with_its_defaults_and_timestamps_and_gets_its_key(festival):
    before = timezone.now()
    order = Order(festival=festival, buyer_name="Ann", buyer_email="ann@example.org", total=3500,
                  hold_expires_at=before + timedelta(minutes=36))  # fmt: skip
    rows.insert(order)
    assert order.pk is not None and not order._state.adding
    saved = Order.objects.get(pk=order.pk)
    assert (saved.code, saved.access_token) == (order.code, order.access_token) and len(saved.access_token) >= 32
    assert saved.status == Order.Status.PENDING and saved.currency == "gbp" and saved.voucher_id is None
    assert saved.hold_expires_at == order.hold_expires_at
    assert before <= saved.created_at == order.created_at and before <= saved.updated_at


def test_several_tickets_go_in_one_statement_each_with_its_own_key_in_order(festival, ticket_type):
    order = Order(festival=festival, buyer_name="Ann", buyer_email="ann@example.org")
    rows.insert(order)
    tickets = [Ticket(order=order, ticket_type=ticket_type, attendee_name=name, price=n * 100)
               for n, name in enumerate(["Ann", "Bo", "Cy"])]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        rows.insert(*tickets)
    assert len(queries) == 1
    for ticket in tickets:
        saved = Ticket.objects.get(pk=ticket.pk)
        assert (saved.attendee_name, saved.price, saved.secret) == (ticket.attendee_name, ticket.price, ticket.secret)
        assert saved.badge_pdf.name == "" and saved.status == Ticket.Status.PENDING
    assert len({t.secret for t in tickets}) == 3


def test_a_refused_row_raises_integrity_error_and_writes_nothing(festival):
    first = Order(festival=festival, buyer_name="Ann", buyer_email="ann@example.org")
    rows.insert(first)
    clash = Order(festival=festival, buyer_name="Bo", buyer_email="bo@example.org", code=first.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(clash)
    assert clash.pk is None
    assert list(Order.objects.values_list("buyer_name", flat=True)) == ["Ann"]


def test_saved_instances_and_mixed_models_are_refused(festival, ticket_type):
    order = Order(festival=festival, buyer_name="Ann", buyer_email="ann@example.org")
    rows.insert(order)
    with pytest.raises(ValueError, match="new instances of one model"):
        rows.insert(order)
    with pytest.raises(ValueError, match="new instances of one model"):
        rows.insert(Order(festival=festival), Ticket(order=order, ticket_type=ticket_type))
    assert Order.objects.count() == 1


def test_thousands_of_tickets_go_in_as_few_statements_as_the_parameter_limit_allows(festival, ticket_type):
    order = Order(festival=festival, buyer_name="Ann", buyer_email="ann@example.org")
    rows.insert(order)
    tickets = [Ticket(order=order, ticket_type=ticket_type, attendee_name=f"Guest {n}") for n in range(5000)]
    fields = list(rows._fields(Ticket))
    per_statement = min(rows.MAX_PARAMS // len(fields), connection.ops.bulk_batch_size(fields, tickets))
    assert per_statement < 5000

    with CaptureQueriesContext(connection) as queries:
        rows.insert(*tickets)

    assert len(queries) == -(-5000 // per_statement)
    assert len({t.pk for t in tickets}) == 5000 and all(t.pk for t in tickets)
    names = dict(Ticket.objects.filter(order=order).values_list("pk", "attendee_name"))
    assert all(names[t.pk] == t.attendee_name for t in tickets)
