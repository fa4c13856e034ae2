"""Outgoing email in the Wagtail admin: read-only, for box office and organisers, searchable by
address, filtered by state, with "retry now" for an email refused for good."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from festival import roles
from outbox import services
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def stored(to: str, *, state=OutgoingEmail.State.SENT, error="") -> OutgoingEmail:
    email = services.queue(EmailMessage(subject=f"For {to}", body="Hello", to=[to]), key=None, about="test")
    OutgoingEmail.objects.filter(pk=email.pk).update(state=state, last_error=error)
    return email


def signed_in(client, groups, role):
    user = get_user_model().objects.create_user(f"user-{role}".replace(" ", "-"))
    user.groups.add(groups[role])
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [roles.BOX_OFFICE, roles.ORGANISER])
def test_box_office_and_organisers_see_the_outbox_searched_by_address(client, groups, role):
    stored("rosa@example.org")
    stored("bayard@example.org")
    client = signed_in(client, groups, role)

    response = client.get(reverse("outgoing_email:index"), {"q": "rosa@example.org"})

    assert response.status_code == 200
    assert "For rosa@example.org" in response.content.decode()
    assert "For bayard@example.org" not in response.content.decode()


def test_the_outbox_filters_by_state(admin_client):
    stored("rosa@example.org", state=OutgoingEmail.State.FAILED, error="550 5.1.1 No such mailbox here")
    stored("bayard@example.org")

    response = admin_client.get(reverse("outgoing_email:index"), {"state": "failed"})

    assert "For rosa@example.org" in response.content.decode()
    assert "550 5.1.1 No such mailbox here" in response.content.decode()
    assert "For bayard@example.org" not in response.content.decode()


def test_finance_and_editors_do_not_see_the_outbox(client, groups):
    answers = [signed_in(client, groups, role).get(reverse("outgoing_email:index")) for role in
               (roles.FINANCE, roles.EDITOR)]  # fmt: skip

    assert [(r.status_code, r["Location"]) for r in answers] == [(302, reverse("wagtailadmin_home"))] * 2


def test_no_one_edits_or_adds_an_email_from_the_admin(admin_client):
    email = stored("rosa@example.org")

    edit = admin_client.get(reverse("outgoing_email:edit", args=[email.pk]))
    add = admin_client.get(reverse("outgoing_email:add"))

    # Wagtail answers a refused permission by sending the user back to the dashboard.
    assert (edit.status_code, edit["Location"]) == (302, reverse("wagtailadmin_home"))
    assert (add.status_code, add["Location"]) == (302, reverse("wagtailadmin_home"))


def test_the_list_takes_the_same_queries_for_one_and_three_emails(admin_client):
    stored("a@example.org")
    with CaptureQueriesContext(connection) as one:
        admin_client.get(reverse("outgoing_email:index"))
    stored("b@example.org")
    stored("c@example.org")
    with CaptureQueriesContext(connection) as three:
        admin_client.get(reverse("outgoing_email:index"))

    assert len(three) == len(one)


def test_box_office_retries_a_failed_email_and_it_is_sent(client, groups, django_capture_on_commit_callbacks):
    email = stored("rosa@example.org", state=OutgoingEmail.State.FAILED, error="550 5.1.1 No such mailbox here")
    client = signed_in(client, groups, roles.BOX_OFFICE)
    inspect = client.get(reverse("outgoing_email:inspect", args=[email.pk]))
    confirm = client.get(reverse("outbox_retry", args=[email.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox_retry", args=[email.pk]))
    email.refresh_from_db()

    assert reverse("outbox_retry", args=[email.pk]) in inspect.content.decode()
    assert "550 5.1.1 No such mailbox here" in confirm.content.decode()
    assert response.status_code == 302
    assert email.state == OutgoingEmail.State.SENT
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]


def test_finance_cannot_retry(client, groups):
    email = stored("rosa@example.org", state=OutgoingEmail.State.FAILED)

    response = signed_in(client, groups, roles.FINANCE).post(reverse("outbox_retry", args=[email.pk]))
    email.refresh_from_db()

    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert email.state == OutgoingEmail.State.FAILED
