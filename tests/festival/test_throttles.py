"""Throttles: sign-in (admin, Django admin, door), password reset and voucher guessing, each
answering 429 with a plain page once over, and locking out only whoever went over."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from festival.demo import upsert_child
from festival.models import FestivalPage
from tests.ticketing.factories import UserFactory
from ticketing.models import TicketType, Voucher

PASSWORD = "a-long-correct-password"


@pytest.fixture
def staff(groups):
    user = UserFactory(username="rosa", email="rosa@example.org")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(groups["Organiser"])
    return user


@pytest.fixture
def shop(home):
    """The shop of an edition on sale, four weeks ahead, with a voucher SOLIDARITY."""
    start = timezone.localdate() + timedelta(days=28)
    festival = upsert_child(home, FestivalPage, slug="next", title="Festival of Resistance", start_date=start,
                            end_date=start, venue_name="Hall", status=FestivalPage.Status.ON_SALE)  # fmt: skip
    TicketType.objects.create(festival=festival, name="Day", price=1000, capacity=10)
    Voucher.objects.create(festival=festival, code="SOLIDARITY", kind=Voucher.Kind.PERCENT, percent_off=10, max_uses=50)
    return reverse("ticketing:shop", kwargs={"slug": festival.slug})


def sign_in(client, url, username, password, ip="203.0.113.5"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/admin/login/", "/door/login/", "/django-admin/login/"])
def test_wrong_passwords_lock_the_account_from_that_address_for_a_while(client, staff, url):
    wrong = [sign_in(client, url, "rosa", f"wrong-{n}").status_code for n in range(5)]

    right = sign_in(client, url, "rosa", PASSWORD)

    assert wrong == [200, 200, 200, 200, 429]  # the form again four times; the fifth locks
    assert right.status_code == 429
    assert "Signing in is paused" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_person_s_wrong_passwords_do_not_lock_out_others_at_the_same_venue(client, staff, groups):
    other = UserFactory(username="clara")
    other.set_password(PASSWORD)
    other.save()
    other.groups.add(groups["Organiser"])
    for n in range(6):
        sign_in(client, "/admin/login/", "rosa", f"wrong-{n}")

    response = sign_in(client, "/admin/login/", "clara", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_the_same_account_from_another_address_can_still_sign_in(client, staff):
    for n in range(6):
        sign_in(client, "/admin/login/", "rosa", f"wrong-{n}", ip="203.0.113.5")

    response = sign_in(client, "/admin/login/", "rosa", PASSWORD, ip="198.51.100.7")

    assert response.status_code == 302


def test_password_reset_requests_are_throttled_per_address(client, staff):
    url = "/admin/password_reset/"
    answers = [client.post(url, {"email": "rosa@example.org"}, REMOTE_ADDR="203.0.113.5").status_code for _ in range(5)]

    assert answers[:3] == [302, 302, 302]
    assert answers[3:] == [429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_throttled_per_client(client, staff):
    url = "/admin/password_reset/"
    answers = [
        client.post(url, {"email": f"nobody{n}@example.org"}, REMOTE_ADDR="203.0.113.9").status_code for n in range(11)
    ]

    assert answers[:10] == [302] * 10
    assert answers[10] == 429


def test_voucher_guessing_is_stopped_after_ten_wrong_codes_and_names_no_code(client, shop):
    guesses = [client.get(shop, {"voucher": f"GUESS{n}"}, REMOTE_ADDR="203.0.113.5").status_code for n in range(10)]

    blocked = client.get(shop, {"voucher": "SOLIDARITY"}, REMOTE_ADDR="203.0.113.5")
    elsewhere = client.get(shop, {"voucher": "SOLIDARITY"}, REMOTE_ADDR="198.51.100.7")

    assert guesses == [200] * 10
    assert blocked.status_code == 429
    assert "SOLIDARITY" not in blocked.content.decode()
    assert blocked["Retry-After"] == "900"
    assert elsewhere.status_code == 200


def test_right_voucher_codes_do_not_count_towards_the_limit(client, shop):

    answers = [client.get(shop, {"voucher": "SOLIDARITY"}).status_code for _ in range(15)]

    assert answers == [200] * 15
