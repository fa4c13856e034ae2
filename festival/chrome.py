"""The header and footer of every page: the site's name, colours, contact and social links, and main menu.

Every page shows them, so they are read once per host and kept in ``festival.site_cache``
rather than costing four queries a page; the next page after an edit shows the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from festival import site_cache
from festival.models import FestivalSettings

DEFAULT_NAME = "Festival of Resistance"


@dataclass(frozen=True)
class MenuItem:
    page_id: int
    title: str  # the page's own title, or the words "Home", translated as each page is rendered
    url: str


@dataclass(frozen=True)
class Chrome:
    site_name: str
    primary_colour: str
    accent_colour: str
    contact_email: str
    social_links: tuple[tuple[str, str], ...]
    menu: tuple[MenuItem, ...]


def _build(request) -> Chrome:
    site = Site.find_for_request(request)
    if site is None:
        return Chrome(DEFAULT_NAME, "#b0172b", "#f5c518", "", (), ())
    brand = FestivalSettings.for_site(site)
    root = site.root_page.specific_deferred
    pages = [root, *root.get_children().live().in_menu()]
    menu = tuple(
        MenuItem(page.pk, _("Home") if n == 0 else page.title, page.get_url(request=request))
        for n, page in enumerate(pages)
    )
    return Chrome(
        site_name=brand.site_name or DEFAULT_NAME,
        primary_colour=brand.primary_colour or "#b0172b",
        accent_colour=brand.accent_colour or "#f5c518",
        contact_email=brand.contact_email,
        social_links=tuple(brand.social_links),
        menu=menu,
    )


def for_request(request) -> Chrome:
    """The chrome for this request's host, from the cache when it is there."""
    return site_cache.cached("chrome", request.get_host(), lambda: _build(request))


def context_processor(request) -> dict:
    """``chrome`` in every template rendered with a request; read only if the template uses it."""
    return {"chrome": SimpleLazyObject(lambda: for_request(request))}
