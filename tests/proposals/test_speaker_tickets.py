"""A confirmed session's speakers get a complimentary speaker ticket, and their badge by email."""

import pytest

from outbox.models import OutgoingEmail
from proposals.models import Proposal
from proposals.services import decisions, submission
from proposals.services.submission import Speaker
from tests.ticketing.factories import TicketTypeFactory
from ticketing.models import Ticket


@pytest.fixture
def speaker_type(call, festival):
    ticket_type = TicketTypeFactory(festival=festival, name="Speaker", price=0, capacity=50, is_complimentary=True)
    call.speaker_ticket_type = ticket_type
    call.save()
    return ticket_type


@pytest.mark.django_db(transaction=True)
def test_each_confirmed_speaker_gets_a_speaker_ticket_and_their_badge(propose, organiser, speaker_type):
    proposal = propose(co_speakers=[Speaker(name="Ada", email="ada@example.org"), Speaker(name="No", email="no@x.org")])
    submission.confirm_speaker(speaker=proposal.speakers.get(email="ada@example.org"), name="Ada", pronouns="",
                               bio="", photo=None)  # fmt: skip
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    decisions.respond(proposal=proposal, confirm=True)

    tickets = Ticket.objects.select_related("order").order_by("pk")
    assert [(t.attendee_email, t.ticket_type_id, t.status, t.order.total) for t in tickets] == [
        ("rosa@example.org", speaker_type.pk, "valid", 0),
        ("ada@example.org", speaker_type.pk, "valid", 0),
    ]
    badges = OutgoingEmail.objects.filter(key__startswith="order-confirmation:")
    assert sorted(e.to for e in badges) == ["ada@example.org", "rosa@example.org"]
    assert all(bytes(e.mime).count(b"Content-Type: application/pdf") == 1 for e in badges)


@pytest.mark.django_db
def test_with_no_room_left_the_session_is_still_confirmed_and_no_ticket_issued(propose, organiser, speaker_type):
    speaker_type.capacity = 0
    speaker_type.save()
    proposal = propose()
    decisions.decide(proposal=proposal, decision=Proposal.State.ACCEPTED, user=organiser)

    confirmed = decisions.respond(proposal=proposal, confirm=True)

    assert confirmed.state == Proposal.State.CONFIRMED
    assert confirmed.session_page_id is not None
    assert Ticket.objects.count() == 0
