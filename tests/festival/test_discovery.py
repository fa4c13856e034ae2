"""Being found: the web manifest and home-screen icons, robots.txt, and sitemap.xml from Wagtail's
sitemap framework (live public pages only), each through the site's headers, CSP and caches."""

import json
import re

import pytest
from wagtail.models import PageViewRestriction, Site

from festival.models import FestivalSettings
from programme.models import SessionPage
from tests.programme.conftest import at

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_festival_its_icons_and_its_colour(client, home):
    brand = FestivalSettings.for_site(Site.objects.get(is_default_site=True))
    brand.primary_colour = "#0b5d3b"
    brand.save()

    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "Content-Security-Policy" in response
    manifest = json.loads(response.content)
    assert manifest["name"] == "Festival of Resistance"
    assert manifest["short_name"] == "Festival"
    assert manifest["theme_color"] == "#0b5d3b"
    assert manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200
        assert served["Content-Type"] == icon["type"] or served["Content-Type"].startswith(icon["type"])


def test_every_page_links_the_manifest_and_the_apple_touch_icon(client, festival):
    page = client.get(festival.url).text

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in page
    assert '<meta name="theme-color" content="#b0172b">' in page
    icon = client.get("/static/icons/apple-touch-icon.png")
    assert (icon.status_code, icon["Content-Type"]) == (200, "image/png")
    assert b"".join(icon.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_robots_txt_keeps_crawlers_out_of_private_paths_and_names_the_sitemap(client, home):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/door/", "/tickets/orders/", "/tickets/ticket/", "/tickets/stripe/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def locations(response) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_the_sitemap_lists_live_public_pages_but_not_drafts_or_private_ones(
    client, festival, programme, speaker_index, make_session, make_speaker
):
    ada = make_speaker("Ada Okafor")
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), speakers=[ada])
    draft = make_session("Secret plans", start=at(16, 12), end=at(16, 13))
    draft.unpublish()
    private = make_session("Organisers meeting", start=at(16, 14), end=at(16, 15))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert "Content-Security-Policy" in response
    found = locations(response)
    for page in (festival, programme, speaker_index, ada, session):
        assert page.full_url in found
    assert draft.full_url not in found
    assert private.full_url not in found
    assert all(url.startswith("http://localhost/") for url in found)  # the site's own address, absolute


def test_the_sitemap_shows_a_session_once_it_is_published(client, programme, make_session):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11))
    session.unpublish()
    assert session.full_url not in locations(client.get("/sitemap.xml"))  # and now it is cached

    SessionPage.objects.get(pk=session.pk).save_revision().publish()

    assert session.full_url in locations(client.get("/sitemap.xml"))
