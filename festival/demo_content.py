"""The demo's composed pages: the home page's and the edition's bodies, the About, Access and privacy pages,
and artwork made for the demo (abstract shapes drawn with Pillow in the festival's colours: no photos, no
people). Called by ``festival.demo.seed``; idempotent like the rest of the demo."""

import io
import random
from datetime import date, timedelta

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image

PALETTE = ("#b0172b", "#f5c518", "#1a1a1a", "#fffdf8", "#1e6b34", "#e8590c")
LIVESTREAM_URL = "https://resistance.tv.invalid/live"


def artwork(title: str, *, seed: int, size=(1280, 960)) -> Image:
    """Overlapping circles, bars and a sunburst in the festival's colours, stored once per title."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    rng = random.Random(seed)
    width, height = size
    canvas = PILImage.new("RGB", size, PALETTE[2])
    draw = ImageDraw.Draw(canvas)
    cx, cy = width * 0.7, height * 0.55
    for n in range(24):  # a sunburst of alternating rays
        if n % 2:
            continue
        start, end = n * 15, n * 15 + 15
        draw.pieslice((cx - width, cy - width, cx + width, cy + width), start, end, fill="#2a2a2a")
    for _ in range(14):
        radius = rng.randint(height // 12, height // 3)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.choice(PALETTE[:2] + PALETTE[4:]))
    for n in range(6):
        y = rng.randint(0, height)
        draw.rectangle((0, y, width, y + height // 40), fill=PALETTE[n % 2])
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    image = Image(title=title, file=ImageFile(buffer, name=f"{slug}.png"))
    image.save()
    return image


def news(start: date) -> list[dict]:
    return [
        {
            "date": start - timedelta(days=40),
            "title": "Tickets on sale, on a sliding scale",
            "text": "Pay what you can, from free to supporter. Nobody is turned away for lack of money.",
            "page": None,
            "url": "",
        },
        {
            "date": start - timedelta(days=21),
            "title": "BSL and live captions on the Main Hall",
            "text": "Every main-stage session is interpreted and captioned, and there is a quiet room all weekend.",
            "page": None,
            "url": "",
        },
        {
            "date": start - timedelta(days=7),
            "title": "Crèche places: book by Friday",
            "text": "A free, qualified crèche runs both days. Tell us how many places you need when you book.",
            "page": None,
            "url": "",
        },
    ]


def livestream() -> dict:
    return {
        "heading": "Watch on ResistanceTV",
        "schedule": "ResistanceTV streams on Wednesdays, and every Main Hall session live during the festival.",
        "stream_url": LIVESTREAM_URL,
        "embed_url": "",
    }


def home_body(festival, *, start: date, sessions: list) -> list:
    return [
        ("hero", {"edition": None, "heading": "", "text": "", "image": festival.hero_image}),
        ("happening_now", {"heading": "Happening now", "edition": None}),
        (
            "featured_sessions",
            {"heading": "Highlights of the programme", "sessions": sessions, "edition": None, "count": 3},
        ),
        ("featured_speakers", {"heading": "Who's speaking", "speakers": [], "edition": None, "count": 4}),
        ("news", {"heading": "News", "items": news(start), "count": 3}),
        ("livestream", livestream()),
        (
            "quote",
            {
                "quote": "The most common way people give up their power is by thinking they don't have any.",
                "attribution": "Alice Walker",
            },
        ),  # fmt: skip
        ("call_to_action", {"text": "Plan your visit: access and travel", "page": festival.access_page, "url": ""}),
    ]


def edition_body(festival, *, start: date) -> list:
    return [
        ("featured_sessions", {"heading": "Don't miss", "sessions": [], "edition": None, "count": 6}),
        ("featured_speakers", {"heading": "Speakers", "speakers": [], "edition": None, "count": 8}),
        ("quote", {"quote": "Nobody is free until everybody is free.", "attribution": "Fannie Lou Hamer"}),
        ("livestream", livestream()),
        ("call_to_action", {"text": "Read about the festival", "page": festival.about_page, "url": ""}),
    ]


ABOUT = [
    (
        "paragraph",
        "<p>The Festival of Resistance is run by volunteers from campaign groups, unions and community "
        "organisations. Tickets are priced on a sliding scale so that nobody is kept away by money.</p>",
    ),
    ("heading", "What happens"),
    (
        "paragraph",
        "<p>Three days of talks, workshops, films and assemblies on three stages, with a crèche, a food hall "
        "run by a workers' co-operative and a bookshop. Every evening ends with music in the Main Hall.</p>",
    ),
    ("quote", {"quote": "Nobody is free until everybody is free.", "attribution": "Fannie Lou Hamer"}),
    ("heading", "Who runs it"),
    (
        "paragraph",
        "<p>An organising committee elected each year by the groups that take part, and around two hundred "
        'volunteers on the days. <a href="mailto:hello@festival.invalid">Write to us</a> to help.</p>',
    ),
]

ACCESS = [
    ("heading", "Getting there"),
    (
        "paragraph",
        "<p>The hall is a ten-minute walk from Piccadilly station, on a level route. Buses 38 and 83 stop "
        "outside. There are four accessible parking bays at the front door; book one when you buy your ticket.</p>",
    ),
    ("heading", "In the building"),
    (
        "paragraph",
        "<ul><li>Every stage is step-free, with lifts to the first floor.</li>"
        "<li>Main Hall sessions have BSL interpretation and live captions.</li>"
        "<li>A quiet room on the first floor is open all day.</li>"
        "<li>Accessible and gender-neutral toilets on every floor.</li>"
        "<li>Carers and personal assistants come free: choose the carer ticket.</li></ul>",
    ),
    ("heading", "Tell us what you need"),
    (
        "paragraph",
        "<p>When you book you can tell us your access needs. Only the access team sees them, and you can "
        "change or delete them from your ticket page at any time.</p>",
    ),
]

PRIVACY = [
    (
        "paragraph",
        "<p>We collect only what we need to run the festival: your name and email to send your tickets, and, "
        "if you choose to tell us, your access needs. We never sell or share your details.</p>",
    ),
    ("heading", "How long we keep it"),
    (
        "paragraph",
        "<p>Orders are kept for six years, as the law on accounts requires. Access needs are deleted after "
        "the festival. Ask us at any time what we hold about you, or to correct or delete it.</p>",
    ),
]
