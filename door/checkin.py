"""The door's check-in service: decide whether a scanned badge gets in, log every scan, undo.

Admission is decided by one guarded insert (``door.lookup.insert_scan``): the partial unique
constraint ``check_in_one_admission_per_ticket_and_day`` lets only one live admission per
ticket and day exist, and ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` tells us whether
ours was it. Two doors scanning the same badge at the same moment therefore admit it once.
The scanner's nonce (unique per staff member) makes a retried request return the first
answer and record nothing new. Who gets in is ``door.admission.refusal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from door import lookup
from door.admission import festival_day, refusal
from door.errors import CheckInError
from door.lookup import Admission, DoorTicket
from ticketing.codes import normalise_code
from ticketing.models import CheckIn

Result = CheckIn.Result
MAX_CODE_CHARS = 200  # anything longer is junk, not a badge
MAX_DOOR_CHARS = 60
MAX_NONCE_CHARS = 64
# An offline door uploads as soon as it is back online; a scan older than this is a wrong
# clock or a stale device, and would land on a festival day long gone.
MAX_OFFLINE_AGE = timedelta(hours=24)
ADMISSION_ATTEMPTS = 5  # re-reads of a live admission that other doors keep changing


@dataclass
class ScanOutcome:
    """The answer shown at the door."""

    result: str
    ticket: DoorTicket | None = None
    check_in_id: int | None = None
    previous: dict | None = None  # for already_checked_in: when, door, by whom
    reason: str = ""  # e.g. "replaced" or "other_edition" for unknown codes
    replayed: bool = False
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {
            "result": self.result,
            "message": str(MESSAGES[self.result]),
            "check_in": self.check_in_id,
            "replayed": self.replayed,
            "reason": self.reason,
            "ticket": None,
            "previous": self.previous,
        }
        if self.ticket is not None:
            data["ticket"] = {
                "id": self.ticket.pk,
                "name": self.ticket.attendee_name,
                "pronouns": self.ticket.pronouns,
                "ticket_type": self.ticket.ticket_type_name,
                "order": self.ticket.order_code,
                "status": self.ticket.status,
            }
        return data


MESSAGES = {  # lazy, so each request gets its own language
    Result.ADMITTED: gettext_lazy("Welcome in"),
    Result.ALREADY_CHECKED_IN: gettext_lazy("Already checked in"),
    Result.UNPAID: gettext_lazy("Not paid"),
    Result.CANCELLED: gettext_lazy("Cancelled or refunded"),
    Result.NOT_VALID_TODAY: gettext_lazy("Not valid today"),
    Result.UNKNOWN_CODE: gettext_lazy("Unknown code"),
}


def check_nonce(nonce) -> None:
    """Raise CheckInError('bad_nonce') unless ``nonce`` is 1-64 printable characters: a scan's one-time key."""
    if not isinstance(nonce, str) or not nonce or len(nonce) > MAX_NONCE_CHARS or not nonce.isprintable():
        raise CheckInError("bad_nonce")


def clean_code(raw) -> str:
    """What was scanned, normalised; anything not shaped like a secret comes back as it is, cut short."""
    if not isinstance(raw, str):
        return ""
    code = normalise_code(raw[:MAX_CODE_CHARS])
    if code.isprintable():  # as every badge is
        return code
    # Control characters and NULs (binary junk) become "?", so the log can always store what came in.
    return "".join(c if c.isprintable() else "?" for c in code)


def _previous(admission: Admission | None) -> dict | None:
    if admission is None:
        return None
    return {
        "at": admission.scanned_at.isoformat(),
        "door": admission.door,
        "by": admission.staff_name,
        "offline": admission.offline,
    }


def _replay(*, staff_id: int, nonce: str, code: str, ticket_id: int | None) -> ScanOutcome:
    """The first answer to a nonce already used by this staff member."""
    first = CheckIn.objects.get(staff_id=staff_id, nonce=nonce)
    if first.ticket_id != ticket_id or (ticket_id is None and first.code != code[:64]):
        raise CheckInError("nonce_reused")
    previous = None
    if first.result == Result.ALREADY_CHECKED_IN:
        previous = _previous(lookup.live_admission(first.ticket_id, first.day))
    ticket = lookup.door_ticket(ticket_id=first.ticket_id) if first.ticket_id else None
    return ScanOutcome(first.result, ticket, first.pk, previous=previous, replayed=True)


