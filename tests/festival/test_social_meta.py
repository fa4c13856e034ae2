"""Link previews: the edition, session and speaker pages carry Open Graph and Twitter card tags with
absolute addresses and an image: the page's own (a hero image, a speaker's photo) cut to 1200×630,
else the edition's hero image, else the festival's default card."""

import re
from html import unescape

import pytest

from festival.demo import placeholder_image
from tests.programme.conftest import at

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def tags(html: str) -> dict[str, str]:
    """Every ``<meta property|name=... content=...>`` of the page, by its property or name."""
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html)
    return {name: unescape(content) for name, content in found}


def assert_card(meta: dict[str, str], *, title: str, url: str) -> None:
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:url"] == url
    assert meta["og:site_name"] == "Festival of Resistance"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"] == meta["twitter:image"]
    assert meta["og:image"].startswith(BASE + "/")


def test_an_edition_shares_its_hero_image_cut_to_1200_by_630(client, festival):
    festival.hero_image = placeholder_image("Hero 2026", size=(1600, 900))
    festival.tagline = "Three days of ideas & solidarity"
    festival.save_revision().publish()

    meta = tags(client.get(festival.url).text)

    assert_card(meta, title="Festival of Resistance 2026", url=BASE + festival.url)
    assert meta["og:type"] == "website"
    assert meta["og:description"] == meta["twitter:description"] == "Three days of ideas & solidarity"
    assert re.search(r"/media/images/hero-2026[^/]*\.fill-1200x630\.png$", meta["og:image"])
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    rendition = festival.hero_image.renditions.get(filter_spec="fill-1200x630")
    assert meta["og:image"] == BASE + rendition.url and rendition.file.storage.exists(rendition.file.name)


def test_a_session_shares_its_summary_and_its_editions_hero_image(client, festival, make_session):
    festival.hero_image = placeholder_image("Hero 2026", size=(1600, 900))
    festival.save_revision().publish()
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), summary="How tenants win.")

    meta = tags(client.get(session.url).text)

    assert_card(meta, title="Rent strikes", url=BASE + session.url)
    assert meta["og:description"] == "How tenants win."
    assert re.search(r"/media/images/hero-2026[^/]*\.fill-1200x630\.png$", meta["og:image"])


def test_a_speaker_shares_their_photo_and_short_bio_as_a_profile(client, make_speaker):
    ada = make_speaker(
        "Ada Okafor", short_bio="Organises <renters>.", photo=placeholder_image("Speaker Ada", size=(800, 800))
    )

    page = client.get(ada.url).text
    meta = tags(page)

    assert_card(meta, title="Ada Okafor", url=BASE + ada.url)
    assert meta["og:type"] == "profile"
    assert meta["og:description"] == "Organises <renters>."
    assert 'content="Organises &lt;renters&gt;."' in page
    assert re.search(r"/media/images/speaker-ada[^/]*\.fill-1200x630\.png$", meta["og:image"])
    assert meta["og:image:alt"] == "Speaker Ada"


def test_a_page_with_no_image_shares_the_festivals_default_card(client, festival, make_speaker):
    ben = make_speaker("Ben Llewellyn")

    meta = tags(client.get(ben.url).text)

    assert meta["og:image"] == BASE + "/static/icons/social-default.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert client.get("/static/icons/social-default.png").status_code == 200


def test_the_search_description_wins_over_the_pages_own_words(client, festival):
    festival.search_description = "The UK's gathering of the left."
    festival.save_revision().publish()

    meta = tags(client.get(festival.url).text)

    assert meta["og:description"] == "The UK's gathering of the left."


def test_pages_that_are_not_wagtail_pages_carry_no_card(client, festival):
    assert tags(client.get("/search/?q=rent").text) == {}
