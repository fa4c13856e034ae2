"""Domain errors of the shop. Each carries a stable ``code``; pages map codes to words."""

from django.utils.translation import gettext_lazy as _

from festival.errors import DomainError

MESSAGES = {
    "no_tickets": _("Choose at least one ticket."),
    "invalid_quantity": _("Quantities must be whole numbers of zero or more."),
    "over_limit": _("You can buy at most %(limit)s %(name)s tickets in one order."),
    "below_minimum": _("The least you can pay for %(name)s is %(minimum)s."),
    "not_on_sale": _("%(name)s tickets are not on sale right now."),
    "not_available": _("%(name)s tickets are not available to buy here."),
    "sold_out": _("Sorry, there are only %(left)s %(name)s tickets left."),
    "edition_not_on_sale": _("Tickets for this edition are not on sale."),
    "edition_over": _("This festival is over, so its tickets are no longer on sale."),
    "voucher_unknown": _("We don't recognise that voucher code. Check it and try again."),
    "voucher_expired": _("That voucher has expired."),
    "voucher_used_up": _("That voucher has been used as many times as it allows."),
    "invalid_donation": _("A donation must be zero or more."),
    "amount_too_small": _("Card payments must be at least 30p. Add a little more, or choose a free ticket."),
    "name_needed": _("Type a name: this one is only spaces or invisible characters."),
    "names_needed": _("Give a name for every attendee."),
    "payment_unavailable": _("We couldn't reach the payment provider, so nothing was charged. Please try again."),
    "not_refundable": _("Only paid tickets can be refunded."),
    "not_cancellable": _("Choose tickets of this paid order that are still valid."),
    "refund_failed": _("The refund did not go through: %(detail)s"),
    "refund_too_large": _("That would refund %(amount)s, but only %(left)s of this order is left to refund."),
    "not_paid": _("Only a paid order has a confirmation to send."),
    "not_pending": _("This order is no longer waiting for payment, so there is no hold to release."),
    "hold_being_paid": _(
        "Stripe says the buyer has completed this payment; the order will turn paid when Stripe tells us. "
        "Nothing was released."
    ),
    "stripe_unreachable": _(
        "Stripe could not be reached, so the payment page could not be closed. Nothing was released."
    ),
    "not_complimentary": _("Choose a complimentary ticket type of this edition."),
    "people_needed": _("Give at least one person, one a line, as a name and an email address."),
    "too_many_people": _("Issue at most %(limit)s tickets at once."),
    "bad_person_line": _(
        "Line %(line)s (“%(text)s”) is not a name and an email address, like Ada Lovelace <ada@example.org>. "
        "No tickets were issued."
    ),
    "complimentary_no_room": _(
        "You asked for %(wanted)s %(name)s tickets but only %(left)s are left, so no tickets were issued."
    ),
    "already_waiting": _("You are already on the waiting list."),
    "sold_out_none_left": _("Sorry, %(name)s tickets have just sold out."),
    "not_sold_out": _("There are still tickets left, so you can buy one now."),
    "offer_invalid": _("That offer link has expired or has already been used."),
    "receipt_unavailable": _("This order was never paid, so it has no receipt."),
    "attendee_details": _(
        "Check the attendees' details: each email must be an address like name@example.org, and access "
        "needs must be short enough."
    ),
    "edition_not_over": _(
        "%(title)s is not over yet (its last day is %(end)s), so its attendees cannot be anonymised."
    ),
    "not_postponed": _("This festival has not been postponed, so there is no postponement refund to ask for."),
    "postponement_refunds_closed": _(
        "Refunds for the postponement closed at the end of %(deadline)s, so we can't refund this order here. "
        "If something has changed for you, write to us."
    ),
}


class ShopError(DomainError):
    """An expected failure of the shop: the buyer or organiser gets ``message``; tests check ``code``."""

    messages = MESSAGES

    def message_code(self) -> str:
        return "sold_out_none_left" if self.code == "sold_out" and self.params.get("left") == 0 else self.code
