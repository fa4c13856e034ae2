"""Journey: an assembly run end to end in Chromium, on phones and the chair's laptop.

A member tables a motion (with script in its text, shown as words) from the page their order links
to; another amends it (the amendment shows as a difference) and seconds it. The chair opens a secret
ballot on the motion in the admin; the projector page shows the turnout as the two members vote from
their phones (each gets a receipt and checks it says "counted"); the chair closes the vote and the
projector, refreshing itself, shows the result. Every public page is checked with axe.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from assembly import links
from assembly.models import Motion, MotionsWindow, Vote
from festival import roles
from tests.browser import LAPTOP, PHONE, assert_accessible, wait_for
from tests.ticketing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall(live_festival, member, groups):
    now = timezone.now()
    MotionsWindow.objects.create(
        festival=live_festival, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )
    chair = UserFactory(username="chair-journey")
    chair.groups.add(groups[roles.CHAIR])
    return {"ada": member(attendee_name="Ada Nield"), "bo": member(attendee_name="Bo Hardie"), "chair": chair}


def test_table_amend_open_vote_from_phones_close_and_project(open_browser, live_festival, hall):
    ada_phone = open_browser(viewport=PHONE).new_page()
    ada_phone.goto(f"/tickets/orders/{hall['ada'].order.access_token}/")
    ada_phone.get_by_role("link", name="Motions and amendments for Ada Nield").click()
    ada_phone.get_by_label("Title").fill("Register as a political party")
    ada_phone.get_by_label("Text of the motion").fill("We register now. <script>alert('x')</script>")
    ada_phone.get_by_role("button", name="Table this motion").click()
    wait_for(ada_phone, "() => document.querySelector('.motion-text') !== null")
    assert "<script>alert('x')</script>" in ada_phone.locator(".motion-text").inner_text()
    assert "Awaiting seconders: 0 of 1" in ada_phone.inner_text("main")
    assert_accessible(ada_phone)

    bo_phone = open_browser(viewport=PHONE).new_page()
    bo_phone.goto(f"/assembly/member/{links.ballot_token(hall['bo'])}/motions/")
    bo_phone.get_by_text("Propose an amendment").click()
    bo_phone.get_by_label("The motion's text as your amendment would leave it").fill("We register next year.")
    bo_phone.get_by_role("button", name="Propose this amendment").click()
    bo_phone.get_by_role("button", name="Second this motion").click()
    wait_for(bo_phone, "() => document.body.innerText.includes('seconded by Bo Hardie')")
    assert "Tabled" in bo_phone.locator(".motion-status").inner_text()
    assert bo_phone.locator(".diff del").all_inner_texts() == ["now. <script>alert('x')</script>"]
    assert bo_phone.locator(".diff ins").all_inner_texts() == ["next year."]
    assert_accessible(bo_phone)

    motion = Motion.objects.get()
    vote = Vote.objects.create(festival=live_festival, title="Register as a political party", motion=motion)
    laptop = open_browser(viewport=LAPTOP, user=hall["chair"])
    chair_page = laptop.new_page()
    chair_page.goto(f"/admin/assembly/chair/{vote.pk}/")
    chair_page.get_by_role("button", name="Open the vote").click()
    wait_for(chair_page, "() => document.body.innerText.includes('The vote is open: 2 may vote.')")
    projector = laptop.new_page()
    projector.goto(f"/assembly/{live_festival.slug}/projector/")
    assert "0 of 2 have voted" in projector.inner_text("#projector")
    assert_accessible(projector)

    for phone, ticket in ((ada_phone, hall["ada"]), (bo_phone, hall["bo"])):
        phone.goto(f"/assembly/ballot/{links.ballot_token(ticket)}/")
        assert_accessible(phone)
        phone.get_by_label("Yes").check()
        phone.get_by_role("button", name="Cast my ballot").click()
        wait_for(phone, "() => document.body.innerText.includes('Your ballot is in')")
        assert_accessible(phone)
        phone.get_by_role("link", name="Check this receipt").click()
        wait_for(phone, "() => document.body.innerText.includes('Counted: this ballot is in')")
    wait_for(projector, "() => document.getElementById('projector').innerText.includes('2 of 2 have voted')")

    chair_page.get_by_role("button", name="Close the vote and count").click()
    wait_for(projector, "() => document.getElementById('projector').innerText.includes('Carried')")
    assert "Turnout: 2 of 2" in projector.inner_text("#projector")
    assert_accessible(projector)

    ada_phone.goto(f"/assembly/member/{links.ballot_token(hall['ada'])}/motions/")
    assert "Carried" in ada_phone.inner_text("main")
    assert ada_phone.get_by_role("button", name="Second this motion").count() == 0  # decided: no more seconding
    assert_accessible(ada_phone)
