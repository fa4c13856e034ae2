"""The site cache: one round trip to read, and never an entry built from a change not yet committed."""

import pytest
from django.db import transaction

from festival import site_cache
from festival.models import StandardPage


def test_a_value_is_built_once_and_then_read_from_the_cache():
    built = []

    def build():
        built.append(1)
        return {"name": "Red Sky"}

    assert site_cache.cached("thing", "a", build) == {"name": "Red Sky"}
    assert site_cache.cached("thing", "a", build) == {"name": "Red Sky"}
    assert len(built) == 1
    assert site_cache.cached("thing", "b", lambda: None) is None
    assert site_cache.cached("thing", "b", lambda: "not rebuilt") is None  # a None result is kept too


def test_invalidating_rebuilds_every_entry():
    site_cache.cached("thing", "a", lambda: "old")

    site_cache.invalidate()

    assert site_cache.cached("thing", "a", lambda: "new") == "new"


@pytest.mark.django_db(transaction=True)
def test_an_entry_built_before_an_edit_commits_is_not_kept_after_it(home):
    page = StandardPage(title="About", slug="about", show_in_menus=True)
    home.add_child(instance=page)
    with transaction.atomic():
        page.title = "About us"
        page.save()  # the signal fires here, before the commit
        # Another visitor's request, reading the database as it was before the commit:
        site_cache.cached("menu", "host", lambda: "About")

    assert site_cache.cached("menu", "host", lambda: "About us") == "About us"


@pytest.mark.django_db
def test_migrate_forgets_every_entry_so_a_deploy_serves_nothing_made_by_the_old_code():
    # A deploy runs migrate (see the README); pages and objects cached by the old code,
    # with its templates and model fields, are then never read again.
    from django.core.management import call_command

    site_cache.cached("thing", "a", lambda: "made by the old code")

    call_command("migrate", verbosity=0)

    assert site_cache.cached("thing", "a", lambda: "made by the new code") == "made by the new code"


def test_a_cache_that_cannot_be_reached_does_not_stop_migrate(monkeypatch, caplog):
    from festival import signals

    def down():
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(site_cache, "invalidate", down)

    signals.forget_the_old_codes_cache(sender=None)

    assert "could not clear the page cache" in caplog.text
