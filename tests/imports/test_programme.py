"""Speakers and sessions from a file: pages created or updated by slug, drafts or published, clashes as
row errors, all or nothing."""

from datetime import date

import pytest

from festival.demo import upsert_child
from festival.models import FestivalPage
from imports.services.run import run_import
from programme.models import SessionPage
from programme.snippets import SessionFormat, Stage, Track
from speakers.models import SpeakerPage
from tests.imports.conftest import csv_bytes, xlsx_bytes
from tests.programme.conftest import at

SPEAKERS = ["name", "slug", "pronouns", "organisation", "short_bio"]
SESSIONS = ["title", "slug", "start", "end", "stage", "format", "track", "speakers", "bsl"]


@pytest.fixture
def ready(programme, speaker_index, stages, tracks, formats):
    return programme


def run(kind, festival, user, rows, *, publish=False, commit=True, xlsx=False):
    content = xlsx_bytes(rows) if xlsx else csv_bytes(rows)
    return run_import(kind, festival=festival, content=content, filename="f.xlsx" if xlsx else "f.csv", user=user,
                      publish=publish, commit=commit)  # fmt: skip


def test_speakers_are_created_as_drafts_and_a_second_import_updates_them(festival, organiser, ready, speaker_index):
    rows = [
        SPEAKERS,
        ["Rosa Luxemburg", "rosa", "she/her", "Spartacus League", "Economist"],
        ["Tom Mann", "", "", "", ""],
    ]
    preview = run("speakers", festival, organiser, rows, commit=False)
    assert preview.ok
    assert [(r.number, r.action, r.detail) for r in preview.rows] == [(2, "create", "rosa"), (3, "create", "tom-mann")]
    assert SpeakerPage.objects.count() == 0

    assert run("speakers", festival, organiser, rows).committed
    rosa = SpeakerPage.objects.child_of(speaker_index).get(slug="rosa")
    assert (rosa.title, rosa.pronouns, rosa.organisation, rosa.live) == ("Rosa Luxemburg", "she/her",
                                                                         "Spartacus League", False)  # fmt: skip

    again = run("speakers", festival, organiser, [SPEAKERS, ["Rosa Luxemburg", "rosa", "she/her", "KPD", ""]],
                publish=True)  # fmt: skip
    assert again.committed and again.updated == 1 and again.created == 0
    rosa.refresh_from_db()
    assert SpeakerPage.objects.count() == 2 and rosa.live and rosa.organisation == "KPD"


def test_sessions_are_created_with_their_speakers_and_names_resolved(festival, organiser, ready, make_speaker):
    rosa = make_speaker("Rosa")
    rows = [SESSIONS, ["Mass strike", "mass-strike", "2026-10-16 10:00", "2026-10-16 11:00", "main hall", "Talk",
                       "Work and unions", "rosa", "yes"]]  # fmt: skip
    result = run("sessions", festival, organiser, rows, publish=True, xlsx=True)

    assert result.committed, result.bad_rows and result.bad_rows[0].messages
    session = SessionPage.objects.get(slug="mass-strike")
    assert session.live and session.bsl and session.stage.name == "Main Hall" and session.track.slug == "work"
    assert session.start == at(16, 10) and session.end == at(16, 11)
    assert [link.speaker_id for link in session.speaker_links.all()] == [rosa.pk]


