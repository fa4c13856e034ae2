"""The access team sees attendees' access needs in the admin, and nothing else; no one else sees them,
and they never reach a badge."""

import pytest
from django.urls import reverse
from django.utils import timezone

from festival import roles
from ticketing.models import AccessNeeds, Ticket
from ticketing.services import badges

from .factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory
from .test_badges import pdf_pages_text

pytestmark = pytest.mark.django_db

URL = reverse("ticketing_access_needs")
SECRET_DIET = "Kosher-ZQX-marker"


@pytest.fixture
def needs(festival):
    weekend = TicketTypeFactory(festival=festival, name="Weekend")
    order = OrderFactory(festival=festival, buyer_email="buyer@example.org")
    claudia = TicketFactory(ticket_type=weekend, order=order, attendee_name="Claudia Jones",
                            attendee_email="claudia@example.org")  # fmt: skip
    rosa = TicketFactory(ticket_type=weekend, order=order, attendee_name="Rosa Parks")
    gone = TicketFactory(ticket_type=weekend, order=order, attendee_name="Gone Person", status=Ticket.Status.REFUNDED)
    now = timezone.now()
    AccessNeeds.objects.create(ticket=claudia, bsl=True, wheelchair_space=True, dietary=SECRET_DIET, consented_at=now)
    AccessNeeds.objects.create(ticket=rosa, bsl=True, quiet_space=True, other="Arriving late", consented_at=now)
    AccessNeeds.objects.create(ticket=gone, carer=True, consented_at=now)
    return {"claudia": claudia, "rosa": rosa}


@pytest.fixture
def access_team(client, groups):
    user = UserFactory(username="akua")
    user.groups.add(groups[roles.ACCESS_TEAM])
    client.force_login(user)
    return user


def test_the_access_team_sees_counts_per_need_and_who_with_their_contact(client, access_team, festival, needs):
    page = client.get(URL, {"edition": festival.pk})

    assert page.status_code == 200
    counts = dict(page.context["report"]["counts"])
    assert counts["British Sign Language (BSL) interpretation"] == 2
    assert counts["A wheelchair space"] == 1 and counts["A quiet space"] == 1
    assert counts["A carer or companion coming with me"] == 0  # the refunded ticket's needs don't count
    assert counts["Dietary needs"] == 1 and counts["Something else"] == 1
    assert "Claudia Jones" in page.text and "claudia@example.org" in page.text
    assert "Rosa Parks" in page.text and "buyer@example.org" in page.text  # no email of her own: the buyer's
    assert SECRET_DIET in page.text and "Arriving late" in page.text
    assert "Gone Person" not in page.text


def test_the_access_team_lands_on_their_page_from_the_admin_home(client, access_team):
    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302 and response["Location"] == URL


@pytest.mark.parametrize(
    "url",
    [
        reverse("orders:index"),
        reverse("tickets:index"),
        reverse("reports_exports"),
        reverse("ticketing_personal_data"),
        reverse("ticketing_complimentary"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailusers_users:index"),
        reverse("door:page"),
        reverse("door:print_badges"),
    ],
)
def test_the_access_team_gets_403_everywhere_else(client, access_team, needs, url):
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [roles.BOX_OFFICE, roles.FINANCE, roles.ORGANISER, roles.EDITOR])
def test_other_roles_may_not_see_access_needs(client, groups, needs, role):
    user = UserFactory(username="someone")
    user.groups.add(groups[role])
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 403
    assert SECRET_DIET not in response.text and "Arriving late" not in response.text


def test_the_access_team_menu_shows_only_their_page(client, access_team, needs):
    page = client.get(URL)

    assert '"label": "Access needs"' in page.text
    for other in ("Exports", "Personal data", "Orders", "Tickets", "Reports"):
        assert f'"label": "{other}"' not in page.text


def test_no_need_ever_reaches_a_badge(needs):
    ticket = needs["claudia"]
    text = " ".join(pdf_pages_text(badges.render_badge_pdf(ticket)))

    assert "Claudia" in text
    for word in (SECRET_DIET, "BSL", "wheelchair", "Wheelchair", "Sign Language"):
        assert word not in text
