"""Making, changing and withdrawing proposals, and the bad input the call refuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutgoingEmail
from proposals.models import Proposal, ProposalSpeaker
from proposals.services import submission
from proposals.services.errors import ProposalError
from proposals.services.submission import Speaker

pytestmark = pytest.mark.django_db


def test_submit_keeps_the_proposal_with_the_proposer_as_a_confirmed_speaker(propose, proposer):
    proposal = propose()

    assert (proposal.state, proposal.proposer, proposal.bsl) == (Proposal.State.SUBMITTED, proposer, True)
    assert [(s.email, s.is_proposer, s.confirmed_at is not None) for s in proposal.speakers.all()] == [
        ("rosa@example.org", True, True)
    ]


def test_co_speakers_are_invited_by_email_through_the_outbox_and_start_unconfirmed(propose):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="Ada@Example.org")])

    ada = proposal.speakers.get(is_proposer=False)
    email = OutgoingEmail.objects.get(key=f"proposal-invitation:{ada.pk}")
    assert (ada.email, ada.confirmed_at, email.to) == ("ada@example.org", None, "ada@example.org")
    assert ada.token in bytes(email.mime).decode()


def test_submit_refuses_once_the_call_has_closed(call, propose):
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()

    with pytest.raises(ProposalError) as error:
        propose()

    assert error.value.code == "call_closed"
    assert Proposal.objects.count() == 0


def test_submit_refuses_before_the_call_opens(call, propose):
    call.opens_at = timezone.now() + timedelta(days=1)
    call.save()

    with pytest.raises(ProposalError) as error:
        propose()

    assert error.value.code == "call_closed"


def test_submit_refuses_over_the_per_person_limit_but_withdrawn_ones_do_not_count(propose):
    first = propose(title="One")
    propose(title="Two")

    with pytest.raises(ProposalError) as error:
        propose(title="Three")
    submission.withdraw(proposal=first)
    third = propose(title="Three")

    assert error.value.code == "over_limit"
    assert third.title == "Three"


def test_the_limit_is_per_person(propose):
    propose(title="One")
    propose(title="Two")

    other = propose(title="Three", by=submission.proposer_for("ada@example.org"))

    assert other.proposer.email == "ada@example.org"


def test_a_five_megabyte_abstract_is_refused_and_nothing_kept(propose):
    with pytest.raises(ProposalError) as error:
        propose(abstract="x" * (5 * 2**20))

    assert error.value.code == "too_long"
    assert Proposal.objects.count() == 0


def test_a_format_not_on_offer_is_refused(propose, festival):
    film = festival.session_formats.create(name="Film", slug="film")

    with pytest.raises(ProposalError) as error:
        propose(session_format=film)

    assert error.value.code == "bad_choice"


def test_a_required_question_left_unanswered_is_refused(call, propose):
    call.questions.update(required=True)

    with pytest.raises(ProposalError) as error:
        propose(answers={})

    assert error.value.code == "missing_answer"


def test_the_same_co_speaker_twice_is_refused(propose):
    with pytest.raises(ProposalError) as error:
        propose(co_speakers=[Speaker(name="Ada", email="ada@example.org"), Speaker(name="A", email="ADA@example.org")])

    assert error.value.code == "duplicate_speaker"


def test_update_changes_fields_and_co_speakers_while_the_call_is_open(propose, data):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="ada@example.org")])

    submission.update(
        proposal=proposal,
        data=data(title="Organising renters, again"),
        co_speakers=[Speaker(name="Bea", email="bea@example.org")],
    )

    assert proposal.title == "Organising renters, again"
    assert sorted(proposal.speakers.values_list("email", flat=True)) == ["bea@example.org", "rosa@example.org"]


def test_update_is_refused_once_the_call_has_closed(call, propose, data):
    proposal = propose()
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.save()

    with pytest.raises(ProposalError) as error:
        submission.update(proposal=Proposal.objects.get(pk=proposal.pk), data=data(title="Late"), co_speakers=[])

    assert error.value.code == "call_closed"
    assert Proposal.objects.get(pk=proposal.pk).title == "Organising renters"


def test_withdraw_works_after_the_call_closes_but_only_once(call, propose):
    proposal = propose()
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.save()

    submission.withdraw(proposal=proposal)
    with pytest.raises(ProposalError) as error:
        submission.withdraw(proposal=proposal)

    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.WITHDRAWN
    assert error.value.code == "already_withdrawn"


def test_a_co_speaker_confirms_with_a_biography(propose):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="ada@example.org")])
    ada = proposal.speakers.get(is_proposer=False)

    submission.confirm_speaker(speaker=ada, name="Ada L.", pronouns="she/her", bio="Organiser.", photo=None)

    ada = ProposalSpeaker.objects.get(pk=ada.pk)
    assert (ada.name, ada.bio, ada.confirmed_at is not None) == ("Ada L.", "Organiser.", True)
