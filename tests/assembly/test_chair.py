"""The chair's pages, counted votes (hands, paper) and the projector."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from assembly import voting
from assembly.errors import AssemblyError
from assembly.models import Ballot, Vote
from festival import roles

from ..ticketing.factories import UserFactory


@pytest.fixture
def chair(groups):
    user = UserFactory(username="chair")
    user.groups.add(groups[roles.CHAIR])
    return user


def test_the_chair_opens_and_closes_a_vote_and_the_projector_shows_the_result(client, chair, member, make_vote):
    tickets = [member() for _ in range(3)]
    vote = make_vote()
    client.force_login(chair)
    page = reverse("assembly_chair_vote", args=[vote.pk])

    client.post(page, {"step": "open"})
    vote.refresh_from_db()
    for ticket, choice in zip(tickets, ["yes", "no", "yes"], strict=True):
        voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=choice)
    during = client.get(reverse("assembly:projector", kwargs={"slug": vote.festival.slug})).content.decode()
    client.post(page, {"step": "close"})
    after = client.get(reverse("assembly:projector", kwargs={"slug": vote.festival.slug})).content.decode()

    vote.refresh_from_db()
    assert vote.status == Vote.Status.CLOSED
    assert "3 of 3 have voted" in during
    assert "Carried" in after and "Turnout: 3 of 3" in after
    assert "projector.js" in after


def test_someone_without_the_chair_role_is_refused_and_nothing_changes(client, groups, make_vote):
    door = UserFactory(username="door-only")
    door.groups.add(groups[roles.DOOR_STAFF])
    vote = make_vote()
    client.force_login(door)

    response = client.post(reverse("assembly_chair_vote", args=[vote.pk]), {"step": "open"})

    vote.refresh_from_db()
    assert response.status_code in (302, 403)
    assert vote.status == Vote.Status.DRAFT


def test_a_show_of_hands_is_recorded_as_counted(client, chair, make_vote):
    vote = make_vote(mode=Vote.Mode.HANDS)
    client.force_login(chair)

    client.post(reverse("assembly_chair_vote", args=[vote.pk]), {"step": "count", "count_yes": "40", "count_no": "12",
                                                                  "count_abstain": "3"})  # fmt: skip

    vote.refresh_from_db()
    assert vote.status == Vote.Status.CLOSED
    assert vote.result == {"method": "yes_no", "yes": 40, "no": 12, "abstain": 3, "outcome": "carried",
                           "counted_by": "hands"}  # fmt: skip
    assert vote.turnout == 55


def test_a_paper_election_count_names_the_most_voted_and_refuses_strangers(make_vote):
    vote = make_vote(mode=Vote.Mode.PAPER, method=Vote.Method.APPROVAL, candidates=["Ada", "Bo"])
    ada, bo = vote.candidates.all()

    with pytest.raises(AssemblyError) as caught:
        voting.record_count(vote_id=vote.pk, counts={str(ada.pk): 3, "999": 4})
    counted = voting.record_count(vote_id=vote.pk, counts={str(ada.pk): 3, str(bo.pk): 9})

    assert caught.value.code == "unknown_candidate"
    assert counted.result["winners"] == [bo.pk]


def test_a_ballot_vote_cannot_be_entered_by_hand_nor_a_hands_vote_opened_for_phones(make_vote):
    with pytest.raises(AssemblyError) as by_hand:
        voting.record_count(vote_id=make_vote().pk, counts={"yes": 1})

    assert by_hand.value.code == "not_counted_by_hand"


def test_a_reshuffle_that_failed_at_the_close_is_done_when_the_chair_next_looks(
    client, chair, member, make_vote, monkeypatch
):
    tickets = [member() for _ in range(3)]
    vote = voting.open_vote(vote_id=make_vote().pk)
    for ticket in tickets:
        voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="yes")
    ids_at_close = set(Ballot.objects.values_list("id", flat=True))
    shuffle = voting._reshuffle

    def fails(vote_id):
        raise DatabaseError("the connection dropped")

    monkeypatch.setattr(voting, "_reshuffle", fails)
    closed = voting.close_vote(vote_id=vote.pk)  # the hall still gets its result
    vote.refresh_from_db()
    assert vote.status == Vote.Status.CLOSED and vote.turnout == 3 and closed.result == vote.result
    assert vote.ballots_shuffled is False
    assert set(Ballot.objects.values_list("id", flat=True)) == ids_at_close  # still in casting order
    monkeypatch.setattr(voting, "_reshuffle", shuffle)

    client.force_login(chair)
    client.get(reverse("assembly_chair_index"))

    assert set(Ballot.objects.values_list("id", flat=True)).isdisjoint(ids_at_close)
    assert Vote.objects.get(pk=vote.pk).ballots_shuffled is True
    assert voting.recount(vote=vote) == vote.result
