"""Review and decisions in the Wagtail admin. Reviewers see the proposals they may review and give
their scores blind; organisers see every proposal by score with its spread, and decide. Thin views over
``proposals.services``; each checks its permission first (403, and nothing changes, without it)."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from festival.downloads import attachment
from proposals import exports
from proposals.forms import ReviewForm
from proposals.models import Call, Proposal, Review
from proposals.services import decisions, review
from proposals.services.errors import ProposalError
from reports.exports import CONTENT_TYPES

REVIEW, DECIDE = "proposals.review_proposal", "proposals.decide_proposal"


def allowed(*permissions: str):
    """For a user with none of ``permissions``, the 'not for your role' page (403) before anything is read."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not any(request.user.has_perm(p) for p in permissions):
                return TemplateResponse(request, "festival/not_for_your_role.html", status=403)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def _calls():
    return Call.objects.select_related("edition").order_by("-edition__start_date")


def _chosen_call(request) -> Call | None:
    calls = _calls()
    raw = request.GET.get("call", "")
    return (calls.filter(pk=raw).first() if raw.isdigit() else None) or calls.first()


@require_http_methods(["GET"])
@allowed(REVIEW, DECIDE)
def index(request):
    """Organisers: every proposal by score, with spread and decisions. Reviewers: those left to review."""
    call = _chosen_call(request)
    context = {
        # Each row's link is this and the proposal's id: not reversed once a row, in a list of thousands.
        "base_url": reverse("proposals_index"),
        "page_title": _("Proposals"),
        "call": call,
        "calls": _calls(),
        "can_decide": request.user.has_perm(DECIDE),
    }
    if call is not None and context["can_decide"]:
        context["ranked"] = review.ranked(call=call)
    elif call is not None:
        context["proposals"] = list(review.reviewable(call=call, user=request.user))
        context["show_names"] = review.shows_names(call=call, user=request.user)
    return TemplateResponse(request, "proposals/admin/index.html", context)


@require_http_methods(["GET", "POST"])
@allowed(REVIEW, DECIDE)
def proposal_page(request, pk):
    """One proposal: its content (without names in an anonymised review), the reviewer's form, and the
    others' reviews once theirs is in."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("call__edition", "session_format", "track", "proposer", "session_page"), pk=pk
    )
    user = request.user
    own = review.is_own(proposal=proposal, user=user)
    mine = Review.objects.filter(proposal=proposal, reviewer=user).prefetch_related("scores").first()
    initial = {"comment": mine.comment, **{f"c_{s.criterion_id}": s.score for s in mine.scores.all()}} if mine else {}
    form = ReviewForm(request.POST or None, initial=initial, criteria=proposal.call.criteria.all())
    status = 200
    if request.method == "POST":
        if not user.has_perm(REVIEW):
            return TemplateResponse(request, "festival/not_for_your_role.html", status=403)
        if form.is_valid():
            try:
                review.review(
                    proposal=proposal, reviewer=user, scores=form.scores(), comment=form.cleaned_data["comment"]
                )
            except ProposalError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your review is saved."))
                return redirect("proposals_proposal", pk=proposal.pk)
        status = 400
    others = []
    if review.sees_others(proposal=proposal, user=user):
        others = (
            proposal.reviews.exclude(reviewer=user)
            .select_related("reviewer")
            .prefetch_related("scores__criterion")
            .order_by("pk")
        )
    context = {
        "page_title": proposal.title if not own else _("Your own proposal"),
        "proposal": proposal,
        "own": own,
        "form": form,
        "can_review": user.has_perm(REVIEW) and not own and proposal.state in review.REVIEWABLE_STATES,
        "can_decide": user.has_perm(DECIDE),
        "show_names": review.shows_names(call=proposal.call, user=user),
        "speakers": proposal.speakers.order_by("sort_order", "pk"),
        "questions": [(q.text, (proposal.answers or {}).get(str(q.pk))) for q in proposal.call.questions.all()],
        "others": others,
    }
    return TemplateResponse(request, "proposals/admin/proposal.html", context, status=status)


@require_POST
@allowed(DECIDE)
def decide(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in decisions.DECISIONS:
        messages.error(request, _("Choose accept, reject or wait-list."))
        return redirect("proposals_proposal", pk=pk)
    try:
        decided = decisions.decide(proposal=proposal, decision=decision, user=request.user)
    except ProposalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s”: %(state)s. The proposer's email is on its way.")
            % {"title": decided.title, "state": decided.get_state_display()},
        )
    return redirect("proposals_proposal", pk=pk)


@require_http_methods(["GET"])
@allowed(DECIDE)
def export(request, pk, dataset, file_format):
    """The call's proposals or reviews as CSV or XLSX, for the programme committee."""
    call = get_object_or_404(Call.objects.select_related("edition"), pk=pk)
    if dataset not in exports.DATASETS or file_format not in CONTENT_TYPES:
        raise Http404
    file = exports.export(call=call, dataset=dataset, file_format=file_format)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = attachment(file.filename, default=f"{dataset}.{file_format}")
    return response


urlpatterns = [
    path("proposals/", index, name="proposals_index"),
    path("proposals/<int:pk>/", proposal_page, name="proposals_proposal"),
    path("proposals/<int:pk>/decide/", decide, name="proposals_decide"),
    path("proposals/calls/<int:pk>/<slug:dataset>.<slug:file_format>", export, name="proposals_export"),
]
