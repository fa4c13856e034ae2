"""The ballot link of a badge, for the order and ticket pages."""

from django import template

from assembly import links

register = template.Library()


@register.simple_tag
def ballot_token(ticket) -> str:
    return links.ballot_token(ticket)
