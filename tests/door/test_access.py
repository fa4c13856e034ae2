"""Door staff reach the door and its API, and nothing else."""

import pytest
from django.urls import reverse

from festival import roles
from tests.ticketing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_door_page_asks_anonymous_visitors_to_sign_in(client, live_festival):
    response = client.get(reverse("door:page"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("door:login"))


def test_door_staff_sign_in_and_see_the_scanner(client, live_festival, door_staff):
    response = client.post(
        reverse("door:login") + "?next=/door/", {"username": "dev", "password": "door-pass-123", "next": "/door/"}
    )
    page = client.get(reverse("door:page"))

    assert response.status_code == 302
    assert page.status_code == 200
    assert b'id="scan-code"' in page.content
    assert b"Print badges" not in page.content


ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/orders/",
    "/admin/orders/?export=csv",
    "/admin/orders/inspect/1/",
    "/admin/ticketing/orders/1/actions/",
    "/admin/ticket_types/",
    "/admin/reports/site-history/",
]


@pytest.mark.parametrize(
    "url",
    [
        *ADMIN_URLS,
        "/door/badges/print/",
        "/door/badges/print/1/",
        "/door/badges/print/1/badges.pdf",
        "/door/double-admissions/",
    ],
)
def test_door_staff_get_nothing_else(client, live_festival, door_staff, url):
    client.force_login(door_staff)

    response = client.get(url)

    assert response.status_code == 403


def test_door_staff_cannot_refund_through_the_admin(client, live_festival, door_staff, make_ticket):
    ticket = make_ticket()
    client.force_login(door_staff)

    response = client.post(f"/admin/ticketing/orders/{ticket.order_id}/actions/", {"action": "refund_all"})

    assert response.status_code == 403
    ticket.order.refresh_from_db()
    assert ticket.order.status == "paid"


def test_door_staff_may_still_reach_the_admin_sign_in_pages(client, live_festival, door_staff):
    client.force_login(door_staff)

    login = client.get("/admin/login/")
    reset = client.get("/admin/password_reset/")
    logout = client.post("/admin/logout/")

    assert login.status_code == 200
    assert b'name="password"' in login.content
    assert reset.status_code == 200
    assert (logout.status_code, logout["Location"]) == (302, "/admin/login/?next=/admin/logout/")  # Wagtail's own


def test_the_admin_still_asks_anonymous_visitors_to_sign_in_and_lets_organisers_in(client, live_festival, groups):
    organiser = UserFactory(username="olu")
    organiser.groups.add(groups[roles.ORGANISER])

    anonymous = client.get("/admin/")
    client.force_login(organiser)
    dashboard = client.get("/admin/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert dashboard.status_code == 200


def test_door_staff_are_sent_to_the_django_admins_own_sign_in(client, live_festival, door_staff):
    client.force_login(door_staff)

    response = client.get("/django-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


def test_door_staff_cannot_reach_the_admin_dashboard(client, live_festival, door_staff):
    client.force_login(door_staff)

    response = client.get("/admin/", follow=True)

    assert b"wagtail-dashboard" not in response.content
    assert not door_staff.has_perm("wagtailadmin.access_admin")


def test_someone_without_the_role_gets_403_on_the_door(client, live_festival, groups):
    editor = UserFactory(username="esme")
    editor.groups.add(groups[roles.EDITOR])
    client.force_login(editor)

    assert client.get(reverse("door:page")).status_code == 403
    assert client.get(reverse("door:token")).status_code == 403


def test_box_office_can_print_badges(client, live_festival, groups, make_ticket, django_capture_on_commit_callbacks):
    make_ticket(attendee_name="Ida B. Wells")
    user = UserFactory(username="bea")
    user.groups.add(groups[roles.BOX_OFFICE])
    client.force_login(user)

    form = client.get(reverse("door:print_badges"))
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("door:print_badges"), {"layout": "a4", "ticket_type": "", "day": ""})
    job = client.get(asked["Location"])
    pdf = client.get(reverse("door:print_job_pdf", args=[job.context["job"].pk]))
    bad = client.post(reverse("door:print_badges"), {"layout": "a9", "day": "1999-01-01"})

    assert form.status_code == 200
    assert asked.status_code == 302
    assert job.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert bad.status_code == 400
    assert b"Choose a day from the list." in bad.content


def test_service_worker_is_served_under_the_door_scope(client):
    response = client.get(reverse("door:service_worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"/static/door/door.js" in response.content


def test_door_token_endpoint_for_signed_in_staff(client, live_festival, door_staff):
    client.force_login(door_staff)

    body = client.get(reverse("door:token")).json()

    assert len(body["token"]) > 20


@pytest.mark.parametrize("count", [1, 3])
def test_organisers_see_double_admissions_made_offline(
    client, live_festival, groups, door_staff, make_ticket, django_assert_num_queries, count
):
    from door.checkin import check_in

    for n in range(count):
        ticket = make_ticket(attendee_name=f"Twice In {n}")
        for nonce in ("online", "offline"):
            check_in(
                festival=live_festival,
                staff_id=door_staff.pk,
                door="Side door",
                nonce=f"{nonce}-{n}",
                code=ticket.secret,
                offline=nonce == "offline",
                shown_result="admitted",
            )
    organiser = UserFactory(username="olu")
    organiser.groups.add(groups[roles.ORGANISER])
    client.force_login(organiser)

    with django_assert_num_queries(17):  # session, user, permissions, site, edition menu: same for 1 and 3 rows
        response = client.get(reverse("door:double_admissions"), {"edition": live_festival.pk})

    assert response.status_code == 200
    assert response.content.count(b"Twice In") == count


@pytest.mark.parametrize("edition", ["²", "٣", "9" * 5000, "9" * 30, "-1", " 1"])
def test_a_malformed_edition_is_not_found(client, live_festival, door_staff, groups, edition):
    organiser = UserFactory(username="olu")
    organiser.groups.add(groups[roles.ORGANISER])
    client.force_login(door_staff)

    page = client.get(reverse("door:page"), {"edition": edition})
    token = client.get(reverse("door:token"), {"edition": edition})
    client.force_login(organiser)
    doubles = client.get(reverse("door:double_admissions"), {"edition": edition})

    assert (page.status_code, token.status_code, doubles.status_code) == (404, 404, 404)