def test_a_clash_on_publish_is_a_row_error_and_nothing_is_written(festival, organiser, ready, make_session, stages):
    make_session("Already on", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    rows = [SESSIONS,
            ["Fine", "fine", "2026-10-16 12:00", "2026-10-16 13:00", "Main Hall", "Talk", "", "", ""],
            ["Clashes", "clashes", "2026-10-16 10:30", "2026-10-16 11:30", "Main Hall", "Talk", "", "", ""],
            ["Clashes in the file", "dup-time", "2026-10-16 12:30", "2026-10-16 13:30", "Main Hall", "Talk", "", "",
             ""]]  # fmt: skip
    result = run("sessions", festival, organiser, rows, publish=True)

    assert not result.committed
    assert {r.number: r.messages for r in result.bad_rows} == {
        3: ["stage: Main Hall is already booked for “Already on” on Friday 16 October from 10:00 to 11:00."],
        4: ["stage: Main Hall is already booked for “Fine” on Friday 16 October from 12:00 to 13:00."],
    }
    assert list(SessionPage.objects.values_list("slug", flat=True)) == ["already-on"]

    drafts = run("sessions", festival, organiser, rows, publish=False)  # as drafts, clashes wait for publishing
    assert drafts.committed and SessionPage.objects.filter(live=False).count() == 3


def test_bad_session_rows_are_each_listed(festival, organiser, ready):
    rows = [
        SESSIONS,
        ["", "", "2026-10-16 10:00", "2026-10-16 11:00", "Main Hall", "Talk", "", "", ""],
        ["Late", "late", "16 Oct", "2026-10-16 11:00", "Nowhere", "Talk", "", "ghost", "maybe"],
        ["Backwards", "backwards", "2026-10-16 12:00", "2026-10-16 11:00", "Main Hall", "Talk", "", "", ""],
        ["Twice", "twice", "2026-10-16 14:00", "2026-10-16 15:00", "Main Hall", "Talk", "", "", ""],
        ["Twice again", "twice", "2026-10-16 16:00", "2026-10-16 17:00", "Main Hall", "Talk", "", "", ""],
        ["Bad Slug", "Bad Slug!", "2026-10-16 16:00", "2026-10-16 17:00", "Main Hall", "Talk", "", "", ""],
    ]
    result = run("sessions", festival, organiser, rows)

    messages = {r.number: r.messages for r in result.bad_rows}
    assert messages[2] == ["title: This is needed."]
    assert messages[3] == [
        "start: “16 Oct” is not a date and time we can read; write e.g. 2026-10-16 14:30.",
        "stage: There is no stage called “Nowhere”. Known: Main Hall, Tolpuddle Room.",
        "speakers: No speaker with the slug “ghost” in this edition (import the speakers first).",
        "bsl: Write yes or no.",
    ]
    assert messages[4] == ["end: The session must end after it starts."]
    assert 5 not in messages  # the first of two rows with one slug is fine; the second is the error
    assert messages[6] == ["slug: The same session is already on row 5."]
    assert messages[7] == ["slug: Use only lower-case letters, digits and hyphens, e.g. “bad-slug”."]
    assert SessionPage.objects.count() == 0


def test_a_session_ending_before_it_starts_is_refused_as_a_row_error(festival, organiser, ready):
    rows = [
        SESSIONS,
        ["Backwards", "backwards", "2026-10-16 12:00", "2026-10-16 11:00", "Main Hall", "Talk", "", "", ""],
        ["Outside", "outside", "2026-11-16 12:00", "2026-11-16 13:00", "Main Hall", "Talk", "", "", ""],
    ]
    result = run("sessions", festival, organiser, rows)

    assert {r.number: r.messages for r in result.bad_rows} == {
        2: ["end: The session must end after it starts."],
        3: [
            "start: This session falls outside the festival, which runs from Friday 16 October to "
            "Sunday 18 October 2026."
        ],
    }
    assert SessionPage.objects.count() == 0


def test_an_edition_without_a_programme_page_is_told_so(festival, organiser):
    result = run("sessions", festival, organiser, [SESSIONS, ["A", "", "", "", "", "", "", "", ""]])

    assert result.problems == ["Festival of Resistance 2026 has no programme page yet: add one first."]


def test_sessions_take_the_stage_track_and_format_of_their_own_edition(festival, home, organiser, ready):
    later = upsert_child(home, FestivalPage, slug="2027", title="Festival of Resistance 2027",
                         start_date=date(2027, 10, 15), end_date=date(2027, 10, 17), venue_name="Hall")  # fmt: skip
    Stage.objects.create(edition=later, name="Main Hall", slug="main-hall", sort_order=9)
    Track.objects.create(edition=later, name="Work and unions", slug="work", sort_order=9)
    SessionFormat.objects.create(edition=later, name="Talk", slug="talk", sort_order=9)
    rows = [SESSIONS, ["Mass strike", "mass-strike", "2026-10-16 10:00", "2026-10-16 11:00", "Main Hall", "Talk",
                       "Work and unions", "", ""]]  # fmt: skip

    result = run("sessions", festival, organiser, rows)

    assert result.committed, result.bad_rows and result.bad_rows[0].messages
    session = SessionPage.objects.get(slug="mass-strike")
    assert (session.stage.edition_id, session.track.edition_id, session.session_format.edition_id) == (
        festival.pk,
        festival.pk,
        festival.pk,
    )
