"""Exports of an edition's orders, tickets, check-ins, payments and refunds, as CSV or XLSX.

One django-import-export resource per model, each filtered by edition, with human headings,
money in pounds (the heading says so), times in ISO 8601 in the edition's time zone, and the
related names (ticket type, order code, door staff) fetched with the rows.

Every text cell that a spreadsheet could read as a formula is neutralised in one place
(``neutralise``, through ``EditionResource.export_field``), so CSV and XLSX get the same cells.
django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not used: it only
strips a leading ``=``, leaves ``+``, ``-``, ``@``, tab and carriage return alone, and turns
every number into text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from festival.models import FestivalPage
from ticketing.models import CheckIn, Order, Payment, Refund, Ticket

# What a spreadsheet may take for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell as written: text that begins like a formula gains a leading apostrophe, so a
    spreadsheet shows it as text and never runs it. Anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def money(pence: int) -> Decimal:
    """Pence as pounds with two places: 1250 -> Decimal("12.50"), a number in XLSX and "12.50" in CSV."""
    return Decimal(pence).scaleb(-2).quantize(Decimal("0.01"))


class EditionResource(resources.ModelResource):
    """A resource for one edition's rows; ``export_field`` is where every cell passes."""

    money_fields: tuple[str, ...] = ()

    def __init__(self, *, festival: FestivalPage):
        super().__init__()
        self.festival = festival
        self.tz = festival.tz
        # Worked out once, not for every cell as import-export does: a tenth of an export's time.
        self.columns = self.get_export_fields()
        self.dehydrators = {
            field.column_name: getattr(self, field.get_dehydrate_method(self.get_field_name(field)), None)
            for field in self.columns
        }

    def rows(self) -> QuerySet:
        """This edition's rows, with what the columns name fetched alongside."""
        raise NotImplementedError

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [self.export_field(field, instance) for field in self.columns]

    def export_field(self, field, instance, **kwargs):
        dehydrate = self.dehydrators[field.column_name]
        value = dehydrate(instance) if dehydrate else self.cell(field.attribute, field.get_value(instance))
        return neutralise(value)

    def records(self):
        """The rows of cells, one per record, as the files hold them."""
        for instance in self.iter_queryset(self.rows()):
            yield self.export_resource(instance)

    def cell(self, name: str, value):
        """A value as the files show it: money in pounds, times in the edition's zone, yes or no."""
        if value is None:
            return ""
        if name in self.money_fields:
            return money(value)
        if isinstance(value, datetime):
            return timezone.localtime(value, self.tz).isoformat(timespec="seconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        return value


def _field(attribute: str, heading, **options) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=heading, readonly=True, **options)


class OrderResource(EditionResource):
    code = _field("code", _("Order code"))
    status = _field("get_status_display", _("Status"))
    buyer_name = _field("buyer_name", _("Buyer name"))
    buyer_email = _field("buyer_email", _("Buyer email"))
    ticket_count = _field("ticket_count", _("Tickets"))
    donation = _field("donation", _("Donation (£)"))
    discount = _field("discount", _("Discount (£)"))
    total = _field("total", _("Total (£)"))
    refunded = _field("refunded_amount", _("Refunded (£)"))
    voucher = _field("voucher__code", _("Voucher"))
    problem = _field("get_problem_display", _("Needs attention"))
    created_at = _field("created_at", _("Created at"))
    paid_at = _field("paid_at", _("Paid at"))

    money_fields = ("donation", "discount", "total", "refunded_amount")

    class Meta:
        model = Order
        fields = (
            "code",
            "status",
            "buyer_name",
            "buyer_email",
            "ticket_count",
            "donation",
            "discount",
            "total",
            "refunded",
            "voucher",
            "problem",
            "created_at",
            "paid_at",
        )
        export_order = fields

    def rows(self):
        return (
            Order.objects.filter(festival=self.festival)
            .select_related("voucher")
            .annotate(ticket_count=Count("tickets"))
            .order_by("created_at", "pk")
        )


