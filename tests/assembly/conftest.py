"""Fixtures for the assembly: members checked in today, votes and their ballot links."""

import itertools

import pytest
from django.utils import timezone

from assembly.models import Candidate, Vote
from door.admission import festival_day
from tests.ticketing.factories import UserFactory
from ticketing.models import CheckIn

_nonces = itertools.count()


@pytest.fixture
def check_in(live_festival):
    """Record ``ticket``'s admission at the door today (as the door's scan does)."""
    staff = UserFactory(username="door-assembly")

    def admit(ticket, *, day=None):
        now = timezone.now()
        return CheckIn.objects.create(
            festival=live_festival,
            ticket=ticket,
            code=ticket.secret,
            result=CheckIn.Result.ADMITTED,
            day=day or festival_day(live_festival, now),
            door="Main",
            staff=staff,
            nonce=f"n{next(_nonces)}",
            scanned_at=now,
        )

    return admit


@pytest.fixture
def member(make_ticket, check_in):
    """A ticket holder admitted today."""

    def make(**fields):
        ticket = make_ticket(**fields)
        check_in(ticket)
        return ticket

    return make


@pytest.fixture
def make_vote(live_festival):
    def make(*, candidates=(), **fields):
        fields.setdefault("title", "Register as a political party")
        vote = Vote.objects.create(festival=live_festival, **fields)
        for n, name in enumerate(candidates):
            Candidate.objects.create(vote=vote, name=name, sort_order=n)
        return vote

    return make
