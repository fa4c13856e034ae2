"""The proposer's pages: a sign-in link by email, proposing, changing and withdrawing; text stays text."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutgoingEmail
from proposals import emails
from proposals.models import Proposal
from proposals.services import submission
from proposals.services.submission import Speaker

pytestmark = pytest.mark.django_db


def _link(email: OutgoingEmail) -> str:
    return re.search(r"http://\S+", bytes(email.mime).decode()).group(0).replace("http://testserver", "")


def _sign_in(client, call, address="rosa@example.org"):
    client.get(
        reverse("proposals:sign_in", kwargs={"edition": call.edition.slug, "token": emails.sign_in_token(address)})
    )


def _form(call, talk, **changes):
    question = call.questions.first()
    fields = {
        "title": "Organising renters",
        "abstract": "How tenants win.",
        "description": "",
        "session_format": talk.pk,
        "track": "",
        "length_minutes": 60,
        "step_free": "on",
        "speaker_name": "Rosa",
        f"q_{question.pk}": "yes",
    }
    fields.update(changes)
    return fields


def test_asking_for_a_link_queues_an_email_that_signs_the_proposer_in(client, call, settings):
    settings.SITE_URL = "http://testserver"

    response = client.post(reverse("proposals:call", kwargs={"edition": "2026"}), {"email": "Rosa@Example.org"})
    link = _link(OutgoingEmail.objects.get(to="rosa@example.org"))
    signed_in = client.get(link, follow=True)

    assert response.status_code == 302
    assert signed_in.status_code == 200
    assert "Signed in as rosa@example.org" in signed_in.content.decode()


def test_a_forged_sign_in_link_signs_nobody_in(client, call):
    response = client.get(reverse("proposals:sign_in", kwargs={"edition": "2026", "token": "rosa@example.org:forged"}))

    assert response.status_code == 302
    assert client.get(reverse("proposals:mine", kwargs={"edition": "2026"})).status_code == 302


def test_the_pages_of_proposals_need_a_signed_in_proposer(client, call):
    response = client.get(reverse("proposals:new", kwargs={"edition": "2026"}))

    assert response["Location"] == reverse("proposals:call", kwargs={"edition": "2026"})


def test_proposing_through_the_form_keeps_the_proposal(client, call, talk):
    _sign_in(client, call)

    response = client.post(reverse("proposals:new", kwargs={"edition": "2026"}), _form(call, talk))

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.title, proposal.step_free, proposal.bsl) == ("Organising renters", True, False)
    assert proposal.answers == {str(call.questions.first().pk): True}


def test_script_in_a_title_is_shown_as_text(client, call, talk):
    _sign_in(client, call)
    client.post(
        reverse("proposals:new", kwargs={"edition": "2026"}), _form(call, talk, title="<script>alert(1)</script>")
    )

    page = client.get(reverse("proposals:mine", kwargs={"edition": "2026"})).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_five_megabyte_abstract_is_refused_by_the_form(client, call, talk):
    _sign_in(client, call)

    response = client.post(
        reverse("proposals:new", kwargs={"edition": "2026"}), _form(call, talk, abstract="x" * 5 * 2**20)
    )

    assert response.status_code == 400
    assert Proposal.objects.count() == 0


def test_the_form_says_when_the_call_has_closed(client, call, talk):
    _sign_in(client, call)
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.save()

    response = client.post(reverse("proposals:new", kwargs={"edition": "2026"}), _form(call, talk))

    assert response.status_code == 400
    assert "The call for proposals is closed" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_a_proposer_withdraws_their_own_proposal_but_not_anothers(client, call, propose):
    mine, theirs = propose(), propose(by=submission.proposer_for("ada@example.org"))
    _sign_in(client, call)

    client.post(reverse("proposals:withdraw", kwargs={"edition": "2026", "pk": mine.pk}))
    response = client.post(reverse("proposals:withdraw", kwargs={"edition": "2026", "pk": theirs.pk}))

    assert response.status_code == 404
    assert Proposal.objects.get(pk=mine.pk).state == Proposal.State.WITHDRAWN
    assert Proposal.objects.get(pk=theirs.pk).state == Proposal.State.SUBMITTED


def test_a_co_speaker_confirms_from_their_link(client, propose):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="ada@example.org")])
    ada = proposal.speakers.get(is_proposer=False)

    response = client.post(
        reverse("proposals:speaker", kwargs={"token": ada.token}), {"name": "Ada L.", "bio": "<b>hi</b>"}
    )

    ada.refresh_from_db()
    assert response.status_code == 302
    assert (ada.name, ada.bio, ada.confirmed_at is not None) == ("Ada L.", "<b>hi</b>", True)


def test_a_photo_that_is_not_an_image_is_refused(client, propose):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="ada@example.org")])
    ada = proposal.speakers.get(is_proposer=False)
    fake = SimpleUploadedFile("me.jpg", b"<html>not a photo</html>", content_type="image/jpeg")

    response = client.post(reverse("proposals:speaker", kwargs={"token": ada.token}), {"name": "Ada", "photo": fake})

    ada.refresh_from_db()
    assert response.status_code == 400
    assert (ada.confirmed_at, ada.photo.name) == (None, "")


def test_sign_in_links_are_throttled_per_address(client, call):
    for _n in range(5):
        client.post(reverse("proposals:call", kwargs={"edition": "2026"}), {"email": "rosa@example.org"})

    assert OutgoingEmail.objects.filter(to="rosa@example.org").count() == 3
