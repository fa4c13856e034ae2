"""Complimentary tickets from a file: one £0 paid order each, a badge each by email, all or nothing."""

import pytest

from imports.services.run import run_import
from outbox.models import OutgoingEmail
from tests.imports.conftest import csv_bytes
from ticketing.audit import history
from ticketing.models import Order, Ticket, TicketType

HEAD = ["name", "email", "ticket_type", "pronouns"]


def run(festival, user, rows, *, commit=True, content=None):
    content = content if content is not None else csv_bytes([HEAD, *rows])
    return run_import("complimentary", festival=festival, content=content, filename="people.csv", user=user,
                      publish=False, commit=commit)  # fmt: skip


@pytest.fixture
def people():
    return [
        ["Rosa Luxemburg", "rosa@example.org", "Speaker", "she/her"],
        ["Tom Mann", "tom@example.org", "volunteer", ""],
        ["Tom Mann's carer", "tom@example.org", "Volunteer", "they/them"],
    ]


def test_the_preview_writes_nothing_and_says_what_would_be_issued(festival, organiser, comp_types, people):
    result = run(festival, organiser, people, commit=False)

    assert result.ok and not result.committed
    assert [(r.number, r.label, r.detail, r.action) for r in result.rows] == [
        (2, "Rosa Luxemburg", "Speaker", "create"),
        (3, "Tom Mann", "Volunteer", "create"),
        (4, "Tom Mann's carer", "Volunteer", "create"),
    ]
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_each_person_gets_a_free_paid_order_and_their_own_badge_by_email(festival, organiser, comp_types, people):
    result = run(festival, organiser, people)

    assert result.committed and result.created == 3
    tickets = Ticket.objects.select_related("order", "ticket_type").order_by("pk")
    assert [(t.attendee_name, t.attendee_email, t.ticket_type.name, t.pronouns, t.price, t.status, t.order.total,
             t.order.status) for t in tickets] == [
        ("Rosa Luxemburg", "rosa@example.org", "Speaker", "she/her", 0, "valid", 0, "paid"),
        ("Tom Mann", "tom@example.org", "Volunteer", "", 0, "valid", 0, "paid"),
        ("Tom Mann's carer", "tom@example.org", "Volunteer", "they/them", 0, "valid", 0, "paid"),
    ]  # fmt: skip
    assert len({t.order_id for t in tickets}) == 3
    assert TicketType.objects.get(pk=comp_types["volunteer"].pk).reserved == 2
    assert [e.action for e in history(tickets[0].order)] == ["ticketing.order.complimentary_issued"]
    assert history(tickets[0].order)[0].user == organiser
    # Each confirmation went through the outbox, with that person's badge attached.
    emails = OutgoingEmail.objects.order_by("pk")
    assert sorted(e.to for e in emails) == ["rosa@example.org", "tom@example.org", "tom@example.org"]
    assert sorted(e.key for e in emails) == sorted(f"order-confirmation:{t.order_id}" for t in tickets)
    assert all(bytes(e.mime).count(b"Content-Type: application/pdf") == 1 for e in emails)


def test_every_bad_row_is_listed_with_its_number_and_nothing_is_written(festival, organiser, comp_types, people):
    rows = [
        *people,
        ["", "nobody@example.org", "Speaker", ""],  # 5: no name
        ["Ann", "not-an-email", "Speaker", ""],  # 6
        ["Bea", "bea@example.org", "Weekend", ""],  # 7: not complimentary
        ["Rosa Luxemburg", "ROSA@example.org", "Speaker", ""],  # 8: same person as row 2
        ["Cy", "cy@example.org", "Speaker", "x" * 41],  # 9
    ]
    result = run(festival, organiser, rows)

    assert not result.committed
    assert {r.number: r.messages for r in result.bad_rows} == {
        5: ["name: This is needed."],
        6: ["email: “not-an-email” is not an email address."],
        7: ["ticket_type: There is no complimentary ticket type called “Weekend”. Known: Speaker, Volunteer."],
        8: ["This person is already on row 2."],
        9: ["pronouns: At most 40 characters (this has 41)."],
    }
    assert Order.objects.count() == 0 and Ticket.objects.count() == 0


def test_more_people_than_places_left_is_refused_whole(festival, organiser, comp_types):
    comp_types["speaker"].capacity = 1
    comp_types["speaker"].save()
    result = run(festival, organiser, [["A", "a@example.org", "Speaker"], ["B", "b@example.org", "Speaker"]])

    assert result.problems == ["Speaker has 1 places left, and the file asks for 2."]
    assert not result.committed and Order.objects.count() == 0


def test_ten_thousand_rows_with_37_bad_ones_write_nothing_and_list_all_37(festival, organiser, comp_types):
    rows, bad = [], set()
    for n in range(10_000):
        row = [f"Volunteer {n}", f"v{n}@example.org", "Volunteer", ""]
        if n % 270 == 5 and n < 9_800:  # 37 of them, spread through the file
            row[1] = f"v{n}-at-example.org"
            bad.add(n + 2)
        rows.append(row)
    assert len(bad) == 37

    result = run(festival, organiser, rows)

    assert {r.number for r in result.bad_rows} == bad
    assert len(result.rows) == 10_000 and not result.committed
    assert Order.objects.count() == 0 and TicketType.objects.get(pk=comp_types["volunteer"].pk).reserved == 0
