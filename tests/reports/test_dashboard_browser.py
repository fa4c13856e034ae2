"""The dashboard in headless Chromium at phone width: nothing wider than the screen, and no
serious WCAG 2.2 AA failure in its panels."""

import csv

import pytest
from django.urls import reverse

from festival import roles
from tests.browser import AXE_SCRIPT, PHONE, WCAG_AA_TAGS
from tests.ticketing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_fits_a_phone_and_its_panels_pass_axe(open_browser, groups, known, tmp_path):
    organiser = UserFactory(username="organiser")
    organiser.groups.add(groups[roles.ORGANISER])
    page = open_browser(viewport=PHONE, user=organiser).new_page()

    page.goto(reverse("wagtailadmin_home"))
    for panel in page.locator(".dashboard-panel").all():  # to look at: pytest --basetemp=DIR
        panel.screenshot(path=str(tmp_path / f"{panel.get_attribute('id')}.png"))
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.dashboard-panel *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName)"
    )
    page.add_script_tag(content=AXE_SCRIPT)
    result = page.evaluate(
        "tags => axe.run({include: [['.dashboard-panel']]}, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
    )

    assert page.get_by_role("heading", name="Tickets sold").is_visible()
    assert page.get_by_role("img", name="Weekend: 20% sold").is_visible()
    assert overflow == []
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]] == []


def test_finance_downloads_the_tickets_as_csv_from_the_exports_page(open_browser, groups, known):
    finance = UserFactory(username="finance")
    finance.groups.add(groups[roles.FINANCE])
    page = open_browser(user=finance).new_page()
    page.goto(reverse("reports_exports"))

    page.select_option("#id_edition", str(known.pk))
    page.get_by_role("radio", name="Tickets").check()
    page.get_by_role("radio", name="Comma-separated values (CSV)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    cells = {cell for row in rows[1:] for cell in row}

    assert download.value.suggested_filename.endswith(".csv")
    assert {"A One", "A Two", "B Day", "B Gone"} <= cells
