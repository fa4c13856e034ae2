"""Exports of an edition's orders, tickets, check-ins, payments and refunds, as CSV and XLSX."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage
from reports import exports
from tests.ticketing.factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory
from ticketing.ledger import LedgerState, MadeBy
from ticketing.models import CheckIn, Order, Payment, Refund, Ticket

from .conftest import PERMITTED, REFUSED

pytestmark = pytest.mark.django_db

URL = reverse("reports_exports")
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def rows_of(response) -> list[list]:
    """The cells of a downloaded file, CSV or XLSX, heading row first."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def download(client, festival, dataset, file_format):
    return client.get(URL, {"edition": festival.pk, "dataset": dataset, "file_format": file_format})


@pytest.fixture
def sales(festival):
    """One paid order of two tickets, a payment, a part refund of one ticket, and a check-in."""
    weekend = TicketTypeFactory(festival=festival, name="Weekend", price=3500)
    order = OrderFactory(
        festival=festival,
        buyer_name="Zoë Kravitz",
        total=8000,
        donation=1000,
        paid_at=datetime(2026, 9, 1, 9, 30, tzinfo=UTC),
    )
    first = TicketFactory(ticket_type=weekend, order=order, attendee_name="Ada Lovelace", price=3500)
    second = TicketFactory(ticket_type=weekend, order=order, attendee_name="Grace Hopper", price=3500)
    Payment.objects.create(order=order, amount=8000, state=LedgerState.SUCCEEDED, stripe_payment_intent_id="pi_1")
    boss = UserFactory(username="boss")
    refund = Refund.objects.create(
        order=order, amount=3500, state=LedgerState.SUCCEEDED, made_by=MadeBy.STAFF, created_by=boss,
        idempotency_key="refund-1", reason="Cannot come",
    )  # fmt: skip
    refund.tickets.add(second)
    Ticket.objects.filter(pk=second.pk).update(status=Ticket.Status.REFUNDED)
    door = UserFactory(username="dev")
    CheckIn.objects.create(
        festival=festival, ticket=first, code=first.secret, result=CheckIn.Result.ADMITTED, day=festival.start_date,
        door="Main gate", staff=door, nonce="n1", scanned_at=datetime(2026, 10, 16, 8, 5, tzinfo=UTC),
    )  # fmt: skip
    return {"order": order, "first": first, "second": second, "refund": refund}


@pytest.mark.parametrize("role", PERMITTED)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_box_office_finance_and_organisers_download_each_dataset(client, signed_in, festival, sales, role, file_format):
    signed_in(role)

    responses = {name: download(client, festival, name, file_format) for name in exports.DATASETS}

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(exports.DATASETS, 200)
    assert all(r["Content-Disposition"].startswith("attachment;") for r in responses.values())
    assert {name: len(rows_of(r)) for name, r in responses.items()} == {
        "orders": 2, "tickets": 3, "checkins": 2, "payments": 2, "refunds": 2,
    }  # fmt: skip


@pytest.mark.parametrize("role", REFUSED)
def test_editors_and_door_staff_get_403_and_no_file(client, signed_in, festival, sales, role):
    signed_in(role)

    page = client.get(URL)
    response = download(client, festival, "orders", "csv")

    assert (page.status_code, response.status_code) == (403, 403)
    assert "Content-Disposition" not in response
    assert "Zoë" not in response.content.decode()


def test_the_exports_page_offers_the_editions_datasets_and_formats(client, signed_in, festival):
    signed_in(roles.FINANCE)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert festival.title in html
    assert all(f'value="{name}"' in html for name in [*exports.DATASETS, "csv", "xlsx"])


def test_the_exports_menu_item_shows_only_to_those_who_may_export(client, signed_in, festival):
    signed_in(roles.FINANCE)
    finance_home = client.get(reverse("wagtailadmin_home")).content.decode()
    signed_in(roles.EDITOR)
    editor_home = client.get(reverse("wagtailadmin_home")).content.decode()

    assert (URL in finance_home, URL in editor_home) == (True, False)