class TicketResource(EditionResource):
    id = _field("pk", _("Ticket number"))
    order = _field("order__code", _("Order code"))
    ticket_type = _field("ticket_type__name", _("Ticket type"))
    status = _field("get_status_display", _("Status"))
    attendee_name = _field("attendee_name", _("Attendee name"))
    attendee_email = _field("attendee_email", _("Attendee email"))
    pronouns = _field("pronouns", _("Pronouns"))
    region_group = _field("region_group", _("Region or group"))
    price = _field("price", _("Price (£)"))
    buyer_name = _field("order__buyer_name", _("Buyer name"))
    paid_at = _field("order__paid_at", _("Paid at"))
    badge_printed_at = _field("badge_printed_at", _("Badge printed at"))
    created_at = _field("created_at", _("Created at"))

    money_fields = ("price",)

    class Meta:
        model = Ticket
        fields = (
            "id",
            "order",
            "ticket_type",
            "status",
            "attendee_name",
            "attendee_email",
            "pronouns",
            "region_group",
            "price",
            "buyer_name",
            "paid_at",
            "badge_printed_at",
            "created_at",
        )
        export_order = fields

    def rows(self):
        return (
            Ticket.objects.filter(order__festival=self.festival)
            .select_related("order", "ticket_type")
            .only(
                *[f.attribute.removeprefix("get_").removesuffix("_display") for f in self.columns],
                "order",
                "ticket_type",
            )  # fmt: skip
            .order_by("order__created_at", "pk")
        )


class CheckInResource(EditionResource):
    scanned_at = _field("scanned_at", _("Scanned at"))
    day = _field("day", _("Festival day"))
    door = _field("door", _("Door"))
    result = _field("get_result_display", _("Result"))
    shown_result = _field("get_shown_result_display", _("Shown at the door, if different"))
    ticket = _field("ticket_id", _("Ticket number"))
    attendee_name = _field("ticket__attendee_name", _("Attendee name"))
    ticket_type = _field("ticket__ticket_type__name", _("Ticket type"))
    order = _field("ticket__order__code", _("Order code"))
    staff = _field("staff__username", _("Door staff"))
    offline = _field("offline", _("Scanned offline"))
    undone_at = _field("undone_at", _("Undone at"))

    class Meta:
        model = CheckIn
        fields = (
            "scanned_at",
            "day",
            "door",
            "result",
            "shown_result",
            "ticket",
            "attendee_name",
            "ticket_type",
            "order",
            "staff",
            "offline",
            "undone_at",
        )
        export_order = fields

    def rows(self):
        return (
            CheckIn.objects.filter(festival=self.festival)
            .select_related("ticket__ticket_type", "ticket__order", "staff")
            .only(
                *[f.attribute.removeprefix("get_").removesuffix("_display") for f in self.columns],
                "ticket",
                "ticket__ticket_type",
                "ticket__order",
                "staff",
            )  # fmt: skip
            .order_by("scanned_at", "pk")
        )


class PaymentResource(EditionResource):
    id = _field("pk", _("Payment number"))
    order = _field("order__code", _("Order code"))
    buyer_name = _field("order__buyer_name", _("Buyer name"))
    amount = _field("amount", _("Amount (£)"))
    currency = _field("currency", _("Currency"))
    state = _field("get_state_display", _("State"))
    made_by = _field("get_made_by_display", _("Made by"))
    session = _field("stripe_checkout_session_id", _("Stripe Checkout Session"))
    intent = _field("stripe_payment_intent_id", _("Stripe payment"))
    created_at = _field("created_at", _("Created at"))
    finished_at = _field("finished_at", _("Finished at"))

    money_fields = ("amount",)

    class Meta:
        model = Payment
        fields = (
            "id",
            "order",
            "buyer_name",
            "amount",
            "currency",
            "state",
            "made_by",
            "session",
            "intent",
            "created_at",
            "finished_at",
        )
        export_order = fields

    def rows(self):
        payments = Payment.objects.filter(order__festival=self.festival)
        return payments.select_related("order").order_by("created_at", "pk")


