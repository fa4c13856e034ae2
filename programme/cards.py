"""The session card, built in Python: the programme grid and "my programme" show every session.

Rendered from a template (with the cached template loader), the cards of a 300-session programme made
the page about three times slower, far past its time budget. One
function is the single source of the card's markup; templates call it through the ``session_cards``
tag, once per list rather than once per card. Every value is escaped before it joins the markup.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from programme.grid import Slot
from programme.listing import ListedSession
from programme.placement import slot_classes

_LABELS: dict[str, dict[str, str]] = {}


def labels() -> dict[str, str]:
    """Translated card words, looked up once per language rather than once per card."""
    language = get_language() or ""
    if language not in _LABELS:
        _LABELS[language] = {
            key: str(escape(value))
            for key, value in {
                "starred": _("Starred"),
                "star": _("Star"),
                "cancelled": _("Cancelled"),
                "captions": _("Captions"),
                "step_free": _("Step-free"),
                "bsl_full": _("BSL interpretation"),
                "captions_full": _("Live captions"),
                "step_free_full": _("Step-free access"),
                "chair": _("chair"),
                "moderator": _("moderator"),
            }.items()
        }
    return _LABELS[language]


def star_button(session) -> SafeString:
    """The button that stars a session in this browser (shown by programme.js)."""
    return _star(session.pk, escape(session.title), labels())


def _star(pk: int, title: str, words: dict[str, str]) -> SafeString:
    return mark_safe(  # noqa: S308 - values escaped
        f'<button type="button" class="star" data-star="{pk}" aria-pressed="false" '
        f'data-label-on="{words["starred"]}" data-label-off="{words["star"]}" hidden>'
        f'<span class="star__icon" aria-hidden="true">☆</span> <span class="star__label">{words["star"]}</span>'
        f'<span class="visually-hidden"> {title}</span></button>'
    )


def session_cards(entries, *, tz, show_day: bool = False) -> SafeString:
    """Cards for ``entries``: grid ``Slot``s (each card placed on its day's grid) or ``ListedSession``s."""
    words = labels()
    return mark_safe(  # noqa: S308 - every card escapes its values
        "".join(
            session_card(entry.session, tz=tz, slot=entry, show_day=show_day, words=words)
            if isinstance(entry, Slot)
            else session_card(entry, tz=tz, show_day=show_day, words=words)
            for entry in entries
        )
    )


def session_card(
    session: ListedSession, *, tz, slot: Slot | None = None, show_day: bool = False, words: dict | None = None
) -> SafeString:
    """One session as a list item: time, stage, title, speakers, format, track, access, star."""
    words = words or labels()
    start, end = timezone.localtime(session.start, tz), timezone.localtime(session.end, tz)
    pk, title = session.pk, escape(session.title)
    place = " " + slot_classes(column=slot.column, row_start=slot.row_start, row_end=slot.row_end) if slot else ""
    stage, track, session_format = session.stage, session.track, session.session_format
    colour = f' style="--track:{escape(track.colour)}"' if track is not None else ""
    day = f'<span class="session-card__day">{escape(date_format(start, "l j F"))}, </span>' if show_day else ""
    stage = f'<span class="session-card__stage"> · {escape(stage.name)}</span>' if stage is not None else ""
    parts = [
        f'<li class="slot{" slot--cancelled" if session.cancelled else ""}{place}" data-session="{pk}">',
        f'<article class="session-card"{colour} aria-labelledby="session-{pk}-title">',
        f'<p class="session-card__when">{day}<time datetime="{start.isoformat()}">{start:%H:%M}</time>–'
        f'<time datetime="{end.isoformat()}">{end:%H:%M}</time>{stage}</p>',
        f'<h3 class="session-card__title" id="session-{pk}-title"><a href="{escape(session.url)}">{title}</a></h3>',
    ]
    if session.cancelled:
        parts.append(f'<p class="tag tag--cancelled">{words["cancelled"]}</p>')
    people = [
        str(escape(person.name)) + (f" ({words[person.role]})" if person.role in words else "")
        for person in session.people
    ]
    if people:
        parts.append(f'<p class="session-card__people">{", ".join(people)}</p>')
    tags = []
    if session_format is not None:
        tags.append(f'<span class="tag">{escape(session_format.name)}</span>')
    if track is not None:
        tags.append(f'<span class="tag tag--track">{escape(track.name)}</span>')
    if session.bsl:
        tags.append(f'<span class="tag tag--access" title="{words["bsl_full"]}">BSL</span>')
    if session.captions:
        tags.append(f'<span class="tag tag--access" title="{words["captions_full"]}">{words["captions"]}</span>')
    if session.step_free:
        tags.append(f'<span class="tag tag--access" title="{words["step_free_full"]}">{words["step_free"]}</span>')
    parts.append(f'<p class="session-card__meta">{"".join(tags)}</p>')
    parts.append(_star(pk, title, words))
    parts.append("</article></li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above
