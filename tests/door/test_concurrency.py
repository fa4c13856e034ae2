"""Two doors scanning the same badge at the same moment admit it once (real threads, real database)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from ticketing.models import CheckIn, Ticket
from ticketing.services.checkin import check_in

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
