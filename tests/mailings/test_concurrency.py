"""Two sends at once, on PostgreSQL with real threads: two organisers pressing send together start one
sending, and two tasks sending the same message together (a retry racing the first run) queue each
address's email once."""

import pytest

from mailings import sending, services
from mailings.models import Message
from outbox.models import OutgoingEmail
from tests.threads import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_organisers_pressing_send_together_start_one_sending(holder, draft, organiser, staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    for n in range(20):
        holder(f"person{n}@example.org")
    message = draft()
    other = staff("Organiser", "ada", email="ada@festival.invalid")

    results = race(2, lambda n: services.start_sending(message, user=(organiser, other)[n]))

    started = [r for r in results if r == 20]
    refused = [r for r in results if isinstance(r, services.MailingError)]
    assert (len(started), [r.code for r in refused]) == (1, ["not_editable"])
    assert Message.objects.get(pk=message.pk).state == Message.State.SENDING


def test_two_tasks_sending_the_same_message_together_queue_each_address_once(holder, draft, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    for n in range(300):
        holder(f"person{n}@example.org")
    message = draft()
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING)

    results = race(2, lambda n: sending.send(message.pk))

    keys = list(OutgoingEmail.objects.filter(key__startswith=sending.key_prefix(message)).values_list("key", flat=True))
    recipients = OutgoingEmail.objects.filter(key__in=keys).values_list("to", flat=True)
    assert results == [300, 300]
    assert len(keys) == 300
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(300))
    assert Message.objects.get(pk=message.pk).state == Message.State.SENT
