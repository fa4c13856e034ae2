"""The door page, and the words its script shows, for door staff whose browser asks for Welsh."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.welsh import english_left

pytestmark = pytest.mark.django_db


def test_the_door_page_and_its_scripts_words_speak_welsh(live_festival, door_staff):
    staff = Client(headers={"accept-language": "cy"})
    staff.force_login(door_staff)

    page = staff.get(reverse("door:page"))
    found = re.search(r"<script id=\"door-config\" type=\"application/json\">(.*?)</script>", page.text)
    config = json.loads(found.group(1))

    assert page.status_code == 200
    assert "Sganiwch neu teipiwch god bathodyn" in page.text
    assert (config["text"]["ready"], config["titles"]["admitted"], config["text"]["mainGate"]) == (
        "Yn barod i sganio",
        "Croeso i mewn",
        "Prif giât",
    )
    assert english_left(page.text) == []
