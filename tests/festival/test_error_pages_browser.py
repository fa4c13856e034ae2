"""The error pages (403, 404, 429, 500) and search read well on a phone and a laptop and pass axe."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views.defaults import permission_denied

from festival import throttle, views
from tests.browser import serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
# Set to a folder to keep a screenshot of each page at each size (for a person to look at).
SHOTS = os.environ.get("ERROR_PAGE_SHOTS", "")


def rendered(name: str) -> str:
    """The error page as its handler renders it (403, 429 and 500 cannot be asked for by URL)."""
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    if name == "403":
        return permission_denied(request, PermissionDenied()).content.decode()
    if name == "429":
        return throttle.too_many(request, throttle.Limit(3, 3600), what="sign-in attempts").content.decode()
    return views.server_error(request).content.decode()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_error_and_search_pages_have_no_serious_axe_violations(chromium, live_server, festival, viewport):
    context = chromium.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    found = {}

    for name in ("404", "search", "403", "429", "500"):
        if name == "404":
            page.goto(live_server.url + "/no-such-page/")
        elif name == "search":
            page.goto(live_server.url + "/search/?q=festival")
        else:  # the same origin, so the page's styles load as they would
            page.goto(live_server.url + "/robots.txt")
            page.set_content(rendered(name), wait_until="load")
        found[name] = serious_axe_violations(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{VIEWPORTS[viewport]['width']}.png", full_page=True)

    context.close()
    assert found == {name: [] for name in found}
