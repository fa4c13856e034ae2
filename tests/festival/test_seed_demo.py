from django.contrib.auth.models import Group, User
from django.core.management import call_command
from wagtail.models import Page, Site

from festival import roles
from festival.demo import DEMO_PASSWORD
from festival.models import FestivalPage


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


def test_seed_demo_creates_the_2026_edition_and_its_pages(db, client):
    call_command("seed_demo", verbosity=0)

    festival = FestivalPage.objects.get(slug="2026")
    titles = {p.title for p in festival.get_children()}
    assert festival.title == "Festival of Resistance 2026"
    assert festival.start_date.year == 2026 and festival.start_date.month == 10
    assert {"About the festival", "Getting there and access"} <= titles
    assert client.get("/").status_code == 200


def test_seed_demo_creates_one_user_per_role_who_can_log_in(db, client):
    call_command("seed_demo", verbosity=0)

    for role in (roles.EDITOR, roles.BOX_OFFICE, roles.DOOR_STAFF, roles.FINANCE, roles.ORGANISER):
        members = User.objects.filter(groups__name=role)
        assert members.count() == 1
        assert client.login(username=members.get().username, password=DEMO_PASSWORD)


def test_editor_reaches_the_admin_and_door_staff_do_not(db, client):
    call_command("seed_demo", verbosity=0)

    client.login(username="editor", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.login(username="door", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "isn't for your account" in response.content.decode()
