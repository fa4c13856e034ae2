"""Sending a message: one email per address, each queued in the outbox under a key of its own
(``mailing:<message>:<address digest>``), so an address gets a message once however often this runs:
pressed twice, two sends racing, or a task retried after its worker died half-way.

The bottom layer of the app: ``tasks`` runs ``send``; ``services`` starts it."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from festival import emails
from mailings import audience
from mailings.models import Message
from outbox import services as outbox
from outbox.models import OutgoingEmail

# Addresses queued per transaction: a worker stopped half-way keeps the batches it committed.
BATCH = 1000


def key_prefix(message: Message) -> str:
    return f"mailing:{message.pk}:"


def key(message: Message, address: str) -> str:
    """The outbox key of the message to one address, whatever its case (a digest: keys are short)."""
    return key_prefix(message) + hashlib.sha256(address.casefold().encode()).hexdigest()[:40]


def _context(message: Message) -> dict:
    return {
        "message": message,
        "festival": message.festival,
        "lost_link_url": settings.SITE_URL + reverse("ticketing:order_links"),
    }


def body(message: Message) -> str:
    """The email's text: the organiser's words, then a footer saying why it came."""
    return render_to_string("mailings/email.txt", _context(message))


def build(message: Message, address: str, *, test: bool = False) -> EmailMultiAlternatives:
    """The email to ``address``: the text of ``body``, and an HTML part in the festival's colours with
    the organiser's words as paragraphs (escaped: what they type is text, never markup)."""
    subject = _("[Test] %(subject)s") % {"subject": message.subject} if test else message.subject
    return emails.message(
        subject=subject,
        text_template="mailings/email.txt",
        html_template="mailings/email.html",
        context=_context(message),
        to=[address],
    )


def about(message: Message) -> str:
    return f"message {message.pk} to ticket holders"


def send(message_id: int) -> int | None:
    """Queue the emails of a message being sent, then mark it sent; the number of addresses, or None
    when the message is not being sent (not started, or finished already). Safe to run again."""
    message = Message.objects.select_related("festival").filter(pk=message_id).first()
    if message is None or message.state != Message.State.SENDING:
        return None
    addresses = audience.addresses(message)
    email = build(message, "")
    for start in range(0, len(addresses), BATCH):
        chunk = {key(message, address): address for address in addresses[start : start + BATCH]}
        with transaction.atomic():
            outbox.queue_copies(email, chunk, about=about(message))
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.SENT, finished_at=timezone.now(), recipient_count=len(addresses)
    )
    return len(addresses)


def outcomes(message: Message) -> dict[str, int]:
    """How the message's emails stand in the outbox: ``queued`` (and being sent), ``delivered`` and
    ``failed`` (refused for good), and their ``total``."""
    by_state = dict(
        OutgoingEmail.objects.filter(key__startswith=key_prefix(message))
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    State = OutgoingEmail.State
    counts = {
        "queued": by_state.get(State.QUEUED, 0) + by_state.get(State.SENDING, 0),
        "delivered": by_state.get(State.SENT, 0),
        "failed": by_state.get(State.FAILED, 0),
    }
    counts["total"] = sum(counts.values())
    return counts
