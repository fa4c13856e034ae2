"""An admission taken over by an offline sync: only whoever holds it can undo it, and undoing it
gives the admission back to the one it displaced, so the badge still gets in once a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from door.checkin import check_in, undo_admission
from door.errors import CheckInError
from festival import roles
from tests.ticketing.factories import UserFactory
from ticketing.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_staff(groups):
    """Door staff at another door: device B's."""
    user = UserFactory(username="bea", first_name="Bea")
    user.groups.add(groups[roles.DOOR_STAFF])
    return user


def online(festival, staff, ticket, nonce):
    return check_in(festival=festival, staff_id=staff.pk, door="Main gate", nonce=nonce, code=ticket.secret)


def offline(festival, staff, ticket, nonce, *, minutes_ago):
    return check_in(
        festival=festival,
        staff_id=staff.pk,
        door="Side door",
        nonce=nonce,
        code=ticket.secret,
        scanned_at=timezone.now() - timedelta(minutes=minutes_ago),
        offline=True,
        shown_result="admitted",
    )


def live_admissions(ticket):
    return list(CheckIn.objects.filter(ticket=ticket, result="admitted", undone_at__isnull=True))


def test_undoing_an_admission_taken_over_by_an_offline_sync_restores_the_one_it_displaced(
    live_festival, door_staff, other_staff, make_ticket
):
    ticket = make_ticket()
    held_by_b = online(live_festival, other_staff, ticket, "b-online")
    taken_over = offline(live_festival, door_staff, ticket, "a-offline", minutes_ago=10)  # device A syncs

    undo_admission(festival=live_festival, staff_id=door_staff.pk, check_in_id=taken_over.check_in_id)
    again = online(live_festival, door_staff, ticket, "a-again")

    assert taken_over.result == "admitted"
    assert [row.pk for row in live_admissions(ticket)] == [held_by_b.check_in_id]
    assert again.result == "already_checked_in"
    assert again.previous["by"] == "Bea"


def test_only_whoever_holds_a_taken_over_admission_can_undo_it(live_festival, door_staff, other_staff, make_ticket):
    ticket = make_ticket()
    held_by_b = online(live_festival, other_staff, ticket, "b-online")
    taken_over = offline(live_festival, door_staff, ticket, "a-offline", minutes_ago=10)

    with pytest.raises(CheckInError) as by_b:  # B's admission is no longer B's to undo
        undo_admission(festival=live_festival, staff_id=other_staff.pk, check_in_id=held_by_b.check_in_id)
    with pytest.raises(CheckInError) as by_b_of_a:  # nor is A's
        undo_admission(festival=live_festival, staff_id=other_staff.pk, check_in_id=taken_over.check_in_id)
    again = online(live_festival, other_staff, ticket, "b-again")

    assert by_b.value.code == "taken_over"
    assert by_b_of_a.value.code == "nothing_to_undo"
    assert [row.pk for row in live_admissions(ticket)] == [taken_over.check_in_id]
    assert again.result == "already_checked_in"


def test_undoing_takeovers_one_by_one_walks_back_to_the_first_admission(
    live_festival, door_staff, other_staff, make_ticket
):
    ticket = make_ticket()
    first = online(live_festival, other_staff, ticket, "b-online")
    earlier = offline(live_festival, door_staff, ticket, "a-offline", minutes_ago=10)
    earliest = offline(live_festival, other_staff, ticket, "b-offline", minutes_ago=20)

    undo_admission(festival=live_festival, staff_id=other_staff.pk, check_in_id=earliest.check_in_id)
    after_one = [row.pk for row in live_admissions(ticket)]
    undo_admission(festival=live_festival, staff_id=door_staff.pk, check_in_id=earlier.check_in_id)
    after_two = [row.pk for row in live_admissions(ticket)]
    undo_admission(festival=live_festival, staff_id=other_staff.pk, check_in_id=first.check_in_id)

    assert after_one == [earlier.check_in_id]
    assert after_two == [first.check_in_id]
    assert live_admissions(ticket) == []
    assert online(live_festival, door_staff, ticket, "a-last").result == "admitted"
