"""The header and footer of every page: the site's name, colours, contact and social links, privacy notice
and main menu.

The main menu is the current edition's (``festival.editions.current_festival``): its Programme, Speakers,
Tickets, About and Access, each only where that page exists and is live, then the home page's own menu
pages (not editions).

Every page shows them, so they are read once per host and kept in ``festival.site_cache``
rather than costing four queries a page; the next page after an edit shows the change.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from festival import site_cache
from festival.editions import current_festival
from festival.models import FestivalPage, FestivalSettings

DEFAULT_NAME = "Festival of Resistance"


@dataclass(frozen=True)
class MenuItem:
    page_id: int | None
    title: str  # a page's own title, or words translated as each page is rendered
    url: str
    path: str = ""  # the page's tree path: its descendants are "in" this item's section


# The edition's sections by page type (app label, model), named by string: the shell imports no app.
SECTION_TYPES = {("programme", "programmepage"): "programme", ("speakers", "speakerindexpage"): "speakers"}


@dataclass(frozen=True)
class Chrome:
    site_name: str
    primary_colour: str
    accent_colour: str
    contact_email: str
    social_links: tuple[tuple[str, str], ...]
    menu: tuple[MenuItem, ...]
    contact_address: str = ""
    privacy_url: str = ""


def edition_sections(edition: FestivalPage, request=None) -> dict[str, Page]:
    """The edition's live programme and speaker index (``SECTION_TYPES``), by section name, in one query."""
    found = {}
    for page in Page.objects.child_of(edition).live().select_related("content_type").order_by("path"):
        name = SECTION_TYPES.get((page.content_type.app_label, page.content_type.model))
        if name and name not in found:
            found[name] = page
    return found


def edition_menu(edition: FestivalPage, request) -> list[MenuItem]:
    """Programme, Speakers, Tickets, About and Access of ``edition``, those that exist."""
    sections = edition_sections(edition, request)
    wanted = [pk for pk in (edition.about_page_id, edition.access_page_id) if pk]
    chosen = {page.pk: page for page in Page.objects.live().filter(pk__in=wanted)} if wanted else {}
    items = []

    def add(title, page):
        if page is not None:
            items.append(MenuItem(page.pk, title, page.get_url(request=request), page.path))

    add(_("Programme"), sections.get("programme"))
    add(_("Speakers"), sections.get("speakers"))
    with suppress(NoReverseMatch):  # a slug the shop's address cannot carry
        items.append(MenuItem(None, _("Tickets"), reverse("ticketing:shop", kwargs={"slug": edition.slug})))
    add(_("About"), chosen.get(edition.about_page_id))
    add(_("Access"), chosen.get(edition.access_page_id))
    return items


def _build(request) -> Chrome:
    site = Site.find_for_request(request)
    if site is None:
        return Chrome(DEFAULT_NAME, "#b0172b", "#f5c518", "", (), ())
    brand = FestivalSettings.for_site(site)
    root = site.root_page.specific_deferred
    edition = current_festival()
    menu = edition_menu(edition, request) if edition is not None else []
    others = root.get_children().live().in_menu().not_type(FestivalPage)
    menu += [MenuItem(page.pk, page.title, page.get_url(request=request), page.path) for page in others]
    privacy = brand.privacy_page if brand.privacy_page_id and brand.privacy_page.live else None
    return Chrome(
        site_name=brand.site_name or DEFAULT_NAME,
        primary_colour=brand.primary_colour or "#b0172b",
        accent_colour=brand.accent_colour or "#f5c518",
        contact_email=brand.contact_email,
        social_links=tuple(brand.social_links),
        menu=tuple(menu),
        contact_address=brand.organisation_address,
        privacy_url=(privacy.get_url(request=request) or "") if privacy else "",
    )


def for_request(request) -> Chrome:
    """The chrome for this request's host, from the cache when it is there."""
    return site_cache.cached("chrome", request.get_host(), lambda: _build(request))


def context_processor(request) -> dict:
    """``chrome`` in every template rendered with a request; read only if the template uses it."""
    return {"chrome": SimpleLazyObject(lambda: for_request(request))}
