"""Signing a door device out in headless Chromium: nothing of the door stays in the browser."""

import pytest
from django.urls import reverse

from door import devices
from door.models import DoorDevice
from festival import roles
from tests.ticketing.factories import UserFactory

from .test_door_browser import door_page  # noqa: F401  (the signed-in door page with its door list)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEFT_BEHIND = """async () => ({
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    databases: (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith("door-")),
})"""


def offline_ready(page) -> dict:
    """Wait until the service worker has cached the page, then say what the browser holds."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("caches.keys().then((keys) => keys.length > 0)")
    return page.evaluate(LEFT_BEHIND)


def test_sign_out_clears_the_caches_the_service_worker_and_the_door_list(door_page, make_ticket):  # noqa: F811
    make_ticket(attendee_name="Ella Baker")
    context, page = door_page(1)
    before = offline_ready(page)

    page.click("#sign-out button")
    page.wait_for_url("**/door/login/**")
    after = page.evaluate(LEFT_BEHIND)
    token = page.evaluate("document.getElementById('door-config')")  # the sign-in page has no token
    context.close()

    assert before["workers"] == 1 and before["caches"] and before["databases"]
    assert after == {"caches": [], "workers": 0, "databases": []}
    assert token is None
    assert DoorDevice.objects.get().revoked_at is not None


def test_a_device_revoked_by_an_organiser_clears_itself_at_its_next_call(
    door_page,  # noqa: F811
    make_ticket,
    door_staff,
):
    ticket = make_ticket(attendee_name="Bayard Rustin")
    context, page = door_page(1)
    offline_ready(page)

    devices.revoke_device(device_id=DoorDevice.objects.get().pk, by=door_staff)
    page.fill("#scan-code", ticket.secret)
    page.keyboard.press("Enter")
    page.wait_for_url("**/door/login/**")
    after = page.evaluate(LEFT_BEHIND)
    context.close()

    assert after == {"caches": [], "workers": 0, "databases": []}
    assert not ticket.check_ins.exists()


def test_an_organiser_signs_a_device_out_from_the_devices_page_and_it_clears_itself(
    door_page,  # noqa: F811
    make_ticket,
    door_staff,
    groups,
    open_browser,
):
    ticket = make_ticket(attendee_name="Claudette Colvin")
    context, page = door_page(1)
    offline_ready(page)
    organiser = UserFactory(username="organiser")
    organiser.groups.add(groups[roles.ORGANISER])
    admin = open_browser(user=organiser).new_page()

    admin.goto(reverse("door:devices"))
    admin.get_by_role("link", name="Sign out dev’s device").click()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Sign out this device").click()
    status = admin.locator("tr[data-device] td").nth(4).inner_text()
    page.fill("#scan-code", ticket.secret)
    page.keyboard.press("Enter")
    page.wait_for_url("**/door/login/**")
    after = page.evaluate(LEFT_BEHIND)
    context.close()

    assert status.startswith("Signed out at") and status.endswith("by organiser")
    assert after == {"caches": [], "workers": 0, "databases": []}
    assert not ticket.check_ins.exists()
