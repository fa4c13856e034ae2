"""Demo content for ``manage.py seed_demo``, built in code so it survives upgrades.

Every function here is idempotent: it finds what it made last time by a stable key
(a slug, a username, a title) and brings it back to the demo state. The demo edition runs for
three days from the day it is loaded (or from ``seed_demo --start``), so that a ticket bought
in the demo gets in at the door today; loaded again on a later day, the whole demo moves on.
"""

import io
import zoneinfo
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Page, Site

from festival import demo_content, roles
from festival.models import FestivalPage, FestivalSettings, HomePage, StandardPage

DEMO_TIME_ZONE = "Europe/London"
DEMO_DAYS = 3
DEMO_PASSWORD = "festival-demo-2026"  # noqa: S105 - published in the README for the demo logins
DEMO_USERS = [
    # username, role group (None for the superuser), first name
    ("admin", None, "Ada"),
    ("editor", roles.EDITOR, "Esme"),
    ("boxoffice", roles.BOX_OFFICE, "Bea"),
    ("door", roles.DOOR_STAFF, "Dev"),
    ("finance", roles.FINANCE, "Femi"),
    ("organiser", roles.ORGANISER, "Olu"),
    ("access", roles.ACCESS_TEAM, "Akua"),
    ("reviewer", roles.REVIEWER, "Remi"),
    ("chair", roles.CHAIR, "Chidi"),
]


def placeholder_image(title: str, *, colour: str = "#b0172b", size=(800, 600), initials: str = "") -> Image:
    """A flat-colour image with initials on it, made with Pillow, stored once per title."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(canvas)
    text = initials or "".join(word[0] for word in title.split()[:2]).upper()
    draw.text((size[0] // 2, size[1] // 2), text, fill="white", anchor="mm", font_size=min(size) // 3)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    image = Image(title=title, file=ImageFile(buffer, name=f"{slug}.png"))
    image.save()
    return image


def upsert_child(parent: Page, model, *, slug: str, **fields) -> Page:
    """Create or update a child page of ``parent`` with ``slug``; publish it through a revision, as the admin does."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, live=False, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def ensure_wagtail_roots() -> Page:
    """Wagtail's own starting rows (default locale, root page, root collection).

    Its migrations create them, but a flushed database (as after a transactional test)
    has none; the demo must still load there.
    """
    language = get_supported_content_language_variant(django_settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=locale)


def seed_site() -> HomePage:
    """The home page as the default site's root, replacing Wagtail's welcome page."""
    root = ensure_wagtail_roots()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="Festival of Resistance",
            slug="home",
            intro="Three days of ideas, organising and solidarity. Everyone welcome.",
            live=False,
        )
        # Wagtail's initial migration leaves a welcome page on the slug "home".
        Page.objects.child_of(root).filter(slug="home").exclude(pk=home.pk).update(slug="welcome-old")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name="Festival of Resistance")
    site.root_page = home
    site.save()
    Page.objects.child_of(root).exclude(pk=home.pk).filter(slug="welcome-old").delete()
    for orphan in Page.objects.child_of(root).exclude(pk=home.pk).filter(depth=2, slug="home"):
        orphan.delete()
    privacy = upsert_child(
        home,
        StandardPage,
        slug="privacy",
        title="Privacy notice",
        intro="What we keep about you, why, and for how long.",
        body=demo_content.PRIVACY,
        show_in_menus=False,
    )
    settings = FestivalSettings.for_site(site)
    settings.site_name = "Festival of Resistance"
    settings.contact_email = "hello@festival.invalid"
    settings.organisation_address = "Festival of Resistance Collective\n1 Solidarity Street\nManchester\nM4 1FR"
    settings.privacy_page = privacy
    settings.mastodon_url = "https://social.festival.invalid/@resistance"
    settings.bluesky_url = "https://bsky.app/profile/festival.invalid"
    settings.youtube_url = "https://resistance.tv.invalid/"
    settings.save()
    return home


def demo_today() -> date:
    """Today on the demo edition's clock: the first day of the demo unless ``seed_demo --start`` says otherwise."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(DEMO_TIME_ZONE))


def seed_edition(home: HomePage, *, start: date) -> FestivalPage:
    """The demo edition, three days from ``start``, on sale, with its About and Access pages in its menu and a
    composed body."""
    hero = demo_content.artwork("Festival artwork", seed=2026)
    fields = {
        "title": "Festival of Resistance 2026",
        "tagline": "Hope is a discipline. Come and practise it with us.",
        "start_date": start,
        "end_date": start + timedelta(days=DEMO_DAYS - 1),
        "venue_name": "Northern Co-operative Hall",
        "venue_address": "1 Solidarity Street\nManchester\nM4 1FR",
        "time_zone": DEMO_TIME_ZONE,
        "status": FestivalPage.Status.ON_SALE,
        "hero_image": hero,
        "intro": "<p>Three days of talks, workshops, films and assemblies with campaigners, "
        "trade unionists, thinkers and regional groups from across the UK and beyond.</p>",
        "show_in_menus": True,
    }
    festival = FestivalPage.objects.child_of(home).filter(slug="2026").first()
    if festival is None:  # its pages first need it to hang from
        festival = upsert_child(home, FestivalPage, slug="2026", **fields)
    about = upsert_child(
        festival,
        StandardPage,
        slug="about",
        title="About the festival",
        intro="Who we are and why we gather.",
        body=demo_content.ABOUT,
        show_in_menus=True,
    )
    access = upsert_child(
        festival,
        StandardPage,
        slug="getting-there",
        title="Getting there and access",
        intro="Step-free access, BSL, quiet rooms and travel.",
        body=demo_content.ACCESS,
        show_in_menus=True,
    )
    fields.update(about_page=about, access_page=access)
    festival = upsert_child(home, FestivalPage, slug="2026", **fields)
    festival.body = demo_content.edition_body(festival, start=start)
    festival.save_revision().publish()
    festival.refresh_from_db()
    return festival


def seed_users() -> None:
    groups = roles.sync_roles(root_page=HomePage.objects.first())
    User = get_user_model()
    for username, role, first_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = first_name
        user.email = f"{username}@festival.invalid"
        user.is_superuser = user.is_staff = role is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role]] if role else [])


def seed(context: dict) -> None:
    """The site shell: home, the 2026 edition (from ``context["start"]``, or today), its plain pages, roles
    and demo users."""
    home = seed_site()
    context["home"] = home
    context["festival"] = seed_edition(home, start=context.get("start") or demo_today())
    seed_users()


def seed_home(context: dict) -> None:
    """The home page's body, once the programme is in: a hero for the edition, three sessions chosen by hand
    (as an editor would, so they differ from "happening now"), speakers picked automatically, news and more."""
    home, festival = context["home"], context["festival"]
    sessions = list(
        Page.objects.descendant_of(festival)
        .live()
        .filter(content_type__app_label="programme", content_type__model="sessionpage")  # the shell imports no app
        .order_by("title")
        .values_list("pk", flat=True)
    )
    picks = sorted({sessions[n] for n in (1, len(sessions) // 2, len(sessions) - 2) if 0 <= n < len(sessions)})
    home.intro = "Three days of ideas, organising and solidarity. Everyone welcome."
    chosen = list(Page.objects.filter(pk__in=picks).order_by("pk"))
    home.body = demo_content.home_body(festival, start=festival.start_date, sessions=chosen)
    home.save_revision().publish()
