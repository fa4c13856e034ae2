"""Clash checks for a session: times that make sense, inside the festival, no double bookings.

The rules and their messages live here; the session page asks the database (``stage_clash``,
``speaker_clash``) and calls these from ``clean`` and ``publish``.

A draft may clash (the other session may be about to move); publishing a clash is refused.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.log_actions import log

from festival.models import FestivalPage

logger = logging.getLogger(__name__)
SCHEDULED_CLASH_ACTION = "programme.publish.clash"


class PublishClash(PublishPagePermissionError, ValidationError):
    """Publishing refused because the session clashes (codes stage_clash, speaker_clash).

    A ValidationError for code that publishes; also Wagtail's publish permission error (a
    PermissionDenied), so a view that publishes, such as a workflow approval, answers 403 rather than 500.
    """


def festival_of(session) -> FestivalPage | None:
    """The edition a session belongs to, also while it is being created (before it has a place in the tree)."""
    parent = getattr(session, "_parent_for_clean", None)
    if parent is None and session.path:
        parent = session.get_parent()
    return festival_of_parent(parent)


def festival_of_parent(parent) -> FestivalPage | None:
    """The edition a page under ``parent`` belongs to (None without a parent or outside any edition)."""
    if parent is None:
        return None
    return FestivalPage.objects.ancestor_of(parent, inclusive=True).first()


def _speaker_ids(session) -> list[int]:
    pending = getattr(session, "_pending_speaker_ids", None)
    if pending is not None:
        return list(pending)
    return [link.speaker_id for link in session.speaker_links.all() if link.speaker_id]


def _slot(other, tz) -> dict:
    start, end = timezone.localtime(other.start, tz), timezone.localtime(other.end, tz)
    return {"other": other.title, "day": date_format(start, "l j F"), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}


def check_session(session, *, clashes: bool = True) -> None:
    """Check a session's times and bookings; raises ValidationError (codes: ends_before_start,
    outside_festival, speaker_twice, and with ``clashes`` against the live programme: stage_clash,
    speaker_clash)."""
    errors: dict[str, list[ValidationError]] = {}
    speaker_ids = _speaker_ids(session)
    if len(set(speaker_ids)) != len(speaker_ids):
        errors.setdefault("__all__", []).append(
            ValidationError(_("The same speaker is listed twice on this session."), code="speaker_twice")
        )
    if session.start is None or session.end is None:
        if errors:
            raise ValidationError(errors)
        return
    if session.end <= session.start:
        raise ValidationError(
            {"end": ValidationError(_("The session must end after it starts."), code="ends_before_start")}
        )

    festival = festival_of(session)
    tz = festival.tz if festival else timezone.get_current_timezone()
    if festival is not None:
        first_day = timezone.localtime(session.start, tz).date()
        last_day = timezone.localtime(session.end - timedelta(microseconds=1), tz).date()
        if first_day < festival.start_date or last_day > festival.end_date:
            errors.setdefault("start", []).append(
                ValidationError(
                    _("This session falls outside the festival, which runs from %(first)s to %(last)s.")
                    % {
                        "first": date_format(festival.start_date, "l j F"),
                        "last": date_format(festival.end_date, "l j F Y"),
                    },
                    code="outside_festival",
                )
            )

    if clashes and not session.cancelled:
        other = session.stage_clash()
        if other is not None:
            errors.setdefault("stage", []).append(
                ValidationError(
                    _("%(stage)s is already booked for “%(other)s” on %(day)s from %(start)s to %(end)s.")
                    % {"stage": session.stage.name, **_slot(other, tz)},
                    code="stage_clash",
                )
            )
        link = session.speaker_clash(speaker_ids) if speaker_ids else None
        if link is not None:
            errors.setdefault("__all__", []).append(
                ValidationError(
                    _("%(speaker)s is already on “%(other)s” on %(day)s from %(start)s to %(end)s.")
                    % {"speaker": link.speaker.title, **_slot(link.page, tz)},
                    code="speaker_clash",
                )
            )
    if errors:
        raise ValidationError(errors)


def publish_or_unschedule(revision, *, publish):
    """Run ``publish`` unless ``revision`` of a session clashes with the live programme; raises PublishClash
    (or ValidationError if the revision fails another check, such as falling outside the festival).

    A scheduled revision whose time has come (``publish_scheduled`` is publishing it) that fails a check is
    not published and nothing is raised, so the command goes on with the others: the revision is
    unscheduled, with a warning in the log and in the page's history. An editor fixes it and schedules it again.
    """
    session = revision.as_object()
    try:
        check_session(session)
    except ValidationError as error:
        due = revision.approved_go_live_at is not None and revision.approved_go_live_at <= timezone.now()
        if not due:
            if _clashes_only(error):
                raise PublishClash(error.error_dict) from error
            raise
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        messages = [message for messages in error.message_dict.values() for message in messages]
        logger.warning(
            "Scheduled publishing of “%s” (page %s) skipped: %s", session.title, session.pk, " ".join(messages)
        )
        log(instance=revision.content_object, action=SCHEDULED_CLASH_ACTION, data={"messages": messages})
        return None
    return publish()


def _clashes_only(error: ValidationError) -> bool:
    return all(e.code in ("stage_clash", "speaker_clash") for errors in error.error_dict.values() for e in errors)
