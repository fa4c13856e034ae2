"""A vote's stored result in words and figures, for the projector, the chair's page and the minute."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Candidate, Vote


def described(vote: Vote) -> dict | None:
    """Rows of (label, figure) and the outcome's words, or None while the vote has no result."""
    result = vote.result or {}
    if vote.status != Vote.Status.CLOSED or not result:
        return None
    names = {str(c.pk): c.name for c in Candidate.objects.filter(vote=vote)}
    if result.get("method") == "yes_no":
        rows = [(_("Yes"), result["yes"]), (_("No"), result["no"]), (_("Abstain"), result["abstain"])]
        outcome = _("Carried") if result["outcome"] == "carried" else _("Not carried")
    else:
        tallies = result.get("tallies") or (result.get("rounds") or [{}])[-1].get("tallies", {})
        rows = [(names.get(key, key), figure) for key, figure in tallies.items()]
        winners = [names.get(str(w), str(w)) for w in result.get("winners", [])]
        outcome = _("Elected: %(names)s") % {"names": ", ".join(winners)} if winners else _("No one elected")
    return {
        "rows": rows,
        "outcome": outcome,
        "rounds": [
            {
                "tallies": [(names.get(k, k), n) for k, n in r["tallies"].items()],
                "exhausted": r["exhausted"],
                "eliminated": names.get(str(r.get("eliminated")), ""),
            }
            for r in result.get("rounds", [])
        ],
        "turnout": vote.turnout,
        "electorate": vote.electorate_size,
    }
