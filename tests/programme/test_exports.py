"""Open exports: frab/c3voc schedule.xml and schedule.json against their schemas, and iCalendar round trips."""

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
from django.contrib.auth.models import Group, User
from lxml import etree
from wagtail.models import PageViewRestriction

from programme.models import SessionPage, SessionSpeaker
from tests.downloads import disposition

from .conftest import at

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(
    ("value", "fmt"),
    [("16 October 2026, 10:00", "date-time"), ("2026-10-16T10:00:00", "date-time"), ("not a uri", "uri")],
)
def test_the_schema_validator_checks_formats(json_validator, value, fmt):
    # jsonschema skips a format it has no checker for; these need rfc3339-validator and rfc3986-validator.
    assert json_validator.format_checker.conforms(value, fmt) is False


@pytest.fixture
def sessions(make_session, make_speaker, stages, tracks, formats):
    ada, ben = make_speaker("Ada Okafor", short_bio="Organiser."), make_speaker("Ben Llewellyn")
    first = make_session(
        "Who owns the weather?",
        start=at(16, 10),
        end=at(16, 11, 15),
        stage=stages[0],
        speakers=[ada, ben],
        summary="Climate debt, explained.",
        description="<p>Bring <b>questions</b>.</p>",
        livestream_url="https://live.festival.invalid/main-hall",
    )
    second = make_session(
        "Strike school", start=at(17, 14), end=at(17, 15), stage=stages[1], track=None, speakers=[ben], publish=True
    )
    third = make_session(
        "Open floor", start=at(18, 9), end=at(18, 10), stage=stages[1], session_format=formats["panel"]
    )
    return [first, second, third]


def test_schedule_json_validates_against_the_schema(client, programme, sessions, json_validator):
    response = client.get(programme.url + "schedule.json")

    data = response.json()
    assert response.status_code == 200
    assert sorted(e.message for e in json_validator.iter_errors(data)) == []
    day_one = data["schedule"]["conference"]["days"][0]
    event = day_one["rooms"]["Main Hall"][0]
    assert (event["title"], event["date"], event["duration"]) == (
        "Who owns the weather?",
        "2026-10-16T10:00:00+01:00",
        "01:15",
    )
    assert [p["name"] for p in event["persons"]] == ["Ada Okafor", "Ben Llewellyn"]


def test_schedule_xml_validates_against_the_xsd(client, programme, sessions, xml_schema):
    response = client.get(programme.url + "schedule.xml")

    document = etree.fromstring(response.content)
    valid = xml_schema.validate(document)
    assert [str(e) for e in xml_schema.error_log] == []
    assert valid is True
    assert document.xpath("//event/title/text()") == ["Who owns the weather?", "Strike school", "Open floor"]


def test_exports_of_an_edition_with_no_sessions_are_valid(client, programme, json_validator, xml_schema):
    data = client.get(programme.url + "schedule.json").json()
    document = etree.fromstring(client.get(programme.url + "schedule.xml").content)

    assert list(json_validator.iter_errors(data)) == []
    assert xml_schema.validate(document) is True
    assert len(data["schedule"]["conference"]["days"]) == 3


def test_guids_stay_stable_across_edits(client, programme, sessions, django_capture_on_commit_callbacks):
    before = client.get(programme.url + "schedule.json").json()
    session = SessionPage.objects.get(pk=sessions[0].pk)
    session.title = "Who owns the weather? (updated)"
    session.start, session.end = at(16, 12), at(16, 13)
    session.save_revision().publish()

    after = client.get(programme.url + "schedule.json").json()

    def guids(data):
        days = data["schedule"]["conference"]["days"]
        return sorted(e["guid"] for d in days for events in d["rooms"].values() for e in events)

    assert guids(after) == guids(before)
    assert "Who owns the weather? (updated)" in json.dumps(after)


def test_cancelled_sessions_are_left_out_of_the_frab_schedule(client, programme, sessions):
    sessions[2].cancelled = True
    sessions[2].save_revision().publish()

    document = etree.fromstring(client.get(programme.url + "schedule.xml").content)

    assert document.xpath("//event/title/text()") == ["Who owns the weather?", "Strike school"]


