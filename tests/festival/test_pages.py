from datetime import date

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from festival.demo import upsert_child
from festival.models import FestivalPage, HomePage, StandardPage


def test_home_page_renders_with_editions(client, festival):
    response = client.get("/")

    assert response.status_code == 200
    assert "Festival of Resistance 2026" in response.text
    assert 'href="#main"' in response.text


def test_festival_page_renders_dates_venue_and_status(client, festival):
    response = client.get(festival.url)

    assert response.status_code == 200
    assert "Northern Co-operative Hall" in response.text
    assert '<span class="status status--over">Over</span>' in response.text  # its last day, 18 October, has passed
    assert "Friday 16 October" in response.text


def test_standard_page_renders(client, festival):
    page = upsert_child(festival, StandardPage, slug="about", title="About the festival", intro="Who we are.")

    response = client.get(page.url)

    assert response.status_code == 200
    assert "Who we are." in response.text


def test_unknown_url_gets_the_friendly_404(client, home):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "couldn't find that page" in response.text


def test_500_template_renders_without_context(client):
    from django.template import loader

    html = loader.get_template("500.html").render()

    assert "Something went wrong" in html


def test_search_finds_a_page_by_title(client, festival):
    upsert_child(festival, StandardPage, slug="getting-there", title="Getting there and access")

    response = client.get("/search/", {"q": "access"})

    assert response.status_code == 200
    assert "Getting there and access" in response.text


def test_festival_refuses_end_before_start(festival):
    festival.end_date = date(2026, 10, 1)

    with pytest.raises(ValidationError) as excinfo:
        festival.full_clean()

    assert "end_date" in excinfo.value.message_dict


def test_festival_days_lists_every_date(festival):
    assert festival.days == [date(2026, 10, 16), date(2026, 10, 17), date(2026, 10, 18)]


def test_pages_carry_the_site_stylesheet_served_locally(client, festival):
    response = client.get(festival.url)

    assert '/static/css/site.css"' in response.text
    assert "https://" not in response.text.split("<body")[0]


class TestPageTreeRules(WagtailPageTestCase):
    def test_home_sits_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_festival_sits_under_home_only(self):
        self.assertAllowedParentPageTypes(FestivalPage, {HomePage})

    def test_a_standard_page_goes_under_the_home_page_an_edition_or_another_standard_page(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, FestivalPage, StandardPage})

    def test_home_cannot_hold_home(self):
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_standard_page_cannot_hold_an_edition(self):
        self.assertCanNotCreateAt(StandardPage, FestivalPage)


def test_healthz_answers_once_the_database_has_answered(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"ok": True})
