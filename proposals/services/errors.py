"""The proposals' domain error: a stable code, and plain words for the person who caused it."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "call_closed": _("The call for proposals is closed, so proposals can no longer be made or changed."),
    "over_limit": _("You have reached the number of proposals one person may make to this call."),
    "too_long": _("Some of what you wrote is longer than we can take. Please shorten it."),
    "bad_choice": _("Please choose one of the formats and tracks on offer."),
    "missing_answer": _("Please answer the questions marked as required."),
    "not_editable": _("This proposal can no longer be changed."),
    "already_withdrawn": _("This proposal has already been withdrawn."),
    "own_proposal": _("You cannot review a proposal you are a proposer or speaker on."),
    "bad_score": _("Give every criterion a score from 0 to 5."),
    "not_reviewable": _("This proposal is not open to review."),
    "already_decided": _("Someone has already decided on this proposal, or it is no longer waiting for a decision."),
    "not_awaiting_confirmation": _("This session is not waiting for your confirmation."),
    "no_programme": _("This edition has no programme page or speaker index to put the session on."),
    "duplicate_speaker": _("Each speaker can only be listed once."),
    "bad_photo": _("The photo must be a JPEG, PNG or WebP image of at most 2 MB."),
}


class ProposalError(Exception):
    """An expected refusal, named by ``code`` (a key of ``MESSAGES``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code]
