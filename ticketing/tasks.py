"""Background tasks of the shop: emails, waiting-list offers and the periodic sweep (lapsed holds,
failed late refunds, lapsed offers).

The top layer: tasks call the services, and no service imports this module (they announce what
happened through ``ticketing.signals``; ``ticketing.receivers`` queues these tasks)."""

from django_tasks import task

from festival.models import FestivalPage
from ticketing.models import Order, Refund, WaitingListEntry
from ticketing.services import attendees, emails, payments, waiting_list


@task()
def send_order_confirmation(order_id: int) -> None:
    emails.send_order_confirmation(Order.objects.select_related("festival").get(pk=order_id))


@task()
def send_attendee_tickets(order_id: int) -> None:
    """Each attendee who gave their own email gets their ticket, once."""
    attendees.send_attendee_tickets(Order.objects.select_related("festival").get(pk=order_id))


@task()
def resend_order_confirmation(order_id: int) -> None:
    """Staff asked for the confirmation again: a new email, not the first one's."""
    emails.send_order_confirmation(Order.objects.select_related("festival").get(pk=order_id), resend=True)


@task()
def send_refund_notice(refund_id: int) -> None:
    emails.send_refund_notice(Refund.objects.select_related("order__festival").get(pk=refund_id))


@task()
def send_waiting_list_offer(entry_id: int) -> None:
    emails.send_waiting_list_offer(WaitingListEntry.objects.select_related("festival").get(pk=entry_id))


@task()
def send_order_links(email: str) -> None:
    """A task, so that asking for a known address and an unknown one take the same time to answer."""
    emails.send_order_links(email=email)


@task()
def offer_waiting_list(festival_id: int) -> None:
    festival = FestivalPage.objects.filter(pk=festival_id).first()
    if festival is not None:
        waiting_list.offer_released_tickets(festival=festival)


@task()
def sweep_lapsed_holds() -> dict:
    return payments.sweep_lapsed_holds()
