"""The waiting list: people join when an edition sells out; released tickets are offered in order."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from festival.models import FestivalPage
from ticketing import signals
from ticketing.models import WaitingListEntry
from ticketing.names import clean_name

from . import capacity
from .errors import ShopError

OFFER_HOURS = 48
MAX_QUANTITY = 4


def join_waiting_list(*, festival: FestivalPage, name: str, email: str, quantity: int = 1) -> WaitingListEntry:
    """Add someone to the end of the list; the name is cleaned as every name is (``ticketing.names``).

    Raises ShopError name_needed/not_sold_out/edition_over/edition_not_on_sale/already_waiting/invalid_quantity.
    """
    name = clean_name(name)
    if not name:
        raise ShopError("name_needed")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ShopError("invalid_quantity")
    state = capacity.sales_state(festival)
    if state == FestivalPage.Status.ON_SALE:
        raise ShopError("not_sold_out")
    if state == FestivalPage.Status.OVER:
        raise ShopError("edition_over")
    if state != FestivalPage.Status.SOLD_OUT:
        raise ShopError("edition_not_on_sale")
    try:
        with transaction.atomic():
            return WaitingListEntry.objects.create(
                festival=festival, name=name, email=email.strip().lower(), quantity=quantity
            )
    except IntegrityError:
        raise ShopError("already_waiting")


def offer_released_tickets(*, festival: FestivalPage, now: datetime | None = None) -> list[WaitingListEntry]:
    """Offer free places to the people who joined first, by email with a time-limited link. Raises nothing."""
    now = now or timezone.now()
    _lapse_offers(festival_id=festival.pk, now=now)
    snapshot = capacity.stock(festival, now)
    if capacity.sales_state(festival, now=now, snapshot=snapshot) != FestivalPage.Status.ON_SALE:
        return []  # nothing free, or nothing sold any more (the edition is over): no link could be used
    free = snapshot.public_left
    offered = []
    for entry in WaitingListEntry.objects.filter(festival=festival, status=WaitingListEntry.Status.WAITING):
        if entry.quantity > free:
            break  # strictly in order: the next person waits until there is room for them
        with transaction.atomic():
            moved = WaitingListEntry.objects.filter(pk=entry.pk, status=WaitingListEntry.Status.WAITING).update(
                status=WaitingListEntry.Status.OFFERED,
                offered_at=now,
                offer_expires_at=now + timedelta(hours=OFFER_HOURS),
            )
            if moved:
                transaction.on_commit(lambda pk=entry.pk: signals.offer_made.send(sender=WaitingListEntry, entry_id=pk))
                offered.append(entry)
                free -= entry.quantity
    return offered


def pass_on_lapsed_offers(*, now: datetime | None = None) -> dict[str, int]:
    """Close every edition's offers whose time is up and offer those places to the next in line.

    For the periodic sweep: nothing else notices an offer lapsing. Answers counts of offers
    lapsed and made. Raises nothing.
    """
    now = now or timezone.now()
    results = {"offers_lapsed": 0, "offers_made": 0}
    festival_ids = set(
        WaitingListEntry.objects.filter(status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "festival_id", flat=True
        )
    )
    for festival in FestivalPage.objects.filter(pk__in=festival_ids):
        results["offers_lapsed"] += _lapse_offers(festival_id=festival.pk, now=now)
        results["offers_made"] += len(offer_released_tickets(festival=festival, now=now))
    return results


def _lapse_offers(*, festival_id: int, now: datetime) -> int:
    # Guarded: an offer taken up in the same instant (status bought) is left alone.
    return WaitingListEntry.objects.filter(
        festival_id=festival_id, status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now
    ).update(status=WaitingListEntry.Status.LAPSED)
