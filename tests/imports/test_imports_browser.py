"""An import in headless Chromium: a file with a bad row is previewed with its error and no way to confirm,
then a good file is previewed and confirmed. Every page is checked with axe, and a CSP violation fails."""

import pytest
from django.urls import reverse

from programme.models import SessionPage
from tests.browser import LAPTOP, serious_axe_violations, wait_for
from tests.imports.conftest import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEAD = ["title", "slug", "start", "end", "stage", "format"]
GOOD = ["Mass strike", "mass-strike", "2026-10-16 10:00", "2026-10-16 11:00", "Main Hall", "Talk"]


def settled_axe(page) -> list[str]:
    wait_for(page, "document.getAnimations().every(animation => animation.playState !== 'running')")
    return serious_axe_violations(page)


def test_an_organiser_sees_a_row_error_then_imports_a_good_file(
    open_browser, organiser, festival, programme, speaker_index, stages, formats, tracks, tmp_path
):
    bad_file, good_file = tmp_path / "bad.csv", tmp_path / "sessions.csv"
    bad_file.write_bytes(csv_bytes([HEAD, GOOD, ["Nowhere", "nowhere", "2026-10-16 12:00", "2026-10-16 13:00",
                                                 "The Moon", "Talk"]]))  # fmt: skip
    good_file.write_bytes(csv_bytes([HEAD, GOOD]))
    page = open_browser(viewport=LAPTOP, user=organiser).new_page()
    found = {}

    page.goto(reverse("wagtailadmin_home"))
    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Sessions").click()
    found["upload"] = serious_axe_violations(page)
    page.get_by_label("File").set_input_files(str(bad_file))
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Preview").click()
    summary = page.locator("#summary").inner_text()
    row_error = page.locator("#bad-rows tbody tr").inner_text()
    confirm_offered = page.get_by_role("button", name="Confirm and import").count()
    found["bad preview"] = serious_axe_violations(page)

    page.get_by_label("File").set_input_files(str(good_file))
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Preview").click()
    good_summary = page.locator("#summary").inner_text()
    preview_row = page.locator("#preview-rows tbody tr").inner_text()
    nothing_yet = SessionPage.objects.filter(slug="mass-strike").exists()
    found["good preview"] = serious_axe_violations(page)
    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_text("Imported sessions.csv into Festival of Resistance 2026: 1 created, 0 updated.").wait_for()
    found["done"] = settled_axe(page)

    assert summary == "1 of 2 rows have errors; nothing has been written."
    assert "3" in row_error and "There is no stage called “The Moon”" in row_error
    assert confirm_offered == 0
    assert good_summary == "1 to create, 0 to update."
    assert "Create" in preview_row and "Mass strike" in preview_row
    assert nothing_yet is False
    assert SessionPage.objects.get(slug="mass-strike").live
    assert found == {"upload": [], "bad preview": [], "good preview": [], "done": []}
