"""Races on PostgreSQL: two devices for one badge at once, and ballots in flight while the chair closes.

Each has a negative control: the same race with the guard taken out double-counts (or loses a
ballot), so the test can see the failure it guards against.
"""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from assembly import voting
from assembly.errors import AssemblyError
from assembly.models import Ballot, Elector, Vote
from tests.guards import mark_this_session_slow, slow_inserts

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

BADGES = 60


def _cast(vote, ticket_id, choice, *, barrier=None, slow=False):
    """One phone's request, on its own connection; answers the receipt or the refusal's code."""
    try:
        if slow:
            mark_this_session_slow()
        if barrier is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
        try:
            return voting.cast_ballot(vote=vote, ticket_id=ticket_id, choice=choice)
        except AssemblyError as exc:
            return exc.code
    finally:
        connections.close_all()


def _two_devices_per_badge(vote, tickets):
    barriers = {t.pk: threading.Barrier(2) for t in tickets}
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {
            (t.pk, device): pool.submit(_cast, vote, t.pk, choice, barrier=barriers[t.pk], slow=True)
            for t in tickets
            for device, choice in (("phone", "yes"), ("laptop", "no"))
        }
        return {key: future.result() for key, future in futures.items()}


def _naive_claim(vote_id: int, ticket_id: int) -> bool:
    """The check-then-act a guard replaces: read ``voted``, then set it whatever it has become."""
    elector = Elector.objects.get(vote_id=vote_id, ticket_id=ticket_id)
    if elector.voted:
        return False
    time.sleep(0.05)  # the other device reads in this gap
    Elector.objects.filter(pk=elector.pk).update(voted=True)
    return True


def test_two_devices_voting_at_once_with_each_of_60_badges_cast_one_ballot_each(member, make_vote):
    tickets = [member() for _ in range(BADGES)]
    vote = voting.open_vote(vote_id=make_vote().pk)

    with slow_inserts(Ballot, 0.05, marked_only=True):
        results = _two_devices_per_badge(vote, tickets)

    for ticket in tickets:
        pair = [results[(ticket.pk, "phone")], results[(ticket.pk, "laptop")]]
        assert sorted(r == "already_voted" for r in pair) == [False, True], pair
    assert Ballot.objects.filter(vote=vote).count() == BADGES
    assert Elector.objects.filter(vote=vote, voted=True).count() == BADGES


def test_negative_control_without_the_guarded_update_two_devices_cast_two_ballots(member, make_vote, monkeypatch):
    tickets = [member() for _ in range(8)]
    vote = voting.open_vote(vote_id=make_vote().pk)
    monkeypatch.setattr(voting, "_claim", _naive_claim)

    results = _two_devices_per_badge(vote, tickets)

    assert "already_voted" not in results.values()
    assert Ballot.objects.filter(vote=vote).count() == 2 * len(tickets)  # double-counted: what the guard stops


def test_negative_control_two_different_badges_at_once_both_vote(member, make_vote):
    first, second = member(), member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    barrier = threading.Barrier(2)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda t: _cast(vote, t.pk, "yes", barrier=barrier, slow=True), [first, second]))

    assert all(r not in ("already_voted", "closed") for r in results)
    assert Ballot.objects.filter(vote=vote).count() == 2


def _close_while_ballots_are_in_flight(vote, tickets):
    """Each ticket's ballot is started (and held in its INSERT for a second); the chair closes meanwhile."""
    with ThreadPoolExecutor(max_workers=len(tickets)) as pool:
        futures = {t.pk: pool.submit(_cast, vote, t.pk, "yes", slow=True) for t in tickets}
        time.sleep(0.3)  # every ballot has claimed its elector and read "open"; each now waits in its INSERT
        try:
            closed = voting.close_vote(vote_id=vote.pk)
        finally:
            connections.close_all()
        return closed, {pk: f.result() for pk, f in futures.items()}


def test_ballots_in_flight_when_the_vote_closes_are_in_the_count_and_none_is_cast_after(member, make_vote):
    tickets = [member() for _ in range(4)]
    latecomer = member()
    vote = voting.open_vote(vote_id=make_vote().pk)

    with slow_inserts(Ballot, 1.0, marked_only=True):
        closed, results = _close_while_ballots_are_in_flight(vote, tickets)
    late = _cast(Vote.objects.get(pk=vote.pk), latecomer.pk, "no")

    accepted = [r for r in results.values() if r not in ("closed", "already_voted")]
    assert len(accepted) == len(tickets)  # each claimed before the close: the close waited for them
    assert late == "closed"
    assert closed.turnout == Ballot.objects.filter(vote=vote).count() == len(accepted)
    assert voting.recount(vote=closed) == closed.result
    assert all(voting.check_receipt(receipt=r) == closed for r in accepted)


def test_negative_control_a_close_that_does_not_wait_loses_ballots_in_flight(member, make_vote, monkeypatch):
    tickets = [member() for _ in range(2)]
    vote = voting.open_vote(vote_id=make_vote().pk)
    monkeypatch.setattr(voting, "_wait_for_ballots_in_flight", lambda vote_id: None)

    with slow_inserts(Ballot, 1.0, marked_only=True):
        closed, results = _close_while_ballots_are_in_flight(vote, tickets)

    accepted = [r for r in results.values() if r not in ("closed", "already_voted")]
    assert len(accepted) == 2 and closed.turnout == 0  # receipts given for ballots the result left out
    assert voting.recount(vote=closed) != closed.result
