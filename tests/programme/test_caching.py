"""Anonymous programme responses come from the cache until something on the programme is published."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from .conftest import at


@pytest.fixture
def session(make_session):
    return make_session("Rent strikes", start=at(16, 10), end=at(16, 11))


def test_second_request_comes_from_the_cache(client, programme, session, django_assert_num_queries):
    first = client.get(programme.url)

    with django_assert_num_queries(0):  # answered by the middleware, before Wagtail's routing
        second = client.get(programme.url)

    assert (first["X-Programme-Cache"], second["X-Programme-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_publishing_a_session_invalidates_the_cached_programme(client, programme, session):
    client.get(programme.url)
    session.title = "Rent strikes: the sequel"

    session.save_revision().publish()
    response = client.get(programme.url)

    assert response["X-Programme-Cache"] == "miss"
    assert "Rent strikes: the sequel" in response.text


def test_publishing_the_programme_page_invalidates_its_exports(client, programme, session):
    client.get(programme.url + "schedule.json")
    programme.title = "The programme"

    programme.save_revision().publish()
    response = client.get(programme.url + "schedule.json")

    assert response["X-Programme-Cache"] == "miss"


def test_unpublishing_a_session_takes_it_off_the_cached_programme(client, programme, session):
    client.get(programme.url)

    session.unpublish()
    response = client.get(programme.url)

    assert "Rent strikes" not in response.text


def test_signed_in_users_are_never_served_from_the_cache(client, programme, session):
    client.get(programme.url)
    client.force_login(User.objects.create_user("esme"))

    response = client.get(programme.url)

    assert response.has_header("X-Programme-Cache") is False


def unlock(client, restriction, page) -> None:
    """Enter a password-protected page's password, as a visitor does on Wagtail's form."""
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    response = client.post(url, {"password": restriction.password, "return_url": page.url})
    assert response.status_code == 302


@pytest.mark.parametrize("protect", ["programme", "festival"])
@pytest.mark.parametrize("view", ["programme", "session", "schedule.json", "calendar.ics"])
def test_a_password_protected_page_unlocked_by_one_visitor_is_never_cached_for_others(
    client, festival, programme, session, protect, view
):
    protected = {"programme": programme, "festival": festival}[protect]
    restriction = PageViewRestriction.objects.create(
        page=protected, restriction_type=PageViewRestriction.PASSWORD, password="solidarity"
    )
    url = {
        "programme": programme.url,
        "session": session.url,
        "schedule.json": programme.url + "schedule.json",
        "calendar.ics": session.url + "calendar.ics",
    }[view]
    unlock(client, restriction, protected)
    unlocked = client.get(url)
    unlocked_again = client.get(url)

    stranger = Client().get(url)

    assert (unlocked.status_code, unlocked_again.status_code) == (200, 200)
    assert "Rent strikes" in unlocked_again.content.decode()
    assert unlocked_again.has_header("X-Programme-Cache") is False
    assert stranger.has_header("X-Programme-Cache") is False
    assert "Rent strikes" not in stranger.content.decode()
    assert 'name="password"' in stranger.content.decode()  # Wagtail's password form, at the same address


def test_protecting_a_page_drops_its_cached_copy(client, programme, session):
    client.get(programme.url)
    assert client.get(programme.url)["X-Programme-Cache"] == "hit"

    PageViewRestriction.objects.create(page=programme, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(programme.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/_util/login/")


def test_a_new_menu_page_or_new_settings_show_on_a_cached_programme(client, programme, session, home):
    """The cached page carries the site's header and footer, which must not go stale."""
    from festival.demo import upsert_child
    from festival.models import FestivalSettings, StandardPage

    client.get(programme.url)
    upsert_child(home, StandardPage, slug="volunteer", title="Volunteer", show_in_menus=True)
    brand = FestivalSettings.for_site(home.get_site())
    brand.site_name = "Red Sky Gathering"
    brand.save()

    response = client.get(programme.url)

    assert ">Volunteer</a>" in response.text
    assert "Red Sky Gathering" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_copy_rendered_before_a_publish_commits_is_not_served_after_it(client, programme, session, rf):
    from django.core.cache import cache
    from django.db import transaction

    from festival import page_cache as caching

    with transaction.atomic():
        session.title = "Rent strikes: the sequel"
        session.save_revision().publish()  # the signal fires here, before the commit
        # Another visitor's request, rendered from the database as it was before the commit:
        key = caching._key(rf.get(programme.url))
        cache.set(key, (b"<h1>Rent strikes</h1>", "text/html", {}), caching.TIMEOUT)

    response = client.get(programme.url)

    assert response["X-Programme-Cache"] == "miss"
    assert "Rent strikes: the sequel" in response.text


def test_a_cached_programme_is_kept_apart_for_each_language(client, programme, session):
    client.get(programme.url)  # an English visitor's copy goes into the cache

    welsh = Client(headers={"accept-language": "cy"}).get(programme.url)
    again = Client(headers={"accept-language": "cy"}).get(programme.url)
    english = Client(headers={"accept-language": "en-GB"}).get(programme.url)

    assert (welsh["X-Programme-Cache"], again["X-Programme-Cache"], english["X-Programme-Cache"]) == (
        "miss",
        "hit",
        "hit",
    )
    assert ('<html lang="cy">' in welsh.text, '<html lang="cy">' in again.text) == (True, True)
    assert '<html lang="en-gb">' in english.text
    assert "Accept-Language" in welsh["Vary"]


def test_the_language_cookie_chooses_the_cached_copy_too(client, programme, session):
    client.get(programme.url)
    chooser = Client()

    chooser.post(
        reverse("set_language"), {"language": "cy", "next": programme.url}, headers={"origin": "http://testserver"}
    )
    response = chooser.get(programme.url)

    assert '<html lang="cy">' in response.text
