"""Sending a message: one email per address through the outbox, each under a key of its own, so a
second press, a retried task or a scheduled send never gives anyone the same message twice; the
state moves draft → sending → sent; nobody to send to, or no address for a test, is a clear error."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.utils import timezone

from mailings import audience, sending, services, tasks
from mailings.models import Message
from outbox import services as outbox
from outbox.models import OutgoingEmail
from tests.ticketing.factories import UserFactory
from ticketing.models import Ticket

pytestmark = pytest.mark.django_db

State = Message.State


def send_now(message, user, capture):
    with capture(execute=True):  # the task runs, and the outbox delivers, once the press commits
        return services.start_sending(message, user=user)


def emails_of(message):
    return OutgoingEmail.objects.filter(key__startswith=sending.key_prefix(message))


def test_send_queues_one_email_per_address_delivers_them_and_logs_it(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    rosa = holder("rosa@example.org")
    holder("rosa@example.org", order=rosa.order)
    holder("nye@example.org", attendee_email="nye.bevan@example.org")
    message = draft()

    count = send_now(message, organiser, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert count == 2
    assert (message.state, message.recipient_count, message.sent_by) == (State.SENT, 2, organiser)
    assert message.started_at is not None and message.finished_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["nye.bevan@example.org", "rosa@example.org"]
    stored = {e.to: message_from_bytes(bytes(e.mime), policy=policy.default) for e in emails_of(message)}
    assert {to: str(parsed["To"]) for to, parsed in stored.items()} == {to: to for to in stored}
    assert len({str(parsed["Message-ID"]) for parsed in stored.values()}) == 2
    sent = mail.outbox[0]
    text = sent.body.replace("\r\n", "\n")
    assert sent.subject == "Doors open at ten"
    assert text.startswith("Hello,\n\nThe doors open at 10:00 on Friday.")
    assert "because you hold a ticket for Festival of Resistance 2026" in text
    assert "there's no list to leave" in text
    assert sending.outcomes(message) == {"queued": 0, "delivered": 2, "failed": 0, "total": 2}


def test_pressing_send_twice_sends_once(holder, draft, organiser, django_capture_on_commit_callbacks):
    holder("rosa@example.org")
    holder("nye@example.org")
    message = draft()
    send_now(message, organiser, django_capture_on_commit_callbacks)

    with pytest.raises(services.MailingError) as refused:
        send_now(message, organiser, django_capture_on_commit_callbacks)

    assert refused.value.code == "not_editable"
    assert len(mail.outbox) == 2
    assert emails_of(message).count() == 2


def test_a_task_retried_after_its_worker_died_half_way_sends_only_the_rest_once(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    for n in range(5):
        holder(f"person{n}@example.org")
    message = draft()
    Message.objects.filter(pk=message.pk).update(state=State.SENDING, started_at=timezone.now())
    addresses = audience.addresses(message)
    # What the first run committed before its worker died: the emails of its first batch.
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_many([(sending.key(message, a), sending.build(message, a)) for a in addresses[:2]], about="x")
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_message.enqueue(message.pk)  # the task, given back to the queue and run again

    message.refresh_from_db()
    assert message.state == State.SENT
    assert emails_of(message).count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)

    # Killed again after queuing everything but before marking it sent: a third run sends nothing.
    Message.objects.filter(pk=message.pk).update(state=State.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_message.enqueue(message.pk)
    assert emails_of(message).count() == 5
    assert len(mail.outbox) == 5


def test_a_sent_message_is_not_sent_again_by_its_task(holder, draft, organiser, django_capture_on_commit_callbacks):
    holder("rosa@example.org")
    message = draft()
    send_now(message, organiser, django_capture_on_commit_callbacks)

    assert sending.send(message.pk) is None
    assert len(mail.outbox) == 1


def test_nobody_to_send_to_is_a_clear_error_and_nothing_changes(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    holder("refunded@example.org", status=Ticket.Status.REFUNDED)
    message = draft()

    with pytest.raises(services.MailingError) as refused:
        send_now(message, organiser, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert refused.value.code == "no_recipients"
    assert "Nobody would get this message" in refused.value.message
    assert message.state == State.DRAFT
    assert OutgoingEmail.objects.count() == 0


def test_a_test_goes_to_the_organiser_alone_marked_as_a_test(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    holder("rosa@example.org")
    message = draft()

    with django_capture_on_commit_callbacks(execute=True):
        address = services.send_test(message, user=organiser)

    message.refresh_from_db()
    assert address == "olu@festival.invalid"
    assert [(m.to, m.subject) for m in mail.outbox] == [(["olu@festival.invalid"], "[Test] Doors open at ten")]
    assert message.state == State.DRAFT  # a test changes nothing: the message can still be sent
    assert emails_of(message).count() == 0


def test_a_test_for_someone_without_an_address_is_refused(draft):
    with pytest.raises(services.MailingError) as refused:
        services.send_test(draft(), user=UserFactory(username="nomail", email=""))

    assert refused.value.code == "no_email"
    assert OutgoingEmail.objects.count() == 0


def test_a_scheduled_message_goes_when_due_through_the_same_path(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    holder("rosa@example.org")
    message = draft()
    now = timezone.now()
    services.schedule(message, send_at=now + timedelta(hours=1), user=organiser)

    with django_capture_on_commit_callbacks(execute=True):
        early = services.start_due(now=now)
    assert (early, Message.objects.get(pk=message.pk).state, len(mail.outbox)) == (0, State.SCHEDULED, 0)

    with django_capture_on_commit_callbacks(execute=True):
        due = services.start_due(now=now + timedelta(hours=1, seconds=1))
        again = services.start_due(now=now + timedelta(hours=1, seconds=2))

    message.refresh_from_db()
    assert (due, again) == (1, 0)
    assert (message.state, message.recipient_count, message.sent_by) == (State.SENT, 1, organiser)
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]


def test_scheduling_in_the_past_or_after_sending_is_refused(
    holder, draft, organiser, django_capture_on_commit_callbacks
):
    holder("rosa@example.org")
    message = draft()

    with pytest.raises(services.MailingError) as past:
        services.schedule(message, send_at=timezone.now() - timedelta(minutes=1), user=organiser)
    send_now(message, organiser, django_capture_on_commit_callbacks)
    with pytest.raises(services.MailingError) as sent:
        services.schedule(message, send_at=timezone.now() + timedelta(days=1), user=organiser)

    assert (past.value.code, sent.value.code) == ("in_the_past", "not_editable")
    assert Message.objects.get(pk=message.pk).state == State.SENT


def test_a_message_still_sending_long_after_it_started_is_queued_again(
    holder, draft, django_capture_on_commit_callbacks
):
    holder("rosa@example.org")
    message = draft()
    long_ago = timezone.now() - services.STALLED_AFTER - timedelta(minutes=1)
    Message.objects.filter(pk=message.pk).update(state=State.SENDING, started_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.start_due()

    assert queued == 1
    assert Message.objects.get(pk=message.pk).state == State.SENT
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]


def test_the_log_counts_delivered_waiting_and_failed_emails(holder, draft, organiser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    for n in range(3):
        holder(f"person{n}@example.org")
    message = draft()
    Message.objects.filter(pk=message.pk).update(state=State.SENDING)
    sending.send(message.pk)  # queued, waiting for a worker
    waiting = sending.outcomes(message)
    first, second = emails_of(message).order_by("pk")[:2]
    OutgoingEmail.objects.filter(pk=first.pk).update(state=OutgoingEmail.State.SENT)
    OutgoingEmail.objects.filter(pk=second.pk).update(state=OutgoingEmail.State.FAILED)

    assert waiting == {"queued": 3, "delivered": 0, "failed": 0, "total": 3}
    assert sending.outcomes(message) == {"queued": 1, "delivered": 1, "failed": 1, "total": 3}
