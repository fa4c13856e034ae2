"""The dashboard in headless Chromium at phone width: nothing wider than the screen, and no
serious WCAG 2.2 AA failure in its panels."""

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