@pytest.mark.parametrize("dataset", list(exports.DATASETS))
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_edition_with_no_orders_gives_the_heading_row_only(client, signed_in, festival, sales, dataset, file_format):
    empty = upsert_child(
        festival.get_parent(), FestivalPage, slug="2027", title="Festival 2027", start_date=festival.start_date,
        end_date=festival.end_date, venue_name="Hall",
    )  # fmt: skip
    signed_in(roles.ORGANISER)

    rows = rows_of(download(client, empty, dataset, file_format))

    headings = exports.DATASETS[dataset].resource(festival=empty).get_export_headers()
    assert rows == [headings]


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_cell_that_starts_like_a_formula_is_neutralised(client, signed_in, festival, start, file_format):
    weekend = TicketTypeFactory(festival=festival, name=f"{start}SUM(A1:A9)")
    name = f'{start}HYPERLINK("http://evil.invalid","Click")'
    order = OrderFactory(festival=festival, buyer_name=name, buyer_email="a@example.org")
    TicketFactory(ticket_type=weekend, order=order, attendee_name=name, pronouns=f"{start}1+1")
    signed_in(roles.FINANCE)

    orders = rows_of(download(client, festival, "orders", file_format))
    tickets = rows_of(download(client, festival, "tickets", file_format))

    assert orders[1][orders[0].index("Buyer name")] == "'" + name
    row = dict(zip(tickets[0], tickets[1], strict=True))
    assert (row["Attendee name"], row["Ticket type"], row["Pronouns"], row["Buyer name"]) == (
        "'" + name, f"'{start}SUM(A1:A9)", f"'{start}1+1", "'" + name
    )  # fmt: skip


