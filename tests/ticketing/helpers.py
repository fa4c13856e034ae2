"""Shared steps for the shop tests: posting an order the way the browser does."""

from django.urls import reverse

from ticketing.models import Order, TicketType


def order_form(ticket_type, quantity=1, *, names=None, **extra):
    data = {
        "step": "pay",
        "buyer_name": "Rosa Luxemburg",
        "buyer_email": "rosa@example.org",
        "region_group": "North West",
        "donation": "",
        "voucher": "",
        f"qty_{ticket_type.pk}": str(quantity),
    }
    for index, name in enumerate(names or [f"Attendee {n + 1}" for n in range(quantity)]):
        data[f"attendee_{index}"] = name
    data.update(extra)
    return data


def shop_url(festival):
    return reverse("ticketing:shop", kwargs={"slug": festival.slug})


def place(client, festival, ticket_type, quantity=1, **extra):
    """POST an order; answer (response, the newest order or None)."""
    response = client.post(shop_url(festival), order_form(ticket_type, quantity, **extra))
    return response, Order.objects.order_by("-pk").first()


def reserved(ticket_type):
    """The type's places taken (paid, held or awaiting payment), as the database has it now."""
    return TicketType.objects.get(pk=ticket_type.pk).reserved
