"""The vote's integrity rules, one test each: electorate, once per badge, closing, links, choices, receipts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assembly import links, voting
from assembly.errors import AssemblyError
from assembly.models import Ballot, Delegate, Elector, Vote
from ticketing.models import Ticket
from ticketing.services import boxoffice

from ..ticketing.factories import TicketTypeFactory, UserFactory


def _code(call) -> str:
    with pytest.raises(AssemblyError) as caught:
        call()
    return caught.value.code


def test_electorate_is_the_valid_checked_in_tickets_of_the_chosen_types(
    live_festival, member, make_ticket, make_vote, check_in
):
    weekend_holders = [member(), member()]
    day_pass = TicketTypeFactory(festival=live_festival, name="Day")
    member(ticket_type=day_pass)  # another type: not in
    make_ticket()  # not checked in today: not in
    refunded = member()
    Ticket.objects.filter(pk=refunded.pk).update(status=Ticket.Status.REFUNDED)
    yesterday = make_ticket()
    check_in(yesterday, day=timezone.localdate() - timedelta(days=1))
    vote = make_vote()
    vote.ticket_types.set([weekend_holders[0].ticket_type])

    vote = voting.open_vote(vote_id=vote.pk)

    assert vote.status == Vote.Status.OPEN
    assert vote.electorate_size == 2
    assert set(Elector.objects.filter(vote=vote).values_list("ticket_id", flat=True)) == {t.pk for t in weekend_holders}


def test_delegates_vote_once_with_their_groups_weight(live_festival, member, make_ticket, make_vote):
    member()
    delegate_ticket = make_ticket()  # not checked in: in as a delegate only
    Delegate.objects.create(festival=live_festival, group_name="Tenants' union", ticket=delegate_ticket, weight=5)
    vote = make_vote(include_delegates=True)

    vote = voting.open_vote(vote_id=vote.pk)
    voting.cast_ballot(vote=vote, ticket_id=delegate_ticket.pk, choice="yes")

    assert (vote.electorate_size, vote.electorate_weight) == (2, 6)
    assert list(Ballot.objects.values_list("weight", flat=True)) == [5]
    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=delegate_ticket.pk, choice="no")) == "already_voted"


def test_electorate_is_fixed_when_the_vote_opens(member, make_ticket, make_vote, check_in):
    member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    late = make_ticket()
    check_in(late)

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=late.pk, choice="yes")) == "not_eligible"
    assert Ballot.objects.count() == 0


def test_a_badge_votes_once(member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)

    voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="yes")

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="no")) == "already_voted"
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]
    assert Elector.objects.get(ticket=ticket).voted is True


def test_a_ballot_after_closing_is_refused(member, make_vote):
    early, late = member(), member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    voting.cast_ballot(vote=vote, ticket_id=early.pk, choice="yes")
    stale = Vote.objects.get(pk=vote.pk)  # read while open, as a slow phone would have

    voting.close_vote(vote_id=vote.pk)

    assert _code(lambda: voting.cast_ballot(vote=stale, ticket_id=late.pk, choice="no")) == "closed"
    assert Ballot.objects.count() == 1
    assert Elector.objects.get(ticket=late).voted is False


def test_a_ballot_before_opening_is_refused(member, make_vote):
    ticket = member()
    vote = make_vote()

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="yes")) == "not_open"


def test_a_ticket_refunded_after_opening_cannot_vote(member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="yes")) == "ticket_not_valid"
    assert Ballot.objects.count() == 0
    assert Elector.objects.get(ticket=ticket).voted is False


def test_a_reissued_badge_votes_with_its_new_link_only_and_still_once(member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    old_link = links.ballot_token(ticket)
    voting.cast_ballot(vote=vote, ticket_id=links.ticket_for(old_link).pk, choice="yes")

    boxoffice.reissue_badge(ticket=ticket, user=UserFactory())
    ticket.refresh_from_db()
    new_link = links.ballot_token(ticket)

    assert _code(lambda: links.ticket_for(old_link)) == "badge_replaced"
    assert links.ticket_for(new_link) == ticket
    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="no")) == "already_voted"
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    "forged",
    ["", "nonsense", "eyJ0IjoxLCJrIjoiYWJjIn0:1abc:forgedsignature"],
)
def test_a_forged_ballot_link_is_refused(member, forged):
    member()

    assert _code(lambda: links.ticket_for(forged)) == "forged_link"


def test_a_link_signed_for_one_ticket_cannot_be_edited_into_another(member):
    first, second = member(), member()
    first_signature = links.ballot_token(first).split(":", 1)[1]
    swapped = links.ballot_token(second).split(":", 1)[0] + ":" + first_signature  # second's payload, first's signature

    assert _code(lambda: links.ticket_for(swapped)) == "forged_link"


def test_a_ballot_for_a_candidate_not_on_the_ballot_is_refused(member, make_vote):
    ticket = member()
    other = make_vote(title="Other", method=Vote.Method.APPROVAL, candidates=["Zed", "Yan"])
    vote = voting.open_vote(
        vote_id=make_vote(title="Steward", method=Vote.Method.APPROVAL, candidates=["Ada", "Bo"]).pk
    )
    outsider = other.candidates.first().pk

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=[outsider])) == "unknown_candidate"
    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=["x"])) == "unknown_candidate"
    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=[])) == "empty_ballot"
    assert Ballot.objects.count() == 0
    assert Elector.objects.get(ticket=ticket).voted is False


def test_a_yes_no_ballot_takes_only_yes_no_or_abstain(member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)

    assert _code(lambda: voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="maybe")) == "bad_choice"


def test_close_counts_the_ballots_and_the_count_can_be_recomputed(member, make_vote):
    tickets = [member() for _ in range(5)]
    vote = voting.open_vote(vote_id=make_vote().pk)
    for ticket, choice in zip(tickets, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=choice)

    vote = voting.close_vote(vote_id=vote.pk)

    assert vote.result == {"method": "yes_no", "yes": 3, "no": 1, "abstain": 1, "outcome": "carried"}
    assert vote.turnout == 4 + 1
    assert voting.recount(vote=vote) == vote.result
    assert _code(lambda: voting.close_vote(vote_id=vote.pk)) == "not_open"


def test_close_rewrites_ballots_with_new_ids_and_keeps_their_receipts(member, make_vote):
    tickets = [member() for _ in range(4)]
    vote = voting.open_vote(vote_id=make_vote().pk)
    receipts = [voting.cast_ballot(vote=vote, ticket_id=t.pk, choice="yes") for t in tickets]
    ids_before = set(Ballot.objects.values_list("id", flat=True))

    voting.close_vote(vote_id=vote.pk)

    assert set(Ballot.objects.values_list("id", flat=True)).isdisjoint(ids_before)
    assert all(voting.check_receipt(receipt=r) == vote for r in receipts)


def test_a_receipt_says_counted_and_nothing_else(member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    receipt = voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="no")

    assert voting.check_receipt(receipt=receipt) == vote
    assert _code(lambda: voting.check_receipt(receipt="made-up")) == "unknown_receipt"
    assert receipt not in str(list(Ballot.objects.values_list("receipt_hash", flat=True)))


def test_ballot_rows_hold_nothing_that_joins_them_to_a_voter():
    fields = {f.name: f for f in Ballot._meta.concrete_fields}

    assert set(fields) == {"id", "vote", "choice", "weight", "receipt_hash"}
    assert [f.related_model for f in fields.values() if f.is_relation] == [Vote]
    assert fields["id"].get_internal_type() == "UUIDField"
    assert not {f.name for f in Elector._meta.concrete_fields} & {"ballot", "receipt_hash", "voted_at", "created_at"}


def test_an_election_needs_two_candidates(make_vote):
    vote = make_vote(method=Vote.Method.RANKED, candidates=["Only one"])

    assert _code(lambda: voting.open_vote(vote_id=vote.pk)) == "no_candidates"
    assert _code(lambda: voting.open_vote(vote_id=make_vote(mode=Vote.Mode.HANDS).pk)) == "not_a_ballot_vote"


def test_a_vote_opens_once(make_vote):
    vote = voting.open_vote(vote_id=make_vote().pk)

    assert _code(lambda: voting.open_vote(vote_id=vote.pk)) == "not_draft"