def check_in(
    *,
    festival,
    staff_id: int,
    door: str,
    nonce: str,
    code: str = "",
    ticket_id: int | None = None,
    scanned_at: datetime | None = None,
    offline: bool = False,
    shown_result: str = "",
) -> ScanOutcome:
    """Decide and log one scan; raises CheckInError('bad_door' | 'bad_nonce' | 'bad_shown_result' | 'too_old' |
    'nonce_reused').

    An online scan is decided here and the door shows our answer. An offline scan was
    decided by the door from its door list, and ``shown_result`` says what it showed: we
    log what the door did. A scan the door refused is never recorded as an admission (it
    is logged with the server's refusal if there is one, else with the door's); a scan
    the door admitted is an admission unless the ticket had already got in that day
    earlier (then it is a double admission), and the earliest admission counts.

    ``scanned_at`` (an offline scan's time on the door's clock) may be up to
    ``MAX_OFFLINE_AGE`` (24 hours) old: an older scan is refused with ``too_old`` and not
    logged. A time in the future is taken as now (a door clock running a little fast).
    """
    door = (door or "").strip()
    if not door or len(door) > MAX_DOOR_CHARS or not door.isprintable():
        raise CheckInError("bad_door")
    check_nonce(nonce)
    if offline and shown_result not in Result.values:
        raise CheckInError("bad_shown_result")
    code = clean_code(code)
    now = timezone.now()
    scanned_at = min(scanned_at or now, now)
    if scanned_at < now - MAX_OFFLINE_AGE:
        raise CheckInError("too_old")
    day = festival_day(festival, scanned_at)
    shown = shown_result if offline else ""  # online, the door shows our answer
    row = {
        "festival_id": festival.pk,
        "ticket_id": None,
        "code": code or (f"ticket:{ticket_id}" if ticket_id else ""),
        "day": day,
        "door": door,
        "staff_id": staff_id,
        "nonce": nonce,
        "scanned_at": scanned_at,
        "offline": offline,
    }
    found = lookup.lookup(code, ticket_id, day, unknown_row=None if offline else row)
    ticket, reason = found.ticket, "replaced" if found.replaced else ""
    if found.logged:  # an unknown code, already logged by the lookup
        if found.logged_id is None:  # the nonce was used already: a retry
            return _replay_row(row)
        return ScanOutcome(Result.UNKNOWN_CODE, None, found.logged_id, reason=reason)
    if ticket is not None and ticket.festival_id != festival.pk:
        ticket, reason = None, "other_edition"
    row["ticket_id"] = ticket.pk if ticket else None
    result = Result.UNKNOWN_CODE if ticket is None else (_refusal(ticket, festival, day) or Result.ADMITTED)
    if result == Result.ADMITTED and offline and shown != Result.ADMITTED:
        return _offline_refusal(row=row, ticket=ticket, shown=shown, reason=reason)
    if result == Result.ADMITTED and not offline and found.admission is not None:
        # An online repeat: the ticket is already in today. Refusing it needs no guard (it
        # admits no one), so it is logged at once rather than after a failed admission.
        return _repeat(row=row, ticket=ticket, admission=found.admission, reason=reason)
    # The common cases are one INSERT statement, which is its own transaction: the guard
    # is the database's unique index, not anything read before it.
    new_id = lookup.insert_scan(**row, result=result, shown=shown if shown != result else "")
    if new_id is not None:
        return ScanOutcome(result, ticket, new_id, reason=reason)
    if result != Result.ADMITTED:  # only the nonce refuses a refusal: this is a retry
        return _replay_row(row)
    return _admission_taken(row=row, ticket=ticket, shown=shown, reason=reason)


def _refusal(ticket: DoorTicket, festival, day) -> str | None:
    return refusal(
        ticket_status=ticket.status,
        order_status=ticket.order_status,
        valid_days=ticket.valid_days,
        festival=festival,
        day=day,
    )


def _repeat(*, row: dict, ticket: DoorTicket, admission: Admission, reason: str) -> ScanOutcome:
    """An online scan of a ticket already in that day: logged as already checked in (or a retry replayed)."""
    if admission.staff_id == row["staff_id"] and admission.nonce == row["nonce"]:
        return _replay_row(row)
    new_id = lookup.insert_scan(**row, result=Result.ALREADY_CHECKED_IN, shown="")
    if new_id is None:  # the nonce was used already: a retry of an earlier repeat scan
        return _replay_row(row)
    return ScanOutcome(Result.ALREADY_CHECKED_IN, ticket, new_id, previous=_previous(admission), reason=reason)


def _replay_row(row: dict) -> ScanOutcome:
    return _replay(staff_id=row["staff_id"], nonce=row["nonce"], code=row["code"], ticket_id=row["ticket_id"])


def _nonce_used(row: dict) -> bool:
    return CheckIn.objects.filter(staff_id=row["staff_id"], nonce=row["nonce"]).exists()


