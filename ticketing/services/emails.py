"""Emails to buyers: the order confirmation and waiting-list offers, plain text with an HTML part."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from ticketing.models import Order, Refund, WaitingListEntry

from . import badges, orders


def build_order_confirmation(order: Order) -> EmailMultiAlternatives:
    """The confirmation message for a paid order, with a link to its order page."""
    context = {
        "order": order,
        "tickets": list(order.tickets.select_related("ticket_type")),
        "festival": order.festival,
        "order_url": settings.SITE_URL + orders.order_url(order),
    }
    subject = f"Your tickets for {order.festival.title} ({order.code})"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("ticketing/email/order_confirmation.txt", context),
        to=[order.buyer_email],
    )
    message.attach_alternative(render_to_string("ticketing/email/order_confirmation.html", context), "text/html")
    for filename, content, mimetype in badges.badge_attachments(order=order):  # one PDF per valid ticket
        message.attach(filename, content, mimetype)
    return message


def send_order_confirmation(order: Order) -> None:
    """Send the confirmation email; raises whatever the mail backend raises."""
    build_order_confirmation(order).send()


def build_refund_notice(refund: Refund) -> EmailMultiAlternatives:
    """Tell the buyer what was refunded, for which tickets, and that those tickets no longer admit."""
    order = refund.order
    context = {
        "order": order,
        "refund": refund,
        "amount": orders.pounds(refund.amount),
        "tickets": list(refund.tickets.select_related("ticket_type")),
        "festival": order.festival,
        "order_url": settings.SITE_URL + orders.order_url(order),
    }
    return EmailMultiAlternatives(
        subject=f"Your refund from {order.festival.title} ({order.code})",
        body=render_to_string("ticketing/email/refund_notice.txt", context),
        to=[order.buyer_email],
    )


def send_refund_notice(refund: Refund) -> None:
    """Send the refund notice; raises whatever the mail backend raises."""
    build_refund_notice(refund).send()


def send_waiting_list_offer(entry: WaitingListEntry) -> None:
    """Tell the next person on the list that tickets are theirs to buy, for a while."""
    url = (
        settings.SITE_URL
        + reverse("ticketing:shop", kwargs={"slug": entry.festival.slug})
        + f"?offer={entry.offer_token}"
    )
    context = {"entry": entry, "festival": entry.festival, "offer_url": url}
    message = EmailMultiAlternatives(
        subject=f"Tickets are free for {entry.festival.title}",
        body=render_to_string("ticketing/email/waiting_list_offer.txt", context),
        to=[entry.email],
    )
    message.send()
