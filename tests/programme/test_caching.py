"""Anonymous programme responses come from the cache until something on the programme is published."""

import pytest
from django.contrib.auth.models import User

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
