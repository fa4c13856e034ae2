"""Journey 6, the editor: signs in, gives a speaker a photo, moves a session, and is refused a clash.

In headless Chromium against the live server, signed in through the admin's own login form as a
user with the Editor role. Every public page on the way passes axe (no serious or critical
violation). The admin pages are Wagtail's own: they are checked too, and may show only the
violations of Wagtail's own widgets (listed below).
"""

import io

import pytest
from django.contrib.auth.models import User
from PIL import Image as PILImage

from festival import roles
from festival.demo import upsert_child
from programme.models import ProgrammeChange, ProgrammePage, SessionFormat, SessionPage, SessionSpeaker, Stage
from speakers.models import SpeakerIndexPage, SpeakerPage
from tests.browser import LAPTOP, assert_accessible, serious_axe_violations
from tests.programme.conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-editor-password"
# Wagtail 8's own widgets, which bring axe violations of their own that the project cannot fix from
# outside: its rich text editor (Draftail: a role="textbox" with no accessible name), its date and time
# picker (unnamed month buttons, pale days of other months), its tag field's unlabelled input, and
# the banner over a refused page (white on #de8383, 2.73:1: its message and its "go to the error" button).
WAGTAIL_WIDGETS = ("notranslate", "xdsoft_", "ui-autocomplete-input", "['.error']", "w-inline-block")


def not_wagtails_own(violations) -> list[str]:
    return sorted(v for v in violations if not any(widget in v for widget in WAGTAIL_WIDGETS))


def portrait_png() -> bytes:
    """A real PNG photo, made with Pillow."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (240, 240), "#1e6b34").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(home):
    groups = roles.sync_roles(root_page=home)
    user = User.objects.create_user("esme", email="esme@festival.invalid", password=PASSWORD, first_name="Esme")
    user.groups.add(groups[roles.EDITOR])
    return user


@pytest.fixture
def scene(festival):
    """A programme announced with two sessions in the Main Hall on Friday; Ada Okafor, with no photo, speaks at one."""
    stage = Stage.objects.create(edition=festival, name="Main Hall", slug="main-hall", capacity=900)
    talk = SessionFormat.objects.create(edition=festival, name="Talk", slug="talk")
    index = upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")
    ada = upsert_child(index, SpeakerPage, slug="ada-okafor", title="Ada Okafor", organisation="Tenants Together")
    programme = ProgrammePage(slug="programme", title="Programme", live=False)
    festival.add_child(instance=programme)
    common = {"stage": stage, "session_format": talk}
    rent = upsert_child(
        programme,
        SessionPage,
        slug="rent-strikes",
        title="Rent strikes",
        start=at(16, 10),
        end=at(16, 11),
        speaker_links=[SessionSpeaker(speaker=ada, role=SessionSpeaker.Role.SPEAKER)],
        **common,
    )
    weather = upsert_child(
        programme, SessionPage, slug="weather", title="Who owns the weather", start=at(16, 14), end=at(16, 15), **common
    )
    programme = upsert_child(festival, ProgrammePage, slug="programme", title="Programme")  # announced
    return programme, ada, rent, weather


def publish(page, *, refused: bool = False) -> None:
    """Press Publish (under "More actions" in the page editor's footer) and wait for the answer."""
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector(".messages .error" if refused else ".messages .success")


def test_editor_sets_a_photo_moves_a_session_and_is_refused_a_clash(open_browser, editor, scene):
    programme, ada, rent, weather = scene
    page = open_browser(viewport=LAPTOP).new_page()
    admin_violations = set()

    # Sign in through the admin's login form.
    page.goto("/admin/login/")
    admin_violations.update(serious_axe_violations(page))
    page.fill("#id_username", "esme")
    page.fill("#id_password", PASSWORD)
    page.click("button[type='submit']")
    page.wait_for_url("**/admin/")
    admin_violations.update(serious_axe_violations(page))

    # Upload a photo through the speaker page's image chooser, and publish.
    page.goto(f"/admin/pages/{ada.pk}/edit/")
    page.click("#id_photo-chooser .chooser__choose-button")
    page.get_by_role("tab", name="Upload").click()
    page.set_input_files(
        "#id_image-chooser-upload-file", {"name": "ada.png", "mimeType": "image/png", "buffer": portrait_png()}
    )
    page.fill("#id_image-chooser-upload-title", "Ada Okafor, portrait")
    admin_violations.update(serious_axe_violations(page))
    page.click("#tab-upload button[type='submit']")
    page.wait_for_selector(".modal-content", state="detached")
    chosen = page.text_content("#id_photo-chooser [data-chooser-title]")
    publish(page)
    page.goto(ada.url)
    photo = page.get_attribute("main img.avatar", "src")
    assert_accessible(page)

    # Move a session to the next morning in the page editor, and publish.
    page.goto(f"/admin/pages/{rent.pk}/edit/")
    page.fill("#id_start", "2026-10-17 10:00")
    page.fill("#id_end", "2026-10-17 11:00")
    admin_violations.update(serious_axe_violations(page))
    publish(page)
    page.goto(programme.url)
    on_grid = page.get_attribute(f"[data-session='{rent.pk}'] time", "datetime")
    assert_accessible(page)
    page.goto(rent.url)
    moved_when = page.inner_text("main .facts")
    assert_accessible(page)
    page.goto(programme.url + "changes/")
    changes = page.inner_text("main")
    assert_accessible(page)

    # Move another session onto the same stage at an overlapping time: publishing is refused.
    page.goto(f"/admin/pages/{weather.pk}/edit/")
    page.fill("#id_start", "2026-10-17 10:30")
    page.fill("#id_end", "2026-10-17 11:30")
    publish(page, refused=True)
    refusal = [text.strip() for text in page.locator("[data-field-errors]").all_inner_texts() if text.strip()]
    admin_violations.update(serious_axe_violations(page))
    page.goto(weather.url)
    still_when = page.inner_text("main .facts")
    assert_accessible(page)

    assert chosen == "Ada Okafor, portrait"
    assert SpeakerPage.objects.get(pk=ada.pk).photo.title == "Ada Okafor, portrait"
    assert "/media/images/ada" in photo
    assert on_grid == "2026-10-17T10:00:00+01:00"
    assert "Saturday 17 October, 10:00" in moved_when
    assert "Was Friday 16 October, 10:00 on Main Hall; now Saturday 17 October, 10:00 on Main Hall." in changes
    assert refusal == ["Main Hall is already booked for “Rent strikes” on Saturday 17 October from 10:00 to 11:00."]
    assert "Friday 16 October, 14:00" in still_when
    weather.refresh_from_db()
    assert (weather.live, weather.start, weather.end) == (True, at(16, 14), at(16, 15))
    assert [(c.kind, c.session_title) for c in ProgrammeChange.objects.all()] == [("moved", "Rent strikes")]
    assert not_wagtails_own(admin_violations) == []
