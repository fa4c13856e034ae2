"""``{% social_card as card %}``: the link preview of the page being rendered (``festival.social``)."""

from __future__ import annotations

from django import template

from festival import social

register = template.Library()


@register.simple_tag(takes_context=True)
def social_card(context) -> social.Card | None:
    """The page's link preview, or None outside a Wagtail page (the shop, search, error pages)."""
    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not hasattr(page, "search_description"):
        return None
    festival = context.get("festival") or (page if hasattr(page, "hero_image") else None)
    site_name = getattr(context.get("chrome"), "site_name", "") or ""
    return social.card(page=page, request=request, festival=festival, site_name=site_name)
