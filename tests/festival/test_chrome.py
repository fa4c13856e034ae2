"""The header and footer every page shows: read once, cached, and fresh after any edit they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from festival.demo import upsert_child
from festival.models import FestivalSettings, StandardPage


def _queries_of_a_page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_header_and_footer_cost_no_queries_once_cached(client, festival):
    url = f"/tickets/{festival.slug}/"
    client.get(url)

    response, queries = _queries_of_a_page(client, url)

    assert "Festival of Resistance" in response.text
    assert not [q for q in queries if "festival_festivalsettings" in q or '"wagtailcore_site"' in q]


def test_saved_settings_show_on_the_next_page(client, festival, home):
    client.get("/")
    brand = FestivalSettings.for_site(home.get_site())
    brand.site_name = "Red Sky Gathering"
    brand.primary_colour = "#123456"
    brand.mastodon_url = "https://social.example/@festival"
    brand.save()

    page = client.get("/").text
    colours = client.get("/brand.css")

    assert "Red Sky Gathering" in page
    assert 'href="/brand.css?colours=123456f5c518"' in page  # a new address, so no browser keeps the old colours
    assert "--brand: #123456;" in colours.text
    assert colours["Content-Type"] == "text/css; charset=utf-8"
    assert 'href="https://social.example/@festival"' in page


def test_a_newly_published_menu_page_joins_the_menu_and_leaves_when_unpublished(client, festival, home):
    client.get("/")
    page = upsert_child(home, StandardPage, slug="get-involved", title="Get involved", show_in_menus=True)
    page.save_revision().publish()

    assert ">Get involved</a></li>" in client.get("/").text

    page.unpublish()

    assert "Get involved" not in client.get("/").text


def test_a_menu_page_renamed_or_deleted_changes_the_menu(client, festival, home):
    page = upsert_child(home, StandardPage, slug="about", title="About", show_in_menus=True)
    assert ">About</a>" in client.get("/").text

    page.title = "About us"
    page.save_revision().publish()
    assert ">About us</a>" in client.get("/").text

    page.delete()
    assert "About us" not in client.get("/").text


@pytest.mark.parametrize("host", ["testserver", "127.0.0.1"])
def test_the_current_page_is_marked_in_the_menu(client, festival, home, settings, host):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    page = upsert_child(home, StandardPage, slug="about", title="About", show_in_menus=True)

    html = client.get(page.url, HTTP_HOST=host).text

    assert f'<a href="{page.url}" aria-current="page">About</a>' in html
