"""Messages to ticket holders: write, preview, test, send now or at a time.

Every change of state is one guarded UPDATE (draft or scheduled → sending → sent), so a message is
started once however often send is pressed; the sending itself is a task (``tasks.send_message``),
and every email is keyed in the outbox (``sending``), so nobody gets a message twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mailings import audience, sending, tasks
from mailings.models import Message
from outbox import services as outbox

logger = logging.getLogger(__name__)
State = Message.State
EDITABLE = (State.DRAFT, State.SCHEDULED)
# A message still "sending" this long after it started lost its task (never queued, say): queue it again.
STALLED_AFTER = timedelta(minutes=15)


class MailingError(Exception):
    """A message that cannot be sent as asked, with words for the organiser."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Preview:
    email: EmailMessage
    recipients: int


def preview(message: Message) -> Preview:
    """The email as a ticket holder gets it, and how many addresses it would go to now."""
    return Preview(email=sending.build(message, _("each ticket holder")), recipients=len(audience.addresses(message)))


def save(message: Message, *, user) -> bool:
    """Store a new message, or the changes to a draft or scheduled one; False when it has started
    sending meanwhile (nothing is changed then)."""
    if message.pk is None:
        message.created_by = user
        message.save()
        return True
    fields = {name: getattr(message, name) for name in ("festival", "audience", "ticket_type", "subject", "body")}
    return bool(Message.objects.filter(pk=message.pk, state__in=EDITABLE).update(**fields))


def send_test(message: Message, *, user) -> str:
    """Queue the message, marked as a test, to ``user``'s own address; that address."""
    if not (user.email or "").strip():
        raise MailingError("no_email", _("Your account has no email address, so no test can be sent. "
                                         "Add one under Account, then try again."))  # fmt: skip
    address = user.email.strip()
    outbox.queue(sending.build(message, address, test=True), key=None, about=f"test of {sending.about(message)}")
    return address


def _queue_send(message_id: int) -> None:
    # robust: if queuing the task fails, the message stays "sending" and the sweep queues it again.
    transaction.on_commit(lambda: tasks.send_message.enqueue(message_id), robust=True)


def start_sending(message: Message, *, user) -> int:
    """Start sending a draft or scheduled message now, in the background; how many addresses it goes to.

    Raises ``MailingError`` ``no_recipients`` when nobody would get it, and ``not_editable`` when it
    is being sent or was sent already (a second press, or a race: nothing is queued twice)."""
    count = len(audience.addresses(message))
    if not count:
        raise MailingError("no_recipients", _("Nobody would get this message: no one holds a valid ticket of "
                                              "this edition in the group you chose. Nothing was sent."))  # fmt: skip
    with transaction.atomic():
        started = Message.objects.filter(pk=message.pk, state__in=EDITABLE).update(
            state=State.SENDING, sent_by=user, started_at=timezone.now()
        )
        if not started:
            raise MailingError("not_editable", _("This message is being sent or has been sent already, so it was "
                                                 "not sent again. Nobody gets it twice."))  # fmt: skip
        _queue_send(message.pk)
    return count


def schedule(message: Message, *, send_at: datetime, user) -> None:
    """Have the worker send a draft (or move a scheduled message) at ``send_at``, which must be ahead."""
    if send_at <= timezone.now():
        raise MailingError("in_the_past", _("That time has passed. Choose a time ahead."))
    scheduled = Message.objects.filter(pk=message.pk, state__in=EDITABLE).update(
        state=State.SCHEDULED, send_at=send_at, sent_by=user
    )
    if not scheduled:
        raise MailingError("not_editable", _("This message is being sent or has been sent already."))


def unschedule(message: Message) -> bool:
    """Turn a scheduled message back into a draft; False if it is no longer scheduled."""
    return bool(Message.objects.filter(pk=message.pk, state=State.SCHEDULED).update(state=State.DRAFT, send_at=None))


def start_due(*, now: datetime | None = None) -> int:
    """Start every scheduled message whose time has come, and queue again any whose sending lost its
    task; how many were started or queued again. Run by the worker's sweep. Raises nothing of its own."""
    now = now or timezone.now()
    started = 0
    for pk in Message.objects.filter(state=State.SCHEDULED, send_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            if Message.objects.filter(pk=pk, state=State.SCHEDULED).update(state=State.SENDING, started_at=now):
                _queue_send(pk)
                started += 1
    stalled = Message.objects.filter(state=State.SENDING, started_at__lt=now - STALLED_AFTER)
    for pk, started_at in stalled.values_list("pk", "started_at"):
        with transaction.atomic():  # guarded on the old time: one sweep of several queues it
            if Message.objects.filter(pk=pk, state=State.SENDING, started_at=started_at).update(started_at=now):
                logger.warning("message %s was still sending after %s; its sending is queued again", pk, STALLED_AFTER)
                _queue_send(pk)
                started += 1
    return started