def parse_calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_programme_calendar_round_trips_with_time_zone_and_stable_uids(client, programme, sessions):
    calendar = parse_calendar(client.get(programme.url + "calendar.ics"))

    events = calendar.walk("VEVENT")
    first = events[0]
    assert [str(e["SUMMARY"]) for e in events] == ["Who owns the weather?", "Strike school", "Open floor"]
    assert first["UID"] == f"{sessions[0].guid}@festival-of-resistance"
    assert first.decoded("DTSTART") == at(16, 10)
    assert first.decoded("DTSTART").tzinfo.key == "Europe/London"
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(first["LOCATION"]) == "Main Hall, Northern Co-operative Hall"


def test_calendar_uids_survive_a_move(client, programme, sessions):
    before = [str(e["UID"]) for e in parse_calendar(client.get(programme.url + "calendar.ics")).walk("VEVENT")]
    session = SessionPage.objects.get(pk=sessions[1].pk)
    session.start, session.end = at(17, 16), at(17, 17)
    session.save_revision().publish()

    after = parse_calendar(client.get(programme.url + "calendar.ics")).walk("VEVENT")

    assert sorted(str(e["UID"]) for e in after) == sorted(before)
    assert after[1].decoded("DTSTART") == at(17, 16).astimezone(ZoneInfo("Europe/London"))


def test_session_and_speaker_calendars(client, sessions, make_speaker):
    ben = sessions[1].speaker_links.get().speaker

    one = parse_calendar(client.get(sessions[0].url + "calendar.ics")).walk("VEVENT")
    speaker = parse_calendar(client.get(ben.url + "calendar.ics")).walk("VEVENT")

    assert [str(e["SUMMARY"]) for e in one] == ["Who owns the weather?"]
    assert [str(e["SUMMARY"]) for e in speaker] == ["Who owns the weather?", "Strike school"]


def test_a_cancelled_session_is_cancelled_in_the_calendar(client, sessions):
    sessions[0].cancelled = True
    sessions[0].save_revision().publish()

    event = parse_calendar(client.get(sessions[0].url + "calendar.ics")).walk("VEVENT")[0]

    assert str(event["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{first},{third}", ["Who owns the weather?", "Open floor"]),
        ("{third},,junk,-4,{third}", ["Open floor"]),
        ("999999999999999999999,<script>", []),
        ("", []),
    ],
)
def test_starred_calendar_takes_only_sessions_of_this_programme(client, programme, sessions, raw, expected):
    ids = {"first": sessions[0].pk, "third": sessions[2].pk}

    calendar = parse_calendar(client.get(programme.url + "starred.ics", {"sessions": raw.format(**ids)}))

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == expected


def test_unknown_exports_and_draft_pages_are_not_found(client, programme, sessions):
    sessions[0].unpublish()

    assert client.get(programme.url + "schedule.csv").status_code == 404
    assert client.get(sessions[1].url + "schedule.json").status_code == 404
    assert client.get(sessions[0].url + "calendar.ics").status_code == 404
    assert client.get("/no-such-page/schedule.json").status_code == 404


def test_session_page_has_schema_org_event_json_ld(client, festival, sessions):
    sessions[0].cancelled = True
    sessions[0].save_revision().publish()

    response = client.get(sessions[0].url)

    data = json_ld(response.text)
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["superEvent"]["name"] == festival.title
    assert [p["name"] for p in data["performer"]] == ["Ada Okafor", "Ben Llewellyn"]
    assert data["startDate"] == "2026-10-16T10:00:00+01:00"
    assert data["location"][0]["name"] == "Main Hall, Northern Co-operative Hall"


def test_a_moved_session_is_rescheduled_in_json_ld(client, programme, sessions):
    session = SessionPage.objects.get(pk=sessions[1].pk)
    session.start, session.end = at(17, 16), at(17, 17)
    session.save_revision().publish()

    data = json_ld(client.get(session.url).text)

    assert data["eventStatus"] == "https://schema.org/EventRescheduled"


def test_festival_page_has_schema_org_event_json_ld(client, festival):
    data = json_ld(client.get(festival.url).text)

    assert (data["@type"], data["name"], data["startDate"]) == ("Event", festival.title, "2026-10-16")


