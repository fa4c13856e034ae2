"""The voter's pages: the ballot link (from the order page or the badge), casting, receipts.

Thin: each reads its input, calls one service of ``assembly.voting`` and renders. The ballot POST
is marked sensitive so an error report never shows the choice beside the link that names the badge.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from festival.headers import policy_allowing
from festival.models import FestivalPage

from . import links, motions, voting
from .errors import AssemblyError
from .models import Agenda, Elector, Motion, MotionsWindow, Vote
from .results import described


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the ballot link: no other site is sent it, and no cache keeps the page.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _link_refused(request, error: AssemblyError) -> HttpResponse:
    return _private(render(request, "assembly/link_refused.html", {"error": error}, status=403))


def _ballot_page(request, token, ticket, *, status=200, error=None):
    festival = ticket.order.festival
    votes = list(
        Vote.objects.filter(festival_id=festival.pk, mode=Vote.Mode.BALLOT, status=Vote.Status.OPEN)
        .select_related("motion")
        .order_by("opened_at", "pk")
    )
    if any(vote.is_election for vote in votes):
        prefetch_related_objects(votes, "candidates")
    mine = dict(Elector.objects.filter(vote__in=votes, ticket=ticket).values_list("vote_id", "voted"))
    for vote in votes:
        vote.eligible = vote.pk in mine
        vote.already_voted = mine.get(vote.pk, False)
        vote.ranks = range(1, len(vote.candidates.all()) + 1) if vote.is_election else ()
    context = {
        "page": festival,
        "festival": festival,
        "ticket": ticket,
        "token": token,
        "votes": votes,
        "error": error,
    }
    return _private(render(request, "assembly/ballot.html", context, status=status))


@require_GET
def ballot(request, token):
    """The open votes this badge may vote in, each with its ballot form."""
    try:
        ticket = links.ticket_for(token)
    except AssemblyError as exc:
        return _link_refused(request, exc)
    return _ballot_page(request, token, ticket)


def _posted_choice(request, vote: Vote):
    if vote.method == Vote.Method.YES_NO:
        return request.POST.get("choice")
    if vote.method == Vote.Method.APPROVAL:
        return request.POST.getlist("candidate")
    ranks = {}
    for key, value in request.POST.items():
        if key.startswith("rank_") and value.strip():
            ranks[key.removeprefix("rank_")] = value.strip()
    if len(set(ranks.values())) != len(ranks):
        raise AssemblyError("bad_ranking")
    try:
        return [candidate for candidate, _ in sorted(ranks.items(), key=lambda item: int(item[1]))]
    except ValueError as exc:
        raise AssemblyError("bad_ranking") from exc


@sensitive_post_parameters()
@require_POST
def cast(request, token, vote_id):
    """Cast this badge's ballot in one vote; answers with the receipt, never the choice.

    The link's signature is checked here and its badge inside the cast, which reads the ticket's
    secret anyway: the ticket is loaded only to answer a refusal."""
    try:
        link = links.read(token)
    except AssemblyError as exc:
        return _link_refused(request, exc)
    vote = get_object_or_404(Vote, pk=vote_id)
    try:
        choice = _posted_choice(request, vote)
        receipt = voting.cast_ballot(vote=vote, ticket_id=link.ticket_id, choice=choice, link=link)
    except AssemblyError as exc:
        return _not_cast(request, token, exc)
    context = {"token": token, "receipt": receipt, "vote": vote}
    return _private(render(request, "assembly/cast_done.html", context))


def _not_cast(request, token, error: AssemblyError) -> HttpResponse:
    """The ballot page again, saying why the ballot was not cast; a link that no longer opens its
    badge (or names no ticket) is refused as such first."""
    try:
        ticket = links.ticket_for(token)
    except AssemblyError as exc:
        return _link_refused(request, exc)
    status = 409 if error.code in ("already_voted", "closed", "not_open") else 400
    if error.code in ("not_eligible", "ticket_not_valid"):
        status = 403
    return _ballot_page(request, token, ticket, status=status, error=error)


@require_GET
def receipt(request):
    """Check a receipt: says whether that ballot is in the count, never what it says."""
    code = request.GET.get("receipt", "").strip()
    context = {"code": code, "vote": None, "error": None}
    if code:
        try:
            context["vote"] = voting.check_receipt(receipt=code)
        except AssemblyError as exc:
            context["error"] = exc
    response = render(request, "assembly/receipt.html", context, status=404 if context["error"] else 200)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def badge(request):
    """Reach your ballot from your badge: scan its QR code (or type the code under it)."""
    error = None
    if request.method == "POST":
        try:
            ticket = links.ticket_for_badge_code(request.POST.get("code", ""))
        except AssemblyError as exc:
            error = exc
        else:
            return redirect("assembly:ballot", token=links.ballot_token(ticket))
    response = render(request, "assembly/badge.html", {"error": error}, status=400 if error else 200)
    response["Permissions-Policy"] = policy_allowing("camera")  # "Scan my badge", on this page only
    return _private(response)


def _motions_context(festival) -> dict:
    tabled = list(
        Motion.objects.filter(festival=festival)
        .exclude(status=Motion.Status.WITHDRAWN)
        .prefetch_related("seconders", "amendments")
        .order_by("created_at", "pk")
    )
    for motion in tabled:
        motion.open_to_members = motion.status in motions.SECONDABLE
        for amendment in motion.amendments.all():
            amendment.pieces = motions.shown_against(motion, amendment)
    agendas = Agenda.objects.filter(festival=festival).prefetch_related("items")
    window = MotionsWindow.objects.filter(festival=festival).first()
    return {
        "page": festival, "festival": festival, "motions": tabled, "agendas": agendas,
        "seconders_needed": window.seconders_needed if window else 0,
    }  # fmt: skip


@require_GET
def motions_list(request, slug):
    """An edition's motions, their seconders and amendments (as differences), and the agenda."""
    festival = get_object_or_404(FestivalPage.objects.live(), slug=slug)
    return render(request, "assembly/motions.html", _motions_context(festival))


