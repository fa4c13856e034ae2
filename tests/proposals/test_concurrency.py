"""Two at once, on PostgreSQL with real threads: two organisers accepting the same proposal send one
email, and two confirmations at once make one session page. The negative control shows the race is
real: without the guarded update, two confirmations that both read "accepted" both make a page."""

import threading

import pytest
from django.db import transaction

from outbox.models import OutgoingEmail
from programme.models import SessionPage
from proposals.models import Proposal
from proposals.services import decisions
from proposals.services.errors import ProposalError
from tests.threads import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_organisers_accepting_at_once_accept_once_and_send_one_email(propose, organiser, staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    proposal = propose()
    other = staff("Organiser", "ada", email="ada@festival.invalid")

    results = race(2, lambda n: decisions.decide(proposal=proposal, decision="accepted", user=(organiser, other)[n]))

    refused = [r.code for r in results if isinstance(r, ProposalError)]
    assert (sum(isinstance(r, Proposal) for r in results), refused) == (1, ["already_decided"])
    assert OutgoingEmail.objects.filter(key__startswith=f"proposal-decision:{proposal.pk}:").count() == 1


def counting(monkeypatch) -> list:
    """Count the calls of ``decisions.make_session`` (each one makes a page)."""
    calls, make = [], decisions.make_session
    monkeypatch.setattr(decisions, "make_session", lambda proposal: calls.append(proposal.pk) or make(proposal))
    return calls


def test_two_confirmations_at_once_make_one_session_page(propose, organiser, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    proposal = propose()
    decisions.decide(proposal=proposal, decision="accepted", user=organiser)
    made = counting(monkeypatch)

    results = race(2, lambda n: decisions.respond(proposal=proposal, confirm=True))

    refused = [r.code for r in results if isinstance(r, ProposalError)]
    assert (sum(isinstance(r, Proposal) for r in results), refused) == (1, ["not_awaiting_confirmation"])
    assert (len(made), SessionPage.objects.count()) == (1, 1)
    assert Proposal.objects.get(pk=proposal.pk).session_page_id == SessionPage.objects.get().pk


def test_negative_control_without_the_guard_both_confirmations_go_on_to_make_a_page(
    propose, organiser, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    proposal = propose()
    decisions.decide(proposal=proposal, decision="accepted", user=organiser)
    made = counting(monkeypatch)
    both_read = threading.Barrier(2, timeout=30)

    def unguarded(n):
        # Read, then act on what was read: the check-then-act the guarded update replaces.
        with transaction.atomic():
            fresh = Proposal.objects.select_related("call__edition", "session_format", "track").get(pk=proposal.pk)
            waiting = fresh.state == Proposal.State.ACCEPTED
            both_read.wait()
            if waiting:
                return decisions.make_session(fresh)
        return None

    race(2, unguarded)

    # Both read "accepted" and set about making the page (the second may then trip over the first's
    # slug, or make a second page): the check alone does not hold under concurrency.
    assert made == [proposal.pk, proposal.pk]
