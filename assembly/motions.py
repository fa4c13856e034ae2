"""Motions, seconders and amendments, tabled by members of an edition within its motions window.

A member is the holder of a valid, paid ticket of the edition, or (when the window says so) a named
delegate of a group. Texts are kept as typed and always shown escaped, so a motion with script in
it shows the script as words. An amendment holds the motion's whole text as it would leave it and
is shown as a difference from the motion (``difference``).
"""

from __future__ import annotations

import difflib
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from ticketing.models import Ticket

from .electorate import in_standing
from .errors import AssemblyError
from .models import Amendment, Delegate, Motion, MotionsWindow, Seconder

_WORDS = re.compile(r"^\s+|\S+\s*")  # words with the space after them, so a change reads as whole words


def _member(*, festival, ticket: Ticket, now) -> None:
    """Raise unless ``ticket`` may table and second in ``festival`` at ``now``: ``motions_closed``,
    ``not_a_member``."""
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


def _text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise AssemblyError("empty_text")
    return text[:20000]


def table_motion(*, festival, ticket: Ticket, title: str, text: str, now=None) -> Motion:
    """Table a motion; raises ``motions_closed``, ``not_a_member``, ``empty_text``."""
    _member(festival=festival, ticket=ticket, now=now or timezone.now())
    title = (title or "").strip()[:200]
    if not title:
        raise AssemblyError("empty_text")
    return Motion.objects.create(
        festival=festival, title=title, text=_text(text), proposer=ticket, proposer_name=ticket.attendee_name
    )


def second_motion(*, motion: Motion, ticket: Ticket, now=None) -> Seconder:
    """Second a motion once; raises ``motions_closed``, ``not_a_member``, ``own_motion``, ``already_seconded``."""
    _member(festival=motion.festival, ticket=ticket, now=now or timezone.now())
    if motion.proposer_id == ticket.pk:
        raise AssemblyError("own_motion")
    try:
        with transaction.atomic():
            return Seconder.objects.create(motion=motion, ticket=ticket, name=ticket.attendee_name)
    except IntegrityError as exc:
        raise AssemblyError("already_seconded") from exc


def propose_amendment(*, motion: Motion, ticket: Ticket, text: str, now=None) -> Amendment:
    """Propose a new text for a motion; raises ``motions_closed``, ``not_a_member``, ``empty_text``, ``unchanged``."""
    _member(festival=motion.festival, ticket=ticket, now=now or timezone.now())
    text = _text(text)
    if text == motion.text.strip():
        raise AssemblyError("unchanged")
    return Amendment.objects.create(motion=motion, text=text, proposer=ticket, proposer_name=ticket.attendee_name)


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
