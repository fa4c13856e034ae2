"""Races on PostgreSQL: seconders of one motion arriving at once still table it.

The negative control takes the motion's row lock out and holds each seconder between its insert
and its count until the other has inserted too: each then counts before the other commits,
neither sees enough seconders, and the motion stays waiting with both seconders in.
"""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from assembly import motions
from assembly.models import Motion, MotionsWindow, Seconder
from tests.guards import mark_this_session_slow, slow_inserts
from tests.threads import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting_motion(live_festival, make_ticket):
    now = timezone.now()
    MotionsWindow.objects.create(
        festival=live_festival, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1), seconders_needed=2
    )
    return motions.table_motion(festival=live_festival, ticket=make_ticket(), title="Register", text="We register.")


def _second_at_once(motion, seconders):
    """Each seconder's connection is opened and marked slow before they are released together, so
    both inserts (held a second each) overlap however loaded the machine is."""
    loaded = {}

    def prepare(n):
        mark_this_session_slow()
        loaded[n] = Motion.objects.select_related("festival").get(pk=motion.pk)

    def second(n):
        return motions.second_motion(motion=loaded[n], ticket=seconders[n])

    with slow_inserts(Seconder, 1.0, marked_only=True):
        return race(len(seconders), second, prepare=prepare)


def test_two_seconders_at_once_table_a_motion_that_needs_two(waiting_motion, make_ticket):
    results = _second_at_once(waiting_motion, [make_ticket(), make_ticket()])

    assert all(isinstance(r, Seconder) for r in results), results
    waiting_motion.refresh_from_db()
    assert waiting_motion.status == Motion.Status.TABLED


def test_negative_control_without_the_motions_lock_neither_seconder_tables_it(waiting_motion, make_ticket, monkeypatch):
    both_inserted = threading.Barrier(2, timeout=30)
    count = motions._seconders_of

    def count_once_both_have_inserted(motion_id):
        both_inserted.wait()
        return count(motion_id)

    monkeypatch.setattr(motions, "_locked", lambda motion_id: Motion.objects.get(pk=motion_id))
    monkeypatch.setattr(motions, "_seconders_of", count_once_both_have_inserted)

    results = _second_at_once(waiting_motion, [make_ticket(), make_ticket()])

    assert all(isinstance(r, Seconder) for r in results), results
    assert Seconder.objects.filter(motion=waiting_motion).count() == 2
    waiting_motion.refresh_from_db()
    assert waiting_motion.status == Motion.Status.PROPOSED  # two seconders, still waiting: what the lock stops
