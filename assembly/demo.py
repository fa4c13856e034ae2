"""The demo assembly: a motions window over the edition, a motion with an amendment, an agenda and
three votes not yet opened (a secret ballot on the motion, a ranked election, a show of hands).
Safe to run again: it brings the demo assembly back to this state, votes included."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from .models import Agenda, AgendaItem, Amendment, Candidate, Motion, MotionsWindow, Vote

MOTION_TEXT = (
    "Conference notes that the movement has grown in every region.\n\n"
    "Conference resolves that the movement registers as a political party with the Electoral Commission "
    "before the next general election."
)
AMENDMENT_TEXT = MOTION_TEXT.replace("before the next general election", "after a ballot of all members")


def seed(context: dict) -> None:
    festival = context["festival"]
    tz = festival.tz
    opens = datetime.combine(festival.start_date - timedelta(days=14), time(9), tzinfo=tz)
    closes = datetime.combine(festival.end_date, time(18), tzinfo=tz)
    MotionsWindow.objects.update_or_create(festival=festival, defaults={"opens_at": opens, "closes_at": closes})
    motion, _ = Motion.objects.update_or_create(
        festival=festival, title="Register as a political party",
        defaults={"text": MOTION_TEXT, "original_text": "", "proposer_name": "Angela Davis",
                  "status": Motion.Status.TABLED},
    )  # fmt: skip
    amendment, _ = Amendment.objects.update_or_create(
        motion=motion, proposer_name="Tony Benn", defaults={"text": AMENDMENT_TEXT, "status": Amendment.Status.PROPOSED}
    )
    Vote.objects.filter(festival=festival).delete()  # back to the known state: not yet opened, no ballots
    on_amendment = Vote.objects.create(festival=festival, title="Amendment 1: a ballot of all members first",
                                       motion=motion, amendment=amendment)  # fmt: skip
    on_motion = Vote.objects.create(festival=festival, title="Register as a political party", motion=motion)
    election = Vote.objects.create(festival=festival, title="Elect the conference chair", method=Vote.Method.RANKED)
    for n, name in enumerate(["Jayaben Desai", "Claudia Jones", "Mick McGahey"]):
        Candidate.objects.create(vote=election, name=name, sort_order=n)
    hands = Vote.objects.create(festival=festival, title="Accept the standing orders", mode=Vote.Mode.HANDS)
    agenda, _ = Agenda.objects.update_or_create(
        festival=festival, title="Conference assembly",
        defaults={"starts_at": datetime.combine(festival.end_date, time(14), tzinfo=tz)},
    )  # fmt: skip
    agenda.items.all().delete()
    items = [
        ("Welcome and standing orders", {"vote": hands}),
        ("Amendment 1 to the motion on registering", {"motion": motion, "amendment": amendment, "vote": on_amendment}),
        ("Motion: register as a political party", {"motion": motion, "vote": on_motion}),
        ("Election of the conference chair", {"vote": election}),
    ]
    for n, (title, links) in enumerate(items):
        AgendaItem.objects.create(agenda=agenda, title=title, sort_order=n, **links)
