from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page, Site

from door.checkin import check_in
from festival import roles
from festival.demo import DEMO_PASSWORD
from festival.models import FestivalPage
from programme.models import ProgrammeChange, ProgrammePage, SessionPage, SessionSnapshot
from ticketing.models import Order, Ticket, TicketType
from ticketing.services import checkout, orders, payments


def snapshot():
    """What a visitor or a user would notice of the site, ignoring revision history."""
    pages = sorted((p.url_path, type(p.specific).__name__, p.title, p.live) for p in Page.objects.filter(depth__gt=1))
    users = sorted(
        (u.username, u.is_superuser, tuple(sorted(g.name for g in u.groups.all()))) for u in User.objects.all()
    )
    groups = sorted((g.name, tuple(sorted(p.codename for p in g.permissions.all()))) for g in Group.objects.all())
    from wagtail.images.models import Image

    return pages, users, groups, Image.objects.count(), Site.objects.get(is_default_site=True).root_page_id


def test_seed_demo_twice_gives_the_same_site(db):
    call_command("seed_demo", verbosity=0)
    first = snapshot()

    call_command("seed_demo", verbosity=0)

    assert snapshot() == first


def london_today() -> date:
    return timezone.localdate(timezone=ZoneInfo("Europe/London"))


def test_seed_demo_creates_the_2026_edition_and_its_pages(db, client):
    call_command("seed_demo", verbosity=0)

    festival = FestivalPage.objects.get(slug="2026")
    titles = {p.title for p in festival.get_children()}
    assert festival.title == "Festival of Resistance 2026"
    assert {"About the festival", "Getting there and access"} <= titles
    assert client.get("/").status_code == 200


def test_the_demo_edition_starts_on_the_day_it_is_loaded_so_a_ticket_bought_today_gets_in(db, stripe_emulator):
    before = london_today()
    call_command("seed_demo", verbosity=0)
    after = london_today()

    festival = FestivalPage.objects.get(slug="2026")
    today = festival.start_date
    assert today in (before, after)
    assert festival.days == [today, today + timedelta(days=1), today + timedelta(days=2)]
    sessions = SessionPage.objects.live().child_of(ProgrammePage.objects.get(slug="programme"))
    assert {timezone.localtime(s.start, festival.tz).date() for s in sessions} == set(festival.days)
    day_one = TicketType.objects.get(festival=festival, name="Day one only")
    assert day_one.valid_days == [today.isoformat()]
    order = checkout.place_order(
        festival=festival,
        buyer_name="Jayaben Desai",
        buyer_email="jayaben@example.org",
        lines=[orders.LineRequest(ticket_type_id=day_one.pk, quantity=1)],
        attendee_names=["Jayaben Desai"],
        region_group="London",
    )
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)
    payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    door = User.objects.get(username="door")
    scans = [
        check_in(festival=festival, staff_id=door.pk, door="Main gate", nonce=f"demo-{ticket.pk}", code=ticket.secret)
        for ticket in Ticket.objects.filter(order__festival=festival, order__status=Order.Status.PAID)
    ]
    assert len(scans) == 4  # the demo's orders (three tickets, one free) and this one
    assert {scan.result for scan in scans} == {"admitted"}


def session_times(festival) -> dict[str, tuple]:
    return {
        s.slug: (timezone.localtime(s.start, festival.tz), timezone.localtime(s.end, festival.tz), s.stage_id)
        for s in SessionPage.objects.live()
    }


def test_seed_demo_the_next_day_moves_the_demo_a_day_on_as_first_announced(db):
    call_command("seed_demo", "--start", "2026-12-06", verbosity=0)
    festival = FestivalPage.objects.get(slug="2026")
    before = session_times(festival)
    pages = Page.objects.count()
    tickets = set(Ticket.objects.values_list("pk", "ticket_type_id", "order__status"))

    call_command("seed_demo", "--start", "2026-12-07", verbosity=0)

    festival.refresh_from_db()
    assert (festival.start_date, festival.end_date) == (date(2026, 12, 7), date(2026, 12, 9))
    after = session_times(festival)
    day = timedelta(days=1)
    assert after == {slug: (start + day, end + day, stage) for slug, (start, end, stage) in before.items()}
    assert Page.objects.count() == pages
    assert ProgrammeChange.objects.count() == 0
    assert SessionSnapshot.objects.filter(moved=True).count() == 0
    for session in SessionPage.objects.live():
        session.full_clean()  # no clash anywhere
    day_tickets = TicketType.objects.filter(festival=festival, name__startswith="Day ").order_by("sort_order")
    assert [t.valid_days for t in day_tickets] == [["2026-12-07"], ["2026-12-08"], ["2026-12-09"]]
    assert set(Ticket.objects.values_list("pk", "ticket_type_id", "order__status")) == tickets  # none bought again


def test_seed_demo_start_must_be_a_date(db):
    with pytest.raises(CommandError, match="--start must be a date such as 2026-10-16"):
        call_command("seed_demo", "--start", "next Friday", verbosity=0)

    assert FestivalPage.objects.count() == 0


def test_seed_demo_creates_one_user_per_role_who_can_log_in(db, client):
    call_command("seed_demo", verbosity=0)

    for role in (roles.EDITOR, roles.BOX_OFFICE, roles.DOOR_STAFF, roles.FINANCE, roles.ORGANISER):
        members = User.objects.filter(groups__name=role)
        assert members.count() == 1
        assert client.login(request=HttpRequest(), username=members.get().username, password=DEMO_PASSWORD)


def test_editor_reaches_the_admin_and_door_staff_do_not(db, client):
    call_command("seed_demo", verbosity=0)

    client.login(request=HttpRequest(), username="editor", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.login(request=HttpRequest(), username="door", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "isn't for your account" in response.content.decode()
