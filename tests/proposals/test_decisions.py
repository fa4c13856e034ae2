"""Decisions through the outbox, the speaker's answer, and the draft session and speaker pages it makes."""

import pytest
from django.urls import reverse

from outbox.models import OutgoingEmail
from programme.models import SessionPage
from proposals.models import Proposal
from proposals.services import decisions, submission
from proposals.services.errors import ProposalError
from proposals.services.submission import Speaker
from speakers.models import SpeakerPage

pytestmark = pytest.mark.django_db


def test_accepting_queues_the_organisers_words_with_the_confirm_link(call, propose, organiser):
    call.accept_text = "Brilliant: we want this on the main stage."
    call.save()
    proposal = propose()

    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    email = OutgoingEmail.objects.get(key=f"proposal-decision:{proposal.pk}:accepted")
    body = bytes(email.mime).decode()
    assert email.to == "rosa@example.org"
    assert "Brilliant: we want this on the main stage." in body
    assert f"/proposals/decision/{proposal.token}/" in body


def test_a_second_decision_on_an_accepted_proposal_is_refused(propose, organiser):
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    with pytest.raises(ProposalError) as error:
        decisions.decide(proposal=proposal, decision=Proposal.State.REJECTED, user=organiser)

    assert error.value.code == "already_decided"
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.ACCEPTED


def test_a_wait_listed_proposal_can_still_be_accepted(propose, organiser):
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.WAITLISTED, user=organiser)

    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    keys = sorted(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == [f"proposal-decision:{proposal.pk}:accepted", f"proposal-decision:{proposal.pk}:waitlisted"]


def test_a_withdrawn_proposal_cannot_be_accepted(propose, organiser):
    proposal = propose()
    submission.withdraw(proposal=proposal)

    with pytest.raises(ProposalError) as error:
        decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    assert error.value.code == "already_decided"


def test_confirming_makes_one_draft_session_with_its_confirmed_speakers_only(propose, organiser, programme):
    proposal = propose(
        description="<script>alert(1)</script>\n\nSecond paragraph.",
        co_speakers=[Speaker(name="Ada", email="ada@example.org"), Speaker(name="Never", email="never@example.org")],
    )
    ada = proposal.speakers.get(email="ada@example.org")
    submission.confirm_speaker(speaker=ada, name="Ada Lovelace", pronouns="", bio="Engines.", photo=None)
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    confirmed = decisions.respond(proposal=proposal, confirm=True)

    session = SessionPage.objects.get()
    assert confirmed.session_page_id == session.pk
    assert (session.live, session.title, session.bsl) == (False, "Organising renters", True)
    assert session.get_parent().pk == programme.pk
    assert session.description == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second paragraph.</p>"
    assert [link.speaker.title for link in session.speaker_links.order_by("sort_order")] == [
        "Rosa Luxe",
        "Ada Lovelace",
    ]
    assert not SpeakerPage.objects.filter(title="Never").exists()
    assert SpeakerPage.objects.filter(live=True).count() == 0


def test_an_existing_speaker_page_of_the_same_name_is_used(propose, organiser, speaker_index):
    existing = SpeakerPage(title="Rosa Luxe", slug="rosa")
    speaker_index.add_child(instance=existing)
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    decisions.respond(proposal=proposal, confirm=True)

    assert SpeakerPage.objects.count() == 1
    assert SessionPage.objects.get().speaker_links.get().speaker_id == existing.pk


def test_confirming_twice_makes_one_session(propose, organiser):
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)
    decisions.respond(proposal=proposal, confirm=True)

    with pytest.raises(ProposalError) as error:
        decisions.respond(proposal=proposal, confirm=True)

    assert error.value.code == "not_awaiting_confirmation"
    assert SessionPage.objects.count() == 1


def test_declining_makes_no_session(propose, organiser):
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    declined = decisions.respond(proposal=proposal, confirm=False)

    assert declined.state == Proposal.State.DECLINED
    assert SessionPage.objects.count() == 0


def test_a_proposal_not_accepted_cannot_be_confirmed(propose):
    with pytest.raises(ProposalError) as error:
        decisions.respond(proposal=propose(), confirm=True)

    assert error.value.code == "not_awaiting_confirmation"


def test_the_organiser_decides_from_the_admin_and_the_speaker_confirms_from_the_link(client, propose, organiser):
    proposal = propose()
    client.force_login(organiser)

    client.post(reverse("proposals_decide", args=[proposal.pk]), {"decision": "accepted"})
    client.logout()
    client.post(reverse("proposals:decision", kwargs={"token": proposal.token}), {"answer": "confirm"})

    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CONFIRMED
    assert proposal.session_page.title == "Organising renters"


def test_a_reviewer_cannot_decide(client, propose, reviewer):
    proposal = propose()
    client.force_login(reviewer)

    response = client.post(reverse("proposals_decide", args=[proposal.pk]), {"decision": "accepted"})

    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.SUBMITTED
