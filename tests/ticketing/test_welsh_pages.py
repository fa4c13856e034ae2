"""The shop, its review step, the order page and an attendee's ticket page, for a visitor who reads Welsh."""

from django.test import Client
from django.urls import reverse

from tests.welsh import english_left

from .helpers import order_form, shop_url


def welsh_visitor():
    return Client(headers={"accept-language": "cy"})


def test_the_shop_speaks_welsh(festival, standard, solidarity):
    page = welsh_visitor().get(shop_url(festival))

    assert page.status_code == 200
    assert "Dewiswch eich tocynnau" in page.text
    assert "Talwch yr hyn y gallwch chi" in page.text
    assert english_left(page.text) == []


def test_the_shops_review_step_and_its_errors_speak_welsh(festival, standard):
    visitor = welsh_visitor()

    review = visitor.post(shop_url(festival), order_form(standard, 2, step="review"))
    refused = visitor.post(shop_url(festival), order_form(standard, 0, step="review"))

    assert "Gwirio’ch archeb" in review.text
    assert "Dewiswch o leiaf un tocyn." in refused.text
    assert (english_left(review.text), english_left(refused.text)) == ([], [])


def test_the_order_page_and_a_ticket_page_speak_welsh(festival, standard, paid):
    order = paid(festival, standard, 2)
    ticket = order.tickets.order_by("pk").first()

    order_page = welsh_visitor().get(reverse("ticketing:order", kwargs={"token": order.access_token}))
    ticket_page = welsh_visitor().get(reverse("ticketing:ticket", kwargs={"token": ticket.access_token}))

    assert "Wedi talu — rydych chi’n dod i’r ŵyl." in order_page.text
    assert "Cywiro fy enw" in ticket_page.text
    assert (english_left(order_page.text), english_left(ticket_page.text)) == ([], [])
