"""Motions, seconders and amendments: members only, within the window, shown escaped and as a difference."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assembly import links, motions, voting
from assembly.errors import AssemblyError
from assembly.models import Delegate, Motion, MotionsWindow, Seconder, Vote
from ticketing.models import Ticket


@pytest.fixture
def window(live_festival):
    now = timezone.now()
    return MotionsWindow.objects.create(
        festival=live_festival, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )


def _code(call) -> str:
    with pytest.raises(AssemblyError) as caught:
        call()
    return caught.value.code


def test_a_ticket_holder_tables_a_motion_and_another_seconds_it(live_festival, window, make_ticket):
    proposer, seconder = make_ticket(attendee_name="Ada"), make_ticket(attendee_name="Bo")

    motion = motions.table_motion(festival=live_festival, ticket=proposer, title="Register", text="We register.")
    motions.second_motion(motion=motion, ticket=seconder)

    assert motion.proposer_name == "Ada"
    assert list(Seconder.objects.values_list("name", flat=True)) == ["Bo"]
    assert _code(lambda: motions.second_motion(motion=motion, ticket=seconder)) == "already_seconded"
    assert _code(lambda: motions.second_motion(motion=motion, ticket=proposer)) == "own_motion"


def test_motions_outside_the_window_or_by_non_members_are_refused(live_festival, window, make_ticket):
    refunded = make_ticket()
    Ticket.objects.filter(pk=refunded.pk).update(status=Ticket.Status.REFUNDED)
    refunded.refresh_from_db()
    member = make_ticket()

    assert _code(lambda: motions.table_motion(festival=live_festival, ticket=refunded, title="T", text="x")) == (
        "not_a_member"
    )
    later = timezone.now() + timedelta(days=2)
    assert _code(
        lambda: motions.table_motion(festival=live_festival, ticket=member, title="T", text="x", now=later)
    ) == ("motions_closed")
    window.members = MotionsWindow.Members.DELEGATES
    window.save()
    assert _code(lambda: motions.table_motion(festival=live_festival, ticket=member, title="T", text="x")) == (
        "not_a_member"
    )
    Delegate.objects.create(festival=live_festival, group_name="Tenants", ticket=member, weight=3)
    assert motions.table_motion(festival=live_festival, ticket=member, title="T", text="x").pk


def test_an_amendment_is_shown_as_a_difference_from_the_motion():
    pieces = motions.difference("We register as a party now.", "We register as a cooperative now.")

    assert pieces == [
        ("same", "We register as a "),
        ("removed", "party "),
        ("added", "cooperative "),
        ("same", "now."),
    ]


def test_an_amendment_that_changes_nothing_is_refused(live_festival, window, make_ticket):
    motion = motions.table_motion(festival=live_festival, ticket=make_ticket(), title="T", text="Same words.")

    assert _code(lambda: motions.propose_amendment(motion=motion, ticket=make_ticket(), text=" Same words. ")) == (
        "unchanged"
    )


def test_script_in_a_motion_and_its_amendment_is_shown_as_words(client, live_festival, window, make_ticket):
    ticket = make_ticket()
    token = links.ballot_token(ticket)
    page = reverse("assembly:member_motions", kwargs={"token": token})

    client.post(page, {"action": "table", "title": "<script>alert(1)</script>", "text": "Hi <script>x()</script>"})
    motion = Motion.objects.get()
    client.post(page, {"action": "amend", "motion": motion.pk, "text": "Hi <img src=x onerror=alert(2)>"})
    html = client.get(reverse("assembly:motions", kwargs={"slug": live_festival.slug})).content.decode()

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<ins>" in html and "<del>" in html


def test_the_member_page_tables_seconds_and_amends(client, live_festival, window, make_ticket):
    first, second = make_ticket(attendee_name="Ada"), make_ticket(attendee_name="Bo")
    first_page = reverse("assembly:member_motions", kwargs={"token": links.ballot_token(first)})
    second_page = reverse("assembly:member_motions", kwargs={"token": links.ballot_token(second)})

    tabled = client.post(first_page, {"action": "table", "title": "Register", "text": "We register."})
    motion = Motion.objects.get()
    seconded = client.post(second_page, {"action": "second", "motion": motion.pk})
    amended = client.post(second_page, {"action": "amend", "motion": motion.pk, "text": "We do not register."})
    again = client.post(second_page, {"action": "second", "motion": motion.pk})

    assert [r.status_code for r in (tabled, seconded, amended, again)] == [302, 302, 302, 400]
    assert motion.seconders.count() == 1 and motion.amendments.count() == 1


def test_a_motion_awaits_its_seconders_before_it_is_tabled(live_festival, window, make_ticket):
    window.seconders_needed = 2
    window.save()
    proposer, first, second = make_ticket(), make_ticket(), make_ticket()

    motion = motions.table_motion(festival=live_festival, ticket=proposer, title="Register", text="We register.")
    assert motion.status == Motion.Status.PROPOSED
    motions.second_motion(motion=motion, ticket=first)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.PROPOSED
    motions.second_motion(motion=motion, ticket=second)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.TABLED


def test_a_window_needing_no_seconders_tables_at_once(live_festival, window, make_ticket):
    window.seconders_needed = 0
    window.save()

    motion = motions.table_motion(festival=live_festival, ticket=make_ticket(), title="Register", text="We register.")

    assert motion.status == Motion.Status.TABLED


def test_a_motion_without_its_seconders_cannot_be_put_to_the_vote(live_festival, window, make_ticket, make_vote):
    motion = motions.table_motion(festival=live_festival, ticket=make_ticket(), title="Register", text="We register.")
    vote = make_vote(motion=motion)

    assert _code(lambda: voting.open_vote(vote_id=vote.pk)) == "not_seconded"
    vote.refresh_from_db()
    assert vote.status == Vote.Status.DRAFT
    motions.second_motion(motion=motion, ticket=make_ticket())
    assert voting.open_vote(vote_id=vote.pk).status == Vote.Status.OPEN


def test_the_member_page_says_how_many_seconders_a_motion_still_needs(client, live_festival, window, make_ticket):
    window.seconders_needed = 2
    window.save()
    proposer = make_ticket()
    motion = motions.table_motion(festival=live_festival, ticket=proposer, title="Register", text="We register.")
    motions.second_motion(motion=motion, ticket=make_ticket(attendee_name="Bo"))

    page = client.get(reverse("assembly:motions", kwargs={"slug": live_festival.slug})).content.decode()

    assert "Awaiting seconders: 1 of 2" in page


def test_a_decided_or_withdrawn_motion_cannot_be_seconded(live_festival, window, make_ticket):
    motion = motions.table_motion(festival=live_festival, ticket=make_ticket(), title="Register", text="We register.")
    Motion.objects.filter(pk=motion.pk).update(status=Motion.Status.WITHDRAWN)
    motion.refresh_from_db()

    assert _code(lambda: motions.second_motion(motion=motion, ticket=make_ticket())) == "not_seconding"
