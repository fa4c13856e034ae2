"""The box office's own operations: resend a confirmation, rename or check in an attendee by hand,
force-release a stuck hold, and issue complimentary tickets.

Refunds and cancellations are ``refunds``'; badge reissues are ``badges``'. Every change here is
logged in the audit trail (``ticketing.audit``) with the member of staff who made it, inside the
transaction that made it; emails are queued once that transaction commits, through
``ticketing.signals`` (a service never imports the task definitions).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from door import checkin
from door.checkin import ScanOutcome
from festival.models import FestivalPage
from ticketing import audit, codes, signals, stripe_gateway
from ticketing.models import CheckIn, Order, Ticket, TicketType
from ticketing.names import clean_name

from . import badges, capacity, orders
from .errors import ShopError

BOX_OFFICE_DOOR = "Box office"  # the door a hand check-in is logged at unless staff name another
MAX_PEOPLE = 200  # complimentary tickets issued in one go
PERSON_LINE = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")


def resend_confirmation(*, order: Order, user) -> None:
    """Send the order's confirmation email (with its badges) again, once this commits. Raises ShopError
    not_paid."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != Order.Status.PAID:
            raise ShopError("not_paid")
        audit.record(locked, "ticketing.order.confirmation_resent", user=user, to=locked.buyer_email)
        order_id = locked.pk
        transaction.on_commit(lambda: signals.confirmation_requested.send(sender=Order, order_id=order_id))


def reissue_badge(*, ticket: Ticket, user) -> Ticket:
    """Give the ticket a new code and badge; the old code stops admitting. Raises BadgeError not_valid."""
    return badges.reissue_badge(ticket=ticket, user=user)


def rename_attendee(*, ticket: Ticket, attendee_name: str, user) -> Ticket:
    """Put another name on the ticket; its badge is reissued (the old one stops admitting), as when a
    buyer corrects a name. Raises BadgeError name_needed or not_valid."""
    return badges.reissue_badge(ticket=ticket, attendee_name=attendee_name, user=user)


def check_in_by_hand(*, ticket: Ticket, user, door: str = BOX_OFFICE_DOOR) -> ScanOutcome:
    """Check the ticket in now at ``door`` through the door's own service, so one admission a day
    holds; an admission is audited. Answers the door's outcome (admitted or why not). Raises
    CheckInError bad_door."""
    festival = FestivalPage.objects.get(pk=ticket.ticket_type.festival_id)
    door = (door or "").strip() or BOX_OFFICE_DOOR
    with transaction.atomic():
        outcome = checkin.check_in(
            festival=festival,
            staff_id=user.pk,
            door=door,
            nonce=f"hand-{uuid.uuid4().hex}",
            ticket_id=ticket.pk,
            scanned_at=timezone.now(),
        )
        if outcome.result == CheckIn.Result.ADMITTED:
            audit.record(ticket.order, "ticketing.ticket.checked_in_by_hand", user=user, ticket=ticket.pk,
                         name=ticket.attendee_name, door=door, check_in=outcome.check_in_id)  # fmt: skip
    return outcome


def release_stuck_hold(*, order: Order, user) -> None:
    """Close the pending order's Stripe session and give its places back. Raises ShopError not_pending,
    hold_being_paid (Stripe says the session was completed: the webhook will tell) or stripe_unreachable
    (then ``release_hold_anyway`` may be offered)."""
    if orders.abandon_order(order=order, user=user):
        return
    if not Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).exists():
        raise ShopError("not_pending")
    try:
        session = stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)
    except stripe_gateway.PaymentProviderError as exc:
        raise ShopError("stripe_unreachable") from exc
    if session.status == "complete":
        raise ShopError("hold_being_paid")
    raise ShopError("stripe_unreachable")


def release_hold_anyway(*, order: Order, user) -> None:
    """Cancel a pending order and give its places back without asking Stripe (the buyer may still be
    paying: a late payment is then honoured if there is room, else refunded). Raises ShopError not_pending."""
    if not orders.release_hold(order=order, to_status=Order.Status.CANCELLED, user=user):
        raise ShopError("not_pending")


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def parse_people(text: str) -> list[Person]:
    """One person per non-blank line, as ``Name <email>``. Raises ShopError bad_person_line (naming the
    line), people_needed or too_many_people."""
    people = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = PERSON_LINE.match(line)
        name = clean_name(match["name"])[:200] if match else ""
        email = match["email"] if match else ""
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        if not name or not email:
            raise ShopError("bad_person_line", line=number, text=line[:120])
        people.append(Person(name=name, email=email))
    if not people:
        raise ShopError("people_needed")
    if len(people) > MAX_PEOPLE:
        raise ShopError("too_many_people", limit=MAX_PEOPLE)
    return people


def issue_complimentary(
    *, festival: FestivalPage, ticket_type: TicketType, people: list[Person], user, note: str = ""
) -> list[Order]:
    """Issue one complimentary ticket to each person, each as their own paid order of £0 whose
    confirmation (with the badge) is emailed once this commits. All or nothing. Raises ShopError
    not_complimentary, people_needed or complimentary_no_room."""
    if ticket_type.festival_id != festival.pk or not ticket_type.is_complimentary:
        raise ShopError("not_complimentary")
    if not people:
        raise ShopError("people_needed")
    for attempt in range(1, orders.CODE_ATTEMPTS + 1):
        try:
            return _issue(festival=festival, ticket_type=ticket_type, people=people, user=user, note=note[:200])
        except IntegrityError:
            # Order codes are short: a code taken meanwhile rolls the whole batch back; draw again.
            if attempt == orders.CODE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _issue(*, festival, ticket_type, people, user, note) -> list[Order]:
    now = timezone.now()
    issued = []
    with transaction.atomic():
        try:
            capacity.reserve(Counter({ticket_type.pk: len(people)}))
        except ShopError as exc:
            raise ShopError("complimentary_no_room", name=ticket_type.name, left=exc.params.get("left", 0),
                            wanted=len(people)) from exc  # fmt: skip
        for person in people:
            order = Order(
                code=codes.new_order_code(),
                festival=festival,
                status=Order.Status.PAID,
                buyer_name=person.name,
                buyer_email=person.email,
                total=0,
                paid_at=now,
            )
            order.save(force_insert=True)
            Ticket.objects.create(order=order, ticket_type=ticket_type, status=Ticket.Status.VALID,
                                  attendee_name=person.name, attendee_email=person.email, price=0)  # fmt: skip
            audit.record(order, "ticketing.order.complimentary_issued", user=user, ticket_type=ticket_type.name,
                         name=person.name, note=note)  # fmt: skip
            issued.append(order)
        ids = [order.pk for order in issued]
        transaction.on_commit(lambda: [signals.order_paid.send(sender=Order, order_id=pk) for pk in ids])
    return issued
