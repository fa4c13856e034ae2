"""Secret votes: open (snapshot the electorate), cast (once per badge), close (count), check a receipt.

Design, and its limits
======================

**Two tables that cannot be joined.** ``Elector`` says who may vote and whether they have (a
boolean, no time). ``Ballot`` holds what was chosen: a random UUID primary key, the vote, the
choice, the weight and the hash of the voter's receipt. No foreign key, no voter-derived value, no
timestamp and no sequence join them, so neither the admin, an export nor someone reading the tables
can say whose ballot is whose from the rows' contents.

**A ballot exists if and only if a vote was recorded.** ``cast_ballot`` sets ``Elector.voted`` by a
guarded update (``UPDATE ... SET voted = true WHERE voted = false``) and inserts the ballot in the
same transaction: both commit or neither does, and the guarded update lets exactly one of two
requests from the same badge through, however they are timed (the second waits for the first's
row lock, then finds ``voted`` already true). ``Elector`` is unique per (vote, ticket).

**Nothing after closing.** ``close_vote`` marks the vote closed and then rewrites (so locks) every
elector row of the vote, in one transaction. A ballot claims its elector row before it
reads the vote's status, so: a ballot that claimed its row first holds it until it commits, and the
close waits for it (it is counted, having been cast before the close committed); a ballot claiming
after the close waits for the close to commit, then reads "closed" and is rolled back. The count is
taken inside the closing transaction, after those locks, so it holds exactly the ballots accepted.

**Receipts.** The voter gets a random token; the ballot stores only its SHA-256. The receipt page
says whether a ballot with that receipt is in the count ("counted"), never what it says. The
receipt is not on the elector row, so it links the voter to nothing they did not already hold.

**The order of casting.** While a vote is open, PostgreSQL keeps each row's physical place
(``ctid``) and the id of the transaction that wrote it (``xmin``): a ballot and its elector's
``voted`` flag are written by the same transaction and share an ``xmin``. So the closing
transaction rewrites every elector row, and right after it (once the result is stored) one more
transaction rewrites every ballot in a random order with a new UUID: afterwards the live rows of
each table carry one ``xmin`` and an order that says nothing about who voted when. Should that
second transaction fail, the ballots keep their casting order until it is run again: the vote is
marked ``ballots_shuffled`` only once it has been, and the chair's pages run every reshuffle still
owed (``reshuffle_pending``).

**Logs.** The ballot view is marked ``sensitive_post_parameters`` (error reports show the choice
as stars) and this module logs nothing of a ballot (only that a vote's reshuffle failed); web-server
access logs record the ballot link (the badge) but not the request body (the choice).

What this does not protect against, stated plainly:

- Someone who can watch the database *while the vote is open* (a superuser reading ``xmin`` or
  ``ctid``, ``pg_stat_activity``, statement logging with ``log_statement = 'all'``, or the
  write-ahead log, or a backup or replica taken mid-vote) can match a ballot to its elector. Dead
  row versions from before the close stay on disk until ``VACUUM`` removes them; run ``VACUUM`` on
  the two tables after a vote to shorten that window.
- Someone who controls the running server (its code or memory) sees each ballot and its badge.
- A delegate's ballot carries their group's weight: when a weight is unique in the electorate,
  that ballot's choice is identifiable. Weights shared by several electors are as secret as that.
- A tiny electorate, or a unanimous one, reveals choices by arithmetic, as every count does.
- Whoever holds a badge's QR code or order link can vote in its place (as at the door), and
  nothing stops coercion or a voter showing their screen: it is a hall, not a polling booth.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from . import counting, links, motions
from .electorate import electorate, in_standing
from .errors import AssemblyError
from .models import Ballot, Candidate, Elector, Vote

_shuffler = secrets.SystemRandom()
logger = logging.getLogger(__name__)


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def candidate_ids(vote: Vote) -> list[int]:
    return list(Candidate.objects.filter(vote=vote).values_list("pk", flat=True))


def open_vote(*, vote_id: int, now=None) -> Vote:
    """Open a ballot vote and snapshot its electorate; raises ``not_draft``, ``not_a_ballot_vote``,
    ``no_candidates``."""
    now = now or timezone.now()
    with transaction.atomic():
        vote = Vote.objects.select_for_update().select_related("festival").get(pk=vote_id)
        if vote.status != Vote.Status.DRAFT:
            raise AssemblyError("not_draft")
        if vote.mode != Vote.Mode.BALLOT:
            raise AssemblyError("not_a_ballot_vote")
        if vote.is_election and len(candidate_ids(vote)) < 2:
            raise AssemblyError("no_candidates")
        motions.check_can_be_put(vote)
        members = electorate(vote=vote, now=now)
        Elector.objects.bulk_create(
            [Elector(vote=vote, ticket_id=ticket_id, weight=weight) for ticket_id, weight in sorted(members.items())],
            batch_size=1000,
        )
        Vote.objects.filter(pk=vote.pk).update(
            status=Vote.Status.OPEN,
            opened_at=now,
            electorate_size=len(members),
            electorate_weight=sum(members.values()),
        )
    vote.refresh_from_db()
    return vote


def valid_choice(*, vote: Vote, choice, candidates: list[int] | None = None):
    """``choice`` as stored, checked against the vote's method and candidates; raises ``bad_choice``,
    ``unknown_candidate``, ``empty_ballot``."""
    if vote.method == Vote.Method.YES_NO:
        if choice not in counting.YES_NO_CHOICES:
            raise AssemblyError("bad_choice")
        return choice
    candidates = candidate_ids(vote) if candidates is None else candidates
    try:
        picked = [int(c) for c in choice]
    except (TypeError, ValueError) as exc:
        raise AssemblyError("unknown_candidate") from exc
    if not picked:
        raise AssemblyError("empty_ballot")
    if any(c not in candidates for c in picked) or len(set(picked)) != len(picked):
        raise AssemblyError("unknown_candidate")
    return sorted(picked) if vote.method == Vote.Method.APPROVAL else picked


def cast_ballot(*, vote: Vote, ticket_id: int, choice, link: links.Link | None = None) -> str:
    """Cast ``ticket_id``'s ballot in ``vote`` and return its receipt; raises ``not_open``, ``closed``,
    ``not_eligible``, ``already_voted``, ``ticket_not_valid``, ``badge_replaced`` (when the ballot
    ``link`` it came by was made for an older badge of the ticket) and the choice's errors."""
    if vote.status == Vote.Status.DRAFT:
        raise AssemblyError("not_open")
    if vote.status == Vote.Status.CLOSED:
        raise AssemblyError("closed")
    stored = valid_choice(vote=vote, choice=choice)
    receipt = secrets.token_urlsafe(18)
    with transaction.atomic():
        if not _claim(vote.pk, ticket_id):
            raise AssemblyError("already_voted" if _is_elector(vote.pk, ticket_id) else "not_eligible")
        # Read after the claim, so with a fresh snapshot: see the module docstring on closing.
        weight, status, ticket_status, order_status, secret = (
            Elector.objects.filter(vote_id=vote.pk, ticket_id=ticket_id)
            .values_list("weight", "vote__status", "ticket__status", "ticket__order__status", "ticket__secret")
            .get()
        )
        if link is not None and not link.opens(secret):
            raise AssemblyError("badge_replaced")
        if status != Vote.Status.OPEN:
            raise AssemblyError("closed")
        if not in_standing(ticket_status=ticket_status, order_status=order_status):
            raise AssemblyError("ticket_not_valid")
        Ballot.objects.create(vote_id=vote.pk, choice=stored, weight=weight, receipt_hash=receipt_hash(receipt))
    return receipt


