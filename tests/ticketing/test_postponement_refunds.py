"""After a postponement every ticket holder is emailed once, badges keep admitting on the new dates, and a
buyer can have their money back from the order page until the organiser's deadline, and not after."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from door import admission
from festival.models import Postponement
from outbox.models import OutgoingEmail
from ticketing.models import Order, Ticket
from ticketing.services import postponement
from ticketing.services.errors import ShopError

pytestmark = pytest.mark.django_db


def postpone(festival, *, deadline_days=14, days=7):
    new_start = festival.start_date + timedelta(days=days)
    return postponement.postpone(
        festival=festival, new_start=new_start, new_end=new_start + timedelta(days=2),
        refund_deadline=timezone.localdate() + timedelta(days=deadline_days),
        programme=Postponement.Programme.SHIFT, user=None, now=timezone.now(),
    )  # fmt: skip


def notices():
    return OutgoingEmail.objects.filter(key__startswith="postponement:")


def test_every_ticket_holder_is_emailed_once_however_often_the_step_runs(festival, standard, paid):
    first, second = paid(festival, standard, 2), paid(festival, standard, 1)
    record = postpone(festival)

    postponement.notify_ticket_holders(record)  # the step again: nothing new

    assert notices().count() == 2
    email = notices().get(key=postponement.notice_key(record, first))
    assert email.to == first.buyer_email
    body = email.mime.decode()
    assert "postponed" in body and reverse("ticketing:order", args=[first.access_token]) in body
    assert notices().filter(key=postponement.notice_key(record, second)).exists()


def test_badges_admit_on_the_new_dates(festival, standard, paid):
    order = paid(festival, standard, 1)
    old_first_day = festival.start_date
    postpone(festival, days=7)
    festival.refresh_from_db()
    ticket = order.tickets.get()

    def refusal(day):
        return admission.refusal(ticket_status=ticket.status, order_status=order.status,
                                 valid_days=ticket.ticket_type.valid_days, festival=festival, day=day)  # fmt: skip

    assert refusal(old_first_day + timedelta(days=7)) is None
    assert refusal(old_first_day) == "not_valid_today"


def test_the_order_page_offers_the_refund_and_the_button_refunds_the_whole_order(client, festival, standard, paid):
    order = paid(festival, standard, 2, donation=500)
    record = postpone(festival)
    url = reverse("ticketing:order", args=[order.access_token])

    page = client.get(url)
    assert "Postponed: you can have your money back until" in page.text
    assert page.context["postponement"] == record

    response = client.post(reverse("ticketing:order_postponement_refund", args=[order.access_token]))

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.refunded_amount == order.total
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert "Refund my whole order" not in client.get(url).text  # nothing left to refund


def test_after_the_deadline_the_button_is_gone_and_the_service_refuses(client, festival, standard, paid):
    order = paid(festival, standard, 1)
    postpone(festival, deadline_days=0)  # refunds open until the end of today
    after = timezone.now() + timedelta(days=1)

    with pytest.raises(ShopError) as refused:
        postponement.claim_refund(order=order, now=after)

    assert refused.value.code == "postponement_refunds_closed"
    assert "closed at the end of" in refused.value.message
    assert postponement.refund_offer(order=order, now=after) is None
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Order.Status.PAID, 0)


def test_the_refund_view_refuses_in_words_after_the_deadline(client, festival, standard, paid):
    order = paid(festival, standard, 1)
    record = postpone(festival)
    Postponement.objects.filter(pk=record.pk).update(refund_deadline=timezone.localdate() - timedelta(days=1))

    response = client.post(reverse("ticketing:order_postponement_refund", args=[order.access_token]), follow=True)

    assert "Refunds for the postponement closed" in response.text
    assert "Refund my whole order" not in response.text
    order.refresh_from_db()
    assert order.refunded_amount == 0


def test_without_a_postponement_there_is_no_box_and_no_refund(client, festival, standard, paid):
    order = paid(festival, standard, 1)

    assert "Refund my whole order" not in client.get(reverse("ticketing:order", args=[order.access_token])).text
    response = client.post(reverse("ticketing:order_postponement_refund", args=[order.access_token]), follow=True)
    assert "has not been postponed" in response.text
    order.refresh_from_db()
    assert order.refunded_amount == 0
