"""Delivery through a real SMTP server: refused for a while then accepted, rejected for good, down,
and two workers at the same email. Every count is of messages the server answered 250."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone

from outbox import delivery, services
from outbox.models import OutgoingEmail

from .conftest import free_port

pytestmark = pytest.mark.django_db


def confirmation() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject="Your tickets", body="Hello Rosa,\n\nHere.", to=["rosa@example.org"])
    message.attach_alternative("<p>Hello Rosa,</p>", "text/html")
    message.attach("badge-1.pdf", b"%PDF-1.7 not really a badge", "application/pdf")
    return message


def queue_and_commit(capture, message=None, *, key=None) -> OutgoingEmail:
    with capture(execute=True):  # the first attempt runs when the queuing commits
        email = services.queue(message or confirmation(), key=key, about="order FOR-TEST")
    email.refresh_from_db()
    return email


def sweep_until_settled(email: OutgoingEmail, *, seconds: float = 5) -> OutgoingEmail:
    """Sweep, as the worker does, until the email is sent or failed (real back-off, in fractions of a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        delivery.deliver_due()
        email.refresh_from_db()
        if email.state in (OutgoingEmail.State.SENT, OutgoingEmail.State.FAILED):
            return email
        time.sleep(0.05)
    return email


def test_refused_email_waits_with_its_error_then_goes_once_when_the_server_accepts(
    smtp_settings, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.mode = "refuse"
    before = timezone.now()

    email = queue_and_commit(django_capture_on_commit_callbacks)

    assert email.state == OutgoingEmail.State.QUEUED
    assert email.attempts == 1
    assert "451" in email.last_error
    assert email.next_attempt_at > before
    assert smtp_server.accepted == []

    smtp_server.mode = "accept"
    email = sweep_until_settled(email)
    delivery.deliver_due()  # a later sweep finds nothing left to send

    assert email.state == OutgoingEmail.State.SENT
    assert email.last_error == ""
    assert len(smtp_server.accepted) == 1
    assert message_from_bytes(smtp_server.accepted[0], policy=policy.default)["Message-ID"].strip() == email.message_id


def test_a_retry_after_a_refused_data_sends_the_same_bytes_and_message_id(
    smtp_settings, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.mode = "refuse_data"
    email = queue_and_commit(django_capture_on_commit_callbacks)

    smtp_server.mode = "accept"
    email = sweep_until_settled(email)

    assert email.state == OutgoingEmail.State.SENT
    assert len(smtp_server.refused_data) == 1
    assert smtp_server.accepted == smtp_server.refused_data
    assert smtp_server.accepted[0].rstrip(b"\r\n") == bytes(email.mime).rstrip(b"\r\n")


def test_mail_server_down_keeps_the_email_queued_with_the_error(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there

    email = queue_and_commit(django_capture_on_commit_callbacks)

    assert email.state == OutgoingEmail.State.QUEUED
    assert "ConnectionRefusedError" in email.last_error


def test_backoff_doubles_and_is_capped_so_a_waiting_email_is_tried_every_minute(settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_MAX_BACKOFF_SECONDS = 10, 60

    waits = [delivery.backoff(attempts).total_seconds() for attempts in range(1, 8)]

    assert waits == [10, 20, 40, 60, 60, 60, 60]


def test_rejected_recipient_fails_for_good_and_retry_now_sends_it_once(
    smtp_settings, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.mode = "reject"
    email = queue_and_commit(django_capture_on_commit_callbacks)
    delivery.deliver_due()
    email.refresh_from_db()

    assert email.state == OutgoingEmail.State.FAILED
    assert "550" in email.last_error
    assert email.attempts == 1

    smtp_server.mode = "accept"
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.retry_now(email=email)
    email.refresh_from_db()

    assert retried is True
    assert email.state == OutgoingEmail.State.SENT
    assert len(smtp_server.accepted) == 1


def test_retry_now_refuses_an_email_emptied_when_its_edition_was_anonymised(
    smtp_settings, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.mode = "reject"
    email = queue_and_commit(django_capture_on_commit_callbacks)
    delivery.deliver_due()
    OutgoingEmail.objects.filter(pk=email.pk).update(mime=b"", to="", subject="(removed)")
    email.refresh_from_db()
    smtp_server.mode = "accept"

    with django_capture_on_commit_callbacks(execute=True):
        retried = services.retry_now(email=email)
    email.refresh_from_db()

    assert retried is False
    assert email.state == OutgoingEmail.State.FAILED
    assert smtp_server.accepted == []


def test_queue_with_a_key_stores_one_email_and_key_none_stores_another(smtp_settings, smtp_server,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    first = queue_and_commit(django_capture_on_commit_callbacks, key="order-confirmation:1")
    again = queue_and_commit(django_capture_on_commit_callbacks, key="order-confirmation:1")
    resent = queue_and_commit(django_capture_on_commit_callbacks, key=None)

    assert again.pk == first.pk
    assert resent.pk != first.pk and resent.message_id != first.message_id
    assert OutgoingEmail.objects.count() == 2
    assert len(smtp_server.accepted) == 2


def test_a_send_cut_off_mid_way_is_taken_back_after_its_lease_and_sent_once(smtp_settings, smtp_server, tasks_wait):
    email = services.queue(confirmation(), key=None, about="order FOR-TEST")
    # A worker claimed it and died before the server accepted the DATA: "sending", its lease running.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENDING, claim="dead-worker", lease_until=timezone.now() + timedelta(seconds=1)
    )

    too_soon = delivery.deliver_due()
    time.sleep(1.1)
    later = delivery.deliver_due()
    email.refresh_from_db()

    assert too_soon["emails_sent"] == 0
    assert later["emails_sent"] == 1
    assert email.state == OutgoingEmail.State.SENT
    assert len(smtp_server.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_due_email_send_it_once(smtp_settings, smtp_server, tasks_wait):
    email = services.queue(confirmation(), key=None, about="order FOR-TEST")
    workers = 4
    start = threading.Barrier(workers)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(delivery.deliver(email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    email.refresh_from_db()

    assert sorted(outcomes, key=str) == [None, None, None, "sent"]
    assert email.state == OutgoingEmail.State.SENT
    assert email.attempts == 1
    assert len(smtp_server.accepted) == 1


def test_a_sweep_sends_its_emails_over_one_connection_and_a_refusal_does_not_stop_the_rest(
    smtp_settings, smtp_server, tasks_wait
):
    emails = [services.queue(confirmation(), key=None, about=f"order {n}") for n in range(5)]
    OutgoingEmail.objects.filter(pk=emails[2].pk).update(recipients=["nobody@refuse.invalid"])
    refuse = smtp_server.handle_RCPT

    async def refuse_one(server, session, envelope, address, rcpt_options):
        if address.endswith("@refuse.invalid"):
            return "451 4.3.0 Try later"
        return await refuse(server, session, envelope, address, rcpt_options)

    smtp_server.handle_RCPT = refuse_one

    counts = delivery.deliver_due()

    states = [OutgoingEmail.objects.get(pk=e.pk).state for e in emails]
    assert counts == {"emails_sent": 4, "emails_retrying": 1, "emails_failed": 0}
    assert states == ["sent", "sent", "queued", "sent", "sent"]
    assert len(smtp_server.accepted) == 4
    # One session before the refusal, a fresh one after it (a failed session is closed, not reused).
    assert len(set(smtp_server.peers)) == 2
    assert smtp_server.peers[0] == smtp_server.peers[1] and smtp_server.peers[2] == smtp_server.peers[3]


def test_queue_many_stores_each_key_once_and_delivers_them_once_committed(
    smtp_settings, smtp_server, django_capture_on_commit_callbacks
):
    def message(n):
        return EmailMultiAlternatives(subject="Doors open", body="At ten.", to=[f"person{n}@example.org"])

    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_many([(f"bulk:{n}", message(n)) for n in range(3)], about="bulk")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.queue_many([(f"bulk:{n}", message(n)) for n in range(5)], about="bulk")

    assert (first, second) == (3, 2)
    assert OutgoingEmail.objects.filter(key__startswith="bulk:").count() == 5
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {OutgoingEmail.State.SENT}
    assert len(smtp_server.accepted) == 5
