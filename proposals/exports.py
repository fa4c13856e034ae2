"""The call's proposals and reviews as CSV or XLSX for the programme committee's meeting, through
django-import-export resources and the reports' writers (cells that look like formulas are made text)."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields

from proposals.models import Call, Proposal, ProposalSpeaker, Review
from reports.exports import CONTENT_TYPES, EditionResource, write


def _field(attribute: str, heading) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=heading, readonly=True)


class CallResource(EditionResource):
    """Rows of one call (the edition's)."""

    def __init__(self, *, call: Call):
        super().__init__(festival=call.edition)
        self.call = call


class ProposalResource(CallResource):
    number = _field("pk", _("Number"))
    title = _field("title", _("Title"))
    state = _field("get_state_display", _("State"))
    proposer = _field("proposer__email", _("Proposer"))
    group = _field("group", _("Group"))
    session_format = _field("session_format__name", _("Format"))
    track = _field("track__name", _("Track"))
    length = _field("length_minutes", _("Length (minutes)"))
    bsl = _field("bsl", _("BSL"))
    step_free = _field("step_free", _("Step-free room"))
    access_notes = _field("access_notes", _("Other access needs"))
    speakers = _field("speakers", _("Speakers"))
    mean = _field("mean", _("Mean score"))
    reviews = _field("review_count", _("Reviews"))
    abstract = _field("abstract", _("Abstract"))
    created_at = _field("created_at", _("Proposed at"))

    class Meta:
        model = Proposal
        fields = ("number", "title", "state", "proposer", "group", "session_format", "track", "length", "bsl",
                  "step_free", "access_notes", "speakers", "mean", "reviews", "abstract", "created_at")  # fmt: skip
        export_order = fields

    def rows(self):
        speakers = ProposalSpeaker.objects.order_by("sort_order", "pk")
        return (
            Proposal.objects.filter(call=self.call)
            .select_related("proposer", "session_format", "track")
            .prefetch_related(Prefetch("speakers", queryset=speakers))
            .annotate(mean=Avg("reviews__score"), review_count=Count("reviews"))
            .order_by("pk")
        )

    def dehydrate_speakers(self, proposal):
        return "; ".join(f"{s.name}{'' if s.confirmed_at else ' (not confirmed)'}" for s in proposal.speakers.all())

    def dehydrate_mean(self, proposal):
        return "" if proposal.mean is None else round(proposal.mean, 2)


class ReviewResource(CallResource):
    number = _field("proposal_id", _("Proposal number"))
    title = _field("proposal__title", _("Proposal"))
    reviewer = _field("reviewer__username", _("Reviewer"))
    score = _field("score", _("Score"))
    criteria = _field("criteria", _("Scores by criterion"))
    comment = _field("comment", _("Comment"))
    updated_at = _field("updated_at", _("Reviewed at"))

    class Meta:
        model = Review
        fields = ("number", "title", "reviewer", "score", "criteria", "comment", "updated_at")
        export_order = fields

    def rows(self):
        return (
            Review.objects.filter(proposal__call=self.call)
            .select_related("proposal", "reviewer")
            .prefetch_related("scores__criterion")
            .order_by("proposal_id", "pk")
        )

    def dehydrate_criteria(self, given):
        return "; ".join(f"{s.criterion.name}: {s.score}" for s in given.scores.all())


DATASETS = {"proposals": (_("Proposals"), ProposalResource), "reviews": (_("Reviews"), ReviewResource)}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export(*, call: Call, dataset: str, file_format: str) -> ExportFile:
    """The call's ``dataset`` ("proposals" or "reviews") as "csv" or "xlsx". Raises KeyError for another."""
    label, resource = DATASETS[dataset]
    content = write(file_format, resource(call=call), title=str(label))
    today = timezone.localdate(timezone=call.edition.tz).isoformat()
    return ExportFile(content=content, content_type=CONTENT_TYPES[file_format],
                      filename=f"{call.edition.slug}-{dataset}-{today}.{file_format}")  # fmt: skip
