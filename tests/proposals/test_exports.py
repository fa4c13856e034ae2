"""Proposals and reviews as CSV and XLSX for the programme committee; organisers only."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from proposals.services import review

pytestmark = pytest.mark.django_db


def _url(call, dataset, file_format):
    return reverse("proposals_export", args=[call.pk, dataset, file_format])


def test_the_proposals_csv_has_a_row_each_with_speakers_and_mean_score(client, call, propose, organiser, reviewer):
    proposal = propose(title="=HYPERLINK(1)")
    scores = dict.fromkeys(call.criteria.values_list("pk", flat=True), 4)
    review.review(proposal=proposal, reviewer=reviewer, scores=scores, comment="Yes")
    client.force_login(organiser)

    response = client.get(_url(call, "proposals", "csv"))

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv"
    assert [(r["Title"], r["Speakers"], r["Mean score"], r["Reviews"], r["BSL"]) for r in rows] == [
        ("'=HYPERLINK(1)", "Rosa Luxe", "4.0", "1", "Yes")
    ]


def test_the_reviews_xlsx_has_each_reviewers_scores(client, call, propose, organiser, reviewer):
    proposal = propose()
    scores = dict(zip(call.criteria.order_by("sort_order").values_list("pk", flat=True), (5, 3), strict=True))
    review.review(proposal=proposal, reviewer=reviewer, scores=scores, comment="Good")
    client.force_login(organiser)

    response = client.get(_url(call, "reviews", "xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Proposal number", "Proposal", "Reviewer", "Score", "Scores by criterion", "Comment")
    assert rows[1][:6] == (proposal.pk, "Organising renters", "rev", 4, "Relevance: 5; Clarity: 3", "Good")


def test_a_reviewer_may_not_export(client, call, reviewer):
    client.force_login(reviewer)

    assert client.get(_url(call, "reviews", "csv")).status_code == 403
