"""Domain errors of the assembly. Each carries a stable ``code``; pages map codes to words."""

from django.utils.translation import gettext_lazy as _

from festival.errors import DomainError

MESSAGES = {
    "forged_link": _("This voting link is not one we made. Use the link on your order page or scan your badge."),
    "badge_replaced": _("This badge has been replaced. Use the link for your new badge."),
    "not_open": _("This vote is not open."),
    "closed": _("This vote has closed, so your ballot was not counted."),
    "not_eligible": _("Your ticket is not in this vote's electorate."),
    "ticket_not_valid": _("Your ticket is no longer valid, so it cannot vote."),
    "already_voted": _("A ballot from this badge has already been counted for this vote."),
    "bad_choice": _("Choose yes, no or abstain."),
    "unknown_candidate": _("That choice is not on this ballot."),
    "bad_ranking": _("Give each candidate you rank a different number."),
    "empty_ballot": _("Choose at least one candidate."),
    "not_draft": _("This vote has already been opened."),
    "not_a_ballot_vote": _("This vote is counted by hand, not by phone."),
    "not_counted_by_hand": _("This vote is a secret ballot from phones; its count comes from the ballots."),
    "bad_count": _("Counts must be whole numbers of zero or more."),
    "no_candidates": _("An election needs at least two candidates."),
    "unknown_receipt": _("We have no ballot with that receipt."),
    "unknown_ticket": _("We don't recognise that badge."),
    "not_a_member": _("Only holders of a valid ticket of this edition can do that."),
    "already_seconded": _("You have already seconded this motion."),
    "own_motion": _("You cannot second your own motion."),
    "motions_closed": _("Motions cannot be tabled or amended just now: the motions window is closed."),
    "empty_text": _("Write the text first."),
    "unchanged": _("The amendment leaves the text as it is."),
    "not_seconding": _("This motion has been decided or withdrawn, so it cannot be seconded."),
    "not_seconded": _("This motion still needs its seconders before it can be put to the vote."),
    "not_votable": _("This motion or amendment has been withdrawn or already decided."),
}


class AssemblyError(DomainError):
    messages = MESSAGES
