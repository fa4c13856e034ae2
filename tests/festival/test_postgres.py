"""The PostgreSQL backend's health check, against the real PostgreSQL the machine runs.

Each test opens its own connection (not the test database's), so it runs the same in the
SQLite and the PostgreSQL pass of the suite.
"""

import os
import time

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend

from festival.settings.base import database_from_url

PG = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def database(django_db_blocker):
    """A Django connection made from a production-style DATABASE_URL, like gunicorn's."""
    settings = connections.configure_settings({"default": database_from_url(PG)})["default"]
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "probe")
    with django_db_blocker.unblock():
        yield wrapper
        wrapper.close()


def count_round_trips(wrapper):
    """Wrap is_usable, Django's ``SELECT 1`` health check, to count the times it is sent."""
    calls = []
    usable = wrapper.is_usable

    def counted():
        calls.append(1)
        return usable()

    wrapper.is_usable = counted
    return calls


def new_request(wrapper):
    """What Django does when a request starts (request_started → close_old_connections)."""
    wrapper.close_if_unusable_or_obsolete()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_production_database_url_uses_the_festival_backend():
    assert database_from_url(PG)["ENGINE"] == "festival.postgres"


def test_a_healthy_connection_is_reused_without_a_select_1(database):
    first = backend_pid(database)
    calls = count_round_trips(database)

    for _ in range(3):
        new_request(database)
        assert backend_pid(database) == first

    assert calls == []


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(database):
    first = backend_pid(database)
    calls = count_round_trips(database)
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [first])
    deadline = time.monotonic() + 5
    while not database.server_has_spoken() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye crosses the socket

    new_request(database)
    second = backend_pid(database)  # would raise OperationalError on the dead connection

    assert second != first
    assert calls == [1]  # the cheap look found something, so the real check was made
