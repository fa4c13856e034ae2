"""Issuing complimentary tickets from a table of people (speakers, volunteers, carers): name, email,
ticket type and, if given, pronouns.

Each person gets what the box office's own complimentary issue gives (``ticketing.services.boxoffice``):
their own paid order of £0 with one valid ticket, in the audit trail, and the shop's confirmation email
with the badge through the outbox, queued once the import commits (``imports.tasks``, in batches).
Here the orders, tickets and log entries are written in bulk, so ten thousand people take seconds.

All or nothing: the rows are checked first (a person twice, an unknown or non-complimentary ticket
type, a bad email, too few places left) and nothing is written unless every row is good; then the
writes run in one transaction.
"""

from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from festival.models import FestivalPage
from imports import signals
from imports.files import Table
from imports.resources import ComplimentaryResource
from imports.services.results import CREATE, ImportResult, RowResult, mark_duplicates
from ticketing import audit, codes
from ticketing.models import Order, Ticket, TicketType
from ticketing.services import capacity
from ticketing.services.errors import ShopError

BATCH = 1000
CODE_ATTEMPTS = 5


def headings() -> tuple[list[str], list[str]]:
    return ComplimentaryResource(ticket_types={}).headings()


def import_complimentary(*, festival: FestivalPage, table: Table, user, commit: bool) -> ImportResult:
    """Check every row; with ``commit`` and no errors, issue the tickets (``result.committed``)."""
    types = {t.name: t for t in TicketType.objects.filter(festival=festival, is_complimentary=True)}
    resource = ComplimentaryResource(ticket_types=types)
    rows, people = [], []
    for number, raw in table.rows:
        values, errors = resource.clean_row(raw)
        row = RowResult(number=number, label=values.get("attendee_name", ""), action=CREATE, errors=errors)
        if values.get("ticket_type"):
            row.detail = values["ticket_type"].name
        rows.append(row)
        people.append(values)
    keys = [(p["attendee_name"].casefold(), p["attendee_email"].casefold())
            if p.get("attendee_name") and p.get("attendee_email") else None for p in people]  # fmt: skip
    mark_duplicates(rows, keys, column="__all__", message=_("This person is already on row %(row)s."))
    result = ImportResult(rows=rows)
    counts = Counter(p["ticket_type"].pk for p in people if p.get("ticket_type"))
    for ticket_type in types.values():
        if counts[ticket_type.pk] > ticket_type.remaining:
            result.problems.append(
                _("%(name)s has %(left)s places left, and the file asks for %(wanted)s.")
                % {"name": ticket_type.name, "left": ticket_type.remaining, "wanted": counts[ticket_type.pk]}
            )
    if not result.ok or not commit:
        return result
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            _issue(festival=festival, people=people, counts=counts, user=user)
            break
        except IntegrityError:
            # Order codes are short: a code taken meanwhile rolls the whole import back; draw again.
            if attempt == CODE_ATTEMPTS:
                raise
        except ShopError as exc:  # sold out between the check and the writes
            result.problems.append(
                _("%(name)s has only %(left)s places left.")
                % {"name": exc.params.get("name"), "left": exc.params.get("left")}
            )
            return result
    result.committed = True
    return result


def _issue(*, festival, people: list[dict], counts: Counter, user) -> None:
    now = timezone.now()
    with transaction.atomic():
        capacity.reserve(counts)
        orders = [
            Order(
                code=codes.new_order_code(),
                festival=festival,
                status=Order.Status.PAID,
                buyer_name=p["attendee_name"],
                buyer_email=p["attendee_email"],
                total=0,
                paid_at=now,
            )  # fmt: skip
            for p in people
        ]
        _distinct_codes(orders)
        Order.objects.bulk_create(orders, batch_size=BATCH)
        Ticket.objects.bulk_create(
            [
                Ticket(
                    order=order,
                    ticket_type=p["ticket_type"],
                    status=Ticket.Status.VALID,
                    attendee_name=p["attendee_name"],
                    attendee_email=p["attendee_email"],
                    pronouns=p.get("pronouns", ""),
                    price=0,
                )  # fmt: skip
                for order, p in zip(orders, people, strict=True)
            ],
            batch_size=BATCH,
        )
        by_order = {order.pk: p for order, p in zip(orders, people, strict=True)}
        audit.record_many(orders, "ticketing.order.complimentary_issued", user=user,
                          data_for=lambda order: {"ticket_type": by_order[order.pk]["ticket_type"].name,
                                                  "name": order.buyer_name, "note": "import"})  # fmt: skip
        ids = [order.pk for order in orders]
        transaction.on_commit(lambda: signals.complimentary_issued.send(sender=Order, order_ids=ids))


def _distinct_codes(orders: list[Order]) -> None:
    """Draw again any code another order of the batch or the database already has."""
    wanted = {order.code for order in orders}
    taken = set()
    for chunk in _chunks(sorted(wanted), BATCH):
        taken |= set(Order.objects.filter(code__in=chunk).values_list("code", flat=True))
    seen = set()
    for order in orders:
        while order.code in seen or order.code in taken:
            order.code = codes.new_order_code()
        seen.add(order.code)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