def _claim(vote_id: int, ticket_id: int) -> bool:
    """Mark the elector as having voted, if they had not: of two requests from one badge, however
    timed, one updates the row; the other waits for its lock, then matches nothing."""
    return bool(Elector.objects.filter(vote_id=vote_id, ticket_id=ticket_id, voted=False).update(voted=True))


def _is_elector(vote_id: int, ticket_id: int) -> bool:
    return Elector.objects.filter(vote_id=vote_id, ticket_id=ticket_id).exists()


def _wait_for_ballots_in_flight(vote_id: int) -> None:
    """Rewrite every elector row of the vote (unchanged): the UPDATE waits for the row lock of each
    ballot that claimed one, so it returns once they have all committed; and the rows' ``xmin``
    becomes the closing transaction's (see "The order of casting")."""
    Elector.objects.filter(vote_id=vote_id).update(weight=F("weight"))


def _reshuffle(vote_id: int) -> None:
    """Rewrite the vote's ballots in a random order with new ids, in one transaction (see "The order
    of casting"), and mark the vote as shuffled. Changes no choice, weight or receipt, so the count is
    the same before and after."""
    with transaction.atomic():
        ballots = list(Ballot.objects.filter(vote_id=vote_id).values_list("choice", "weight", "receipt_hash"))
        _shuffler.shuffle(ballots)
        Ballot.objects.filter(vote_id=vote_id).delete()
        Ballot.objects.bulk_create(
            [Ballot(id=uuid.uuid4(), vote_id=vote_id, choice=c, weight=w, receipt_hash=h) for c, w, h in ballots],
            batch_size=2000,
        )
        Vote.objects.filter(pk=vote_id).update(ballots_shuffled=True)


