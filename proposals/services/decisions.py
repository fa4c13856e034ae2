"""Deciding on proposals, the speaker's answer, and the draft session a confirmed proposal becomes.

Every change of state is a guarded update (``UPDATE ... WHERE state IN (...)``): two organisers
deciding at once, or a speaker confirming twice at once, change it once, so one email goes out and
one session page is made (the proposal's one-to-one link to it holds that in the database too).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from programme.models import ProgrammePage, SessionPage, SessionSpeaker
from proposals import emails
from proposals.models import Proposal, ProposalSpeaker
from proposals.services.errors import ProposalError
from speakers.models import SpeakerIndexPage, SpeakerPage
from ticketing.services import boxoffice
from ticketing.services.errors import ShopError

State = Proposal.State
DECISIONS = {
    State.ACCEPTED: (State.SUBMITTED, State.WAITLISTED),
    State.REJECTED: (State.SUBMITTED, State.WAITLISTED),
    State.WAITLISTED: (State.SUBMITTED,),
}


def decide(*, proposal: Proposal, decision: str, user) -> Proposal:
    """Accept, reject or wait-list a proposal and queue the proposer's email (in the organisers' words)
    in the same transaction. Raises ProposalError already_decided (decided meanwhile, or withdrawn)."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    now = timezone.now()
    with transaction.atomic():
        changed = Proposal.objects.filter(pk=proposal.pk, state__in=DECISIONS[decision]).update(
            state=decision, decided_by=user, decided_at=now, updated_at=now
        )
        if not changed:
            raise ProposalError("already_decided")
        proposal = Proposal.objects.select_related("call__edition", "proposer").get(pk=proposal.pk)
        emails.queue_decision(proposal=proposal)
    return proposal


def respond(*, proposal: Proposal, confirm: bool) -> Proposal:
    """The speaker confirms (the proposal becomes a draft session, and its confirmed speakers get their
    complimentary tickets) or declines. Raises ProposalError not_awaiting_confirmation or no_programme."""
    with transaction.atomic():
        changed = Proposal.objects.filter(pk=proposal.pk, state=State.ACCEPTED).update(
            state=State.CONFIRMED if confirm else State.DECLINED, updated_at=timezone.now()
        )
        if not changed:
            raise ProposalError("not_awaiting_confirmation")
        proposal = Proposal.objects.select_related(
            "call__edition", "call__speaker_ticket_type", "decided_by", "session_format", "track"
        ).get(pk=proposal.pk)
        if confirm:
            proposal.session_page = make_session(proposal)
            proposal.save(update_fields=["session_page"])
            issue_speaker_tickets(proposal)
    return proposal


def _paragraphs(text: str) -> str:
    """Plain text as rich text: each paragraph escaped, so markup typed in stays text."""
    return "".join(f"<p>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def _speaker_page(index: SpeakerIndexPage, speaker: ProposalSpeaker) -> SpeakerPage:
    """The edition's speaker page of that name, or a new draft one with the speaker's own words."""
    found = SpeakerPage.objects.child_of(index).filter(title__iexact=speaker.name).first()
    if found is not None:
        return found
    page = SpeakerPage(
        title=speaker.name,
        slug=_free_slug(index, speaker.name),
        live=False,
        pronouns=speaker.pronouns,
        short_bio=speaker.bio[:300],
        bio=_paragraphs(speaker.bio),
    )
    index.add_child(instance=page)
    page.save_revision()
    return page


def _free_slug(parent, title: str) -> str:
    base = slugify(title)[:60] or "untitled"
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def make_session(proposal: Proposal) -> SessionPage:
    """A draft session page under the edition's programme, with its confirmed speakers' pages (matched by
    name or made as drafts): nothing is published, an editor schedules and publishes it. Raises
    ProposalError no_programme."""
    edition = proposal.call.edition
    programme = ProgrammePage.objects.child_of(edition).first()
    index = SpeakerIndexPage.objects.child_of(edition).first()
    if programme is None or index is None:
        raise ProposalError("no_programme")
    speakers = [_speaker_page(index, s) for s in proposal.speakers.filter(confirmed_at__isnull=False)]
    session = SessionPage(
        title=proposal.title,
        slug=_free_slug(programme, proposal.title),
        live=False,
        summary=proposal.abstract[:300],
        description=_paragraphs(proposal.description or proposal.abstract),
        session_format=proposal.session_format,
        track=proposal.track,
        bsl=proposal.bsl,
        step_free=proposal.step_free,
    )
    for n, speaker in enumerate(speakers):
        session.speaker_links.add(SessionSpeaker(speaker=speaker, sort_order=n))
    programme.add_child(instance=session)
    # A draft waiting for its time and stage: the editor gives them (and the clash rules apply) on publishing.
    session.save_revision(clean=False)
    return session


def issue_speaker_tickets(proposal: Proposal) -> int:
    """Each confirmed speaker's complimentary ticket (their badge comes by email), when the call names a
    speaker ticket type; how many were issued. Room run out is left to the box office, not refused."""
    ticket_type = proposal.call.speaker_ticket_type
    if ticket_type is None:
        return 0
    people = [
        boxoffice.Person(name=s.name, email=s.email) for s in proposal.speakers.filter(confirmed_at__isnull=False)
    ]
    try:
        with transaction.atomic():
            issued = boxoffice.issue_complimentary(
                festival=proposal.call.edition,
                ticket_type=ticket_type,
                people=people,
                user=proposal.decided_by,
                note=f"Speaker: {proposal.title}",
            )
    except ShopError:
        return 0
    return len(issued)
