"""Review: blind scores, anonymised names, no reviewing one's own, one review each, the ranked list."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from proposals.models import Review, ReviewScore
from proposals.services import review, submission
from proposals.services.errors import ProposalError
from proposals.services.submission import Speaker

pytestmark = pytest.mark.django_db


def _scores(call, *values):
    return dict(zip(call.criteria.order_by("sort_order").values_list("pk", flat=True), values, strict=True))


def test_a_review_keeps_each_criterions_score_and_their_mean(call, propose, reviewer):
    proposal = propose()

    given = review.review(proposal=proposal, reviewer=reviewer, scores=_scores(call, 5, 2), comment="Good")

    assert (given.score, given.comment) == (3.5, "Good")
    assert sorted(given.scores.values_list("score", flat=True)) == [2, 5]


def test_reviewing_again_changes_the_one_review(call, propose, reviewer):
    proposal = propose()
    review.review(proposal=proposal, reviewer=reviewer, scores=_scores(call, 5, 2), comment="")

    review.review(proposal=proposal, reviewer=reviewer, scores=_scores(call, 1, 1), comment="On reflection")

    assert list(Review.objects.values_list("score", "comment")) == [(1.0, "On reflection")]
    assert ReviewScore.objects.count() == 2


def test_the_database_refuses_a_second_review_by_the_same_reviewer(propose, reviewer):
    proposal = propose()
    Review.objects.create(proposal=proposal, reviewer=reviewer, score=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(proposal=proposal, reviewer=reviewer, score=4)


def test_the_database_refuses_a_score_out_of_range(propose, reviewer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(proposal=propose(), reviewer=reviewer, score=6)


@pytest.mark.parametrize("values", [(6, 1), (-1, 1)])
def test_a_score_out_of_range_is_refused(call, propose, reviewer, values):
    with pytest.raises(ProposalError) as error:
        review.review(proposal=propose(), reviewer=reviewer, scores=_scores(call, *values), comment="")

    assert error.value.code == "bad_score"


def test_every_criterion_needs_a_score(call, propose, reviewer):
    first = call.criteria.order_by("sort_order").first()

    with pytest.raises(ProposalError) as error:
        review.review(proposal=propose(), reviewer=reviewer, scores={first.pk: 3}, comment="")

    assert error.value.code == "bad_score"


def test_a_reviewer_who_is_a_co_speaker_cannot_review_it_nor_sees_it_listed(call, propose, reviewer):
    own = propose(co_speakers=[Speaker(name="Rev", email="REV@example.org")])
    other = propose(title="Another")

    with pytest.raises(ProposalError) as error:
        review.review(proposal=own, reviewer=reviewer, scores=_scores(call, 3, 3), comment="")

    assert error.value.code == "own_proposal"
    assert list(review.reviewable(call=call, user=reviewer)) == [other]


def test_a_reviewer_who_is_the_proposer_cannot_review_it(call, propose, staff):
    proposal = propose()
    rosa = staff("Reviewer", "rosa", email="rosa@example.org")

    with pytest.raises(ProposalError) as error:
        review.review(proposal=proposal, reviewer=rosa, scores=_scores(call, 3, 3), comment="")

    assert error.value.code == "own_proposal"


def test_a_reviewer_sees_the_others_scores_only_after_giving_their_own(client, call, propose, reviewer, staff):
    proposal = propose()
    other = staff("Reviewer", "ria", email="ria@example.org")
    review.review(proposal=proposal, reviewer=other, scores=_scores(call, 1, 1), comment="Ria thinks not")
    client.force_login(reviewer)
    url = reverse("proposals_proposal", args=[proposal.pk])

    before = client.get(url).content.decode()
    client.post(url, {f"c_{pk}": "4" for pk in _scores(call, 0, 0)} | {"comment": "I like it"})
    after = client.get(url).content.decode()

    assert "Ria thinks not" not in before
    assert "Ria thinks not" in after


def test_an_anonymised_review_hides_proposers_and_speakers_names_from_reviewers(client, call, propose, reviewer):
    propose(group="Leeds Tenants' Union")
    call.anonymised_review = True
    call.save()
    client.force_login(reviewer)
    proposal_url = reverse("proposals_proposal", args=[call.proposals.get().pk])

    pages = client.get(reverse("proposals_index")).content.decode() + client.get(proposal_url).content.decode()

    assert "Organising renters" in pages
    assert "Rosa Luxe" not in pages
    assert "rosa@example.org" not in pages
    assert "Leeds Tenants" not in pages


def test_without_anonymising_reviewers_see_the_speakers(client, call, propose, reviewer):
    proposal = propose()
    client.force_login(reviewer)

    page = client.get(reverse("proposals_proposal", args=[proposal.pk])).content.decode()

    assert "Rosa Luxe" in page


def test_ranked_puts_the_best_first_with_the_spread_and_unreviewed_last(call, propose, reviewer, staff):
    low, high, _none = propose(title="Low"), propose(title="High"), propose(title="None", by=_other())
    ria = staff("Reviewer", "ria", email="ria@example.org")
    review.review(proposal=low, reviewer=reviewer, scores=_scores(call, 1, 1), comment="")
    review.review(proposal=high, reviewer=reviewer, scores=_scores(call, 5, 5), comment="")
    review.review(proposal=high, reviewer=ria, scores=_scores(call, 3, 3), comment="")

    rows = review.ranked(call=call)

    assert [(r.title, r.mean, r.spread, r.count) for r in rows] == [
        ("High", 4.0, 2.0, 2),
        ("Low", 1.0, 0.0, 1),
        ("None", None, None, 0),
    ]


def _other():
    return submission.proposer_for("ada@example.org")


def test_a_role_without_review_gets_403(client, call, staff):
    client.force_login(staff("Box office", "bo"))

    response = client.get(reverse("proposals_index"))

    assert response.status_code == 403


@pytest.mark.parametrize("proposals", [1, 3])
def test_the_organisers_list_takes_the_same_queries_however_many_proposals(
    client, call, propose, organiser, reviewer, django_assert_num_queries, proposals
):
    for n in range(proposals):
        proposal = propose(title=f"P{n}", by=_proposer(n))
        review.review(proposal=proposal, reviewer=reviewer, scores=_scores(call, 3, n % 5), comment="")
    client.force_login(organiser)
    client.get(reverse("proposals_index"))  # warm the session and permissions

    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("proposals_index"))

    assert response.content.decode().count("/admin/proposals/") >= proposals


QUERIES = 12  # session, user, permissions, admin menu, the calls and one for the ranked list


def _proposer(n):
    return submission.proposer_for(f"p{n}@example.org")
