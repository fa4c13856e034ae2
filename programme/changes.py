"""Programme changes: what moved, was cancelled (or withdrawn) or was added after the programme went public.

A session behind a view restriction of its own is not part of the public programme: its changes
are not logged, and those logged before it was made private are not shown.
"""

from django.db import transaction

from programme.models import ProgrammeChange, ProgrammePage, SessionPage, SessionSnapshot
from speakers.privacy import is_private_to


def record_publication(*, session: SessionPage) -> ProgrammeChange | None:
    """Compare a just-published session with what attendees last saw; log the change. Raises nothing."""
    programme = ProgrammePage.objects.ancestor_of(session).first()
    if programme is not None and is_private_to(session, programme):
        return None  # not part of the public programme: made public later, it reads as added
    with transaction.atomic():
        snapshot = SessionSnapshot.objects.select_for_update().filter(session=session).first()
        stage_name = session.stage.name if session.stage_id else ""
        change = None
        announced = programme is not None and programme.live and programme.first_published_at is not None
        if announced:
            change = _change_between(snapshot, session, stage_name, programme)
        moved = bool(snapshot and snapshot.moved) or (change is not None and change.kind == ProgrammeChange.Kind.MOVED)
        _keep_snapshot(session, stage_name, cancelled=session.cancelled, moved=moved)
        if change is not None:
            change.save()
        return change


def _change_between(snapshot, session, stage_name, programme) -> ProgrammeChange | None:
    common = {
        "programme": programme,
        "session": session,
        "session_title": session.title,
        "new_start": session.start,
        "new_stage": stage_name,
    }
    if snapshot is None:
        published_before = session.first_published_at is None or (
            session.first_published_at <= programme.first_published_at
        )
        if published_before:  # part of the programme as first announced
            return None
        return ProgrammeChange(kind=ProgrammeChange.Kind.ADDED, **common)
    if session.cancelled and not snapshot.cancelled:
        return ProgrammeChange(
            kind=ProgrammeChange.Kind.CANCELLED, old_start=snapshot.start, old_stage=snapshot.stage_name, **common
        )
    if snapshot.cancelled and not session.cancelled:
        return ProgrammeChange(
            kind=ProgrammeChange.Kind.REINSTATED, old_start=snapshot.start, old_stage=snapshot.stage_name, **common
        )
    if (snapshot.start, snapshot.end, snapshot.stage_name) != (session.start, session.end, stage_name):
        return ProgrammeChange(
            kind=ProgrammeChange.Kind.MOVED, old_start=snapshot.start, old_stage=snapshot.stage_name, **common
        )
    return None


def take_snapshots(*, programme: ProgrammePage) -> int:
    """Record every live session as seen now, without logging changes (for a programme's first publication)."""
    count = 0
    for session in SessionPage.objects.live().child_of(programme).select_related("stage"):
        SessionSnapshot.objects.update_or_create(
            session=session,
            defaults={
                "start": session.start,
                "end": session.end,
                "stage_name": session.stage.name if session.stage_id else "",
                "cancelled": session.cancelled,
            },
        )
        count += 1
    return count


def record_withdrawal(*, session: SessionPage, deleting: bool = False) -> ProgrammeChange | None:
    """Log a live session that is being unpublished or deleted as cancelled, once the programme is public.

    Call it while the session still holds its live values (before a delete, after an unpublish). A session
    already shown as cancelled logs nothing more; a deleted one's change keeps its title but no link.
    """
    if session.cancelled or (deleting and not session.live):  # Wagtail signals an unpublish only if it was live
        return None
    programme = ProgrammePage.objects.ancestor_of(session).first()
    if programme is None or not programme.live or programme.first_published_at is None:
        return None
    if is_private_to(session, programme):  # never part of the public programme
        return None
    with transaction.atomic():
        snapshot = SessionSnapshot.objects.select_for_update().filter(session=session).first()
        if snapshot is not None and snapshot.cancelled:
            return None
        stage_name = session.stage.name if session.stage_id else ""
        change = ProgrammeChange.objects.create(
            kind=ProgrammeChange.Kind.CANCELLED,
            programme=programme,
            session=None if deleting else session,
            session_title=session.title,
            old_start=snapshot.start if snapshot else session.start,
            old_stage=snapshot.stage_name if snapshot else stage_name,
        )
        if not deleting:  # so that publishing it again reads as "back on"
            _keep_snapshot(session, stage_name, cancelled=True, moved=bool(snapshot and snapshot.moved))
        return change


def _keep_snapshot(session: SessionPage, stage_name: str, *, cancelled: bool, moved: bool) -> None:
    """Remember what attendees now see of ``session``, to compare the next publication with."""
    SessionSnapshot.objects.update_or_create(
        session=session,
        defaults={
            "start": session.start,
            "end": session.end,
            "stage_name": stage_name,
            "cancelled": cancelled,
            "moved": moved,
        },
    )
