"""The door page's camera in headless Chromium: a fake camera films a badge's QR code."""

import pytest

from tests.browser import wait_for
from tests.camera import launch_with_camera, qr_frame, write_y4m
from ticketing.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def camera_page(chromium, live_server, client, door_staff, live_festival, tmp_path):
    """A phone-sized door page, signed in as door staff, in a Chromium whose camera films ``frames``."""
    browsers = []

    def open_page(frames, expected_tickets: int, *, init_script: str = ""):
        browser = launch_with_camera(chromium, write_y4m(tmp_path / "camera.y4m", frames))
        browsers.append(browser)
        client.force_login(door_staff)
        context = browser.new_context(viewport=PHONE)
        context.grant_permissions(["camera"])
        if init_script:
            context.add_init_script(init_script)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + "/door/")
        page.wait_for_selector("html[data-door-ready]")
        wait_for(page, f"document.getElementById('list-size').textContent === '{expected_tickets}'")
        return page

    yield open_page
    for browser in browsers:
        browser.close()


# A browser with a BarcodeDetector that cannot read QR codes (as on a phone without the
# platform's barcode service): it lists no formats, or fails each time it is asked.
BROKEN_DETECTORS = {
    "lists no formats": "static getSupportedFormats() { return Promise.resolve([]); }",
    "fails to detect": "static getSupportedFormats() { return Promise.resolve(['qr_code']); }",
}
DETECTOR = """
window.BarcodeDetector = class {
  %s
  detect() { return Promise.reject(new DOMException("Barcode detection service unavailable.", "NotSupportedError")); }
};
"""


def camera_seconds(page) -> float:
    return page.evaluate("document.getElementById('camera-video').currentTime")


def test_a_badge_held_in_front_of_the_camera_is_scanned_once(camera_page, make_ticket):
    ticket = make_ticket(attendee_name="Rosa Parks")
    page = camera_page([qr_frame(ticket.secret)] * 10, 1)

    page.click("#camera-toggle")
    page.wait_for_selector("#result[data-result='admitted']")
    admitted_at = camera_seconds(page)
    # The badge stays in view for five seconds more: still one scan, still "Welcome in".
    wait_for(page, f"document.getElementById('camera-video').currentTime > {admitted_at + 5}")
    shown = page.get_attribute("#result", "data-result")

    assert shown == "admitted"
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("detector", BROKEN_DETECTORS)
def test_a_browser_barcode_detector_that_cannot_read_qr_codes_is_passed_over(camera_page, make_ticket, detector):
    ticket = make_ticket(attendee_name="Rosa Parks")
    page = camera_page([qr_frame(ticket.secret)] * 10, 1, init_script=DETECTOR % BROKEN_DETECTORS[detector])

    page.click("#camera-toggle")
    page.wait_for_selector("#result[data-result='admitted']")

    assert CheckIn.objects.filter(result="admitted").count() == 1


def test_the_camera_view_and_the_result_fit_on_a_phone_screen(camera_page, make_ticket):
    ticket = make_ticket(attendee_name="Rosa Parks")
    page = camera_page([qr_frame(ticket.secret)] * 10, 1)

    page.click("#camera-toggle")
    page.wait_for_selector("#result[data-result='admitted']")
    boxes = page.evaluate(
        """['camera-video', 'result'].map(id => {
            const box = document.getElementById(id).getBoundingClientRect();
            return [id, box.top >= 0 && box.bottom <= window.innerHeight];
        })"""
    )

    assert boxes == [["camera-video", True], ["result", True]]


def test_without_a_camera_the_page_says_so_and_keeps_the_scanner_hint(
    chromium, live_server, client, door_staff, live_festival
):
    client.force_login(door_staff)
    context = chromium.new_context(viewport=PHONE)  # Chromium with no camera at all
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/door/")
    page.wait_for_selector("html[data-door-ready]")

    page.click("#camera-toggle")
    wait_for(page, "document.getElementById('camera-status').textContent !== ''")
    shown = {name: page.is_visible(selector) for name, selector in [("view", "#camera-video"), ("hint", "#scan-hint")]}
    status = page.text_content("#camera-status")
    context.close()

    assert status == "The camera is not available here. Use a badge scanner or type the code."
    assert shown == {"view": False, "hint": True}
