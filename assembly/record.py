"""The assembly's record: motions, amendments, results and turnout per vote, as a PDF minute and as
django-import-export resources (CSV or XLSX). Ballots are never in the record: only the counts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from import_export import fields, resources

from reports.exports import neutralise
from ticketing import pdf

from .models import Motion, Vote
from .motions import shown_against
from .results import described


class MotionResource(resources.ModelResource):
    seconders = fields.Field(column_name="seconders")
    amendments = fields.Field(column_name="amendments")

    class Meta:
        model = Motion
        fields = ("id", "title", "text", "original_text", "proposer_name", "seconders", "amendments", "status",
                  "created_at")  # fmt: skip
        export_order = fields

    def dehydrate_seconders(self, motion):
        return ", ".join(s.name for s in motion.seconders.all())

    def dehydrate_amendments(self, motion):
        return len(motion.amendments.all())

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


class VoteResource(resources.ModelResource):
    subject = fields.Field(column_name="motion or amendment")
    outcome = fields.Field(column_name="outcome")

    class Meta:
        model = Vote
        fields = ("id", "title", "subject", "method", "mode", "status", "electorate_size", "turnout", "outcome",
                  "opened_at", "closed_at")  # fmt: skip
        export_order = ("id", "title", "subject", "method", "mode", "status", "electorate_size", "turnout",
                        "outcome", "opened_at", "closed_at")  # fmt: skip

    def dehydrate_subject(self, vote):
        return str(vote.amendment or vote.motion or "")

    def dehydrate_outcome(self, vote):
        result = described(vote)
        if result is None:
            return ""
        return f"{result['outcome']}: " + ", ".join(f"{label} {figure}" for label, figure in result["rows"])

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


def motions_of(festival):
    return Motion.objects.filter(festival=festival).prefetch_related("seconders", "amendments").order_by("pk")


def votes_of(festival):
    return Vote.objects.filter(festival=festival).select_related("motion", "amendment").order_by("closed_at", "pk")


def minute_pdf(*, festival) -> bytes:
    """The edition's assembly minute as PDF bytes."""
    motions = list(motions_of(festival))
    for motion in motions:
        for amendment in motion.amendments.all():
            amendment.pieces = shown_against(motion, amendment)
    votes = list(votes_of(festival))
    for vote in votes:
        vote.described = described(vote)
    context = {
        "festival": festival,
        "motions": motions,
        "votes": votes,
        "made_at": timezone.localtime(timezone.now(), festival.tz),
    }
    html = render_to_string("assembly/minute.html", context)
    return pdf.render(
        html,
        stylesheet=str(Path(settings.BASE_DIR) / "templates" / "assembly" / "minute.css"),
        base_url=str(settings.BASE_DIR),
    )
