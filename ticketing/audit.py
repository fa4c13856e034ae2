"""The audit trail: every change of an order or its tickets, with who made it, in Wagtail's log.

Each entry is logged against the order (an order's history is then one query), naming the
tickets it touched in its data. ``by`` says who acted when there is no signed-in person: the
buyer, Stripe's dashboard or the site itself. Log inside the transaction that made the change,
so an entry exists exactly when the change does.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from ticketing.ledger import MadeBy
from ticketing.models import Order

# name: (what the action is, how the history says it happened)
ACTIONS = {
    "ticketing.order.paid": (_("Pay"), _("Paid")),
    "ticketing.order.paid_late": (_("Pay late"), _("Paid after the hold lapsed, and honoured")),
    "ticketing.order.hold_released": (_("Release hold"), _("Hold released, places back on sale")),
    "ticketing.order.cancelled": (_("Cancel order"), _("Order cancelled, no money moved")),
    "ticketing.order.tickets_cancelled": (_("Cancel tickets"), _("Tickets cancelled, no money moved")),
    "ticketing.order.refund_claimed": (_("Refund"), _("Refund started")),
    "ticketing.order.refunded": (_("Refund succeeded"), _("Refunded")),
    "ticketing.order.refund_failed": (_("Refund failed"), _("Refund refused by Stripe, tickets valid again")),
    "ticketing.order.refunded_in_stripe": (_("Refund in Stripe"), _("Refunded in Stripe's dashboard")),
    "ticketing.order.complimentary_issued": (_("Issue complimentary"), _("Complimentary ticket issued")),
    "ticketing.order.confirmation_resent": (_("Resend confirmation"), _("Confirmation sent again")),
    "ticketing.ticket.reissued": (_("Reissue badge"), _("Badge reissued, the old code stopped admitting")),
    "ticketing.ticket.renamed": (_("Rename"), _("Attendee's name changed")),
    "ticketing.ticket.checked_in_by_hand": (_("Check in by hand"), _("Checked in by hand")),
    "ticketing.edition.anonymised": (_("Anonymise attendees"), _("Attendees' personal data removed")),
}


def register(actions) -> None:
    """For Wagtail's ``register_log_actions`` hook."""
    for name, (label, message) in ACTIONS.items():
        actions.register_action(name, label, message)


def record(order: Order, action: str, *, user=None, by: str = MadeBy.STAFF, **data) -> None:
    """Log ``action`` on ``order`` by ``user`` (a person) or ``by`` (who else acted). Raises ValueError
    for an action not in ACTIONS."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    log(order, action, user=user, data={"by": MadeBy.STAFF if user is not None else by, **data})


def record_many(orders: list[Order], action: str, *, user=None, data_for) -> None:
    """Log ``action`` on each of ``orders`` by ``user`` as ``record`` does, in a few INSERTs rather than
    one each (an import issues thousands); ``data_for(order)`` gives each entry's data."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    content_type = ContentType.objects.get_for_model(Order, for_concrete_model=False)
    now, by = timezone.now(), MadeBy.STAFF
    entries = [
        ModelLogEntry(
            content_type=content_type,
            label=str(order),
            action=action,
            timestamp=now,
            user=user,
            object_id=str(order.pk),
            data={"by": by, **data_for(order)},
        )  # fmt: skip
        for order in orders
    ]
    ModelLogEntry.objects.bulk_create(entries, batch_size=500)


def history(order: Order):
    """The order's log, newest first, with who acted."""
    return ModelLogEntry.objects.for_instance(order).select_related("user").order_by("-timestamp", "-pk")


def record_edition(festival, action: str, *, user=None, **data) -> None:
    """Log ``action`` on an edition (its page's history) by ``user``. Raises ValueError for an
    action not in ACTIONS."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    log(festival, action, user=user, data={"by": MadeBy.STAFF if user is not None else MadeBy.SITE, **data})


def edition_history(festival):
    """The edition's log entries of this module's actions, newest first."""
    return PageLogEntry.objects.filter(page=festival, action__in=list(ACTIONS)).order_by("-timestamp", "-pk")
