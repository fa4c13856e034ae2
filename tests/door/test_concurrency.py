"""Two doors scanning the same badge at the same moment admit it once (real threads, real database)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from door import lookup
from door.checkin import check_in
from door.lists import double_admissions
from ticketing.models import CheckIn, Ticket

from ..guards import constraint_names, slow_inserts, without_constraint

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
    both_read, this_thread, read_admission = threading.Barrier(2), threading.local(), lookup.live_admission

    def admission_then_wait(ticket_id, day):
        admission = read_admission(ticket_id, day)
        if not getattr(this_thread, "waited", False):
            this_thread.waited = True
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait(timeout=5)
        return admission

    monkeypatch.setattr(lookup, "live_admission", admission_then_wait)

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


ONE_ADMISSION = "check_in_one_admission_per_ticket_and_day"
ONE_NONCE = "check_in_unique_nonce_per_staff"
PAIRS = 5


def _scan_in_pairs(festival, secrets_and_nonces):
    """Two scans of each (code, staff, nonce, door) pair, released together by a barrier."""
    barriers = [threading.Barrier(2, timeout=30) for _ in secrets_and_nonces]

    def scan(index, code, staff_id, nonce, door):
        try:
            barriers[index].wait()
            return check_in(festival=festival, staff_id=staff_id, door=door, nonce=nonce, code=code).result
        finally:
            connections.close_all()

    jobs = [(i, *pair) for i, pairs in enumerate(secrets_and_nonces) for pair in pairs]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(lambda job: scan(*job), jobs))


def _two_doors_scan_each_badge_at_once(festival, staff, tickets):
    return _scan_in_pairs(
        festival,
        [
            [(t.secret, staff.pk, f"north-{t.pk}", "North"), (t.secret, staff.pk, f"south-{t.pk}", "South")]
            for t in tickets
        ],
    )


def _admitted_twice(tickets) -> list[int]:
    return [t.pk for t in tickets if CheckIn.objects.filter(ticket=t, result="admitted").count() > 1]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_one_admission_per_day_index_two_doors_scanning_at_once_admit_a_badge_twice(
    live_festival, door_staff, make_ticket
):
    tickets = [make_ticket() for _ in range(PAIRS)]
    with (
        without_constraint(CheckIn, ONE_ADMISSION, clean_up=lambda: CheckIn.objects.all().delete()),
        slow_inserts(CheckIn, seconds=0.5),
    ):
        results = _two_doors_scan_each_badge_at_once(live_festival, door_staff, tickets)
        doubled = _admitted_twice(tickets)

    assert results.count("admitted") > PAIRS
    assert doubled != []
    assert ONE_ADMISSION in constraint_names(CheckIn)  # put back for the tests that follow


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_the_one_admission_per_day_index_two_doors_scanning_at_once_admit_each_badge_once(
    live_festival, door_staff, make_ticket
):
    tickets = [make_ticket() for _ in range(PAIRS)]
    with slow_inserts(CheckIn, seconds=0.5):
        results = _two_doors_scan_each_badge_at_once(live_festival, door_staff, tickets)

    assert sorted(results) == ["admitted"] * PAIRS + ["already_checked_in"] * PAIRS
    assert _admitted_twice(tickets) == []


def _one_door_sends_each_unknown_code_twice_at_once(festival, staff):
    codes = [f"STRANGER-{n}" for n in range(PAIRS)]
    return codes, _scan_in_pairs(festival, [[(code, staff.pk, f"n-{code}", "North")] * 2 for code in codes])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_nonce_constraint_a_scan_sent_twice_at_once_is_logged_twice(live_festival, door_staff):
    with (
        without_constraint(CheckIn, ONE_NONCE, clean_up=lambda: CheckIn.objects.all().delete()),
        slow_inserts(CheckIn, seconds=0.5),
    ):
        codes, results = _one_door_sends_each_unknown_code_twice_at_once(live_festival, door_staff)
        logged = CheckIn.objects.filter(code__in=codes).count()

    assert results == ["unknown_code"] * 2 * PAIRS
    assert logged == 2 * PAIRS
    assert ONE_NONCE in constraint_names(CheckIn)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_the_nonce_constraint_a_scan_sent_twice_at_once_is_logged_once(live_festival, door_staff):
    with slow_inserts(CheckIn, seconds=0.5):
        codes, results = _one_door_sends_each_unknown_code_twice_at_once(live_festival, door_staff)

    assert results == ["unknown_code"] * 2 * PAIRS
    assert CheckIn.objects.filter(code__in=codes).count() == PAIRS
