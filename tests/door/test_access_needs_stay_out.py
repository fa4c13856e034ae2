"""Attendees' access needs never reach the door: not its scan answer, search, offline list or page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ticketing.models import AccessNeeds

pytestmark = pytest.mark.django_db

MARKERS = ["Kosher-ZQX-marker", "Needs-a-ramp-ZQX", "bsl", "wheelchair", "quiet_space", "access_needs", "dietary"]


@pytest.fixture
def with_needs(make_ticket):
    ticket = make_ticket(attendee_name="Claudia Jones", pronouns="she/her")
    AccessNeeds.objects.create(
        ticket=ticket,
        bsl=True,
        wheelchair_space=True,
        quiet_space=True,
        carer=True,
        dietary="Kosher-ZQX-marker",
        other="Needs-a-ramp-ZQX",
        consented_at=timezone.now(),
    )
    return ticket


def assert_no_needs(text: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), marker


def test_the_scan_answer_names_the_person_and_not_their_needs(api, with_needs):
    response = api.post("scan", {"code": with_needs.secret, "door": "Main gate", "nonce": "n1"})

    assert response.json()["ticket"]["name"] == "Claudia Jones"
    assert_no_needs(response.content.decode())


def test_search_and_the_offline_list_hold_no_needs(api, with_needs):
    found = api.get("search", {"q": "Claudia"})
    listed = api.get("list")
    changes = api.get("list", {"since": listed.json()["cursor"]})

    assert [t["name"] for t in found.json()["tickets"]] == ["Claudia Jones"]
    assert len(listed.json()["tickets"]) == 1
    for response in (found, listed, changes):
        assert_no_needs(response.content.decode())


def test_the_door_page_holds_no_needs(client, door_staff, with_needs):
    client.force_login(door_staff)

    page = client.get(reverse("door:page"))

    assert page.status_code == 200
    assert_no_needs(page.content.decode())