class RefundResource(EditionResource):
    id = _field("pk", _("Refund number"))
    order = _field("order__code", _("Order code"))
    buyer_name = _field("order__buyer_name", _("Buyer name"))
    amount = _field("amount", _("Amount (£)"))
    includes_donation = _field("includes_donation", _("Includes the donation"))
    tickets = _field("tickets", _("Ticket numbers"))
    state = _field("get_state_display", _("State"))
    made_by = _field("get_made_by_display", _("Made by"))
    created_by = _field("created_by__username", _("Staff member"))
    reason = _field("reason", _("Reason"))
    failure = _field("failure", _("Stripe's answer, if refused"))
    stripe_refund_id = _field("stripe_refund_id", _("Stripe refund"))
    created_at = _field("created_at", _("Created at"))
    finished_at = _field("finished_at", _("Finished at"))

    money_fields = ("amount",)

    class Meta:
        model = Refund
        fields = (
            "id",
            "order",
            "buyer_name",
            "amount",
            "includes_donation",
            "tickets",
            "state",
            "made_by",
            "created_by",
            "reason",
            "failure",
            "stripe_refund_id",
            "created_at",
            "finished_at",
        )
        export_order = fields

    def rows(self):
        return (
            Refund.objects.filter(order__festival=self.festival)
            .select_related("order", "created_by")
            .prefetch_related("tickets")
            .order_by("created_at", "pk")
        )

    def dehydrate_tickets(self, refund):
        return " ".join(str(ticket.pk) for ticket in refund.tickets.all())


@dataclass(frozen=True)
class Dataset:
    label: str
    resource: type[EditionResource]


DATASETS = {
    "orders": Dataset(_("Orders"), OrderResource),
    "tickets": Dataset(_("Tickets"), TicketResource),
    "checkins": Dataset(_("Check-ins"), CheckInResource),
    "payments": Dataset(_("Payments"), PaymentResource),
    "refunds": Dataset(_("Refunds"), RefundResource),
}
CONTENT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export(*, festival: FestivalPage, dataset: str, file_format: str) -> ExportFile:
    """One edition's ``dataset`` (a key of ``DATASETS``) as a file in ``file_format`` ("csv" or
    "xlsx"): a heading row, then one row per record. Raises KeyError for an unknown name.

    The rows go straight from the resource into the file: through tablib (import-export's
    formats) 10,000 tickets took 11 s to XLSX, over the 10 s target, most of it in a workbook
    kept whole in memory and its columns measured for width.
    """
    resource = DATASETS[dataset].resource(festival=festival)
    content = write(file_format, resource, title=str(DATASETS[dataset].label))
    today = timezone.localdate(timezone=festival.tz).isoformat()
    return ExportFile(
        content=content,
        content_type=CONTENT_TYPES[file_format],
        filename=f"{festival.slug}-{dataset}-{today}.{file_format}",
    )


def write(file_format: str, resource: EditionResource, *, title: str) -> bytes:
    """A resource's heading row and records as a CSV or XLSX file (``file_format`` "csv" or "xlsx")."""
    return rows_as_file(file_format, resource.get_export_headers(), resource.records(), title=title)


def rows_as_file(file_format: str, headers: list[str], rows, *, title: str) -> bytes:
    """A heading row and rows as a CSV (with a byte order mark for Excel) or XLSX file."""
    writer = _write_csv if file_format == "csv" else _write_xlsx
    return writer(headers, rows, title=title)


def _write_csv(headers: list[str], rows, *, title: str) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte order mark, so Excel reads names like "Zoë" as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write_xlsx(headers: list[str], rows, *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append(headers)
    for row in rows:
        # Control characters have no place in XLSX (openpyxl refuses the file); tab and CR do.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", v) if isinstance(v, str) else v
                      for v in row])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
