"""Template helpers for the shop: money and what is left."""

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ticketing.services.orders import on_sale
from ticketing.services.orders import pounds as _pounds

register = template.Library()

LOW = 10


@register.filter
def pounds(pence) -> str:
    """1250 -> "£12.50", 1500 -> "£15"."""
    try:
        return _pounds(int(pence))
    except (TypeError, ValueError):
        return ""


@register.filter
def on_sale_at(ticket_type, now) -> bool:
    return on_sale(ticket_type, now)


@register.simple_tag
def availability(ticket_type, now) -> str:
    """What is left of a type, in words (never by colour alone)."""
    if ticket_type.sale_starts_at and now < ticket_type.sale_starts_at:
        return _("On sale from %(when)s") % {"when": ticket_type.sale_starts_at.strftime("%-d %B %Y")}
    if ticket_type.sale_ends_at and now >= ticket_type.sale_ends_at:
        return _("Sales have closed")
    left = ticket_type.remaining
    if left == 0:
        return _("Sold out")
    if left <= LOW:
        return ngettext("Only %(n)s left", "Only %(n)s left", left) % {"n": left}
    return ngettext("%(n)s left", "%(n)s left", left) % {"n": left}


@register.simple_tag
def select_options(field) -> str:
    """A choice field's <option>s, the bound or initial value selected."""
    value = field.value()
    current = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((choice, " selected" if str(choice) == current else "", label) for choice, label in field.field.choices),
    )
