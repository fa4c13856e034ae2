"""Two doors scanning the same badge at the same moment admit it once (real threads, real database)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from ticketing.models import CheckIn, Ticket
from ticketing.services import checkin
from ticketing.services.checkin import check_in, double_admissions

BADGES = 200


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_of_each_of_200_badges_admit_each_once(live_festival, door_staff, make_ticket):
    first = make_ticket()
    Ticket.objects.bulk_create(
        [
            Ticket(order=first.order, ticket_type=first.ticket_type, attendee_name=f"Person {n}", status="valid")
            for n in range(BADGES - 1)
        ]
    )
    secrets = list(Ticket.objects.values_list("secret", flat=True))
    barriers = {secret: threading.Barrier(2) for secret in secrets}

    def scan(secret: str, door: str) -> tuple[str, str]:
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barriers[secret].wait(timeout=10)  # both doors press Enter together
            outcome = check_in(
                festival=live_festival, staff_id=door_staff.pk, door=door, nonce=f"{door}-{secret}", code=secret
            )
            return secret, outcome.result
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(scan, secret, door) for secret in secrets for door in ("North", "South")]
        results = [future.result() for future in futures]

    per_badge: dict[str, list[str]] = {}
    for secret, result in results:
        per_badge.setdefault(secret, []).append(result)
    assert len(per_badge) == BADGES
    assert all(sorted(r) == ["admitted", "already_checked_in"] for r in per_badge.values())
    assert CheckIn.objects.filter(result="admitted").count() == BADGES
    assert CheckIn.objects.count() == 2 * BADGES


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("north_minutes_ago", "south_minutes_ago"), [(10, 20), (20, 10)])
def test_two_offline_doors_syncing_earlier_admissions_at_once_keep_the_earliest_and_log_both(
    live_festival, door_staff, make_ticket, monkeypatch, north_minutes_ago, south_minutes_ago
):
    ticket = make_ticket()
    online = check_in(festival=live_festival, staff_id=door_staff.pk, door="Main gate", nonce="on", code=ticket.secret)
    now = timezone.now()
    # Both syncs read the live (online) admission before either replaces it: the race, every time.
    both_read, this_thread, read_admission = threading.Barrier(2), threading.local(), checkin._admission

    def admission_then_wait(ticket_id, day):
        admission = read_admission(ticket_id, day)
        if not getattr(this_thread, "waited", False):
            this_thread.waited = True
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait(timeout=5)
        return admission

    monkeypatch.setattr(checkin, "_admission", admission_then_wait)

    def sync(door: str, minutes_ago: int):
        try:
            return check_in(
                festival=live_festival,
                staff_id=door_staff.pk,
                door=door,
                nonce=f"off-{door}",
                code=ticket.secret,
                scanned_at=now - timedelta(minutes=minutes_ago),
                offline=True,
                shown_result="admitted",
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        north, south = pool.map(sync, ["North", "South"], [north_minutes_ago, south_minutes_ago])

    earliest = "North" if north_minutes_ago > south_minutes_ago else "South"
    assert north.check_in_id is not None
    assert south.check_in_id is not None
    assert CheckIn.objects.filter(ticket=ticket).count() == 3
    assert CheckIn.objects.get(result="admitted").door == earliest
    assert sorted(row.door for row in double_admissions(festival=live_festival)) == sorted(
        {"Main gate", "North", "South"} - {earliest}
    )
    assert CheckIn.objects.get(pk=online.check_in_id).result == "already_checked_in"
