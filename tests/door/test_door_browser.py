"""The door page in headless Chromium: a scanner types a code and Enter; offline, then sync."""

import pytest

from tests.browser import wait_for
from ticketing.models import CheckIn, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def door_page(chromium, live_server, client, door_staff, live_festival):
    """A phone-sized browser, signed in as door staff, on the door page with its door list loaded."""

    def open_page(expected_tickets: int):
        client.force_login(door_staff)
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + "/door/")
        page.wait_for_selector("html[data-door-ready]")
        wait_for(page, f"document.getElementById('list-size').textContent === '{expected_tickets}'")
        return context, page

    return open_page


def scan(page, code: str, expected: str) -> None:
    page.fill("#scan-code", code)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#result[data-result='{expected}']", timeout=5000)


def test_scanner_types_code_and_enter_and_sees_the_result(door_page, make_ticket):
    ticket = make_ticket(attendee_name="Rosa Parks")
    context, page = door_page(1)

    scan(page, ticket.secret.lower() + " ", "admitted")
    title = page.text_content("#result-title")
    detail = page.text_content("#result-detail")
    announced = page.text_content("#announce")
    focused = page.evaluate("document.activeElement.id")
    scan(page, ticket.secret, "already_checked_in")
    again = page.text_content("#result-detail")
    scan(page, "NOT-A-BADGE", "unknown_code")
    context.close()

    assert title == "Welcome in"
    assert detail == "Rosa Parks · Weekend"
    assert announced.startswith("Welcome in")
    assert focused == "scan-code"
    assert "Main gate" in again
    assert CheckIn.objects.filter(result="admitted").count() == 1


def test_offline_door_decides_locally_then_syncs(door_page, make_ticket):
    first, second = make_ticket(attendee_name="Ella Baker"), make_ticket(attendee_name="Bayard Rustin")
    context, page = door_page(2)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    page.reload()  # the service worker serves the page; IndexedDB holds the door list
    page.wait_for_selector("html[data-door-ready]")
    scan(page, first.secret, "admitted")
    scan(page, first.secret, "already_checked_in")
    offline_state = page.get_attribute("#door-net", "data-state")
    queued = page.text_content("#queue-count")
    in_database_while_offline = CheckIn.objects.count()
    context.set_offline(False)
    wait_for(page, "document.getElementById('queue-count').textContent === '0'", timeout=10000)
    scan(page, second.secret, "admitted")
    context.close()

    assert offline_state == "offline"
    assert queued == "2"
    assert in_database_while_offline == 0
    offline_rows = CheckIn.objects.filter(offline=True).order_by("scanned_at")
    assert [(row.result, row.shown_result) for row in offline_rows] == [
        ("admitted", ""),
        ("already_checked_in", ""),
    ]
    assert CheckIn.objects.filter(result="admitted").count() == 2


def test_door_page_has_no_axe_violations_with_a_result_shown(door_page, make_ticket):
    from tests.browser import axe_violations

    ticket = make_ticket(attendee_name="Audre Lorde")
    context, page = door_page(1)

    scan(page, ticket.secret, "admitted")
    admitted = axe_violations(page)
    scan(page, ticket.secret, "already_checked_in")
    repeated = axe_violations(page)
    context.close()

    assert (admitted, repeated) == ([], [])


def test_undo_online_clears_the_admission_from_this_devices_door_list(door_page, make_ticket):
    ticket = make_ticket(attendee_name="Fannie Lou Hamer")
    context, page = door_page(1)

    scan(page, ticket.secret, "admitted")
    page.click("#undo")
    page.wait_for_selector("#result[data-result='undone']")
    context.set_offline(True)
    page.wait_for_selector("#door-net[data-state='offline']")
    scan(page, ticket.secret, "admitted")  # the door list must not still say "already in"
    queued = page.text_content("#queue-count")
    context.close()

    assert queued == "1"
    assert CheckIn.objects.filter(result="admitted", undone_at__isnull=True).count() == 0


