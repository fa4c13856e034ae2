"""The outbox's contract: queue an email with the work that caused it, retry one that failed.

Everything that sends mail goes through ``queue``; ``outbox.delivery`` sends, and the worker
(``manage.py run_worker``) sweeps for what is due.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from email.utils import make_msgid, parseaddr

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from outbox import tasks
from outbox.models import OutgoingEmail


def _message_id(from_email: str) -> str:
    """A fresh Message-ID in the sender's domain (not the machine's name)."""
    domain = parseaddr(from_email)[1].rpartition("@")[2] or "festival.invalid"
    return make_msgid(idstring="festival", domain=domain)


def _enqueue_on_commit(email_id: int) -> None:
    # robust: if queuing the task fails, the row is committed all the same and the sweep sends it.
    transaction.on_commit(lambda: tasks.deliver_email.enqueue(email_id), robust=True)


def queue(message: EmailMessage, *, key: str | None, about: str) -> OutgoingEmail:
    """Store ``message`` in the current transaction, to be sent once it commits; the stored row.

    The message is built now, with a fixed Message-ID and Date, and every attempt sends exactly
    these bytes. With a ``key``, an email already stored under that key is returned instead and
    nothing new is queued: an order's confirmation uses ``order-confirmation:<order id>``, so a
    repeated "paid" queues it once. A deliberate second sending (staff resending a confirmation)
    passes ``key=None``, or a key of its own such as ``order-confirmation:<id>:resend:<n>``.
    Raises nothing of its own; database errors propagate."""
    if key is not None:
        existing = OutgoingEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    email = _row(message, key=key, about=about)
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        if key is None:
            raise
        return OutgoingEmail.objects.get(key=key)  # queued meanwhile by a concurrent transaction
    _enqueue_on_commit(email.pk)
    return email


# The emails of one ``queue_many`` are sent by one delivery task per this many, each over one connection.
DELIVERY_BATCH = 200


def _row(message: EmailMessage, *, key: str | None, about: str) -> OutgoingEmail:
    message.extra_headers = {**message.extra_headers, "Message-ID": _message_id(message.from_email)}
    recipients = message.recipients()
    return OutgoingEmail(
        key=key,
        about=about[:200],
        message_id=message.extra_headers["Message-ID"],
        from_email=message.from_email,
        recipients=recipients,
        to=", ".join(recipients)[:1000],
        subject=str(message.subject)[:998],
        mime=message.message().as_bytes(linesep="\r\n"),
    )


def queue_many(messages: Iterable[tuple[str, EmailMessage]], *, about: str) -> int:
    """Store many keyed emails at once in the current transaction, each sent once it commits; how many
    were stored now.

    As ``queue`` with a key, but for a mailing to thousands: an email whose key is stored already
    (by an earlier or a concurrent call) is left alone and not built again, and the rest go in with
    a few INSERTs rather than one each (a key stored meanwhile by a concurrent transaction is skipped
    by the database: ``ON CONFLICT DO NOTHING``). Delivery is one task per ``DELIVERY_BATCH`` emails,
    each over one mail connection. Raises nothing of its own; database errors propagate."""
    wanted = dict(messages)  # one email per key: the first message given under it
    stored = set(OutgoingEmail.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    return _store([_row(message, key=key, about=about) for key, message in wanted.items() if key not in stored])


def _store(rows: list[OutgoingEmail]) -> int:
    """Insert ``rows`` (a key stored meanwhile is skipped by the database) and queue their delivery on
    commit, a task per ``DELIVERY_BATCH``; how many went in."""
    if not rows:
        return 0
    OutgoingEmail.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    # Which rows went in: their Message-IDs are new, so only ours (not a concurrent caller's) carry them.
    ids = list(
        OutgoingEmail.objects.filter(message_id__in=[row.message_id for row in rows])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        transaction.on_commit(lambda batch=batch: tasks.deliver_emails.enqueue(batch), robust=True)
    return len(ids)


def _copies(message: EmailMessage, addresses: list[str], *, keys: list[str], about: str) -> list[OutgoingEmail]:
    """One row per address, each ``message`` to that address alone with a Message-ID of its own: the
    MIME is built once and each copy's To and Message-ID put into its header (an address that is not
    plain ASCII is built in full, so that it is encoded as the standard asks)."""
    marker = get_random_string(24).lower()
    to_marker, id_marker = f"to-{marker}@festival.invalid", f"<id-{marker}@festival.invalid>"
    template = copy.copy(message)
    template.to, template.cc, template.bcc = [to_marker], [], []
    template.extra_headers = {**message.extra_headers, "Message-ID": id_marker}
    head, _, rest = template.message().as_bytes(linesep="\r\n").partition(b"\r\n\r\n")
    rows = []
    for key, address in zip(keys, addresses, strict=True):
        if not address.isascii() or any(c in address for c in '\r\n,<>"') or head.count(to_marker.encode()) != 1:
            one = copy.copy(message)
            one.to, one.cc, one.bcc = [address], [], []
            rows.append(_row(one, key=key, about=about))
            continue
        message_id = _message_id(message.from_email)
        mine = head.replace(to_marker.encode(), address.encode(), 1).replace(id_marker.encode(), message_id.encode(), 1)
        rows.append(OutgoingEmail(key=key, about=about[:200], message_id=message_id, from_email=message.from_email,
                                  recipients=[address], to=address[:1000], subject=str(message.subject)[:998],
                                  mime=mine + b"\r\n\r\n" + rest))  # fmt: skip
    return rows


def queue_copies(message: EmailMessage, addresses: dict[str, str], *, about: str) -> int:
    """Queue ``message`` to each address of ``addresses`` (key → address) alone, one email per key,
    as ``queue_many`` does (keys stored already are skipped), building its MIME once rather than once
    per address; how many were stored now."""
    stored = set(OutgoingEmail.objects.filter(key__in=list(addresses)).values_list("key", flat=True))
    keys = [key for key in addresses if key not in stored]
    return _store(_copies(message, [addresses[key] for key in keys], keys=keys, about=about))


def is_queued(key: str) -> bool:
    """Whether an email under ``key`` is stored already (in any state): building it again is needless."""
    return OutgoingEmail.objects.filter(key=key).exists()


def retry_now(*, email: OutgoingEmail) -> bool:
    """Put a failed email back in the queue, due now; False if it was not failed, or was emptied when its
    edition's attendees were anonymised (nothing is left to send). Raises nothing."""
    with transaction.atomic():
        retried = (
            OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.FAILED)
            .exclude(to="")
            .update(state=OutgoingEmail.State.QUEUED, next_attempt_at=timezone.now())
        )
        if retried:
            _enqueue_on_commit(email.pk)
    return bool(retried)
