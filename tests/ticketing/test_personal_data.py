"""Personal data: everything held about one person, as JSON, and anonymising an edition once it is over."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage
from outbox.models import OutgoingEmail
from ticketing.ledger import LedgerState
from ticketing.models import AccessNeeds, CheckIn, Payment, Ticket, WaitingListEntry
from ticketing.services import badges, personal_data
from ticketing.services.errors import ShopError

from .factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSON_URL = reverse("ticketing_personal_data")


def anonymise_url(festival):
    return reverse("ticketing_anonymise_edition", args=[festival.pk])


@pytest.fixture
def organiser(client, groups):
    user = UserFactory(username="olu")
    user.groups.add(groups[roles.ORGANISER])
    client.force_login(user)
    return user


@pytest.fixture
def held(festival, standard, paid, django_capture_on_commit_callbacks):
    """A paid order of two (the second for Claudia, with access needs), its emails, a badge stored,
    a check-in, and Claudia on the waiting list."""
    with django_capture_on_commit_callbacks(execute=True):
        order = paid(festival, standard, 2, names=["Sylvia Pankhurst", "Claudia Jones"])
    first, second = order.tickets.order_by("pk")
    Ticket.objects.filter(pk=second.pk).update(attendee_email="Claudia@Example.org", pronouns="she/her")
    second.refresh_from_db()
    AccessNeeds.objects.create(ticket=second, bsl=True, dietary="Vegan", consented_at=timezone.now())
    badges.store_badge(ticket=first)
    first.refresh_from_db()
    staff = UserFactory(username="dev")
    CheckIn.objects.create(festival=festival, ticket=second, code=second.secret, result=CheckIn.Result.ADMITTED,
                           day=festival.start_date, door="Main gate", staff=staff, nonce="n1",
                           scanned_at=timezone.now())  # fmt: skip
    WaitingListEntry.objects.create(festival=festival, name="Claudia Jones", email="claudia@example.org")
    return {"order": order, "first": first, "second": second}


def end_edition(festival, days_ago=1):
    end = timezone.localdate() - timedelta(days=days_ago)
    FestivalPage.objects.filter(pk=festival.pk).update(start_date=end - timedelta(days=2), end_date=end)
    festival.refresh_from_db()


def test_everything_held_about_a_person_downloads_as_json(client, organiser, held):
    response = client.post(PERSON_URL, {"email": "claudia@example.org", "download": "1"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["found"] is True
    [ticket] = data["tickets"]
    assert ticket["attendee_name"] == "Claudia Jones" and ticket["pronouns"] == "she/her"
    assert ticket["access_needs"]["bsl"] is True and ticket["access_needs"]["dietary"] == "Vegan"
    assert [c["door"] for c in ticket["check_ins"]] == ["Main gate"]
    assert [w["name"] for w in data["waiting_list"]] == ["Claudia Jones"]
    assert data["orders"] == []  # she bought nothing herself


def test_a_buyers_data_holds_their_orders_payments_and_emails(held):
    data = personal_data.person_data(email="SYLVIA@example.org")

    [order] = data["orders"]
    assert order["code"] == held["order"].code
    assert [p["amount_pence"] for p in order["payments"]] == [held["order"].total]
    assert len(data["tickets"]) == 2  # the tickets she bought
    assert any(held["order"].code in e["subject"] for e in data["emails"])


def test_a_lookup_with_no_match_says_so_plainly(client, organiser, held):
    page = client.post(PERSON_URL, {"email": "nobody@example.org"})

    assert page.status_code == 200
    assert "We hold nothing under nobody@example.org" in page.text
    assert "Download everything as JSON" not in page.text
    data = personal_data.person_data(email="nobody@example.org")
    assert data["found"] is False and data["orders"] == data["tickets"] == data["emails"] == []


@pytest.mark.parametrize("email", ["", "not-an-email", "x" * 300])
def test_a_malformed_lookup_is_a_field_error(client, organiser, email):
    page = client.post(PERSON_URL, {"email": email})

    assert page.status_code == 400
    assert 'id="email-error"' in page.text


@pytest.mark.parametrize("role", [roles.BOX_OFFICE, roles.FINANCE, roles.ACCESS_TEAM, roles.EDITOR])
def test_other_roles_may_neither_look_up_nor_anonymise(client, groups, held, festival, role):
    user = UserFactory(username="someone")
    user.groups.add(groups[role])
    client.force_login(user)
    end_edition(festival)

    looked = client.post(PERSON_URL, {"email": "claudia@example.org", "download": "1"})
    anonymised = client.post(anonymise_url(festival), {"step": "confirm"})

    assert (looked.status_code, anonymised.status_code) == (403, 403)
    assert b"Claudia" not in looked.content
    assert Ticket.objects.filter(attendee_name="Claudia Jones").exists()


def test_an_edition_not_over_is_not_anonymised(client, organiser, held, festival):
    page = client.get(anonymise_url(festival))
    refused = client.post(anonymise_url(festival), {"step": "confirm"})

    assert "is not over yet" in page.text and "Yes, anonymise them" not in page.text
    assert refused.status_code == 400 and "is not over yet" in refused.text
    assert Ticket.objects.filter(attendee_name="Claudia Jones").exists()
    with pytest.raises(ShopError) as error:
        personal_data.anonymise_edition(festival=festival)
    assert error.value.code == "edition_not_over"
    end_edition(festival, days_ago=0)  # its last day is today: not over yet either
    with pytest.raises(ShopError):
        personal_data.anonymise_edition(festival=festival)


def test_anonymising_an_edition_removes_people_and_keeps_the_sums(
    client, organiser, held, festival, django_capture_on_commit_callbacks
):
    order = held["order"]
    total, paid_amounts = order.total, list(Payment.objects.filter(order=order).values_list("amount", "state"))
    badge_file = held["first"].badge_pdf
    storage, badge_name = badge_file.storage, badge_file.name
    assert storage.exists(badge_name)
    end_edition(festival)

    confirm = client.get(anonymise_url(festival))
    assert "Yes, anonymise them" in confirm.text and "cannot be undone" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(anonymise_url(festival), {"step": "confirm"})

    assert done.status_code == 302
    order.refresh_from_db()
    assert (order.buyer_name, order.buyer_email, order.total) == ("Anonymised", "", total)
    assert list(Payment.objects.filter(order=order).values_list("amount", "state")) == paid_amounts
    assert paid_amounts and paid_amounts[0][1] == LedgerState.SUCCEEDED
    tickets = Ticket.objects.filter(order=order)
    assert {(t.attendee_name, t.attendee_email, t.pronouns, t.badge_pdf.name) for t in tickets} == {
        ("Anonymised", "", "", "")
    }
    assert not storage.exists(badge_name)
    assert not AccessNeeds.objects.exists() and not WaitingListEntry.objects.exists()
    assert CheckIn.objects.filter(festival=festival, result=CheckIn.Result.ADMITTED).count() == 1
    about_order = OutgoingEmail.objects.filter(about=f"order {order.code}")
    assert about_order.exists()
    assert all(bytes(e.mime) == b"" and e.to == "" for e in about_order)
    assert personal_data.person_data(email="claudia@example.org")["found"] is False
    assert personal_data.person_data(email="sylvia@example.org")["found"] is False
    entry = PageLogEntry.objects.get(page=festival, action="ticketing.edition.anonymised")
    assert entry.user == organiser and entry.data["tickets"] == 2


def test_anonymising_leaves_other_editions_alone(held, festival, home):
    other = upsert_child(home, FestivalPage, slug="2027", title="Next year", start_date=festival.start_date,
                         end_date=festival.end_date, venue_name="Hall", time_zone="Europe/London")  # fmt: skip
    kept = TicketFactory(ticket_type=TicketTypeFactory(festival=other), order=OrderFactory(festival=other),
                         attendee_name="Claudia Jones", attendee_email="claudia@example.org")  # fmt: skip
    end_edition(festival)

    personal_data.anonymise_edition(festival=festival)

    kept.refresh_from_db()
    assert (kept.attendee_name, kept.order.buyer_name) == ("Claudia Jones", "Rosa Parks")
