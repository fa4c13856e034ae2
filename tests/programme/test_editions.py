"""Each edition has its own stages, tracks and formats, and its own time zone: the editor offers and accepts
only the session's edition's, the programme filters list only them, and times are entered, shown and
exported in the edition's zone, not the server's."""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from lxml import etree
from wagtail.models import Page

from festival.demo import upsert_child
from festival.models import FestivalPage
from programme.models import ProgrammePage, SessionFormat, SessionPage, Stage, Track

from .conftest import at
from .test_admin import session_form

SCHEMAS = Path(__file__).parent / "schemas"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def other_edition(home):
    return upsert_child(
        home,
        FestivalPage,
        slug="2027",
        title="Festival of Resistance 2027",
        start_date=date(2027, 10, 15),
        end_date=date(2027, 10, 17),
        venue_name="Teatro Oficina",
        time_zone="America/Sao_Paulo",
        status=FestivalPage.Status.ANNOUNCED,
    )


@pytest.fixture
def other_snippets(other_edition):
    return {
        "stage": Stage.objects.create(edition=other_edition, name="Main Hall", slug="main-hall", sort_order=0),
        "track": Track.objects.create(edition=other_edition, name="Housing", slug="housing", colour="#123456"),
        "format": SessionFormat.objects.create(edition=other_edition, name="Talk", slug="talk"),
    }


@pytest.fixture
def other_programme(other_edition):
    return upsert_child(other_edition, ProgrammePage, slug="programme", title="Programme")


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("boss", "boss@festival.invalid", "pw"))
    return client


