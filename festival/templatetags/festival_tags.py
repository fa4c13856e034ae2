"""The site shell's template tags: the edition a block is about, an edition's sections, breadcrumbs, the
livestream player's address, and which menu item a page sits under."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from festival import chrome
from festival.editions import edition_for

register = template.Library()


@register.simple_tag(takes_context=True)
def block_edition(context, chosen=None):
    """The edition a block is about: the one chosen in it, else the page's own, else the current one (or None)."""
    return edition_for(context.get("page"), chosen=chosen)


@register.simple_tag(takes_context=True)
def edition_sections(context, edition):
    """``{"programme": page, "speakers": page}`` of ``edition``, those it has (one query)."""
    return chrome.edition_sections(edition, context.get("request")) if edition is not None else {}


@register.simple_tag(takes_context=True)
def breadcrumbs(context, page):
    """(title, url) of ``page``'s ancestors from the site's home page down, then the page itself: one query."""
    request = context.get("request")
    if page is None or not getattr(page, "path", None):
        return []
    trail = [
        (_("Home") if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request=request))
        for ancestor in page.get_ancestors().filter(depth__gte=2)
    ]
    return [*trail, (page.title, page.get_url(request=request))]


@register.simple_tag
def livestream_player(url: str) -> str:
    """``url`` if the site's Content-Security-Policy lets a page frame its origin (``frame-src``), else ""."""
    if not url:
        return ""
    parts = urlsplit(url)
    allowed = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {}).get("frame-src", [])
    return url if parts.scheme == "https" and f"https://{parts.netloc}" in allowed else ""


@register.simple_tag(takes_context=True)
def menu_current(context, item) -> str:
    """``aria-current``'s value for a menu item: "page" on its own page, "true" under it, else ""."""
    page = context.get("page")
    request = context.get("request")
    if item.page_id is None:
        return "page" if request is not None and request.path == item.url else ""
    if page is None or not getattr(page, "path", None):
        return ""
    if page.pk == item.page_id:
        return "page"
    return "true" if item.path and page.path.startswith(item.path) else ""