def test_no_formula_reaches_the_xlsx_file(client, signed_in, festival):
    """openpyxl stores a text cell starting with "=" as a formula; a neutralised one stays text."""
    order = OrderFactory(festival=festival, buyer_name='=HYPERLINK("http://evil.invalid")')
    TicketFactory(ticket_type=TicketTypeFactory(festival=festival), order=order)
    signed_in(roles.FINANCE)

    response = download(client, festival, "orders", "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells if cell.data_type == "f"] == []
    assert '\'=HYPERLINK("http://evil.invalid")' in [cell.value for cell in cells]


def test_neutralise_leaves_other_text_and_numbers_alone():
    assert [exports.neutralise(v) for v in ["Rosa", " =1", "a-b", 3, None, "", "-"]] == [
        "Rosa", " =1", "a-b", 3, None, "", "'-",
    ]  # fmt: skip


def test_orders_export_shows_money_in_pounds_and_times_in_the_editions_zone(client, signed_in, festival, sales):
    signed_in(roles.FINANCE)

    csv_rows = rows_of(download(client, festival, "orders", "csv"))
    xlsx_rows = rows_of(download(client, festival, "orders", "xlsx"))

    order = sales["order"]
    row = dict(zip(csv_rows[0], csv_rows[1], strict=True))
    assert row["Order code"] == order.code
    assert row["Buyer name"] == "Zoë Kravitz"
    assert (row["Total (£)"], row["Donation (£)"], row["Tickets"], row["Status"]) == ("80.00", "10.00", "2", "Paid")
    assert row["Paid at"] == "2026-09-01T10:30:00+01:00"  # British Summer Time
    xlsx = dict(zip(xlsx_rows[0], xlsx_rows[1], strict=True))
    assert (xlsx["Total (£)"], xlsx["Tickets"]) == (80, 2)


def test_tickets_check_ins_payments_and_refunds_name_what_they_relate_to(client, signed_in, festival, sales):
    signed_in(roles.BOX_OFFICE)

    tables = {name: rows_of(download(client, festival, name, "csv")) for name in ("tickets", "checkins", "refunds",
                                                                                    "payments")}  # fmt: skip

    first, second, order = sales["first"], sales["second"], sales["order"]
    tickets = [dict(zip(tables["tickets"][0], row, strict=True)) for row in tables["tickets"][1:]]
    assert [(t["Ticket number"], t["Ticket type"], t["Order code"], t["Status"], t["Price (£)"]) for t in tickets] == [
        (str(first.pk), "Weekend", order.code, "Valid", "35.00"),
        (str(second.pk), "Weekend", order.code, "Refunded", "35.00"),
    ]
    check_in = dict(zip(*tables["checkins"], strict=True))
    assert (check_in["Door staff"], check_in["Door"], check_in["Attendee name"], check_in["Order code"]) == (
        "dev", "Main gate", "Ada Lovelace", order.code
    )  # fmt: skip
    assert (check_in["Scanned at"], check_in["Festival day"], check_in["Scanned offline"]) == (
        "2026-10-16T09:05:00+01:00", "2026-10-16", "No"
    )  # fmt: skip
    refund = dict(zip(*tables["refunds"], strict=True))
    assert (refund["Amount (£)"], refund["Ticket numbers"], refund["Staff member"], refund["State"]) == (
        "35.00", str(second.pk), "boss", "Succeeded"
    )  # fmt: skip
    payment = dict(zip(*tables["payments"], strict=True))
    assert (payment["Amount (£)"], payment["Order code"], payment["Stripe payment"]) == ("80.00", order.code, "pi_1")


def test_another_editions_records_are_left_out(client, signed_in, festival, sales):
    other = upsert_child(
        festival.get_parent(), FestivalPage, slug="2027", title="Festival 2027", start_date=festival.start_date,
        end_date=festival.end_date, venue_name="Hall",
    )  # fmt: skip
    TicketFactory(ticket_type=TicketTypeFactory(festival=other), attendee_name="Elsewhere")
    signed_in(roles.ORGANISER)

    tickets = rows_of(download(client, festival, "tickets", "csv"))

    assert [row[tickets[0].index("Attendee name")] for row in tickets[1:]] == ["Ada Lovelace", "Grace Hopper"]


def _queries(festival, dataset):
    with CaptureQueriesContext(connection) as context:
        exports.export(festival=festival, dataset=dataset, file_format="csv")
    return len(context.captured_queries)


@pytest.mark.parametrize("dataset", list(exports.DATASETS))
def test_an_export_takes_the_same_queries_for_one_order_and_for_five(festival, sales, dataset):
    one = _queries(festival, dataset)
    door = UserFactory(username="door2")
    for n in range(4):
        ticket = TicketFactory(ticket_type=sales["first"].ticket_type, attendee_name=f"A {n}")
        Payment.objects.create(order=ticket.order, amount=3000, state=LedgerState.SUCCEEDED)
        refund = Refund.objects.create(order=ticket.order, amount=3000, idempotency_key=f"r{n}", created_by=door)
        refund.tickets.add(ticket)
        CheckIn.objects.create(
            festival=festival, ticket=ticket, result=CheckIn.Result.ADMITTED, day=festival.start_date,
            door=f"Door {n}", staff=door, nonce=f"m{n}", scanned_at=datetime(2026, 10, 16, 9, tzinfo=UTC),
        )  # fmt: skip

    five = _queries(festival, dataset)

    assert Order.objects.filter(festival=festival).count() == 5
    assert five == one


def _ticketing_list_urls() -> list[str]:
    return [
        reverse(viewset.get_url_name("index"))
        for viewset in viewsets.viewsets
        if isinstance(viewset, ModelViewSet) and viewset.model._meta.app_label == "ticketing"
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_wagtails_list_downloads_are_refused_or_have_their_rows_filled(client, signed_in, festival, sales, file_format):
    signed_in(roles.ORGANISER)
    urls = _ticketing_list_urls()

    answers = {url: client.get(url, {"export": file_format}) for url in urls}

    assert len(urls) >= 4
    for url, response in answers.items():
        if response.status_code == 404:
            assert "Content-Disposition" not in response, url
            continue
        assert response.status_code == 200, url
        rows = rows_of(response)
        assert len(rows) > 1, url
        assert all(any(cell not in ("", None) for cell in row) for row in rows[1:]), url


def test_a_control_character_does_not_break_the_xlsx_file(client, signed_in, festival):
    order = OrderFactory(festival=festival, buyer_name="Bell\x07 Hooks")
    TicketFactory(ticket_type=TicketTypeFactory(festival=festival), order=order)
    signed_in(roles.FINANCE)

    rows = rows_of(download(client, festival, "orders", "xlsx"))

    assert rows[1][rows[0].index("Buyer name")] == "Bell\N{REPLACEMENT CHARACTER} Hooks"


def test_an_unknown_dataset_or_edition_gives_the_form_with_its_error_and_no_file(client, signed_in, festival):
    signed_in(roles.FINANCE)

    responses = [
        client.get(URL, {"edition": festival.pk, "dataset": "passwords", "file_format": "csv"}),
        client.get(URL, {"edition": "999999", "dataset": "orders", "file_format": "csv"}),
        client.get(URL, {"edition": festival.pk, "dataset": "orders", "file_format": "exe"}),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert not any("Content-Disposition" in r for r in responses)
    assert all("Select a valid choice" in r.content.decode() for r in responses)