def json_ld(html: str) -> dict:
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml", "calendar.ics", "starred.ics"])
def test_exports_of_a_programme_for_signed_in_visitors_only_send_strangers_to_log_in(client, programme, sessions, name):
    PageViewRestriction.objects.create(page=programme, restriction_type=PageViewRestriction.LOGIN)

    stranger = client.get(programme.url + name, {"sessions": str(sessions[0].pk)})
    client.force_login(User.objects.create_user("esme"))
    member = client.get(programme.url + name, {"sessions": str(sessions[0].pk)})

    assert stranger.status_code == 302
    assert stranger["Location"].startswith("/_util/login/?next=")
    assert member.status_code == 200
    assert "Who owns the weather?" in member.content.decode()


def test_a_session_calendar_under_a_group_restricted_edition_is_refused_to_others(client, festival, sessions):
    restriction = PageViewRestriction.objects.create(page=festival, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Organisers")])
    client.force_login(User.objects.create_user("esme"))

    response = client.get(sessions[0].url + "calendar.ics")

    assert response.status_code == 302
    assert "Who owns the weather?" not in response.content.decode()


@pytest.fixture
def draft_speaker(make_speaker, sessions):
    """A speaker still being written up, already linked to the first session."""
    cleo = make_speaker("Cleo Draft")
    cleo.unpublish()
    SessionSpeaker.objects.create(page=sessions[0], speaker=cleo, sort_order=5)
    return cleo


def test_draft_speakers_are_left_out_of_the_frab_schedule(client, programme, sessions, draft_speaker):
    data = client.get(programme.url + "schedule.json").json()
    document = etree.fromstring(client.get(programme.url + "schedule.xml").content)

    event = data["schedule"]["conference"]["days"][0]["rooms"]["Main Hall"][0]
    assert [p["name"] for p in event["persons"]] == ["Ada Okafor", "Ben Llewellyn"]
    assert document.xpath("//event[title='Who owns the weather?']/persons/person/text()") == [
        "Ada Okafor",
        "Ben Llewellyn",
    ]


def test_draft_speakers_are_left_out_of_calendars(client, programme, sessions, draft_speaker):
    whole = parse_calendar(client.get(programme.url + "calendar.ics")).walk("VEVENT")[0]
    one = parse_calendar(client.get(sessions[0].url + "calendar.ics")).walk("VEVENT")[0]

    assert "Ada Okafor, Ben Llewellyn" in str(whole["DESCRIPTION"])
    assert "Cleo Draft" not in str(whole["DESCRIPTION"])
    assert "Cleo Draft" not in str(one["DESCRIPTION"])


def test_every_session_appears_in_exactly_one_frab_day(client, programme, make_session, stages, json_validator):
    opening = make_session("Midnight opening", start=at(16, 2), end=at(16, 3), stage=stages[0])
    late = make_session("Night shift", start=at(17, 5, 59) + timedelta(seconds=30), end=at(17, 6, 30), stage=stages[0])
    closing = make_session("Last orders", start=at(18, 23), end=at(18, 23, 45), stage=stages[0])

    data = client.get(programme.url + "schedule.json").json()
    document = etree.fromstring(client.get(programme.url + "schedule.xml").content)

    days = data["schedule"]["conference"]["days"]
    placed = [(d["index"], e["id"]) for d in days for events in d["rooms"].values() for e in events]
    assert placed == [(1, opening.pk), (1, late.pk), (3, closing.pk)]
    assert days[0]["day_start"] == "2026-10-16T02:00:00+01:00"
    assert sorted(e.message for e in json_validator.iter_errors(data)) == []
    assert document.xpath("//day[@index='1']//event/title/text()") == ["Midnight opening", "Night shift"]


def test_exported_addresses_are_valid_uris_for_welsh_and_accented_names(
    client, programme, make_session, make_speaker, stages, json_validator
):
    sian = make_speaker("Siân Gwenllïan")
    session = make_session("Tai i bawb", start=at(16, 10), end=at(16, 11), stage=stages[0], speakers=[sian])
    session.slug = "tai-i-bawb-cymraeg-ŵ"
    session.save_revision().publish()

    data = client.get(programme.url + "schedule.json").json()

    event = data["schedule"]["conference"]["days"][0]["rooms"]["Main Hall"][0]
    assert sorted(e.message for e in json_validator.iter_errors(data)) == []
    assert event["url"].endswith("/2026/programme/tai-i-bawb-cymraeg-%C5%B5/")
    assert event["persons"][0]["url"].endswith("/2026/speakers/si%C3%A2n-gwenll%C3%AFan/")
    assert client.get(event["url"].removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize("restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN])
def test_a_private_session_is_left_out_of_its_public_programme_and_exports(
    client, programme, sessions, restriction_type
):
    # An organisers' closed meeting, say: its page asks for the password or a sign-in, and
    # the public grid, now-and-next and every export leave it out rather than publish its details.
    private = sessions[0]
    PageViewRestriction.objects.create(page=private, restriction_type=restriction_type, password="solidarity")

    page = client.get(programme.url).content.decode()
    exports = {name: client.get(programme.url + name).content.decode() for name in ["schedule.json", "schedule.xml"]}
    calendar = client.get(programme.url + "calendar.ics").content.decode()
    starred = client.get(programme.url + "starred.ics", {"sessions": f"{private.pk},{sessions[1].pk}"})

    assert "Who owns the weather?" not in page
    assert "Strike school" in page
    for body in exports.values():
        assert "Who owns the weather?" not in body
        assert "Strike school" in body
    assert "Who owns the weather?" not in calendar
    assert "Strike school" in calendar
    assert "Who owns the weather?" not in starred.content.decode()
    assert "Strike school" in starred.content.decode()
    assert client.get(private.url).status_code in (200, 302)  # its own page asks for the password or a sign-in
    assert "Bring" not in client.get(private.url).content.decode()


def test_a_private_session_is_left_out_of_its_speakers_pages(client, programme, sessions):
    PageViewRestriction.objects.create(page=sessions[0], restriction_type=PageViewRestriction.LOGIN)
    ben = sessions[1].speaker_links.get().speaker

    page = client.get(ben.url).content.decode()
    calendar = client.get(ben.url + "calendar.ics").content.decode()

    assert "Who owns the weather?" not in page
    assert "Strike school" in page
    assert "Who owns the weather?" not in calendar
    assert "Strike school" in calendar


def test_a_private_sessions_own_calendar_is_there_for_whoever_may_see_it(client, sessions):
    private = sessions[0]
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    stranger = client.get(private.url + "calendar.ics")
    client.force_login(User.objects.create_user("esme"))
    member = client.get(private.url + "calendar.ics")

    assert stranger.status_code == 302
    assert member.status_code == 200
    assert "Who owns the weather?" in member.content.decode()


def test_a_private_speaker_is_not_named_on_a_public_session(client, programme, sessions, make_speaker):
    # A speaker whose page is behind a password (not yet announced, say) may already be linked
    # to a public session: the session stays public, but nothing names them yet.
    secret = make_speaker("Dana Unannounced")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")
    SessionSpeaker.objects.create(page=sessions[0], speaker=secret, sort_order=5)
    views = {
        "programme page": client.get(programme.url),
        "session page": client.get(sessions[0].url),
        "schedule.json": client.get(programme.url + "schedule.json"),
        "schedule.xml": client.get(programme.url + "schedule.xml"),
        "calendar.ics": client.get(programme.url + "calendar.ics"),
        "session calendar": client.get(sessions[0].url + "calendar.ics"),
        "co-speaker's page": client.get(sessions[0].speaker_links.first().speaker.url),
    }

    for name, response in views.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "Who owns the weather?" in body and "Ada Okafor" in body, name
        assert "Dana Unannounced" not in body, name


def test_a_speaker_behind_the_same_restriction_as_their_session_is_named_on_it(
    client, festival, programme, sessions, make_speaker
):
    # An edition for members only: its sessions and its speakers share the restriction, so
    # whoever may see the one may see the other.
    PageViewRestriction.objects.create(page=festival, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(User.objects.create_user("esme"))
    SessionSpeaker.objects.create(page=sessions[0], speaker=make_speaker("Dana Organiser"), sort_order=5)

    assert "Dana Organiser" in client.get(sessions[0].url).content.decode()
    assert "Dana Organiser" in client.get(programme.url + "schedule.json").content.decode()


def test_a_speaker_calendar_downloads_under_the_speaker_s_name_in_any_script(client, sessions, make_speaker):
    speaker = make_speaker("Zoë Łukasik 李小龍")
    SessionSpeaker.objects.create(page=sessions[0], speaker=speaker, sort_order=3)

    response = client.get(speaker.url + "calendar.ics")

    assert response.status_code == 200
    assert disposition(response["Content-Disposition"]) == (
        "attachment",
        "zoe-lukasik.ics",
        "zoë-łukasik-李小龍.ics",
    )
