"""Sending stored emails: claim a row, send its bytes, record the outcome.

Never lost: an email is a row committed with the work that caused it. A failure to reach the
mail server, a temporary refusal (4xx), a timeout or a crash puts it back in the queue with a
back-off capped at ``OUTBOX_MAX_BACKOFF_SECONDS``; a worker killed mid-send leaves the row in
"sending" with a lease, and ``deliver_due`` takes it back once the lease has run out. Only a
permanent refusal of the message itself (5xx to every recipient, or to its content) marks it
failed, with the server's answer; staff can queue it again from the admin.

Never doubled: a row is claimed by one guarded update (queued and due, or sending with its lease
run out, becomes sending with a fresh lease and claim token), so two workers never send the
same row at once, and a retry after a failure before the server accepted the DATA sends it
once. Every attempt sends the same bytes with the same Message-ID, which mail systems use to
drop duplicates.

The window that cannot be closed: between the server's "250 accepted" after DATA and our commit
of "sent" (one UPDATE, a few milliseconds, and the QUIT is sent only after it). A worker killed
exactly there, or a database that refuses that UPDATE, leaves the row to be taken back after its
lease and sent a second time, with the same Message-ID. Likewise a send that outlives its lease
(``OUTBOX_LEASE_SECONDS``, kept well above the socket timeout ``EMAIL_TIMEOUT``) may be taken
back by a sweep while still talking to the server; its final "sent" then finds the claim gone and
logs a warning naming the email.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from outbox.mime import StoredMessage
from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)
State = OutgoingEmail.State


def due(now) -> Q:
    """Rows a worker may claim: queued and due, or sending with their lease run out."""
    return Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(state=State.SENDING, lease_until__lt=now)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubling from ``OUTBOX_RETRY_SECONDS``, capped so that a waiting
    email is tried at least every ``OUTBOX_MAX_BACKOFF_SECONDS``."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_MAX_BACKOFF_SECONDS))


def is_permanent(exc: BaseException) -> bool:
    """A refusal of the message itself (5xx to every recipient or to the DATA), not of our setup."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _claim(email_id: int) -> str | None:
    """Take the row for one attempt; the claim token, or None when it is not due or someone has it."""
    now = timezone.now()
    token = get_random_string(32)
    claimed = OutgoingEmail.objects.filter(due(now), pk=email_id).update(
        state=State.SENDING,
        claim=token,
        lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = exc.recipients.items()
        return "; ".join(f"{rcpt}: {code} {msg.decode(errors='replace')}" for rcpt, (code, msg) in refusals)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {message}"
    return f"{type(exc).__name__}: {exc}"[:2000]


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # the email is sent and recorded; a failed QUIT changes nothing
        logger.info("outbox: closing the mail connection failed", exc_info=True)


def deliver(email_id: int, *, connection=None) -> str | None:
    """Try to send one email now if it is due; its new state, or None if it was not ours to send.

    With ``connection`` (a mail backend from ``get_connection``), the email goes over it, opened if
    it is not, and it is left open for the next one; a failure closes it, so the next email starts a
    fresh session. Without, the email has a connection of its own.
    Raises nothing for a mail failure (it is recorded on the row); database errors propagate."""
    token = _claim(email_id)
    if token is None:
        return None
    own = connection is None
    if own:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    state = _send(OutgoingEmail.objects.get(pk=email_id), token, connection)
    if own:
        _close_quietly(connection)
    return state


def _send(email: OutgoingEmail, token: str, connection) -> str:
    """Send one claimed email over ``connection`` and record the outcome under the claim; its new state."""
    message = StoredMessage(raw=bytes(email.mime), from_email=email.from_email, recipients=email.recipients)
    mine = OutgoingEmail.objects.filter(pk=email.pk, state=State.SENDING, claim=token)
    try:
        connection.open()
        connection.send_messages([message])
    except Exception as exc:  # any failure: the email stays ours to send, unless refused for good
        _close_quietly(connection)  # a shared connection is opened again by the next email
        error = _describe(exc)
        if is_permanent(exc):
            mine.update(state=State.FAILED, lease_until=None, claim="", last_error=error)
            logger.warning("outbox: email %s refused for good: %s", email.pk, error)
            return State.FAILED
        mine.update(
            state=State.QUEUED,
            lease_until=None,
            claim="",
            last_error=error,
            next_attempt_at=timezone.now() + backoff(email.attempts),
        )
        logger.info("outbox: email %s not sent, will retry: %s", email.pk, error)
        return State.QUEUED
    # The window: the server has the message; record it before anything else can fail.
    recorded = mine.update(state=State.SENT, sent_at=timezone.now(), lease_until=None, claim="", last_error="")
    if not recorded:
        logger.warning("outbox: email %s was sent after its lease ran out; it may go out twice", email.pk)
    return State.SENT


# Emails claimed together by ``deliver_many``: one UPDATE and one SELECT for these many, not per email.
CLAIM_BATCH = 50


def _claim_batch(email_ids: list[int]) -> tuple[str, list[OutgoingEmail]]:
    """Claim those of ``email_ids`` that are due, as ``_claim`` does one; the token and the rows taken."""
    now = timezone.now()
    token = get_random_string(32)
    OutgoingEmail.objects.filter(due(now), pk__in=email_ids).update(
        state=State.SENDING,
        claim=token,
        lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    return token, list(OutgoingEmail.objects.filter(claim=token, state=State.SENDING).order_by("pk"))


def deliver_many(email_ids) -> dict[str, int]:
    """Send each of ``email_ids`` that is due, in order, over one mail connection (one SMTP session
    for the lot, rather than a connect, greeting and QUIT per email). They are claimed
    ``CLAIM_BATCH`` at a time; each is recorded on its own as soon as the server has it, and the
    connection is closed only after the last is recorded. A batch's lease is renewed while it is being
    sent, so a slow mail server does not let a sweep take back emails still waiting their turn.

    Returns counts: ``emails_sent``, ``emails_retrying`` (not sent this time) and ``emails_failed``."""
    counts = {"emails_sent": 0, "emails_retrying": 0, "emails_failed": 0}
    names = {State.SENT: "emails_sent", State.QUEUED: "emails_retrying", State.FAILED: "emails_failed"}
    ids = list(email_ids)
    renew_every = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS / 3)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        for start in range(0, len(ids), CLAIM_BATCH):
            token, emails = _claim_batch(ids[start : start + CLAIM_BATCH])
            renewed = timezone.now()
            for email in emails:
                if timezone.now() - renewed > renew_every:
                    renewed = timezone.now()
                    OutgoingEmail.objects.filter(claim=token, state=State.SENDING).update(
                        lease_until=renewed + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
                    )
                counts[names[_send(email, token, connection)]] += 1
    finally:
        _close_quietly(connection)
    return counts


def deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Send every due email (oldest due first), taking back rows whose lease ran out, over one
    connection (``deliver_many``); its counts."""
    now = timezone.now()
    ids = list(OutgoingEmail.objects.filter(due(now)).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return deliver_many(ids)
