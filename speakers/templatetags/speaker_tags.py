"""The speakers app's template tags: the speakers a featured-speakers block shows."""

from django import template

from speakers import featured

register = template.Library()


@register.simple_tag(takes_context=True)
def featured_speakers(context, value, edition):
    """The speakers a featured-speakers block shows (``speakers.featured``), with their card photos loaded."""
    return featured.featured_speakers(
        edition=edition,
        chosen=list(value.get("speakers") or []),
        count=value.get("count") or 4,
        seen_from=context.get("page"),
    )