@require_http_methods(["GET", "POST"])
def member_motions(request, token):
    """The motions page for a member, reached by their badge's link: table, second, amend."""
    try:
        ticket = links.ticket_for(token)
    except AssemblyError as exc:
        return _link_refused(request, exc)
    festival = ticket.order.festival
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "table":
                motions.table_motion(
                    festival=festival, ticket=ticket, title=request.POST.get("title", ""),
                    text=request.POST.get("text", ""),
                )  # fmt: skip
            else:
                motion = get_object_or_404(Motion, pk=request.POST.get("motion") or 0, festival=festival)
                if action == "second":
                    motions.second_motion(motion=motion, ticket=ticket)
                else:
                    motions.propose_amendment(motion=motion, ticket=ticket, text=request.POST.get("text", ""))
        except AssemblyError as exc:
            error = exc
        else:
            return redirect("assembly:member_motions", token=token)
    context = {**_motions_context(festival), "token": token, "ticket": ticket, "error": error}
    return _private(render(request, "assembly/motions.html", context, status=400 if error else 200))


@require_GET
def projector(request, slug):
    """The hall's screen: the vote now open, or the latest closed one with its result; refreshes itself
    (static/assembly/projector.js)."""
    festival = get_object_or_404(FestivalPage.objects.live(), slug=slug)
    votes = Vote.objects.filter(festival=festival).exclude(status=Vote.Status.DRAFT)
    vote = votes.filter(status=Vote.Status.OPEN).order_by("-opened_at").first()
    vote = vote or votes.order_by("-closed_at", "-pk").first()
    voted = 0
    if vote is not None and vote.status == Vote.Status.OPEN and vote.mode == Vote.Mode.BALLOT:
        voted = Elector.objects.filter(vote=vote, voted=True).count()
    context = {"page": festival, "festival": festival, "vote": vote, "voted": voted}
    context["result"] = described(vote) if vote is not None else None
    response = render(request, "assembly/projector.html", context)
    response["Cache-Control"] = "no-store"
    return response
