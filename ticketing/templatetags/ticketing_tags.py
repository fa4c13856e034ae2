"""Template helpers for the shop: money, what is left, and whether an edition is selling.

Form fields and error summaries are templates (``ticketing/forms/``), rendered through
``ticketing.forms.ShopFormRenderer``."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ticketing.services import capacity
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
    return ticket_type.on_sale(now)


@register.simple_tag
def sales_state(festival):
    """The edition's status as it stands now (``FestivalPage.sales_state``): on sale, sold out, over, or as marked."""
    return capacity.sales_state(festival)


@register.simple_tag
def with_sales_states(festivals):
    """Each of a list of editions with its status as it stands now: (edition, state) pairs."""
    return capacity.sales_states(festivals)


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