def reshuffle_pending() -> int:
    """Run the reshuffle of every closed ballot vote whose reshuffle at the close failed; answers how
    many were done. A vote whose reshuffle fails again stays pending."""
    done = 0
    pending = Vote.objects.filter(mode=Vote.Mode.BALLOT, status=Vote.Status.CLOSED, ballots_shuffled=False)
    for vote_id in pending.values_list("pk", flat=True):
        try:
            _reshuffle(vote_id)
        except DatabaseError:
            logger.exception("Reshuffling the ballots of vote %s failed again", vote_id)
        else:
            done += 1
    return done


def close_vote(*, vote_id: int, now=None) -> Vote:
    """Close an open ballot vote, store its count, then reshuffle its ballots; raises ``not_open``.

    The result is committed first (it is what the hall waits for); the reshuffle follows in its own
    transaction and leaves the count as it was."""
    now = now or timezone.now()
    with transaction.atomic():
        closing = Vote.objects.filter(pk=vote_id, status=Vote.Status.OPEN, mode=Vote.Mode.BALLOT)
        if not closing.update(status=Vote.Status.CLOSED, closed_at=now):
            raise AssemblyError("not_open")
        _wait_for_ballots_in_flight(vote_id)
        vote = Vote.objects.get(pk=vote_id)
        ballots = list(Ballot.objects.filter(vote_id=vote_id).values_list("choice", "weight"))
        result = counting.count(vote.method, ballots, candidate_ids(vote))
        Vote.objects.filter(pk=vote_id).update(result=result, turnout=len(ballots))
        vote.result = result
        motions.apply_outcome(vote)
    try:
        _reshuffle(vote_id)
    except DatabaseError:  # the result stands; the chair's pages try again (reshuffle_pending)
        logger.exception("Reshuffling the ballots of vote %s failed", vote_id)
    vote.refresh_from_db()
    return vote


def record_count(*, vote_id: int, counts: dict[str, int], now=None) -> Vote:
    """Enter a counted show of hands or paper ballot, so the record is complete: ``counts`` holds yes,
    no and abstain, or each candidate's votes by id. Raises ``not_counted_by_hand``, ``not_draft``,
    ``bad_count``, ``unknown_candidate``."""
    vote = Vote.objects.get(pk=vote_id)
    if vote.mode == Vote.Mode.BALLOT:
        raise AssemblyError("not_counted_by_hand")
    motions.check_can_be_put(vote)
    keys = list(counting.YES_NO_CHOICES) if not vote.is_election else [str(c) for c in candidate_ids(vote)]
    if set(counts) - set(keys):
        raise AssemblyError("unknown_candidate")
    try:
        tallies = {key: int(counts.get(key) or 0) for key in keys}
    except (TypeError, ValueError) as exc:
        raise AssemblyError("bad_count") from exc
    if any(n < 0 for n in tallies.values()):
        raise AssemblyError("bad_count")
    if vote.is_election:
        top = max(tallies.values(), default=0)
        result = {
            "method": "counted",
            "tallies": tallies,
            "winners": [int(k) for k, n in tallies.items() if n == top and top],
        }
    else:
        result = counting.count_yes_no(tallies.items())
    result["counted_by"] = vote.mode
    with transaction.atomic():
        updated = Vote.objects.filter(pk=vote_id, status=Vote.Status.DRAFT).update(
            status=Vote.Status.CLOSED, opened_at=now or timezone.now(), closed_at=now or timezone.now(),
            result=result, turnout=sum(tallies.values()),
        )  # fmt: skip
        if not updated:
            raise AssemblyError("not_draft")
        vote.refresh_from_db()
        motions.apply_outcome(vote)
    return vote


def recount(*, vote: Vote) -> dict:
    """The vote's result recomputed from its stored ballots."""
    ballots = Ballot.objects.filter(vote=vote).values_list("choice", "weight")
    return counting.count(vote.method, list(ballots), candidate_ids(vote))


def check_receipt(*, receipt: str) -> Vote:
    """The vote whose ballots include one with this receipt; raises ``unknown_receipt``."""
    ballot = Ballot.objects.select_related("vote").filter(receipt_hash=receipt_hash((receipt or "").strip())).first()
    if ballot is None:
        raise AssemblyError("unknown_receipt")
    return ballot.vote
