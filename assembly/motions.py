"""Motions, seconders and amendments, tabled by members of an edition within its motions window, and
what a vote's outcome does to them.

A member is the holder of a valid, paid ticket of the edition, or (when the window says so) a named
delegate of a group. Texts are kept as typed and always shown escaped, so a motion with script in
it shows the script as words. An amendment holds the motion's whole text as it would leave it and
is shown as a difference from the motion (``difference``).

A motion a member tables awaits the window's number of seconders; with them it is tabled, and only
then can it be put to the vote. Seconders of one motion take turns on its row, so two at once
both count. When a vote on an amendment carries, the amendment's text becomes the motion's (the
text as tabled is kept); when a vote on a motion closes, the motion is carried or defeated.
"""

from __future__ import annotations

import difflib
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from ticketing.models import Ticket

from .electorate import in_standing
from .errors import AssemblyError
from .models import Amendment, Delegate, Motion, MotionsWindow, Seconder, Vote

_WORDS = re.compile(r"^\s+|\S+\s*")  # words with the space after them, so a change reads as whole words


SECONDABLE = (Motion.Status.PROPOSED, Motion.Status.TABLED)


def _member(*, festival, ticket: Ticket, now) -> MotionsWindow:
    """The open motions window, if ``ticket`` may table and second in ``festival`` at ``now``; raises
    ``motions_closed``, ``not_a_member``."""
    window = MotionsWindow.objects.filter(festival=festival).first()
    if window is None or not window.is_open(now):
        raise AssemblyError("motions_closed")
    if ticket.order.festival_id != festival.pk or not in_standing(
        ticket_status=ticket.status, order_status=ticket.order.status
    ):
        raise AssemblyError("not_a_member")
    if (
        window.members == MotionsWindow.Members.DELEGATES
        and not Delegate.objects.filter(festival=festival, ticket=ticket).exists()
    ):
        raise AssemblyError("not_a_member")
    return window


def _text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise AssemblyError("empty_text")
    return text[:20000]


def table_motion(*, festival, ticket: Ticket, title: str, text: str, now=None) -> Motion:
    """Table a motion; raises ``motions_closed``, ``not_a_member``, ``empty_text``."""
    window = _member(festival=festival, ticket=ticket, now=now or timezone.now())
    title = (title or "").strip()[:200]
    if not title:
        raise AssemblyError("empty_text")
    status = Motion.Status.TABLED if window.seconders_needed == 0 else Motion.Status.PROPOSED
    return Motion.objects.create(
        festival=festival, title=title, text=_text(text), proposer=ticket, proposer_name=ticket.attendee_name,
        status=status,
    )  # fmt: skip


def _locked(motion_id: int) -> Motion:
    """The motion, its row locked until the transaction ends, so its seconders take turns."""
    return Motion.objects.select_for_update().get(pk=motion_id)


def _seconders_of(motion_id: int) -> int:
    return Seconder.objects.filter(motion_id=motion_id).count()


def second_motion(*, motion: Motion, ticket: Ticket, now=None) -> Seconder:
    """Second a motion once, tabling it when it has the seconders it needs; raises ``motions_closed``,
    ``not_a_member``, ``own_motion``, ``not_seconding``, ``already_seconded``."""
    window = _member(festival=motion.festival, ticket=ticket, now=now or timezone.now())
    if motion.proposer_id == ticket.pk:
        raise AssemblyError("own_motion")
    try:
        with transaction.atomic():
            locked = _locked(motion.pk)
            if locked.status not in SECONDABLE:
                raise AssemblyError("not_seconding")
            seconder = Seconder.objects.create(motion=locked, ticket=ticket, name=ticket.attendee_name)
            if locked.status == Motion.Status.PROPOSED and _seconders_of(locked.pk) >= window.seconders_needed:
                Motion.objects.filter(pk=locked.pk).update(status=Motion.Status.TABLED)
            return seconder
    except IntegrityError as exc:
        raise AssemblyError("already_seconded") from exc


def propose_amendment(*, motion: Motion, ticket: Ticket, text: str, now=None) -> Amendment:
    """Propose a new text for a motion; raises ``motions_closed``, ``not_a_member``, ``empty_text``, ``unchanged``."""
    _member(festival=motion.festival, ticket=ticket, now=now or timezone.now())
    text = _text(text)
    if text == motion.text.strip():
        raise AssemblyError("unchanged")
    return Amendment.objects.create(motion=motion, text=text, proposer=ticket, proposer_name=ticket.attendee_name)


def check_can_be_put(vote: Vote) -> None:
    """Raise unless the vote's motion and amendment may be put to the assembly: ``not_seconded`` for a
    motion still awaiting seconders, ``not_votable`` for one withdrawn or an amendment already decided."""
    if vote.motion_id is not None:
        status = Motion.objects.values_list("status", flat=True).get(pk=vote.motion_id)
        if status == Motion.Status.PROPOSED:
            raise AssemblyError("not_seconded")
        if status == Motion.Status.WITHDRAWN:
            raise AssemblyError("not_votable")
    amendment_status = (
        Amendment.objects.values_list("status", flat=True).get(pk=vote.amendment_id) if vote.amendment_id else None
    )
    if amendment_status not in (None, Amendment.Status.PROPOSED):
        raise AssemblyError("not_votable")


def apply_outcome(vote: Vote) -> None:
    """Carry or defeat the closed yes/no vote's amendment (a carried one becomes the motion's text,
    keeping the text as tabled) or else its motion. Elections change no motion."""
    if vote.is_election or not vote.result:
        return
    carried = vote.result.get("outcome") == "carried"
    if vote.amendment_id is not None:
        amendment = Amendment.objects.select_related("motion").get(pk=vote.amendment_id)
        status = Amendment.Status.CARRIED if carried else Amendment.Status.DEFEATED
        Amendment.objects.filter(pk=amendment.pk).update(status=status)
        if carried:
            motion = amendment.motion
            Motion.objects.filter(pk=motion.pk).update(
                text=amendment.text, original_text=motion.original_text or motion.text
            )
    elif vote.motion_id is not None:
        status = Motion.Status.CARRIED if carried else Motion.Status.DEFEATED
        Motion.objects.filter(pk=vote.motion_id).update(status=status)


def shown_against(motion: Motion, amendment: Amendment) -> list[tuple[str, str]]:
    """The amendment as a difference from the text it amends: the text as tabled for one that carried
    (the motion's text is now its own), else the motion's text as it stands."""
    base = motion.original_text if amendment.status == Amendment.Status.CARRIED and motion.original_text else None
    return difference(base or motion.text, amendment.text)


def difference(old: str, new: str) -> list[tuple[str, str]]:
    """``new`` against ``old`` word by word, as (kind, text) pieces: kind is ``same``, ``removed`` or
    ``added``. The text is plain: templates escape it."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(after[b1:b2])))
    return pieces
