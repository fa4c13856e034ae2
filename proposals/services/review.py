"""Reviewing proposals: who may review which, a review's scores, and the organisers' list by score.

Blind by construction: a reviewer sees the others' reviews of a proposal only once their own is in
(``sees_others``), and never reviews a proposal they are a proposer or speaker on (``is_own``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet

from proposals.models import SCORE_MAX, SCORE_MIN, Call, Proposal, ProposalSpeaker, Review, ReviewScore
from proposals.services.errors import ProposalError

DECIDE = "proposals.decide_proposal"
REVIEWABLE_STATES = (Proposal.State.SUBMITTED, Proposal.State.WAITLISTED)


def _own(user) -> Q:
    """Proposals ``user`` is a proposer or speaker on, matched by email address (any case)."""
    email = (user.email or "").strip()
    if not email:
        return Q(pk__in=[])
    return Q(Exists(ProposalSpeaker.objects.filter(proposal=OuterRef("pk"), email__iexact=email)))


def is_own(*, proposal: Proposal, user) -> bool:
    return Proposal.objects.filter(_own(user), pk=proposal.pk).exists()


def reviewable(*, call: Call, user) -> QuerySet[Proposal]:
    """The proposals of ``call`` that ``user`` may review, with ``reviewed`` (whether theirs is in)."""
    mine = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user)
    return (
        Proposal.objects.filter(call=call, state__in=REVIEWABLE_STATES)
        .exclude(_own(user))
        .select_related("session_format", "track")
        .annotate(reviewed=Exists(mine))
        .order_by("reviewed", "created_at", "pk")
    )


def sees_others(*, proposal: Proposal, user) -> bool:
    """Whether ``user`` may see the other reviews: organisers always, reviewers once they gave theirs."""
    return user.has_perm(DECIDE) or Review.objects.filter(proposal=proposal, reviewer=user).exists()


def shows_names(*, call: Call, user) -> bool:
    """Whether proposers' and speakers' names are shown to ``user``: not to reviewers in an anonymised review."""
    return user.has_perm(DECIDE) or not call.anonymised_review


def review(*, proposal: Proposal, reviewer, scores: dict[int, int], comment: str) -> Review:
    """Give (or change) ``reviewer``'s review: a score from 0 to 5 for each of the call's criteria.
    Raises ProposalError own_proposal, not_reviewable, bad_score or too_long."""
    if is_own(proposal=proposal, user=reviewer):
        raise ProposalError("own_proposal")
    if proposal.state not in REVIEWABLE_STATES:
        raise ProposalError("not_reviewable")
    criteria = list(proposal.call.criteria.values_list("pk", flat=True))
    if (
        not criteria
        or set(scores) != set(criteria)
        or any(not isinstance(s, int) or not SCORE_MIN <= s <= SCORE_MAX for s in scores.values())
    ):
        raise ProposalError("bad_score")
    if len(comment) > 4000:
        raise ProposalError("too_long")
    mean = sum(scores.values()) / len(scores)
    with transaction.atomic():
        given, _created = Review.objects.update_or_create(
            proposal=proposal, reviewer=reviewer, defaults={"score": mean, "comment": comment.strip()}
        )
        given.scores.all().delete()
        ReviewScore.objects.bulk_create(
            [ReviewScore(review=given, criterion_id=pk, score=score) for pk, score in scores.items()]
        )
    return given


@dataclass(frozen=True)
class Ranked:
    """One row of the organisers' list: a proposal's few fields shown there, and its scores."""

    pk: int
    title: str
    proposer: str
    group: str
    session_format: str
    state: str
    mean: float | None
    spread: float | None
    count: int
    state_label: str = ""

    def shown(self, value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    @property
    def mean_shown(self) -> str:
        return self.shown(self.mean)

    @property
    def spread_shown(self) -> str:
        return self.shown(self.spread)


def ranked(*, call: Call) -> list[Ranked]:
    """The call's proposals (but the withdrawn) by mean score, best first, unreviewed last, with each
    one's spread (highest review less lowest) and number of reviews: one query however many, reading
    only the columns the list shows."""
    rows = (
        Proposal.objects.counted()
        .filter(call=call)
        .values("pk", "title", "group", "state", "proposer__email", "session_format__name")
        .annotate(
            mean=Avg("reviews__score"), low=Min("reviews__score"), high=Max("reviews__score"), count=Count("reviews")
        )  # fmt: skip
        .order_by(F("mean").desc(nulls_last=True), "pk")
    )
    return [
        Ranked(
            pk=row["pk"],
            title=row["title"],
            proposer=row["proposer__email"],
            group=row["group"],
            session_format=row["session_format__name"],
            state=row["state"],
            mean=row["mean"],
            spread=None if row["mean"] is None else row["high"] - row["low"],
            count=row["count"],
        )  # fmt: skip
        for row in rows
    ]