def test_a_code_scanned_while_the_last_is_still_being_checked_is_kept(door_page, make_ticket):
    first, second = make_ticket(attendee_name="Ella Baker"), make_ticket(attendee_name="Bayard Rustin")
    context, page = door_page(2)
    held = []  # the first scan's request, held back so the answer comes while the scanner types on
    page.route("**/door/api/scan/", lambda route: held.append(route))

    page.fill("#scan-code", first.secret)
    page.keyboard.press("Enter")
    while not held:
        page.wait_for_timeout(20)
    page.keyboard.type(second.secret[:10])
    held[0].continue_()
    page.unroute("**/door/api/scan/")
    page.wait_for_selector("#result[data-result='admitted']")
    kept = page.input_value("#scan-code")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.type(second.secret[10:])
    page.keyboard.press("Enter")
    wait_for(page, "document.getElementById('result-detail').textContent.startsWith('Bayard')", timeout=5000)
    context.close()

    assert (kept, focused) == (second.secret[:10], "scan-code")
    assert CheckIn.objects.filter(result="admitted").count() == 2


def test_a_refused_request_is_not_shown_as_an_unknown_code(door_page, make_ticket):
    first, second = make_ticket(attendee_name="Ella Baker"), make_ticket(attendee_name="Bayard Rustin")
    context, page = door_page(2)
    nonces = []

    def reuse_the_first_nonce(route):
        body = route.request.post_data_json
        nonces.append(body["nonce"])
        route.continue_(post_data={**body, "nonce": nonces[0]})

    page.route("**/door/api/scan/", reuse_the_first_nonce)
    scan(page, first.secret, "admitted")
    scan(page, second.secret, "error")  # the server answers 409 nonce_reused
    title = page.text_content("#result-title")
    detail = page.text_content("#result-detail")
    focused = page.evaluate("document.activeElement.id")
    context.close()

    assert title == "Not checked: scan again"
    assert detail == "This scan's nonce was already used for another code."
    assert focused == "scan-code"
    assert CheckIn.objects.count() == 1


def test_a_ticket_admitted_from_a_search_is_in_this_devices_door_list(door_page, make_ticket):
    ticket = make_ticket(attendee_name="Claudia Jones")
    context, page = door_page(1)

    page.fill("#search-q", "Claudia")
    page.click("#search-form button")
    page.click("#search-results button")
    page.wait_for_selector("#result[data-result='admitted']")
    context.set_offline(True)
    page.wait_for_selector("#door-net[data-state='offline']")
    scan(page, ticket.secret, "already_checked_in")  # her badge turns up: this device must know she is in
    context.close()

    assert CheckIn.objects.filter(result="admitted").count() == 1


def test_search_offers_check_in_only_to_those_who_can_still_come_in(door_page, make_ticket):
    inside = make_ticket(attendee_name="Claudia Vera")
    make_ticket(attendee_name="Claudia Jones")
    make_ticket(attendee_name="Claudia Rankine", status=Ticket.Status.REFUNDED)
    context, page = door_page(3)
    scan(page, inside.secret, "admitted")

    page.fill("#search-q", "Claudia")
    page.click("#search-form button")
    page.wait_for_selector("#search-results li >> nth=2")
    offered = page.locator("#search-results button").evaluate_all("(bs) => bs.map((b) => b.getAttribute('aria-label'))")
    rows = page.locator("#search-results li").all_inner_texts()
    page.click("#search-results button")
    page.locator("#search-results li").nth(0).get_by_text("In today").wait_for()  # her row, once the scan answers
    offered_after = page.locator("#search-results button").count()
    admitted = CheckIn.objects.filter(ticket__attendee_name="Claudia Jones", result="admitted").count()
    context.close()

    assert offered == ["Check in: Claudia Jones"]
    assert "In today" in rows[2] and "Can't come in: refunded or cancelled" in rows[1]
    assert offered_after == 0
    assert admitted == 1


def test_undoing_an_admission_from_a_search_clears_it_from_this_devices_door_list(door_page, make_ticket):
    ticket = make_ticket(attendee_name="Claudia Jones")
    context, page = door_page(1)

    page.fill("#search-q", "Claudia")
    page.click("#search-form button")
    page.click("#search-results button")
    page.wait_for_selector("#result[data-result='admitted']")
    page.click("#undo")
    page.wait_for_selector("#result[data-result='undone']")
    context.set_offline(True)
    page.wait_for_selector("#door-net[data-state='offline']")
    scan(page, ticket.secret, "admitted")
    context.close()

    assert CheckIn.objects.filter(result="admitted", undone_at__isnull=True).count() == 0
