"""The proposers' pages: the call, signing in by a link, their proposals, a co-speaker's confirmation and
the speaker's answer to an acceptance. Thin: forms read the input, ``proposals.services`` decide.

No account: a proposer proves their address by a link sent to it (``emails.sign_in_token``), and the
session remembers the proven address. Proposers are one-off visitors (a branch secretary proposing once a
year), so a password would only be forgotten; the address is all the identity the call needs, to write
with decisions and to keep a reviewer off their own proposal.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from festival import throttle
from proposals import emails
from proposals.forms import ProposalForm, SignInForm, SpeakerForm
from proposals.models import Call, Proposal, ProposalSpeaker, Proposer
from proposals.services import decisions, submission
from proposals.services.errors import ProposalError

SESSION_KEY = "proposer_id"
PER_ADDRESS, PER_CLIENT = throttle.Limit(3, 3600), throttle.Limit(10, 3600)


def _call(edition: str) -> Call:
    return get_object_or_404(Call.objects.select_related("edition"), edition__slug=edition, edition__live=True)


def _proposer(request) -> Proposer | None:
    pk = request.session.get(SESSION_KEY)
    return Proposer.objects.filter(pk=pk).first() if pk else None


def _private(response):
    # Pages behind a secret link or a proposer's session: never cached, never sent on as a referrer.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def call_page(request, edition):
    """The call's text, and the form that sends a sign-in link (the same answer whatever the address)."""
    call = _call(edition)
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not throttle.allow("proposals-client", throttle.client_ip(request), PER_CLIENT):
            return throttle.too_many(request, PER_CLIENT, what=_("sign-in links"))
        if throttle.allow("proposals-address", email, PER_ADDRESS):
            emails.queue_sign_in(call=call, email=email)
        messages.success(
            request, _("We've sent a link to %(email)s. Open it to make your proposal.") % {"email": email}
        )
        return redirect("proposals:call", edition=edition)
    context = {"call": call, "page": call.edition, "form": form, "proposer": _proposer(request)}
    return _private(render(request, "proposals/call.html", context, status=400 if form.is_bound else 200))


def sign_in(request, edition, token):
    call = _call(edition)
    email = emails.email_of_token(token)
    if email is None:
        messages.error(request, _("That link has expired or is not whole. Ask for a new one below."))
        return redirect("proposals:call", edition=edition)
    request.session.cycle_key()
    request.session[SESSION_KEY] = submission.proposer_for(email).pk
    return redirect("proposals:mine", edition=call.edition.slug)


def _signed_in(request, edition):
    call, proposer = _call(edition), _proposer(request)
    if proposer is None:
        messages.info(request, _("Please give your email address first: we'll send you a link."))
    return call, proposer


def _own_proposal(call, proposer, pk) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("call__edition", "session_format", "track"), call=call, proposer=proposer, pk=pk
    )


def mine(request, edition):
    call, proposer = _signed_in(request, edition)
    if proposer is None:
        return redirect("proposals:call", edition=edition)
    proposals = (
        Proposal.objects.filter(call=call, proposer=proposer)
        .select_related("session_format", "track")
        .prefetch_related(Prefetch("speakers", queryset=ProposalSpeaker.objects.order_by("sort_order", "pk")))
    )
    context = {"call": call, "page": call.edition, "proposer": proposer, "proposals": proposals, "open": call.is_open()}
    return _private(render(request, "proposals/mine.html", context))


@require_http_methods(["GET", "POST"])
def propose(request, edition, pk=None):
    """A new proposal, or a change to one of the proposer's own (while the call is open)."""
    call, proposer = _signed_in(request, edition)
    if proposer is None:
        return redirect("proposals:call", edition=edition)
    proposal = _own_proposal(call, proposer, pk) if pk else None
    initial = ProposalForm.initial_for(proposal) if proposal else {}
    form = ProposalForm(request.POST or None, initial=initial, call=call, editing=proposal is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if proposal is None:
                submission.submit(
                    call=call,
                    proposer=proposer,
                    data=form.data_for_service(),
                    speaker_name=form.cleaned_data["speaker_name"],
                    co_speakers=form.co_speakers(),
                )
                messages.success(request, _("Thank you: your proposal is in. Co-speakers get an email to confirm."))
            else:
                submission.update(proposal=proposal, data=form.data_for_service(), co_speakers=form.co_speakers())
                messages.success(request, _("Your changes are saved."))
        except ProposalError as error:
            form.add_error(None, error.message)
        else:
            return redirect("proposals:mine", edition=edition)
    status = 400 if request.method == "POST" else 200
    context = {"call": call, "page": call.edition, "form": form, "proposal": proposal, "open": call.is_open()}
    return _private(render(request, "proposals/propose.html", context, status=status))


@require_POST
def withdraw(request, edition, pk):
    call, proposer = _signed_in(request, edition)
    if proposer is None:
        return redirect("proposals:call", edition=edition)
    try:
        submission.withdraw(proposal=_own_proposal(call, proposer, pk))
    except ProposalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your proposal is withdrawn."))
    return redirect("proposals:mine", edition=edition)


def _by_token(model, token: str):
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        model.objects.select_related("proposal__call__edition")
        if model is ProposalSpeaker
        else model.objects.select_related("call__edition", "proposer"),
        token=token,
    )


@require_http_methods(["GET", "POST"])
def speaker(request, token):
    """A speaker's own page: confirm they will be named, with a biography and a photo."""
    person = _by_token(ProposalSpeaker, token)
    initial = {"name": person.name, "pronouns": person.pronouns, "bio": person.bio}
    form = SpeakerForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission.confirm_speaker(
                speaker=person, name=data["name"], pronouns=data["pronouns"], bio=data["bio"], photo=data.get("photo")
            )
        except ProposalError as error:
            form.add_error("photo" if error.code == "bad_photo" else None, error.message)
        else:
            messages.success(request, _("Thank you: you are confirmed as a speaker."))
            return redirect("proposals:speaker", token=token)
    context = {"person": person, "proposal": person.proposal, "page": person.proposal.call.edition, "form": form}
    return _private(render(request, "proposals/speaker.html", context, status=400 if form.is_bound else 200))


@require_http_methods(["GET", "POST"])
def decision(request, token):
    """An accepted proposal's speaker confirms they will come, or declines."""
    proposal = _by_token(Proposal, token)
    if request.method == "POST":
        try:
            decisions.respond(proposal=proposal, confirm=request.POST.get("answer") == "confirm")
        except ProposalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: we have your answer."))
        return redirect("proposals:decision", token=token)
    context = {"proposal": proposal, "page": proposal.call.edition}
    return _private(render(request, "proposals/decision.html", context))
