"""Template helpers for the shop: money, what is left, and whether an edition is selling."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


@register.simple_tag
def field(bound, type="text", autocomplete="", inputmode="") -> str:  # noqa: A002 - the input's attribute
    """A form field as the shop lays it out: label (and "optional"), hint, input or select, and its error.

    Written in Python, not an included template: the sold-out answer to a sales rush renders
    several of these, and an include cost about ten times as much.
    """
    id_ = bound.id_for_label
    errors, help_text, required = bound.errors, bound.help_text, bound.field.required
    described = " ".join(part for part, shown in ((f"{id_}-hint", help_text), (f"{id_}-error", errors)) if shown)
    if getattr(bound.field, "choices", None):
        control = format_html(
            '<select name="{}" id="{}"{}>{}</select>',
            bound.html_name,
            id_,
            format_html(' aria-invalid="true" aria-describedby="{}-error"', id_) if errors else "",
            select_options(bound),
        )
    else:
        value = bound.value()
        control = format_html(
            '<input type="{}" name="{}" id="{}" value="{}"{}{}{}{}{}>',
            type or "text",
            bound.html_name,
            id_,
            "" if value is None else value,
            format_html(' autocomplete="{}"', autocomplete) if autocomplete else "",
            format_html(' inputmode="{}"', inputmode) if inputmode else "",
            mark_safe(" required") if required else "",
            mark_safe(' aria-invalid="true"') if errors else "",
            format_html(' aria-describedby="{}"', described) if described else "",
        )
    return format_html(
        '<div class="field">\n  <label for="{}">{}{}</label>\n  {}{}\n  {}</div>',
        id_,
        bound.label,
        mark_safe(' <span class="optional">(optional)</span>') if not required else "",
        format_html('<p class="hint" id="{}-hint">{}</p>\n  ', id_, help_text) if help_text else "",
        control,
        format_html('<p class="field-error" id="{}-error"><span aria-hidden="true">⚠ </span>{}</p>\n', id_, errors[0])
        if errors
        else "",
    )


@register.simple_tag
def form_errors(form) -> str:
    """The summary of a form's errors at its top, each field's linked to the field; nothing when there are none."""
    if not form.errors:
        return ""
    general = format_html_join("", "<li>{}</li>", ((error,) for error in form.non_field_errors()))
    per_field = format_html_join(
        "",
        '<li><a href="#{}">{}: {}</a></li>',
        ((bound.id_for_label, bound.label, error) for bound in form for error in bound.errors),
    )
    return format_html(
        '<div class="error-summary" role="alert" tabindex="-1">\n  <h2>{}</h2>\n  <ul>\n    {}{}\n  </ul>\n</div>',
        _("Please check the form"),
        general,
        per_field,
    )
