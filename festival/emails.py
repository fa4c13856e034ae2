"""The look of every email the site sends: one HTML layout (``templates/email/base.html``) in the
festival's colours with its name on top, beside the plain-text part each email has always had.

Apps build their emails with ``message()``: a text template and an HTML template (which extends
``email/base.html``) rendered from one context, in an ``EmailMultiAlternatives`` the outbox stores
whole. Mail clients ignore stylesheets and strip ``<style>`` more often than not, so the layout is
tables with inline styles, 600 pixels at most and fluid below that. Imports no app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from wagtail.models import Site

from festival import site_cache
from festival.models import FestivalSettings

DEFAULT_NAME = "Festival of Resistance"
DEFAULT_PRIMARY = "#b0172b"
DEFAULT_ACCENT = "#f5c518"
INK = "#1a1a1a"  # body text, and the header's text on a light primary colour
# WCAG AA for body-sized text: white on the primary colour, and the primary colour as link text on white.
MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Brand:
    """What the email layout needs from the festival's settings."""

    site_name: str
    primary_colour: str  # the header's background
    header_text: str  # white, or ink when the primary colour is too light for white
    link_colour: str  # the primary colour, or ink when it is too light to read on white
    accent_colour: str
    site_url: str


def _luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` colour, as WCAG defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio between ``colour`` (``#rrggbb``) and white, from 1 to 21."""
    return 1.05 / (_luminance(colour) + 0.05)


def _colour(value: str, default: str) -> str:
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") else default


def _build() -> Brand:
    site = Site.objects.filter(is_default_site=True).first()
    found = FestivalSettings.for_site(site) if site is not None else None
    primary = _colour(found.primary_colour if found else "", DEFAULT_PRIMARY)
    readable = contrast_with_white(primary) >= MIN_CONTRAST
    return Brand(
        site_name=(found.site_name if found else "") or DEFAULT_NAME,
        primary_colour=primary,
        header_text="#ffffff" if readable else INK,
        link_colour=primary if readable else INK,
        accent_colour=_colour(found.accent_colour if found else "", DEFAULT_ACCENT),
        site_url=settings.SITE_URL,
    )


def brand() -> Brand:
    """The default site's branding, cached until the settings or a page change (``festival.site_cache``)."""
    return site_cache.cached("email-brand", settings.SITE_URL, _build)


def message(
    *, subject: str, text_template: str, html_template: str, context: dict, to: list[str]
) -> EmailMultiAlternatives:
    """An email with ``text_template`` as its plain-text body and ``html_template`` (extending
    ``email/base.html``) as its HTML alternative, both rendered from ``context`` (plus ``brand`` and
    ``subject``). Raises nothing of its own."""
    full = {**context, "brand": brand(), "subject": subject}
    email = EmailMultiAlternatives(subject=subject, body=render_to_string(text_template, full), to=to)
    email.attach_alternative(render_to_string(html_template, full), "text/html")
    return email
