"""Making, changing and withdrawing proposals, and their co-speakers' confirmations.

Every text is kept as typed and rendered as text wherever it is shown (never as HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from proposals import emails
from proposals.models import (
    ABSTRACT_MAX,
    ANSWER_MAX,
    BIO_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Call,
    Proposal,
    ProposalSpeaker,
    Proposer,
    Question,
)
from proposals.services.errors import ProposalError

PHOTO_MAX_BYTES = 2 * 2**20
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}
LIMITS = {
    "title": TITLE_MAX,
    "abstract": ABSTRACT_MAX,
    "description": DESCRIPTION_MAX,
    "access_notes": 500,
    "group": 200,
}


@dataclass(frozen=True)
class Speaker:
    name: str
    email: str


def proposer_for(email: str) -> Proposer:
    """The proposer whose address a sign-in link has just proven (made on first sign-in)."""
    proposer, _created = Proposer.objects.get_or_create(email=email.strip().lower())
    return proposer


def _clean(call: Call, data: dict) -> dict:
    """The proposal's fields from ``data``; raises ProposalError too_long, bad_choice or missing_answer."""
    fields = {name: (data.get(name) or "").strip() for name in LIMITS}
    if any(len(fields[name]) > limit for name, limit in LIMITS.items()):
        raise ProposalError("too_long")
    if not fields["title"] or not fields["abstract"]:
        raise ProposalError("missing_answer")
    session_format, track = data.get("session_format"), data.get("track")
    if session_format is None or session_format.pk not in {f.pk for f in call.formats.all()}:
        raise ProposalError("bad_choice")
    if track is not None and track.pk not in {t.pk for t in call.tracks.all()}:
        raise ProposalError("bad_choice")
    fields.update(
        session_format=session_format,
        track=track,
        length_minutes=int(data.get("length_minutes") or 60),
        bsl=bool(data.get("bsl")),
        step_free=bool(data.get("step_free")),
        answers=_answers(call, data.get("answers") or {}),
    )
    return fields


def _answers(call: Call, given: dict) -> dict:
    answers = {}
    for question in call.questions.all():
        value = given.get(str(question.pk))
        if question.kind == Question.Kind.YES_NO:
            value = None if value in (None, "") else bool(value)
        else:
            value = (value or "").strip()
            if len(value) > ANSWER_MAX:
                raise ProposalError("too_long")
            if question.kind == Question.Kind.CHOICE and value and value not in question.options():
                raise ProposalError("bad_choice")
        if question.required and value in (None, ""):
            raise ProposalError("missing_answer")
        answers[str(question.pk)] = value
    return answers


def _co_speakers(proposer: Proposer, speakers: list[Speaker]) -> list[Speaker]:
    cleaned, seen = [], {proposer.email}
    for speaker in speakers:
        email, name = speaker.email.strip().lower(), speaker.name.strip()
        if len(name) > 200 or len(email) > 254:
            raise ProposalError("too_long")
        if email in seen:
            raise ProposalError("duplicate_speaker")
        seen.add(email)
        cleaned.append(Speaker(name=name, email=email))
    return cleaned


def _invite(proposal: Proposal, speakers: list[Speaker], *, start: int) -> None:
    for n, speaker in enumerate(speakers, start=start):
        row = ProposalSpeaker.objects.create(proposal=proposal, email=speaker.email, name=speaker.name, sort_order=n)
        emails.queue_invitation(speaker=row)


def submit(
    *,
    call: Call,
    proposer: Proposer,
    data: dict,
    speaker_name: str,
    co_speakers: list[Speaker],
    now: datetime | None = None,
) -> Proposal:
    """Make a proposal with the proposer as its first speaker, inviting each co-speaker by email.
    Raises ProposalError call_closed, over_limit, too_long, bad_choice, missing_answer or duplicate_speaker."""
    if not call.is_open(now=now):
        raise ProposalError("call_closed")
    fields = _clean(call, data)
    co_speakers = _co_speakers(proposer, co_speakers)
    if len(speaker_name.strip()) > 200:
        raise ProposalError("too_long")
    with transaction.atomic():
        # One proposer at a time: two submissions at once cannot both slip under the limit.
        Proposer.objects.select_for_update().filter(pk=proposer.pk).first()
        if Proposal.objects.counted().filter(call=call, proposer=proposer).count() >= call.max_per_person:
            raise ProposalError("over_limit")
        proposal = Proposal.objects.create(call=call, proposer=proposer, **fields)
        ProposalSpeaker.objects.create(
            proposal=proposal,
            email=proposer.email,
            name=speaker_name.strip(),
            is_proposer=True,
            confirmed_at=timezone.now(),
        )
        _invite(proposal, co_speakers, start=1)
    return proposal


def update(*, proposal: Proposal, data: dict, co_speakers: list[Speaker], now: datetime | None = None) -> Proposal:
    """Change a submitted proposal while its call is open: its fields, and its co-speakers (new ones are
    invited, dropped ones removed). Raises ProposalError call_closed, not_editable and those of ``submit``."""
    call = proposal.call
    if not call.is_open(now=now):
        raise ProposalError("call_closed")
    fields = _clean(call, data)
    co_speakers = _co_speakers(proposal.proposer, co_speakers)
    with transaction.atomic():
        if not Proposal.objects.filter(pk=proposal.pk, state=Proposal.State.SUBMITTED).update(**fields):
            raise ProposalError("not_editable")
        wanted = {speaker.email for speaker in co_speakers}
        proposal.speakers.filter(is_proposer=False).exclude(email__in=wanted).delete()
        kept = set(proposal.speakers.values_list("email", flat=True))
        _invite(proposal, [s for s in co_speakers if s.email not in kept], start=len(kept))
    proposal.refresh_from_db()
    return proposal


def withdraw(*, proposal: Proposal) -> None:
    """Withdraw a proposal, whatever its state; it stops counting towards the limit.
    Raises ProposalError already_withdrawn."""
    changed = Proposal.objects.filter(pk=proposal.pk).exclude(state=Proposal.State.WITHDRAWN)
    if not changed.update(state=Proposal.State.WITHDRAWN, updated_at=timezone.now()):
        raise ProposalError("already_withdrawn")
    proposal.state = Proposal.State.WITHDRAWN


def _check_photo(photo: UploadedFile) -> None:
    if photo.size > PHOTO_MAX_BYTES:
        raise ProposalError("bad_photo")
    head = photo.read(12)
    photo.seek(0)
    if not any(head.startswith(magic) for magic in PHOTO_TYPES) or (head.startswith(b"RIFF") and head[8:12] != b"WEBP"):
        raise ProposalError("bad_photo")


def confirm_speaker(
    *, speaker: ProposalSpeaker, name: str, pronouns: str, bio: str, photo: UploadedFile | None
) -> ProposalSpeaker:
    """A speaker confirms they will be named, with their biography and (optionally) a photo, kept privately
    until the session is made. Raises ProposalError too_long or bad_photo."""
    name, pronouns, bio = name.strip(), pronouns.strip(), bio.strip()
    if not name or len(name) > 200 or len(pronouns) > 40 or len(bio) > BIO_MAX:
        raise ProposalError("too_long")
    if photo is not None:
        _check_photo(photo)
    speaker.name, speaker.pronouns, speaker.bio = name, pronouns, bio
    speaker.confirmed_at = speaker.confirmed_at or timezone.now()
    if photo is not None:
        speaker.photo.save(photo.name, photo, save=False)
    speaker.save()
    return speaker
