"""The proposals' emails, built here and queued through the outbox in the caller's transaction."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from outbox import services as outbox

SIGN_IN_SALT = "proposals.sign-in"
SIGN_IN_MAX_AGE = 2 * 24 * 3600  # a sign-in link works for two days


def sign_in_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=SIGN_IN_SALT, compress=True)


def email_of_token(token: str) -> str | None:
    """The address a sign-in link was sent to, or None when it is forged, mangled or older than two days."""
    if not token or len(token) > 400:
        return None
    try:
        return signing.loads(token, salt=SIGN_IN_SALT, max_age=SIGN_IN_MAX_AGE)
    except signing.BadSignature:
        return None


def _send(template: str, context: dict, *, to: str, subject: str, key: str | None, about: str) -> None:
    body = render_to_string(f"proposals/email/{template}.txt", context)
    outbox.queue(EmailMessage(subject=subject, body=body, to=[to]), key=key, about=about)


def queue_sign_in(*, call, email: str) -> None:
    """A link that proves ``email`` and opens the proposer's page of ``call``."""
    url = settings.SITE_URL + reverse(
        "proposals:sign_in", kwargs={"edition": call.edition.slug, "token": sign_in_token(email)}
    )
    _send(
        "sign_in",
        {"call": call, "url": url},
        to=email,
        subject=f"Your link to propose a session: {call.edition.title}",
        key=None,
        about="proposal sign-in",
    )


def speaker_url(speaker) -> str:
    return settings.SITE_URL + reverse("proposals:speaker", kwargs={"token": speaker.token})


def queue_invitation(*, speaker) -> None:
    """Ask a co-speaker to confirm and to write their biography; once per speaker."""
    proposal = speaker.proposal
    context = {"speaker": speaker, "proposal": proposal, "call": proposal.call, "url": speaker_url(speaker)}
    _send(
        "invitation",
        context,
        to=speaker.email,
        subject=f"You are invited to speak: {proposal.title}",
        key=f"proposal-invitation:{speaker.pk}",
        about=f"proposal {proposal.pk}",
    )


def decision_url(proposal) -> str:
    return settings.SITE_URL + reverse("proposals:decision", kwargs={"token": proposal.token})


def queue_decision(*, proposal) -> None:
    """The organisers' decision in their own words, once per proposal and decision."""
    call = proposal.call
    text = {"accepted": call.accept_text, "rejected": call.reject_text, "waitlisted": call.waitlist_text}[
        proposal.state
    ]
    context = {"proposal": proposal, "call": call, "text": text, "url": decision_url(proposal)}
    _send(
        f"decision_{proposal.state}",
        context,
        to=proposal.proposer.email,
        subject=f"Your proposal to {call.edition.title}: {proposal.title}",
        key=f"proposal-decision:{proposal.pk}:{proposal.state}",
        about=f"proposal {proposal.pk}",
    )
