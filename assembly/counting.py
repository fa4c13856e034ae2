"""Counting, as pure functions of the stored ballots: anyone can recompute a result from them.

- **Yes / no / abstain**: the weights of yes, no and abstain are summed; the motion is carried when
  yes outnumbers no (abstentions are counted and shown but decide nothing); a tie is not carried.
- **Approval**: each ballot approves any number of candidates; the most approvals wins (a tie
  names every tied candidate, for the chair to settle as the standing orders say).
- **Ranked, one seat, instant run-off**: each ballot counts for its highest-ranked candidate still
  in the race. A candidate with more than half of the ballots still counting wins; otherwise the
  candidate with the fewest is eliminated and the count goes again. Ties for elimination go to the
  candidate with fewer first preferences, then to the one listed later on the ballot. Ballots
  whose candidates are all eliminated are exhausted and count no further.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

YES_NO_CHOICES = ("yes", "no", "abstain")


def count_yes_no(ballots: Iterable[tuple[object, int]]) -> dict:
    tallies = dict.fromkeys(YES_NO_CHOICES, 0)
    for choice, weight in ballots:
        tallies[choice] += weight
    outcome = "carried" if tallies["yes"] > tallies["no"] else "not_carried"
    return {"method": "yes_no", **tallies, "outcome": outcome}


def count_approval(ballots: Iterable[tuple[object, int]], candidates: Sequence[int]) -> dict:
    tallies = dict.fromkeys(candidates, 0)
    for choice, weight in ballots:
        for candidate in choice:
            tallies[candidate] += weight
    top = max(tallies.values(), default=0)
    winners = [c for c in candidates if tallies[c] == top and top > 0]
    return {"method": "approval", "tallies": {str(c): tallies[c] for c in candidates}, "winners": winners}


def count_ranked(ballots: Iterable[tuple[object, int]], candidates: Sequence[int]) -> dict:
    ballots = [(list(choice), weight) for choice, weight in ballots]
    first = dict.fromkeys(candidates, 0)
    for choice, weight in ballots:
        if choice:
            first[choice[0]] += weight
    order = {c: i for i, c in enumerate(candidates)}
    standing = list(candidates)
    rounds = []
    while standing:
        tallies = dict.fromkeys(standing, 0)
        exhausted = 0
        for choice, weight in ballots:
            top = next((c for c in choice if c in tallies), None)
            if top is None:
                exhausted += weight
            else:
                tallies[top] += weight
        counting = sum(tallies.values())
        rounds.append({"tallies": {str(c): tallies[c] for c in standing}, "exhausted": exhausted})
        leader = max(standing, key=lambda c: (tallies[c], -order[c]))
        if counting and tallies[leader] * 2 > counting or len(standing) == 1:
            return {"method": "ranked", "rounds": rounds, "winners": [leader] if counting else []}
        loser = min(standing, key=lambda c: (tallies[c], first[c], -order[c]))
        standing.remove(loser)
        rounds[-1]["eliminated"] = loser
    return {"method": "ranked", "rounds": rounds, "winners": []}


def count(method: str, ballots: Iterable[tuple[object, int]], candidates: Sequence[int] = ()) -> dict:
    """The result of ``method`` over ``(choice, weight)`` ballots."""
    if method == "approval":
        return count_approval(ballots, candidates)
    if method == "ranked":
        return count_ranked(ballots, candidates)
    return count_yes_no(ballots)
