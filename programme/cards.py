"""The session card, built in Python: the programme grid shows hundreds, and template nodes add up.

One function is the single source of the card's markup; templates call it through the
``session_card`` tag. Times are shown in the time zone passed in (the festival's).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def star_button(session) -> SafeString:
    return format_html(
        '<button type="button" class="star" data-star="{}" aria-pressed="false" data-label-on="{}" '
        'data-label-off="{}" hidden><span class="star__icon" aria-hidden="true">☆</span> '
        '<span class="star__label">{}</span><span class="visually-hidden"> {}</span></button>',
        session.pk,
        _("Starred"),
        _("Star"),
        _("Star"),
        session.title,
    )


def session_card(session, *, url: str, tz, slot=None, show_day: bool = False) -> SafeString:
    """One session as a list item: time, stage, title, speakers, format, track, access, star."""
    start, end = timezone.localtime(session.start, tz), timezone.localtime(session.end, tz)
    parts = [
        format_html(
            '<li class="slot{}" data-session="{}"{}>',
            " slot--cancelled" if session.cancelled else "",
            session.pk,
            format_html(' style="--col:{};--rs:{};--re:{}"', slot.column, slot.row_start, slot.row_end) if slot else "",
        ),
        format_html(
            '<article class="session-card"{} aria-labelledby="session-{}-title">',
            format_html(' style="--track:{}"', session.track.colour) if session.track_id else "",
            session.pk,
        ),
        '<p class="session-card__when">',
        format_html('<span class="session-card__day">{}, </span>', date_format(start, "l j F")) if show_day else "",
        format_html(
            '<time datetime="{}">{}</time>–<time datetime="{}">{}</time>',
            start.isoformat(),
            f"{start:%H:%M}",
            end.isoformat(),
            f"{end:%H:%M}",
        ),
        format_html('<span class="session-card__stage"> · {}</span>', session.stage.name) if session.stage_id else "",
        "</p>",
        format_html(
            '<h3 class="session-card__title" id="session-{}-title"><a href="{}">{}</a></h3>',
            session.pk,
            url,
            session.title,
        ),
    ]
    if session.cancelled:
        parts.append(format_html('<p class="tag tag--cancelled">{}</p>', _("Cancelled")))
    people = []
    for link in session.speaker_links.all():
        if not link.speaker_id:
            continue
        role = "" if link.role == "speaker" else f" ({link.get_role_display().lower()})"
        people.append(escape(link.speaker.title) + escape(role))
    if people:
        parts.append(format_html('<p class="session-card__people">{}</p>', mark_safe(", ".join(people))))  # noqa: S308 - escaped
    tags = []
    if session.session_format_id:
        tags.append(format_html('<span class="tag">{}</span>', session.session_format.name))
    if session.track_id:
        tags.append(format_html('<span class="tag tag--track">{}</span>', session.track.name))
    for flag, short, full in (
        (session.bsl, "BSL", _("BSL interpretation")),
        (session.captions, _("Captions"), _("Live captions")),
        (session.step_free, _("Step-free"), _("Step-free access")),
    ):
        if flag:
            tags.append(format_html('<span class="tag tag--access" title="{}">{}</span>', full, short))
    parts.append(format_html('<p class="session-card__meta">{}</p>', mark_safe("".join(tags))))  # noqa: S308 - built by format_html
    parts.append(star_button(session))
    parts.append("</article></li>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is escaped above
