"""The demo assembly comes back to its known state when seeded again, outcomes included."""

from assembly import demo, voting
from assembly.models import Amendment, Motion, Vote


def test_seeding_again_undoes_a_carried_amendment(live_festival):
    demo.seed({"festival": live_festival})
    amendment = Amendment.objects.get(motion__festival=live_festival)
    vote = Vote.objects.get(festival=live_festival, amendment=amendment)
    Vote.objects.filter(pk=vote.pk).update(mode=Vote.Mode.HANDS)
    voting.record_count(vote_id=vote.pk, counts={"yes": "9", "no": "1", "abstain": "0"})
    assert Motion.objects.get(festival=live_festival).text == demo.AMENDMENT_TEXT

    demo.seed({"festival": live_festival})

    motion = Motion.objects.get(festival=live_festival)
    assert (motion.text, motion.original_text, motion.status) == (demo.MOTION_TEXT, "", Motion.Status.TABLED)
    assert Amendment.objects.get(motion=motion).status == Amendment.Status.PROPOSED
    assert not Vote.objects.filter(festival=live_festival).exclude(status=Vote.Status.DRAFT).exists()
