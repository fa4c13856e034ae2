"""Organisers open a call in the admin (a snippet per edition, with its questions and criteria inline)."""

import pytest
from django.urls import reverse

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
