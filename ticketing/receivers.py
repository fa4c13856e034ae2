"""The shop's follow-ups: each signal of ``ticketing.signals`` queues its task (connected in ``apps.py``)."""

from ticketing import signals, tasks


def queue_order_confirmation(sender, *, order_id: int, **kwargs) -> None:
    tasks.send_order_confirmation.enqueue(order_id)


def queue_attendee_tickets(sender, *, order_id: int, **kwargs) -> None:
    tasks.send_attendee_tickets.enqueue(order_id)


def queue_confirmation_again(sender, *, order_id: int, **kwargs) -> None:
    tasks.resend_order_confirmation.enqueue(order_id)


def queue_waiting_list_offers(sender, *, festival_id: int, **kwargs) -> None:
    tasks.offer_waiting_list.enqueue(festival_id)


def queue_offer_email(sender, *, entry_id: int, **kwargs) -> None:
    tasks.send_waiting_list_offer.enqueue(entry_id)


def queue_refund_notice(sender, *, refund_id: int, **kwargs) -> None:
    tasks.send_refund_notice.enqueue(refund_id)


def connect() -> None:
    signals.order_paid.connect(queue_order_confirmation, dispatch_uid="ticketing.order_paid")
    signals.order_paid.connect(queue_attendee_tickets, dispatch_uid="ticketing.order_paid.attendees")
    signals.confirmation_requested.connect(queue_confirmation_again, dispatch_uid="ticketing.confirmation_requested")
    signals.capacity_freed.connect(queue_waiting_list_offers, dispatch_uid="ticketing.capacity_freed")
    signals.offer_made.connect(queue_offer_email, dispatch_uid="ticketing.offer_made")
    signals.refund_succeeded.connect(queue_refund_notice, dispatch_uid="ticketing.refund_succeeded")
