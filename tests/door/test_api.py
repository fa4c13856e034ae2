"""The check-in API: JSON in, a result code out; bad input never a 500."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ticketing.models import CheckIn, Ticket

pytestmark = pytest.mark.django_db


def test_scan_admits_and_says_who(api, make_ticket):
    ticket = make_ticket(attendee_name="Bayard Rustin", pronouns="he/him")

    response = api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"})

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "admitted"
    assert body["ticket"]["name"] == "Bayard Rustin"
    assert body["ticket"]["ticket_type"] == "Weekend"


def test_scan_repeat_says_when_where_and_who(api, make_ticket):
    ticket = make_ticket()
    api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"})

    body = api.post("scan", {"code": ticket.secret, "door": "Side door", "nonce": "n2"}).json()

    assert body["result"] == "already_checked_in"
    assert (body["previous"]["door"], body["previous"]["by"]) == ("Main gate", "Dev")


def test_retried_nonce_gets_the_same_answer(api, make_ticket):
    ticket = make_ticket()
    payload = {"code": ticket.secret, "door": "Main gate", "nonce": "retry-1"}

    first = api.post("scan", payload).json()
    second = api.post("scan", payload).json()

    assert (first["result"], second["result"], second["replayed"]) == ("admitted", "admitted", True)
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"\x00\xff\xfe binary junk", 400, "bad_json"),
        (b"[1, 2, 3]", 400, "bad_json"),
        (b'{"code": "X", "door": "Main gate"}', 400, "bad_nonce"),
        (b'{"code": "X", "door": "", "nonce": "n"}', 400, "bad_door"),
        (b'{"code": "X", "door": "Main gate", "nonce": "' + b"n" * 65 + b'"}', 400, "bad_nonce"),
        (b'{"ticket": "12", "door": "Main gate", "nonce": "n"}', 400, "bad_ticket"),
        (b"{" + b'"pad": "' + b"x" * 40_000 + b'"}', 413, "too_large"),
        (b"[" * 30_000, 400, "bad_json"),
        (b'{"code": "X", "door": "Main gate", "nonce": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", 400, "bad_json"),
        (b'{"code": "X", "door": "Main gate", "nonce": ["n"]}', 400, "bad_nonce"),
        (b'{"code": "X", "door": "Main gate", "nonce": {"n": 1}}', 400, "bad_nonce"),
        (b'{"code": "X", "door": "Main gate", "nonce": 17}', 400, "bad_nonce"),
        (b'{"code": "X", "door": "Main gate", "nonce": true}', 400, "bad_nonce"),
    ],
)
def test_bad_requests_get_a_clear_error_and_record_nothing(api, raw, status, error):
    response = api.post("scan", raw=raw)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("code", ["", " ", "Z" * 10_240, "é\u0000\u2028\ud7ff", 12345, None])
def test_junk_codes_are_unknown(api, code):
    response = api.post("scan", {"code": code, "door": "Main gate", "nonce": "n1"})

    assert response.status_code == 200
    assert response.json()["result"] == "unknown_code"


def test_scan_by_ticket_number_from_search(api, make_ticket):
    ticket = make_ticket(attendee_name="Claudette Colvin")

    found = api.get("search", {"q": "claudette"}).json()["tickets"]
    body = api.post("scan", {"ticket": found[0]["id"], "door": "Main gate", "nonce": "n1"}).json()

    assert [t["name"] for t in found] == ["Claudette Colvin"]
    assert body["result"] == "admitted"
    assert body["ticket"]["id"] == ticket.pk


def test_search_by_order_code(api, make_ticket):
    ticket = make_ticket(attendee_name="Diane Nash")

    found = api.get("search", {"q": ticket.order.code.lower()}).json()["tickets"]

    assert [t["name"] for t in found] == ["Diane Nash"]


def test_search_results_carry_their_key_in_the_door_list(api, make_ticket):
    make_ticket(attendee_name="Ella Baker")

    found = api.get("search", {"q": "Ella"}).json()["tickets"]
    listed = api.get("list").json()["tickets"]

    assert [t["hash"] for t in found] == [row[0] for row in listed]


def test_search_says_who_is_in_today_and_who_cannot_come_in(api, make_ticket):
    inside = make_ticket(attendee_name="Fannie Lou Hamer")
    make_ticket(attendee_name="Fannie Mae")
    make_ticket(attendee_name="Fannie Williams", status=Ticket.Status.REFUNDED)
    api.post("scan", {"code": inside.secret, "door": "Main gate", "nonce": "n1"})

    found = api.get("search", {"q": "Fannie"}).json()["tickets"]

    assert [(t["name"], t["in_today"], t["refused"]) for t in found] == [
        ("Fannie Lou Hamer", True, None),
        ("Fannie Mae", False, None),
        ("Fannie Williams", False, "cancelled"),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_search_queries_do_not_grow_with_results(api, make_ticket, django_assert_num_queries, count):
    for n in range(count):
        make_ticket(attendee_name=f"Septima Clark {n}")

    # user, permissions (user and group), edition, search, who is in today: the same for 1 and 3 results
    with django_assert_num_queries(6):
        found = api.get("search", {"q": "Septima"}).json()["tickets"]

    assert len(found) == count


def test_undo_last_admission(api, make_ticket):
    ticket = make_ticket()
    admitted = api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"}).json()

    undone = api.post("undo", {"check_in": admitted["check_in"]})
    again = api.post("undo", {"check_in": admitted["check_in"]})

    assert undone.status_code == 200
    assert (again.status_code, again.json()["error"]) == (409, "nothing_to_undo")
    assert api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n2"}).json()["result"] == "admitted"


def test_stats_count_arrivals(api, make_ticket):
    ticket = make_ticket()
    make_ticket()
    api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"})

    body = api.get("stats").json()

    assert (body["arrivals"], body["expected"], body["doors"]) == (1, 2, {"Main gate": 1})


def test_sync_uploads_offline_scans_with_their_times(api, make_ticket):
    ticket = make_ticket()
    base = {"code": ticket.secret, "door": "Side door", "shown_result": "admitted"}
    scanned_at = timezone.now() - timedelta(minutes=10)
    scans = [
        {**base, "nonce": "off-1", "scanned_at": scanned_at.isoformat()},
        {**base, "nonce": "off-2", "scanned_at": "not a time"},
        "junk",
        {"code": ticket.secret, "door": "Side door", "nonce": "off-3", "scanned_at": scanned_at.isoformat()},
        {**base, "nonce": "off-4", "scanned_at": "2000-01-01T00:00:00Z"},
    ]

    body = api.post("sync", {"scans": scans}).json()

    assert body["results"][0]["result"] == "admitted"
    assert body["results"][1]["error"] == "bad_time"
    assert body["results"][2]["error"] == "bad_scan"
    assert (body["results"][3]["error"], body["results"][3]["nonce"]) == ("bad_shown_result", "off-3")
    assert (body["results"][4]["error"], body["results"][4]["nonce"]) == ("too_old", "off-4")
    row = CheckIn.objects.get()
    assert (row.offline, row.scanned_at) == (True, scanned_at)


def test_sync_of_a_scan_the_door_refused_records_no_admission(api, make_ticket):
    ticket = make_ticket()  # bought after this door downloaded its list
    scanned_at = (timezone.now() - timedelta(minutes=10)).isoformat()
    refused = {"code": ticket.secret, "door": "Side door", "nonce": "off-1", "scanned_at": scanned_at}

    body = api.post("sync", {"scans": [{**refused, "shown_result": "unknown_code"}]}).json()
    stats = api.get("stats").json()
    online = api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "on-1"}).json()

    assert body["results"][0]["result"] == "unknown_code"
    assert body["results"][0]["ticket"]["id"] == ticket.pk
    assert stats["arrivals"] == 0
    assert online["result"] == "admitted"


def test_door_list_then_changes_since_cursor(api, make_ticket):
    make_ticket(attendee_name="Ella Baker")
    full = api.get("list").json()

    changes = api.get("list", {"since": full["cursor"]}).json()
    bad = api.get("list", {"since": "yesterday"})

    assert (full["full"], len(full["tickets"])) == (True, 1)
    assert changes["full"] is False
    assert bad.status_code == 400


def test_unauthenticated_calls_are_refused(api, client, door_staff, make_ticket):
    ticket = make_ticket()
    client.force_login(door_staff)  # a session alone is not enough: the API wants the bearer token

    responses = [
        api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"}, auth=""),
        api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"}, auth="forged.token:abc"),
        api.get("list", auth=""),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert CheckIn.objects.count() == 0


def test_token_of_someone_who_lost_the_role_is_refused(api, door_staff, make_ticket):
    ticket = make_ticket()
    door_staff.groups.clear()

    response = api.post("scan", {"code": ticket.secret, "door": "Main gate", "nonce": "n1"})

    assert response.status_code == 401


def test_get_on_scan_is_not_allowed(client, token):
    response = client.get(reverse("door:scan"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 405


def test_scan_response_is_json_even_for_a_huge_code(api):
    response = api.post("scan", raw=json.dumps({"code": "A" * 30_000, "door": "Main gate", "nonce": "n"}).encode())

    assert response.status_code == 200
    assert response.json()["result"] == "unknown_code"


def test_sync_with_deeply_nested_json_is_a_bad_request(api):
    response = api.post("sync", raw=b'{"scans": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")

    assert (response.status_code, response.json()["error"]) == (400, "bad_json")
    assert CheckIn.objects.count() == 0


def test_sync_refuses_a_scan_whose_nonce_is_not_a_string(api, make_ticket):
    ticket = make_ticket()
    scan = {"code": ticket.secret, "door": "Side door", "scanned_at": timezone.now().isoformat()}

    body = api.post("sync", {"scans": [{**scan, "nonce": ["n"], "shown_result": "admitted"}]}).json()

    assert body["results"][0]["error"] == "bad_nonce"
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("ticket_id", [10**30, -(10**30), 2**63, 0, -1])
def test_ticket_number_out_of_range_is_a_bad_ticket(api, ticket_id):
    response = api.post("scan", raw=b'{"ticket": %d, "door": "Main gate", "nonce": "n1"}' % ticket_id)

    assert (response.status_code, response.json()["error"]) == (400, "bad_ticket")
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("check_in_id", [10**30, 2**63])
def test_undo_of_an_impossible_check_in_number_is_a_bad_request(api, check_in_id):
    response = api.post("undo", raw=b'{"check_in": %d}' % check_in_id)

    assert (response.status_code, response.json()["error"]) == (400, "bad_check_in")


def test_well_formed_but_impossible_times_are_bad_requests(api, make_ticket):
    ticket = make_ticket()
    scan = {"code": ticket.secret, "door": "Side door", "nonce": "off-1", "shown_result": "admitted"}

    listed = api.get("list", {"since": "2026-02-30T10:00:00+00:00"})
    synced = api.post("sync", {"scans": [{**scan, "scanned_at": "2026-13-01T25:00:00Z"}]})

    assert (listed.status_code, listed.json()["error"]) == (400, "bad_since")
    assert synced.json()["results"][0]["error"] == "bad_time"
