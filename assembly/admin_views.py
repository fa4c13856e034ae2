"""The chair's pages in the Wagtail admin: the votes, and one vote's controls (open, close, or enter a
counted show of hands or paper ballot), with the electorate's size and the turnout. Thin views over
``assembly.voting``; each checks ``assembly.chair_vote`` first (403, and nothing changes, without it)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from festival.downloads import attachment
from festival.models import FestivalPage
from reports.exports import CONTENT_TYPES, rows_as_file
from ticketing.admin_views import action

from . import record, voting
from .errors import AssemblyError
from .models import Elector, Vote
from .results import described

CHAIR = "assembly.chair_vote"
VIEW_RECORD = "assembly.view_vote"


@action(CHAIR)
def chair_index(request):
    voting.reshuffle_pending()
    votes = Vote.objects.select_related("festival").order_by("-festival__start_date", "status", "pk")
    editions = FestivalPage.objects.filter(pk__in=Vote.objects.values("festival")).order_by("-start_date")
    context = {"page_title": _("Chair a vote"), "votes": votes, "editions": editions}
    return TemplateResponse(request, "assembly/admin/chair_index.html", context)


@action(CHAIR)
def chair_vote(request, pk):
    vote = get_object_or_404(Vote.objects.select_related("festival", "motion"), pk=pk)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "open":
                vote = voting.open_vote(vote_id=vote.pk)
                messages.success(request, _("The vote is open: %(n)s may vote.") % {"n": vote.electorate_size})
            elif step == "close":
                vote = voting.close_vote(vote_id=vote.pk)
                messages.success(request, _("The vote is closed and counted."))
            elif step == "count":
                counts = {k.removeprefix("count_"): v for k, v in request.POST.items() if k.startswith("count_")}
                vote = voting.record_count(vote_id=vote.pk, counts=counts)
                messages.success(request, _("The count is recorded."))
        except AssemblyError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("assembly_chair_vote", args=[vote.pk]))
    voting.reshuffle_pending()
    voted = Elector.objects.filter(vote=vote, voted=True).count() if vote.status == Vote.Status.OPEN else vote.turnout
    context = {
        "page_title": vote.title,
        "vote": vote,
        "voted": voted,
        "candidates": list(vote.candidates.all()),
        "result": described(vote),
    }
    return TemplateResponse(request, "assembly/admin/chair_vote.html", context)


@action(VIEW_RECORD)
def minute(request, festival_pk):
    """The edition's assembly minute as a PDF download."""
    festival = get_object_or_404(FestivalPage, pk=festival_pk)
    response = HttpResponse(record.minute_pdf(festival=festival), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"assembly-minute-{festival.slug}.pdf", default="minute.pdf")
    return response


@action(VIEW_RECORD)
def export(request, festival_pk, kind, file_format):
    """The edition's motions or votes as CSV or XLSX, from django-import-export resources."""
    festival = get_object_or_404(FestivalPage, pk=festival_pk)
    if file_format not in CONTENT_TYPES:
        raise Http404
    if kind == "motions":
        dataset = record.MotionResource().export(record.motions_of(festival))
    elif kind == "votes":
        dataset = record.VoteResource().export(record.votes_of(festival))
    else:
        raise Http404
    content = rows_as_file(file_format, dataset.headers, dataset, title=kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"assembly-{kind}-{festival.slug}.{file_format}"
    response["Content-Disposition"] = attachment(filename, default=f"{kind}.{file_format}")
    return response


urlpatterns = [
    path("assembly/record/<int:festival_pk>/minute.pdf", minute, name="assembly_minute"),
    path("assembly/record/<int:festival_pk>/<slug:kind>.<slug:file_format>", export, name="assembly_export"),
    path("assembly/chair/", chair_index, name="assembly_chair_index"),
    path("assembly/chair/<int:pk>/", chair_vote, name="assembly_chair_vote"),
]
