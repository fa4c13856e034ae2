"""The demo's call for proposals: open for a fortnight, three proposals, one of them reviewed."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from programme.snippets import SessionFormat, Track
from proposals.models import Call, Criterion, Proposal, Question
from proposals.services import review, submission
from ticketing.models import TicketType

PROPOSALS = [
    (
        "Winning rent strikes",
        "How tenants' unions in three cities won back deposits and repairs.",
        "Leeds Tenants' Union",
    ),
    ("Organising gig workers", "Couriers and drivers on building a union app by app.", "IWGB Couriers' Branch"),
    ("Climate jobs now", "A regional plan for a just transition, from the people who wrote it.", "North West group"),
]


def seed(context: dict) -> None:
    """A call on the demo edition (kept as it is if there already is one), with questions and criteria."""
    festival = context["festival"]
    if Call.objects.filter(edition=festival).exists():
        return
    now = timezone.now()
    call = Call.objects.create(
        edition=festival,
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=14),
        intro="The programme comes from the movement. Propose a talk, workshop, panel or film.",
        speaker_ticket_type=TicketType.objects.filter(festival=festival, name="Speaker").first(),
    )
    formats = list(SessionFormat.objects.filter(edition=festival))
    call.formats.set(formats)
    call.tracks.set(Track.objects.filter(edition=festival))
    call.save()
    Question.objects.create(call=call, text="Have you run this session before?", kind=Question.Kind.YES_NO)
    for n, name in enumerate(("Relevance to the movement", "Clarity", "Participation")):
        Criterion.objects.create(call=call, name=name, sort_order=n)
    for n, (title, abstract, group) in enumerate(PROPOSALS):
        proposer = submission.proposer_for(f"proposer{n + 1}@example.org")
        Proposal.objects.create(call=call, proposer=proposer, title=title, abstract=abstract, group=group,
                                session_format=formats[n % len(formats)])  # fmt: skip
        Proposal.objects.get(title=title, call=call).speakers.create(
            email=proposer.email, name=f"Proposer {n + 1}", is_proposer=True, confirmed_at=now
        )
    reviewer = get_user_model().objects.filter(username="reviewer").first()
    if reviewer is not None:
        first = call.proposals.order_by("pk").first()
        scores = dict.fromkeys(call.criteria.values_list("pk", flat=True), 4)
        review.review(proposal=first, reviewer=reviewer, scores=scores, comment="Strong and practical.")
