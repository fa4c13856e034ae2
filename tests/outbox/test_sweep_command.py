"""The cron sweep (``manage.py release_lapsed_holds``) sends due emails too, a backstop for the worker."""

from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command

from outbox import services
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_the_cron_sweep_sends_an_email_no_worker_took(tasks_wait):
    email = services.queue(EmailMessage(subject="Hello", body="Hi", to=["rosa@example.org"]), key=None, about="t")
    out = StringIO()

    call_command("release_lapsed_holds", stdout=out)
    email.refresh_from_db()

    assert email.state == OutgoingEmail.State.SENT
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert "emails_sent: 1" in out.getvalue()
