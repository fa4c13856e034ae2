"""Editors and organisers choose and upload images in the admin's image chooser, as their roles allow."""

import pytest
from django.contrib.auth.models import User

from festival import roles
from festival.demo import placeholder_image, upsert_child
from speakers.models import SpeakerIndexPage, SpeakerPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(chromium, live_server, client, home):
    """A laptop-sized browser signed in as a new user holding ``role``."""
    groups = roles.sync_roles(root_page=home)
    contexts = []

    def sign_in(role: str):
        user = User.objects.create_user(role.lower().replace(" ", "-"), password="not-the-demo-one")
        user.groups.add(groups[role])
        client.force_login(user)
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield sign_in
    for context in contexts:
        context.close()


def open_image_chooser(page, edit_url: str, field: str):
    page.goto(edit_url)
    page.click(f"#id_{field}-chooser .chooser__choose-button")
    page.wait_for_selector(".modal-content #tab-search")


@pytest.mark.parametrize(
    ("role", "page_kind", "field"),
    [(roles.EDITOR, "speaker", "photo"), (roles.ORGANISER, "festival", "hero_image")],
    ids=["editor-speaker-photo", "organiser-hero-image"],
)
def test_image_chooser_lists_the_images_and_offers_an_upload(signed_in, festival, role, page_kind, field):
    placeholder_image("Speaker Ada Okafor", size=(200, 200))
    index = upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")
    speaker = upsert_child(index, SpeakerPage, slug="ada-okafor", title="Ada Okafor")
    target = {"speaker": speaker, "festival": festival}[page_kind]
    page = signed_in(role)

    open_image_chooser(page, f"/admin/pages/{target.pk}/edit/", field)
    modal = page.locator(".modal-content")
    listed = modal.get_by_text("Speaker Ada Okafor").count()
    upload_tab = modal.get_by_role("tab", name="Upload").count()

    assert "You haven't uploaded any images" not in modal.inner_text()
    assert (listed, upload_tab) == (1, 1)
