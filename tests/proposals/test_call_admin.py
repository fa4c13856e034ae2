"""Organisers open a call in the admin (a snippet per edition, with its questions and criteria inline)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from proposals.models import Call

pytestmark = pytest.mark.django_db


def test_an_organiser_opens_the_call_form_with_questions_and_criteria(client, festival, organiser):
    client.force_login(organiser)

    response = client.get(reverse("wagtailsnippets_proposals_call:add"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "id_questions-TOTAL_FORMS" in page
    assert "id_criteria-TOTAL_FORMS" in page


def test_a_reviewer_cannot_open_the_call_form(client, festival, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("wagtailsnippets_proposals_call:add"))

    assert response.status_code == 302  # Wagtail sends a user without the permission away


def call_form(festival, *, opens: str, closes: str) -> dict:
    return {
        "edition": festival.pk,
        "opens_at": opens,
        "closes_at": closes,
        "intro": "Propose a session.",
        "max_per_person": 3,
        "accept_text": "Yes.",
        "reject_text": "No.",
        "waitlist_text": "Wait.",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
        "criteria-0-name": "Relevance",
        "criteria-0-ORDER": 1,
    }


def test_the_call_s_times_are_entered_and_shown_in_the_edition_s_time_zone(client, festival, organiser):
    festival.time_zone = "America/New_York"
    festival.save()
    client.force_login(organiser)

    response = client.post(
        reverse("wagtailsnippets_proposals_call:add"),
        call_form(festival, opens="2026-09-01 09:00", closes="2026-09-30 17:00"),
    )
    call = Call.objects.get(edition=festival)
    edit = client.get(reverse("wagtailsnippets_proposals_call:edit", args=[call.pk])).content.decode()

    assert response.status_code == 302
    assert call.opens_at == datetime(2026, 9, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert call.closes_at == datetime(2026, 9, 30, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    assert 'value="2026-09-01 09:00"' in edit
    assert "America/New_York" in edit
