"""Messages in the Wagtail admin through the test client: write (with clear errors for an empty
subject or body), preview with the count, a test to yourself, send after a confirmation (once),
schedule, and the log; box office and door staff get 403 and change nothing."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from festival import roles
from festival.models import FestivalPage
from mailings.models import Message
from outbox.models import OutgoingEmail
from tests.ticketing.factories import TicketTypeFactory

pytestmark = pytest.mark.django_db

State = Message.State


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def message_form(festival, **fields):
    return {"festival": festival.pk, "audience": "everyone", "ticket_type": "", "subject": "Doors open at ten",
            "body": "The doors open at 10:00.", **fields}  # fmt: skip


def test_an_empty_subject_and_body_are_clear_errors_and_nothing_is_stored(signed_in, festival):
    response = signed_in.post(reverse("mailings_compose"), message_form(festival, subject="   ", body="\n "))

    assert response.status_code == 200
    assert "Write a subject: it is the first thing people see." in response.text
    assert "Write the message: it cannot be empty." in response.text
    assert 'aria-invalid="true"' in response.text or "error-message" in response.text
    assert Message.objects.count() == 0


def test_one_ticket_type_needs_a_type_of_that_edition(signed_in, festival, live_festival):
    other = TicketTypeFactory(festival=live_festival, name="Elsewhere")
    missing = signed_in.post(reverse("mailings_compose"), message_form(festival, audience="ticket_type"))
    wrong = signed_in.post(reverse("mailings_compose"), message_form(festival, audience="ticket_type",
                                                                     ticket_type=other.pk))  # fmt: skip

    assert "Choose the ticket type whose holders get it." in missing.text
    assert "That ticket type belongs to another edition." in wrong.text
    assert Message.objects.count() == 0


def test_write_preview_test_then_send_once(signed_in, festival, holder, django_capture_on_commit_callbacks):
    holder("rosa@example.org")
    holder("nye@example.org")

    written = signed_in.post(reverse("mailings_compose"), message_form(festival))
    message = Message.objects.get()
    page = signed_in.get(written.url)
    with django_capture_on_commit_callbacks(execute=True):
        tested = signed_in.post(reverse("mailings_test", args=[message.pk]), follow=True)
    confirm = signed_in.get(reverse("mailings_send", args=[message.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        sent = signed_in.post(reverse("mailings_send", args=[message.pk]), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        again = signed_in.post(reverse("mailings_send", args=[message.pk]), follow=True)

    message.refresh_from_db()
    assert written.status_code == 302 and written.url == reverse("mailings_message", args=[message.pk])
    assert (message.created_by.username, message.state, message.recipient_count) == ("olu", State.SENT, 2)
    assert "Doors open at ten" in page.text and "The doors open at 10:00." in page.text
    assert "2 people" in page.text
    assert "because you hold a ticket for Festival of Resistance 2026" in page.text
    assert "A test is on its way to olu@festival.invalid." in tested.text
    assert "You are about to send “Doors open at ten” to 2 ticket holders of Festival of Resistance 2026." in (
        confirm.text
    )
    assert "Sending to 2 people." in sent.text
    assert "has been sent already, so it was not sent again" in again.text
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("nye@example.org", "Doors open at ten"),
        ("olu@festival.invalid", "[Test] Doors open at ten"),
        ("rosa@example.org", "Doors open at ten"),
    ]
    assert "Delivered" in again.text and 'id="outcomes"' in again.text


def test_sending_to_nobody_says_so_and_sends_nothing(signed_in, draft):
    message = draft()

    confirm = signed_in.get(reverse("mailings_send", args=[message.pk]))
    pressed = signed_in.post(reverse("mailings_send", args=[message.pk]), follow=True)

    assert "Nobody would get this message" in confirm.text
    assert "Yes, send it now" not in confirm.text
    assert "Nobody would get this message" in pressed.text
    assert Message.objects.get(pk=message.pk).state == State.DRAFT
    assert OutgoingEmail.objects.count() == 0


def test_schedule_days_before_the_festival_in_its_time_zone(signed_in, festival, draft, holder, organiser):
    start = timezone.localdate() + timedelta(days=30)
    FestivalPage.objects.filter(pk=festival.pk).update(start_date=start, end_date=start + timedelta(days=2))
    holder("rosa@example.org")
    message = draft()
    expected = datetime.combine(start - timedelta(days=2), time(9), tzinfo=ZoneInfo("Europe/London"))

    response = signed_in.post(reverse("mailings_schedule", args=[message.pk]),
                              {"days_before": "2", "time_of_day": "09:00", "send_at": ""}, follow=True)  # fmt: skip

    message.refresh_from_db()
    assert message.state == State.SCHEDULED
    assert message.send_at == expected
    assert message.sent_by == organiser
    assert f"Scheduled for {expected:%A %-d %B %Y at 09:00 %Z}." in response.text
    back = signed_in.post(reverse("mailings_unschedule", args=[message.pk]), follow=True)
    assert "it is a draft again" in back.text
    assert Message.objects.get(pk=message.pk).state == State.DRAFT


def test_scheduling_without_a_time_or_in_the_past_is_a_clear_error(signed_in, draft):
    message = draft()

    none = signed_in.post(reverse("mailings_schedule", args=[message.pk]), {"days_before": "", "send_at": ""})
    past = signed_in.post(reverse("mailings_schedule", args=[message.pk]),
                          {"days_before": "", "send_at": "2020-01-01 09:00"})  # fmt: skip

    assert "Choose when to send it" in none.text
    assert "That time has passed." in past.text
    assert Message.objects.get(pk=message.pk).state == State.DRAFT


def test_the_log_lists_who_sent_what_to_how_many_and_delivered(
    signed_in, draft, holder, organiser, django_capture_on_commit_callbacks
):
    holder("rosa@example.org")
    holder("nye@example.org")
    message = draft(subject="Bring a coat")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("mailings_send", args=[message.pk]))
    draft(subject="Not sent yet")

    log = signed_in.get(reverse("mailings:index"))

    assert log.status_code == 200
    assert "Bring a coat" in log.text and "Not sent yet" in log.text
    assert "Write a message" in log.text
    row = log.text[log.text.index("Bring a coat") :].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # sent by, sent at, scheduled for (never), recipients, delivered, failed
    assert cells[-6:] == ["olu", cells[-5], "", "2", "2", "0"]
    assert cells[-5] != "" and "Sent" in cells


def test_box_office_and_door_staff_get_403_and_change_nothing(client, staff, draft, holder):
    holder("rosa@example.org")
    message = draft()
    urls = [reverse("mailings_compose"), reverse("mailings_send", args=[message.pk]),
            reverse("mailings_schedule", args=[message.pk]), reverse("mailings_message", args=[message.pk]),
            reverse("mailings:index")]  # fmt: skip
    for role, name in ((roles.BOX_OFFICE, "bex"), (roles.DOOR_STAFF, "dev"), (roles.FINANCE, "fin")):
        client.force_login(staff(role, name, email=f"{name}@festival.invalid"))
        statuses = {url: client.get(url).status_code for url in urls}
        posted = [client.post(reverse(view, args=[message.pk])).status_code
                  for view in ("mailings_send", "mailings_test", "mailings_schedule", "mailings_edit")]  # fmt: skip
        created = client.post(reverse("mailings_compose"), message_form(message.festival)).status_code

        assert set(statuses.values()) == {403}, (role, statuses)
        assert set(posted) == {403} and created == 403, role
    assert Message.objects.get(pk=message.pk).state == State.DRAFT
    assert Message.objects.count() == 1
    assert OutgoingEmail.objects.count() == 0 and mail.outbox == []
