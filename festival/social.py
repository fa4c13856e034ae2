"""Link previews: what a page shows when it is shared (Open Graph and Twitter card tags, drawn by
``templates/includes/social_meta.html`` through ``{% social_card %}``).

A page type says what it shares through attributes, all optional: ``social_description`` (else the
page's search description), ``social_image`` (a Wagtail image: an edition's hero image, a speaker's
photo) and ``social_type`` (Open Graph's type, ``website`` by default). A page with no image of its
own shares its edition's hero image, else the festival's default card (``static/icons``). Every
address is absolute, since the preview is drawn by another site. Imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.translation import get_language, to_locale

IMAGE_FILTER = "fill-1200x630"  # the shape Facebook, Mastodon, Bluesky and X all show large
DEFAULT_IMAGE = "icons/social-default.png"
DEFAULT_SIZE = (1200, 630)


@dataclass(frozen=True)
class Card:
    type: str
    title: str
    description: str
    url: str
    site_name: str
    image: str
    image_width: int
    image_height: int
    image_alt: str
    locale: str


def _image(*candidates):
    """The first of ``candidates`` (Wagtail images or None) that renders, with its rendition; or None."""
    for image in candidates:
        if image is None:
            continue
        try:
            return image, image.get_rendition(IMAGE_FILTER)
        except OSError:  # Wagtail's SourceImageIOError: its file is missing from storage
            continue  # share the next rather than fail the page
    return None


def card(*, page, request, festival=None, site_name: str = "") -> Card:
    """``page``'s link preview as served for ``request``; ``festival`` is its edition, if any."""
    found = _image(getattr(page, "social_image", None), getattr(festival, "hero_image", None))
    if found is None:
        image_url, (width, height), alt = static(DEFAULT_IMAGE), DEFAULT_SIZE, site_name
    else:
        image, rendition = found
        image_url, width, height, alt = rendition.url, rendition.width, rendition.height, image.title
    return Card(
        type=getattr(page, "social_type", "website"),
        title=page.seo_title or page.title,
        description=page.search_description or getattr(page, "social_description", "") or "",
        url=request.build_absolute_uri(request.path),  # the address served (a routed view's, too)
        site_name=site_name,
        image=request.build_absolute_uri(image_url),
        image_width=width,
        image_height=height,
        image_alt=alt,
        locale=to_locale(get_language() or "en-gb"),
    )