def _admission_taken(*, row: dict, ticket: DoorTicket, shown: str, reason: str) -> ScanOutcome:
    """Our admission was refused by the database: a retry, an earlier offline admission, or a repeat.

    Other doors may change the live admission while we look (an undo, another offline
    door's earlier admission), so each step re-reads it and tries again if it moved; the
    scan is logged whatever happens.
    """
    admission = None
    for _attempt in range(ADMISSION_ATTEMPTS):
        admission = lookup.live_admission(ticket.pk, row["day"])
        if admission is None:  # undone or replaced since our insert, or our nonce was taken
            new_id = lookup.insert_scan(**row, result=Result.ADMITTED, shown=shown if shown != Result.ADMITTED else "")
            if new_id is not None:
                return ScanOutcome(Result.ADMITTED, ticket, new_id, reason=reason)
            if _nonce_used(row):
                return _replay_row(row)
            continue
        if admission.staff_id == row["staff_id"] and admission.nonce == row["nonce"]:
            return _replay_row(row)
        if not (row["offline"] and row["scanned_at"] < admission.scanned_at):
            break
        outcome = _keep_earliest(row=row, admission=admission, ticket=ticket, shown=shown)
        if outcome is not None:
            return outcome
        if _nonce_used(row):
            return _replay_row(row)
    # A later scan of a ticket already in (or, after repeated contention, at least logged):
    # not an admission; an offline door that showed "admitted" makes it a double admission.
    result = Result.ALREADY_CHECKED_IN
    new_id = lookup.insert_scan(**row, result=result, shown=shown if shown != result else "")
    if new_id is None:
        return _replay_row(row)
    return ScanOutcome(result, ticket, new_id, previous=_previous(admission), reason=reason)


def _offline_refusal(*, row: dict, ticket: DoorTicket, shown: str, reason: str) -> ScanOutcome:
    """A valid ticket an offline door turned away: logged as refused, never as an admission."""
    admission = lookup.live_admission(ticket.pk, row["day"])
    # Someone let them in elsewhere: say so (the door's own answer is kept beside it).
    result = Result.ALREADY_CHECKED_IN if admission is not None else shown
    new_id = lookup.insert_scan(**row, result=result, shown=shown if shown != result else "")
    if new_id is None:
        return _replay_row(row)
    return ScanOutcome(result, ticket, new_id, previous=_previous(admission), reason=reason)


def _keep_earliest(*, row: dict, admission: Admission, ticket: DoorTicket, shown: str) -> ScanOutcome | None:
    """An offline admission earlier than the live one becomes the admission; None if the live one moved first.

    The live admission is locked and re-read in the transaction: if another door undid or
    replaced it meanwhile, nothing is changed and the caller looks again.
    """
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update()
            .filter(pk=admission.pk, result=Result.ADMITTED, undone_at__isnull=True)
            .first()
        )
        if locked is None:
            return None
        # The later admission is kept in the log as a second entry; the door did show "admitted".
        CheckIn.objects.filter(pk=locked.pk).update(
            result=Result.ALREADY_CHECKED_IN, shown_result=locked.shown_result or Result.ADMITTED
        )
        new_id = lookup.insert_scan(**row, result=Result.ADMITTED, shown=shown if shown != Result.ADMITTED else "")
        if new_id is None:  # our nonce was taken meanwhile (a retry of this very scan): undo the demotion
            transaction.set_rollback(True)
            return None
        # Remembered, so undoing this admission gives the day's admission back (undo_admission).
        CheckIn.objects.filter(pk=new_id).update(displaced_id=locked.pk)
    return ScanOutcome(Result.ADMITTED, ticket, new_id)


def undo_admission(*, festival, staff_id: int, check_in_id: int) -> bool:
    """Undo one live admission scanned by this staff member; raises CheckInError('nothing_to_undo' |
    'taken_over').

    An admission that an earlier offline scan took over (``_keep_earliest``) belongs to whoever
    scanned that one: only they can undo it, and undoing theirs gives the admission back to the
    one it displaced, so the badge does not get in a second time.
    """
    with transaction.atomic():
        admission = (
            CheckIn.objects.select_for_update()
            .filter(
                pk=check_in_id, festival=festival, staff_id=staff_id, result=Result.ADMITTED, undone_at__isnull=True
            )
            .first()
        )
        if admission is None:
            ours = CheckIn.objects.filter(pk=check_in_id, festival=festival, staff_id=staff_id).exists()
            taken_over = ours and CheckIn.objects.filter(displaced_id=check_in_id).exists()
            raise CheckInError("taken_over" if taken_over else "nothing_to_undo")
        CheckIn.objects.filter(pk=admission.pk).update(undone_at=timezone.now())
        if admission.displaced_id is not None:
            # The demoted admission was logged as a later scan of a ticket already in; it is the
            # admission again (its door did show "admitted", as every admission's did).
            CheckIn.objects.filter(
                pk=admission.displaced_id, result=Result.ALREADY_CHECKED_IN, undone_at__isnull=True
            ).update(result=Result.ADMITTED, shown_result="")
    return True
