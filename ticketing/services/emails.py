"""Emails to buyers: the order confirmation, refund notices, waiting-list offers and "your order
links", each plain text with an HTML part in the festival's colours (``festival.emails``). Each is built
here and queued through the outbox, which sends it with retries (``outbox.services.queue``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.translation import gettext as _

from festival import emails
from outbox import services as outbox
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
    message = emails.message(
        subject=f"Your tickets for {order.festival.title} ({order.code})",
        text_template="ticketing/email/order_confirmation.txt",
        html_template="ticketing/email/order_confirmation.html",
        context=context,
        to=[order.buyer_email],
    )
    for filename, content, mimetype in badges.badge_attachments(order=order):  # one PDF per valid ticket
        message.attach(filename, content, mimetype)
    return message


def confirmation_key(order: Order) -> str:
    """The outbox key of an order's confirmation: one per order, however often it is paid."""
    return f"order-confirmation:{order.pk}"


def send_order_confirmation(order: Order, *, resend: bool = False) -> None:
    """Queue the confirmation email (badges attached) in the outbox, once per order; ``resend=True``
    queues another one (staff resending it). Raises nothing of its own."""
    key = None if resend else confirmation_key(order)
    if key is not None and outbox.is_queued(key):
        return  # queued already: don't draw the badges again for nothing
    outbox.queue(build_order_confirmation(order), key=key, about=f"order {order.code}")


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
    return emails.message(
        subject=f"Your refund from {order.festival.title} ({order.code})",
        text_template="ticketing/email/refund_notice.txt",
        html_template="ticketing/email/refund_notice.html",
        context=context,
        to=[order.buyer_email],
    )


def send_refund_notice(refund: Refund) -> None:
    """Queue the refund notice in the outbox, once per refund. Raises nothing of its own."""
    outbox.queue(build_refund_notice(refund), key=f"refund-notice:{refund.pk}", about=f"order {refund.order.code}")


def send_waiting_list_offer(entry: WaitingListEntry) -> None:
    """Queue the email telling the next person on the list that tickets are theirs to buy, for a while;
    once per offer."""
    url = (
        settings.SITE_URL
        + reverse("ticketing:shop", kwargs={"slug": entry.festival.slug})
        + f"?offer={entry.offer_token}"
    )
    context = {"entry": entry, "festival": entry.festival, "offer_url": url}
    message = emails.message(
        subject=f"Tickets are free for {entry.festival.title}",
        text_template="ticketing/email/waiting_list_offer.txt",
        html_template="ticketing/email/waiting_list_offer.html",
        context=context,
        to=[entry.email],
    )
    outbox.queue(message, key=f"waiting-list-offer:{entry.pk}:{entry.offer_token}", about=entry.festival.title)


def send_order_links(*, email: str) -> bool:
    """Queue one email listing the links of every order under ``email`` (any edition, paid or
    pending, newest first), if there are any; whether one was queued. Raises nothing."""
    orders_found = list(
        Order.objects.filter(buyer_email__iexact=email.strip(), status__in=[Order.Status.PAID, Order.Status.PENDING])
        .select_related("festival")
        .order_by("-created_at", "-pk")
    )
    if not orders_found:
        return False
    links = [(order, settings.SITE_URL + orders.order_url(order)) for order in orders_found]
    message = emails.message(
        subject=_("Your order links"),
        text_template="ticketing/email/order_links.txt",
        html_template="ticketing/email/order_links.html",
        context={"links": links},
        to=[orders_found[0].buyer_email],
    )
    outbox.queue(message, key=None, about=f"order links ({len(links)} orders)")
    return True
