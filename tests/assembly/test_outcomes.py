"""A vote's outcome reaches its motion or amendment: carried or defeated, and the motion as amended."""

import pytest
from django.urls import reverse

from assembly import voting
from assembly.errors import AssemblyError
from assembly.models import Amendment, Motion, Vote


def _motion(festival, text="We register as a party."):
    return Motion.objects.create(festival=festival, title="Register", text=text, proposer_name="Ada")


def test_a_ballot_that_carries_marks_its_motion_carried(live_festival, member, make_vote):
    motion = _motion(live_festival)
    voters = [member(), member(), member()]
    vote = voting.open_vote(vote_id=make_vote(motion=motion).pk)
    for ticket, choice in zip(voters, ("yes", "yes", "no"), strict=True):
        voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=choice)

    voting.close_vote(vote_id=vote.pk)

    motion.refresh_from_db()
    assert motion.status == Motion.Status.CARRIED


def test_a_show_of_hands_that_falls_marks_its_motion_defeated(live_festival, make_vote):
    motion = _motion(live_festival)
    vote = make_vote(motion=motion, mode=Vote.Mode.HANDS)

    voting.record_count(vote_id=vote.pk, counts={"yes": "10", "no": "31", "abstain": "2"})

    motion.refresh_from_db()
    assert motion.status == Motion.Status.DEFEATED


def test_a_carried_amendment_becomes_the_motions_text_and_the_original_is_kept(live_festival, make_vote):
    motion = _motion(live_festival)
    amendment = Amendment.objects.create(motion=motion, text="We register as a party in 2027.", proposer_name="Bo")
    vote = make_vote(motion=motion, amendment=amendment, mode=Vote.Mode.PAPER)

    voting.record_count(vote_id=vote.pk, counts={"yes": "40", "no": "12", "abstain": "0"})

    motion.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.CARRIED
    assert motion.text == "We register as a party in 2027."
    assert motion.original_text == "We register as a party."
    assert motion.status == Motion.Status.TABLED  # the motion as amended still goes to its own vote


def test_a_defeated_amendment_leaves_the_motion_as_it_was(live_festival, make_vote):
    motion = _motion(live_festival)
    amendment = Amendment.objects.create(motion=motion, text="We never register.", proposer_name="Bo")
    vote = make_vote(motion=motion, amendment=amendment, mode=Vote.Mode.HANDS)

    voting.record_count(vote_id=vote.pk, counts={"yes": "3", "no": "40", "abstain": "0"})

    motion.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.DEFEATED
    assert motion.text == "We register as a party."
    assert motion.original_text == ""


def test_the_motions_page_shows_each_outcome(client, live_festival, make_vote):
    motion = _motion(live_festival)
    amendment = Amendment.objects.create(motion=motion, text="We register as a party in 2027.", proposer_name="Bo")
    voting.record_count(
        vote_id=make_vote(motion=motion, amendment=amendment, mode=Vote.Mode.HANDS).pk,
        counts={"yes": "40", "no": "1", "abstain": "0"},
    )
    url = reverse("assembly:motions", kwargs={"slug": live_festival.slug})
    amended = client.get(url).content.decode()
    voting.record_count(
        vote_id=make_vote(motion=motion, mode=Vote.Mode.HANDS).pk, counts={"yes": "30", "no": "9", "abstain": "0"}
    )

    page = client.get(url).content.decode()

    assert "Tabled, as amended" in amended
    assert "Carried as amended" in page
    assert "Amendment carried" in page
    assert "We register as a party in 2027." in page


def test_a_decided_amendment_or_withdrawn_motion_is_not_put_to_the_vote_again(live_festival, make_vote):
    motion = _motion(live_festival)
    amendment = Amendment.objects.create(motion=motion, text="We register in 2027.", proposer_name="Bo")
    voting.record_count(
        vote_id=make_vote(motion=motion, amendment=amendment, mode=Vote.Mode.HANDS).pk,
        counts={"yes": "40", "no": "1", "abstain": "0"},
    )
    again = make_vote(motion=motion, amendment=amendment, mode=Vote.Mode.HANDS)
    withdrawn = _motion(live_festival)
    Motion.objects.filter(pk=withdrawn.pk).update(status=Motion.Status.WITHDRAWN)

    with pytest.raises(AssemblyError) as twice:
        voting.record_count(vote_id=again.pk, counts={"yes": "1", "no": "40", "abstain": "0"})
    with pytest.raises(AssemblyError) as gone:
        voting.open_vote(vote_id=make_vote(motion=withdrawn).pk)

    assert twice.value.code == gone.value.code == "not_votable"
    again.refresh_from_db()
    assert again.status == Vote.Status.DRAFT
    motion.refresh_from_db()
    assert motion.text == "We register in 2027."
