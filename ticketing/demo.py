"""Demo shop for ``seed_demo``: 2026's ticket types, vouchers and a few orders.

The paid demo order is bought for real, through the same services and a short-lived
in-process Stripe emulator, so the demo data is exactly what a purchase produces.
"""

from django.test import override_settings
from django.utils.formats import date_format

from festival.models import FestivalPage
from stripe_emulator import EmulatorServer
from ticketing.models import Order, TicketType, Voucher
from ticketing.services import capacity, checkout, orders, payments

TICKET_TYPES = [
    # name, fields
    (
        "Solidarity",
        {
            "pricing": TicketType.Pricing.SLIDING,
            "min_price": 500,
            "suggested_price": 1500,
            "capacity": 300,
            "sort_order": 1,
            "description": "Pay what you can, from £5. For anyone on a low income, unwaged or a student.",
        },
    ),
    (
        "Standard",
        {
            "price": 3500,
            "capacity": 400,
            "sort_order": 2,
            "description": "All three days: every talk, workshop, film and assembly.",
        },
    ),
    (
        "Supporter",
        {
            "pricing": TicketType.Pricing.SLIDING,
            "min_price": 6000,
            "suggested_price": 8000,
            "capacity": 100,
            "sort_order": 3,
            "description": "All three days, and you pay for someone else's Solidarity ticket. Thank you.",
        },
    ),
    ("Speaker", {"capacity": 120, "sort_order": 10, "is_hidden": True, "is_complimentary": True, "max_per_order": 2}),
    ("Volunteer", {"capacity": 80, "sort_order": 11, "is_hidden": True, "is_complimentary": True, "max_per_order": 1}),
    ("Carer", {"capacity": 60, "sort_order": 12, "is_hidden": True, "is_complimentary": True, "max_per_order": 1}),
]

DEFAULTS = {
    "pricing": "fixed",
    "price": 0,
    "min_price": 0,
    "suggested_price": 0,
    "valid_days": [],
    "is_hidden": False,
    "is_complimentary": False,
    "max_per_order": 6,
    "description": "",
}
DEMO_PAID_EMAIL = "demo.buyer@festival.invalid"
DEMO_SPEAKER_EMAIL = "demo.speaker@festival.invalid"


# One day ticket per day of the edition, whatever its dates: found by sort order, as the names of
# an older demo's ("Friday only") were its weekdays.
DAY_TICKETS = ["Day one only", "Day two only", "Day three only"]
DAY_TICKET_SORT_ORDER = 4


def seed_ticket_types(festival: FestivalPage) -> dict[str, TicketType]:
    types = {}
    for name, fields in TICKET_TYPES:
        fields = {**DEFAULTS, **fields}
        types[name], _ = TicketType.objects.update_or_create(festival=festival, name=name, defaults=fields)
    for number, (name, day) in enumerate(zip(DAY_TICKETS, festival.days, strict=True)):
        fields = {
            **DEFAULTS,
            "name": name,
            "price": 1500,
            "capacity": 150,
            "valid_days": [day.isoformat()],
            "description": f"{date_format(day, 'l j F')}: every talk, workshop, film and social that day.",
        }
        types[name], _ = TicketType.objects.update_or_create(
            festival=festival, sort_order=DAY_TICKET_SORT_ORDER + number, defaults=fields
        )
    return types


def seed_vouchers(festival: FestivalPage, types: dict[str, TicketType]) -> None:
    Voucher.objects.update_or_create(
        festival=festival, code="UNION20", defaults={"kind": Voucher.Kind.PERCENT, "percent_off": 20, "max_uses": 50}
    )
    speaker, _ = Voucher.objects.update_or_create(
        festival=festival, code="SPEAKER2026", defaults={"kind": Voucher.Kind.UNLOCK, "max_uses": 120}
    )
    speaker.unlocks.set([types["Speaker"]])
    crew, _ = Voucher.objects.update_or_create(
        festival=festival, code="CREW2026", defaults={"kind": Voucher.Kind.UNLOCK, "max_uses": 140}
    )
    crew.unlocks.set([types["Volunteer"], types["Carer"]])


def seed_orders(festival: FestivalPage, types: dict[str, TicketType]) -> None:
    if not Order.objects.filter(festival=festival, buyer_email=DEMO_SPEAKER_EMAIL).exists():
        checkout.place_order(
            festival=festival,
            buyer_name="Angela Davis",
            buyer_email=DEMO_SPEAKER_EMAIL,
            lines=[orders.LineRequest(ticket_type_id=types["Speaker"].pk, quantity=1)],
            attendee_names=["Angela Davis"],
            region_group="Outside the UK",
            voucher_code="SPEAKER2026",
        )
    if Order.objects.filter(festival=festival, buyer_email=DEMO_PAID_EMAIL, status=Order.Status.PAID).exists():
        return
    server = EmulatorServer(port=0, sweep_interval=3600).start()
    try:
        with override_settings(STRIPE_SECRET_KEY="", STRIPE_API_BASE=server.base_url):
            order = checkout.place_order(
                festival=festival,
                buyer_name="Tony Benn",
                buyer_email=DEMO_PAID_EMAIL,
                lines=[
                    orders.LineRequest(ticket_type_id=types["Standard"].pk, quantity=1),
                    orders.LineRequest(ticket_type_id=types["Solidarity"].pk, quantity=1, amount=1000),
                ],
                attendee_names=["Tony Benn", "Caroline Benn"],
                region_group="London",
                donation=500,
            )
            server.emulator.pay(order.stripe_checkout_session_id)
            payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    finally:
        server.stop()


def seed(context: dict) -> None:
    festival = context.get("festival") or FestivalPage.objects.filter(slug="2026").first()
    if festival is None:
        return
    types = seed_ticket_types(festival)
    seed_vouchers(festival, types)
    if capacity.sales_state(festival) in (FestivalPage.Status.ON_SALE, FestivalPage.Status.SOLD_OUT):
        seed_orders(festival, types)  # an edition that is over sells nothing, not even to the demo's buyers
    context["ticket_types"] = types