def test_names_and_slugs_are_unique_per_edition_not_across_editions(stages, tracks, other_snippets, festival):
    assert other_snippets["stage"].name == stages[0].name  # the same name in two editions is fine

    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(edition=festival, name="Main Hall", slug="main-hall-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Track.objects.create(edition=festival, name="Another", slug="climate")


def test_a_session_refuses_another_editions_stage_track_and_format(make_session, other_snippets):
    with pytest.raises(ValidationError) as refused:
        make_session(
            "Rent strikes",
            start=at(16, 10),
            end=at(16, 11),
            stage=other_snippets["stage"],
            track=other_snippets["track"],
            session_format=other_snippets["format"],
        )

    assert set(refused.value.message_dict) == {"stage", "track", "session_format"}
    assert "belongs to another edition" in refused.value.message_dict["stage"][0]
    assert not SessionPage.objects.filter(title="Rent strikes").exists()


def test_the_editor_offers_only_the_editions_own_snippets(
    admin_client, programme, stages, tracks, formats, other_snippets
):
    response = admin_client.get(f"/admin/pages/add/programme/sessionpage/{programme.pk}/")

    form = response.context["form"]
    assert set(form.fields["stage"].queryset) == set(stages)
    assert set(form.fields["track"].queryset) == set(tracks)
    assert set(form.fields["session_format"].queryset) == set(formats.values())
    assert f'value="{other_snippets["stage"].pk}"' not in str(form["stage"])


def test_posting_another_editions_stage_is_a_form_error_and_writes_nothing(
    admin_client, programme, formats, other_snippets
):
    data = session_form("Smuggled", start=at(16, 10), end=at(16, 11), stage=other_snippets["stage"],
                        session_format=formats["talk"])  # fmt: skip

    response = admin_client.post(f"/admin/pages/add/programme/sessionpage/{programme.pk}/", data)

    assert response.status_code == 200
    assert "stage" in response.context["form"].errors
    assert not SessionPage.objects.filter(title="Smuggled").exists()


def test_times_are_entered_in_the_editions_zone_not_the_servers(
    settings, admin_client, other_programme, other_snippets
):
    assert settings.TIME_ZONE == "Europe/London"
    data = session_form("Ocupar", start=datetime(2027, 10, 15, 10, 0), end=datetime(2027, 10, 15, 11, 30),
                        stage=other_snippets["stage"], session_format=other_snippets["format"])  # fmt: skip

    response = admin_client.post(f"/admin/pages/add/programme/sessionpage/{other_programme.pk}/", data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    session = SessionPage.objects.get(title="Ocupar")
    assert session.start == datetime(2027, 10, 15, 13, 0, tzinfo=UTC)  # 10:00 in São Paulo (UTC-3)
    edit = admin_client.get(f"/admin/pages/{session.pk}/edit/")
    assert edit.context["form"]["start"].value().strftime("%H:%M") == "10:00"
    assert "America/Sao_Paulo" in edit.text


@pytest.fixture
def sao_paulo_session(other_programme, other_snippets):
    session = SessionPage(
        title="Ocupar",
        slug="ocupar",
        start=datetime(2027, 10, 15, 10, 0, tzinfo=SAO_PAULO),
        end=datetime(2027, 10, 15, 11, 30, tzinfo=SAO_PAULO),
        stage=other_snippets["stage"],
        session_format=other_snippets["format"],
        track=other_snippets["track"],
    )
    other_programme.add_child(instance=session)
    return session


def test_pages_show_times_in_the_editions_zone(client, other_programme, sao_paulo_session):
    grid = client.get(other_programme.url)
    page = client.get(sao_paulo_session.url)

    assert "10:00" in grid.text and "13:00" not in grid.text
    assert "10:00" in page.text and "America/Sao_Paulo" in page.text


def test_exports_are_in_the_editions_zone_and_valid(client, other_programme, sao_paulo_session):
    schedule = client.get(other_programme.url + "schedule.json").json()
    xml = etree.fromstring(client.get(other_programme.url + "schedule.xml").content)
    calendar = icalendar.Calendar.from_ical(client.get(other_programme.url + "calendar.ics").content)

    validator = jsonschema.Draft6Validator(json.loads((SCHEMAS / "schedule.schema.json").read_text()))
    assert list(validator.iter_errors(schedule)) == []
    assert etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd"))).validate(xml) is True
    event = schedule["schedule"]["conference"]["days"][0]["rooms"]["Main Hall"][0]
    assert event["date"] == "2027-10-15T10:00:00-03:00"
    assert schedule["schedule"]["conference"]["time_zone_name"] == "America/Sao_Paulo"
    start = next(c for c in calendar.walk("VEVENT")).decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (10, "America/Sao_Paulo")


def test_programme_filters_list_only_the_editions_tracks_and_formats(client, programme, make_session, other_snippets):
    make_session("Rent strikes", start=at(16, 10), end=at(16, 11))

    response = client.get(programme.url)

    schedule = response.context["schedule"]
    assert "housing" not in {track.slug for track in schedule.tracks}
    assert other_snippets["format"] not in schedule.formats
    assert 'value="housing"' not in response.text


def test_the_migration_attaches_snippets_and_copies_one_two_editions_share(
    festival, other_edition, programme, other_programme, stages, formats, make_session
):
    """Before 0005 a stage had no edition: one used by both editions stays with the earlier and is
    copied for the later, whose sessions (and their revisions) move to the copy."""
    here = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    screening = SessionFormat.objects.create(edition=other_edition, name="Screening", slug="screening")
    there = SessionPage(title="Ocupar", slug="ocupar", start=datetime(2027, 10, 15, 10, tzinfo=SAO_PAULO),
                        end=datetime(2027, 10, 15, 11, tzinfo=SAO_PAULO), stage=stages[1],
                        session_format=screening)  # fmt: skip
    stages[1].edition = other_edition  # as if only the 2027 edition used the Tolpuddle Room ...
    stages[1].save()
    other_programme.add_child(instance=there)
    there.save_revision()
    SessionPage.objects.filter(pk=there.pk).update(
        stage=stages[0], session_format=formats["talk"]
    )  # ... and shared the hall
    unused = Stage.objects.create(edition=festival, name="Old tent", slug="old-tent")
    migration = import_string("programme.migrations.0005_attach_snippets_to_editions.attach")
    revision = Page.objects.get(pk=there.pk).latest_revision
    revision.content = {**revision.content, "stage": stages[0].pk}
    revision.save()

    migration(apps, None)

    copy = Stage.objects.get(edition=other_edition, slug="main-hall")
    assert copy.pk != stages[0].pk and copy.guid != stages[0].guid
    assert Stage.objects.get(pk=stages[0].pk).edition_id == festival.pk
    assert SessionPage.objects.get(pk=here.pk).stage_id == stages[0].pk
    assert SessionPage.objects.get(pk=there.pk).stage_id == copy.pk
    assert Page.objects.get(pk=there.pk).latest_revision.content["stage"] == copy.pk
    assert SessionFormat.objects.filter(edition=other_edition, slug="talk").count() == 1
    assert SessionPage.objects.get(pk=there.pk).session_format.edition_id == other_edition.pk
    assert Stage.objects.get(pk=unused.pk).edition_id == other_edition.pk  # unused: to the latest edition
