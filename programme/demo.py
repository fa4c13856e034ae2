"""Demo programme for ``seed_demo``: 3 days, 6 stages, 60 sessions and 50 invented speakers.

Idempotent: pages are found by slug and published again only when something differs. Every page
is made as the admin makes it: added as a draft, then published through a revision, so scheduling,
history and the changes log treat demo pages like any other. The programme page is published last,
and the changes log is emptied at the end, so the demo starts with an empty changes page.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from festival.demo import placeholder_image, upsert_child
from programme.clashes import PublishClash
from programme.models import (
    ProgrammeChange,
    ProgrammePage,
    SessionFormat,
    SessionPage,
    SessionSnapshot,
    SessionSpeaker,
    Stage,
    Track,
)
from speakers.models import SpeakerIndexPage, SpeakerLink, SpeakerPage

STAGES = [
    ("Main Hall", 900, "Step-free. Hearing loop. BSL and live captions on every session."),
    ("Tolpuddle Room", 250, "Step-free by the lift at the north entrance. Hearing loop."),
    ("Peterloo Room", 200, "Step-free. Reserved seats at the front."),
    ("Suffragette Studio", 120, "Step-free. Bean bags and chairs."),
    ("Cable Street Cinema", 150, "Step-free. Captioned screenings."),
    ("Quiet Garden Tent", 80, "Level grass path. Quiet space nearby."),
]
TRACKS = [
    ("Climate and land", "#1e6b34"),
    ("Work and unions", "#a4161a"),
    ("Housing and cities", "#6b3fa0"),
    ("Borders and solidarity", "#1d4ed8"),
    ("Culture and media", "#8a5a00"),
    ("Organising skills", "#1a1a1a"),
]
FORMATS = ["Talk", "Panel", "Workshop", "Film", "Assembly", "Social"]
FIRST_NAMES = [
    "Amara", "Bryn", "Carys", "Dami", "Eilidh", "Farid", "Gwen", "Hamza", "Isla", "Jonah",
    "Kemi", "Lowri", "Mairead", "Niamh", "Olusegun", "Priya", "Rhodri", "Saoirse", "Tariq", "Una",
    "Vikram", "Wren", "Yasmin", "Zeynep", "Aled",
]  # fmt: skip
SURNAMES = [
    "Okafor", "Llewellyn", "MacLeod", "Hussain", "Brennan", "Achterberg", "Nwosu", "Pryce", "Quinlan",
    "Rahman", "Sithole", "Tregarthen", "Ubaldi", "Vasquez", "Whitlock", "Adeyemi", "Barrowclough",
    "Cairncross", "Dunmore", "Evans-Mbeki",
]  # fmt: skip
ORGANISATIONS = [
    "Tenants Together Leeds", "Bakers' Union branch 14", "Climate Camp Cymru", "Migrant Voices North",
    "Glasgow Renters' Union", "Care Workers Rising", "Community Land Scotland", "Free Press Collective",
    "Disabled People Against Austerity", "Youth Strike Bristol", "Ports and Docks Solidarity",
    "Belfast Housing Co-op", "",
]  # fmt: skip
PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "", "he/they"]
TITLES = {
    "Talk": [
        "Who owns the weather? Climate debt explained", "The long history of the rent strike",
        "Automation and the four-day week", "Public ownership, plainly", "Food banks are not a policy",
        "What the miners taught us about solidarity", "Borders as business", "Water is a commons",
        "The gig economy's paper tigers", "Winning a council seat without a party machine",
        "Energy co-operatives that actually work", "Why care is infrastructure",
        "The NHS we could have", "Debt, austerity and who decides", "A short history of the general strike",
        "Libraries as resistance", "Rewilding and the right to roam", "Migration myths, checked",
    ],
    "Panel": [
        "Building a union where there wasn't one", "Housing: from crisis to campaign",
        "Migrants organising against the hostile environment", "Can Labour be pushed left again?",
        "Just transition in the North Sea", "Media we own", "Disabled activists on the cuts",
        "Youth climate strikes: what next?", "Internationalism in a time of war",
        "Land reform in Scotland and beyond", "Strikes that won in 2025", "Ports, logistics and leverage",
        "Organising the unorganised in hospitality", "Palestine solidarity and the trade unions",
        "Councils that stood up", "Police, protest and the law", "Feminism and the cost of living",
        "Nature, farming and fair wages",
    ],
    "Workshop": [
        "One-to-one conversations that build power", "Running a meeting people come back to",
        "Power mapping your council", "Writing a press release in an hour", "Know your rights at a protest",
        "Setting up a tenants' union", "Fundraising without selling out", "Digital security for organisers",
        "Facilitating hard conversations", "Making banners that last", "Strike committees: the basics",
        "Talking to your neighbours about climate", "Designing a campaign on one page",
        "Social media without burning out", "Running a strike fund", "Welcoming new members",
        "Negotiating with your landlord", "Stewards' training taster",
    ],
    "Film": [
        "Screening: The Battle of Orgreave (with Q&A)", "Screening: Rent Strike Glasgow 1915",
        "Screening: Pride and the miners", "Screening: Grunwick women", "Screening: Voices from the picket line",
        "Screening: Our land, our water",
    ],
    "Social": [
        "Solidarity ceilidh", "Songs of struggle singalong", "Radical pub quiz", "Open mic: poems of resistance",
        "Zine-making social", "Welcome drinks for first-timers",
    ],
}  # fmt: skip
DAY_SLOTS = [(10, 0, 60), (11, 30, 75), (14, 0, 60), (15, 30, 75), (17, 15, 60)]
EVENING = (19, 30, 90)


def _sync_snippets(festival) -> tuple[list[Stage], list[Track], list[SessionFormat]]:
    stages = []
    for order, (name, capacity, notes) in enumerate(STAGES):
        stage, _ = Stage.objects.update_or_create(
            edition=festival,
            slug=slugify(name),
            defaults={"name": name, "capacity": capacity, "accessibility_notes": notes, "sort_order": order},
        )
        stages.append(stage)
    tracks = []
    for order, (name, colour) in enumerate(TRACKS):
        track, _ = Track.objects.update_or_create(
            edition=festival, slug=slugify(name), defaults={"name": name, "colour": colour, "sort_order": order}
        )
        tracks.append(track)
    formats = []
    for order, name in enumerate(FORMATS):
        fmt, _ = SessionFormat.objects.update_or_create(
            edition=festival, slug=slugify(name), defaults={"name": name, "sort_order": order}
        )
        formats.append(fmt)
    return stages, tracks, formats


def _stage_page(parent, model, *, slug: str, children: dict | None = None, **fields) -> tuple[Page, bool]:
    """The page at ``slug`` with the demo's values set, and whether it needs publishing; ``children``
    replaces inline rows.

    A missing page is added as a draft, as the admin adds it. A page needs no publishing when the live
    page already is the demo's, with no draft or scheduled revision waiting.
    """
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, live=False, **fields)
        for name, rows in (children or {}).items():
            setattr(page, name, rows)
        parent.add_child(instance=page)
        return page, True
    changed = any(getattr(page, name) != value for name, value in fields.items())
    for name, rows in (children or {}).items():
        if _row_keys(getattr(page, name).all()) != _row_keys(rows):
            setattr(page, name, rows)
            changed = True
    published_as_is = page.live_revision_id is not None and page.live_revision_id == page.latest_revision_id
    if not changed and page.live and published_as_is:  # a demo made before revisions has neither id
        return page, False
    for name, value in fields.items():
        setattr(page, name, value)
    return page, True


REVISION_FIELDS = ["latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes"]


def _publish(pages: list) -> None:
    """Publish each page through a revision, as the admin's Publish does; raises PublishClash if stuck.

    A session whose new slot is still held by one not yet moved (as when the demo moves to new dates)
    is refused like any clash; it waits until the others have moved and is tried again.
    """
    pending = list(pages)
    while pending:
        waiting, refused = [], None
        for page in pending:
            try:
                with transaction.atomic():
                    page.save_revision().publish()
            except PublishClash as clash:
                # The attempt was rolled back: forget the revision it made, so the next one points at a real one.
                page.refresh_from_db(fields=REVISION_FIELDS)
                waiting.append(page)
                refused = clash
        if len(waiting) == len(pending):
            raise refused
        pending = waiting


def _row_keys(rows) -> list:
    return [tuple(v for k, v in vars(row).items() if k in ("speaker_id", "role", "label", "url")) for row in rows]


def _speakers(index, rng: random.Random) -> list[SpeakerPage]:
    speakers, unpublished = [], []
    names = [f"{first} {last}" for last in SURNAMES for first in FIRST_NAMES]
    rng.shuffle(names)
    for number, name in enumerate(names[:50]):
        slug = slugify(name)
        organisation = ORGANISATIONS[number % len(ORGANISATIONS)]
        initials = "".join(part[0] for part in name.split()[:2])
        colour = ["#b0172b", "#1e6b34", "#1d4ed8", "#6b3fa0", "#8a5a00"][number % 5]
        photo = (
            None
            if number % 9 == 4
            else placeholder_image(f"Speaker {name}", colour=colour, size=(320, 320), initials=initials)
        )
        speaker, publish = _stage_page(
            index,
            SpeakerPage,
            slug=slug,
            title=name,
            pronouns=PRONOUNS[number % len(PRONOUNS)],
            organisation=organisation,
            photo=photo,
            short_bio=f"{name.split()[0]} organises with {organisation or 'their local group'} and writes about "
            f"{TRACKS[number % len(TRACKS)][0].lower()}.",
            bio=f"<p>{name} has been organising for over a decade, from workplace campaigns to street stalls. "
            "They believe every campaign is won one conversation at a time.</p>",
            children={"links": [SpeakerLink(label="Website", url=f"https://{slug}.example.org/")]},
        )
        speakers.append(speaker)
        if publish:
            unpublished.append(speaker)
    _publish(unpublished)
    return speakers


def _sessions(programme, festival, stages, tracks, formats, speakers, rng: random.Random) -> int:
    by_name = {f.name: f for f in formats}
    tz = festival.tz
    titles = {name: list(items) for name, items in TITLES.items()}
    plan = []  # (day, hour, minute, length, stage, format name)
    for day in festival.days:
        for hour, minute, length in DAY_SLOTS:
            for stage in stages[:4]:
                plan.append((day, hour, minute, length, stage, None))
        plan.append((day, *EVENING, stages[4], "Film"))
        plan.append((day, *EVENING, stages[5], "Social"))
    rng.shuffle(plan)
    plan = sorted(plan[:59], key=lambda p: (p[0], p[1], p[2], p[4].sort_order))
    staged = []
    busy: dict[tuple, set] = {}
    for number, (day, hour, minute, length, stage, format_name) in enumerate(plan):
        if format_name is None:
            format_name = ["Talk", "Panel", "Workshop"][number % 3]
        fmt = by_name[format_name]
        pool = titles[format_name] or titles["Talk"]
        title = pool.pop(0) if pool else f"{format_name} {number}"
        start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        wanted = {"Panel": 4, "Workshop": 2, "Talk": 1}.get(format_name, 0)
        taken = busy.setdefault((day, hour, minute), set())
        chosen = [s for s in rng.sample(speakers, len(speakers)) if s.pk not in taken][:wanted]
        taken.update(s.pk for s in chosen)
        roles = [SessionSpeaker.Role.CHAIR] + [SessionSpeaker.Role.SPEAKER] * 3 if format_name == "Panel" else []
        links = [
            SessionSpeaker(
                speaker=speaker, role=roles[i] if i < len(roles) else SessionSpeaker.Role.SPEAKER, sort_order=i
            )
            for i, speaker in enumerate(chosen)
        ]
        main = stage.sort_order == 0
        staged.append(
            _stage_page(
                programme,
                SessionPage,
                slug=slugify(title)[:80],
                title=title,
                summary=f"{title}: come and talk it through with people doing the work.",
                description="<p>Bring your questions and your experience. "
                "There will be time to talk, not just listen.</p>",
                session_format=fmt,
                track=tracks[number % len(tracks)] if format_name != "Social" else None,
                stage=stage,
                start=start,
                end=start + timedelta(minutes=length),
                bsl=main,
                captions=main or format_name == "Film",
                step_free=stage.sort_order != 5,
                livestream_url=f"https://live.festival.invalid/{stage.slug}" if main else "",
                may_be_recorded=format_name not in ("Workshop", "Social"),
                children={"speaker_links": links},
            )
        )
    closing_day = festival.days[-1]
    start = datetime(closing_day.year, closing_day.month, closing_day.day, 18, 30, tzinfo=tz)
    closing = _stage_page(
        programme,
        SessionPage,
        slug="closing-assembly",
        title="Closing assembly: what we do on Monday",
        summary="Everyone together in the Main Hall to agree what we take home and who does what.",
        description="<p>Regional groups report back, and we agree three things to do before next year.</p>",
        session_format=by_name["Assembly"],
        track=tracks[-1],
        stage=stages[0],
        start=start,
        end=start + timedelta(minutes=90),
        bsl=True,
        captions=True,
        step_free=True,
        livestream_url="https://live.festival.invalid/main-hall",
        children={"speaker_links": [SessionSpeaker(speaker=speakers[0], role=SessionSpeaker.Role.CHAIR, sort_order=0)]},
    )
    staged.append(closing)
    # When the edition has moved to later dates, the last sessions move first, into slots nobody holds
    # any more; when it has moved earlier, the first ones do. _publish copes with any order, but slowly.
    live = SessionPage.objects.live().child_of(programme).order_by("start").first()
    later = live is not None and timezone.localtime(live.start, tz).date() < festival.start_date
    _publish(sorted((page for page, publish in staged if publish), key=lambda page: page.start, reverse=later))
    return len(staged)


def seed(context: dict) -> None:
    """The 2026 programme: stages, tracks, formats, speakers and sessions, then the programme page published."""
    festival = context["festival"]
    rng = random.Random(2026)
    stages, tracks, formats = _sync_snippets(festival)
    index = upsert_child(
        festival,
        SpeakerIndexPage,
        slug="speakers",
        title="Speakers",
        intro="<p>Campaigners, trade unionists, writers and organisers from across the UK and beyond.</p>",
        show_in_menus=True,
    )
    speakers = _speakers(index, rng)
    programme = ProgrammePage.objects.child_of(festival).filter(slug="programme").first()
    if programme is None:
        programme = ProgrammePage(slug="programme", title="Programme", live=False)
        festival.add_child(instance=programme)
    _sessions(programme, festival, stages, tracks, formats, speakers, rng)
    programme = upsert_child(
        festival,
        ProgrammePage,
        slug="programme",
        title="Programme",
        intro="<p>Three days of talks, panels, workshops, films and socials. Star what you like to build "
        "your own programme.</p>",
        show_in_menus=True,
    )
    # The demo starts as first announced: putting it back (or on new dates) is not news for the changes page.
    ProgrammeChange.objects.filter(programme=programme).delete()
    SessionSnapshot.objects.filter(session__in=SessionPage.objects.child_of(programme)).update(moved=False)
    context["programme"] = programme
    context["speaker_index"] = index
