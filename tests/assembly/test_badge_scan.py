"""Scanning your own badge with your phone's camera on the badge page, in headless Chromium.

A fake camera films the badge's QR code, drawn as the badge PDF draws it (``ticketing.pdf.qr_png``):
"Scan my badge" reads it and opens that badge's ballot. Without a camera, or with it refused, the
page says so and the typed code still works.
"""

import io

import pytest
from django.urls import reverse
from PIL import Image

from assembly import links, voting
from tests.browser import PHONE, assert_accessible, wait_for
from tests.camera import HEIGHT, WIDTH, blank_frame, launch_with_camera, write_y4m
from ticketing.pdf import qr_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A browser whose visitor said no when asked for the camera.
REFUSED = """
navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


def badge_qr_frame(secret: str) -> Image.Image:
    """The badge's own QR code (one pixel per module, as the PDF has it), enlarged on white."""
    code = Image.open(io.BytesIO(qr_png(secret))).convert("RGB")
    side = HEIGHT - 80
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(code.resize((side, side), Image.Resampling.NEAREST), ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    return frame


@pytest.fixture
def badge_page(chromium, live_server, tmp_path):
    """The badge page on a phone, in a Chromium whose camera films ``frames``."""
    browsers = []

    def open_page(frames, *, init_script: str = "", viewport=PHONE):
        browser = launch_with_camera(chromium, write_y4m(tmp_path / "camera.y4m", frames))
        browsers.append(browser)
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.grant_permissions(["camera"])
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.goto(reverse("assembly:badge"))
        page.get_by_role("button", name="Scan my badge").wait_for()
        return page

    yield open_page
    for browser in browsers:
        browser.close()


def test_scanning_the_badge_opens_its_ballot(badge_page, member, make_vote):
    ticket = member(attendee_name="Ada Nield")
    voting.open_vote(vote_id=make_vote().pk)
    page = badge_page([badge_qr_frame(ticket.secret)] * 10)
    assert_accessible(page)

    page.get_by_role("button", name="Scan my badge").click()
    page.wait_for_url("**" + reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)}))

    assert page.get_by_role("heading", level=1).inner_text() == "Voting as Ada Nield"
    assert "Register as a political party" in page.inner_text("main")


def test_the_camera_can_be_stopped_and_the_code_typed_instead(badge_page, member):
    ticket = member(attendee_name="Bo Hardie")
    page = badge_page([blank_frame()] * 10)

    page.get_by_role("button", name="Scan my badge").click()
    wait_for(page, "document.querySelector('#badge-scan video').readyState >= 2")
    assert page.get_by_role("status").inner_text() == "Hold your badge's QR code up to the camera."
    assert_accessible(page)
    page.get_by_role("button", name="Stop camera").click()
    filming = page.evaluate("!!document.querySelector('#badge-scan video').srcObject")
    shown = {name: page.is_visible(f"#badge-scan {name}") for name in ("video", "#scan-stop")}
    focused = page.evaluate("document.activeElement.id")
    page.get_by_label("The code under your badge's QR code").fill(ticket.secret)
    page.get_by_role("button", name="Go to my ballot").click()

    assert (filming, shown, focused) == (False, {"video": False, "#scan-stop": False}, "scan-start")
    assert page.get_by_role("heading", level=1).inner_text() == "Voting as Bo Hardie"


def test_a_refused_camera_is_explained_and_the_typed_code_still_works(badge_page, member):
    member(attendee_name="Cy Grant")
    page = badge_page([blank_frame()] * 10, init_script=REFUSED)

    page.get_by_role("button", name="Scan my badge").click()
    wait_for(page, "document.querySelector('#badge-scan [role=status]').textContent !== ''")

    assert page.get_by_role("status").inner_text() == (
        "The camera was not allowed, so it cannot read your badge. "
        "You can allow it in your browser's settings, or type the code instead."
    )
    assert not page.is_visible("#badge-scan video")
    assert page.get_by_label("The code under your badge's QR code").is_editable()


def test_without_a_camera_there_is_no_scan_button(open_browser):
    page = open_browser(viewport=PHONE).new_page()  # the session's Chromium has no camera at all

    page.goto(reverse("assembly:badge"))
    page.wait_for_selector("html[data-badge-scan-ready]", state="attached")

    assert not page.get_by_role("button", name="Scan my badge").is_visible()
    assert page.get_by_role("button", name="Go to my ballot").is_visible()
