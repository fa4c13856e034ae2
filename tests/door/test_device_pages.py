"""Door devices in the browser's pages: the door page registers its device and limits its session,
sign-out revokes it, and organisers (and box office) list and revoke devices; no one else can."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from door.devices import TOKEN_MAX_AGE
from door.models import DoorDevice
from festival import roles
from tests.ticketing.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


@pytest.fixture
def member(groups):
    def make(role, username):
        user = UserFactory(username=username, first_name=username.title())
        user.groups.add(groups[role])
        return user

    return make


def open_door(client, user) -> str:
    """Sign ``user`` in on ``client`` and open the door page; the token it was given."""
    client.force_login(user)
    response = client.get(reverse("door:page"), HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200
    return response.context["door_config"]["token"]


def stats(client, token):
    return client.get(reverse("door:stats"), HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_door_page_registers_its_device_once_and_keeps_it_on_reload(client, live_festival, door_staff):
    open_door(client, door_staff)
    client.get(reverse("door:page"))
    client.get(reverse("door:token"))

    device = DoorDevice.objects.get()
    assert (device.user, device.festival_id, device.label) == (door_staff, live_festival.pk, "Chrome on Android")
    assert device.revoked_at is None


def test_a_door_session_lasts_one_festival_day_not_fourteen(client, live_festival, door_staff):
    open_door(client, door_staff)
    first_expiry = client.session.get_expiry_date()
    client.get(reverse("door:page"))  # opening it again does not lengthen it

    now = timezone.now()
    assert now + timedelta(seconds=TOKEN_MAX_AGE - 60) < first_expiry <= now + timedelta(seconds=TOKEN_MAX_AGE)
    assert client.session.get_expiry_date() == first_expiry


def test_sign_out_revokes_the_devices_tokens_and_ends_the_session(client, live_festival, door_staff):
    token = open_door(client, door_staff)

    response = client.post(reverse("door:sign_out"))

    assert response.status_code == 302
    assert response["Location"] == reverse("door:login")
    assert DoorDevice.objects.get().revoked_by == door_staff
    assert "_auth_user_id" not in client.session
    assert (stats(client, token).status_code, stats(client, token).json()["error"]) == (401, "device_revoked")
    assert client.get(reverse("door:page")).status_code == 302  # signed out


def test_sign_out_needs_a_post_with_the_csrf_token(live_festival, door_staff):
    client = Client(enforce_csrf_checks=True)
    token = open_door(client, door_staff)

    by_get = client.get(reverse("door:sign_out"))
    forged = client.post(reverse("door:sign_out"))

    assert (by_get.status_code, forged.status_code) == (405, 403)
    assert stats(client, token).status_code == 200


def test_door_staff_cannot_see_or_revoke_devices(client, live_festival, door_staff, member):
    colleague = member(roles.DOOR_STAFF, "cole")
    colleague_token = open_door(Client(), colleague)
    device = DoorDevice.objects.get(user=colleague)
    client.force_login(door_staff)

    listed = client.get(reverse("door:devices"))
    confirm = client.get(reverse("door:revoke_device", args=[device.pk]))
    revoked = client.post(reverse("door:revoke_device", args=[device.pk]))

    assert (listed.status_code, confirm.status_code, revoked.status_code) == (403, 403, 403)
    assert DoorDevice.objects.get(pk=device.pk).revoked_at is None
    assert stats(client, colleague_token).status_code == 200


@pytest.mark.parametrize("role", [roles.ORGANISER, roles.BOX_OFFICE])
def test_organisers_and_box_office_list_and_revoke_a_door_device(client, live_festival, door_staff, member, role):
    staff_client = Client()
    token = open_door(staff_client, door_staff)
    device = DoorDevice.objects.get(user=door_staff)
    manager = member(role, "olu")
    client.force_login(manager)

    listed = client.get(reverse("door:devices"), {"edition": live_festival.pk})
    confirm = client.get(reverse("door:revoke_device", args=[device.pk]))
    still_scanning = stats(staff_client, token).status_code
    revoked = client.post(reverse("door:revoke_device", args=[device.pk]))
    after = stats(staff_client, token)
    page_after = staff_client.get(reverse("door:page"))

    assert listed.status_code == 200
    assert b"Chrome on Android" in listed.content and b"Dev" in listed.content
    assert listed.context["rows"] == [(device, True)]
    assert confirm.status_code == 200 and b"Sign out this device" in confirm.content
    assert still_scanning == 200  # asking changes nothing
    assert revoked.status_code == 302
    assert DoorDevice.objects.get(pk=device.pk).revoked_by == manager
    assert (after.status_code, after.json()["error"]) == (401, "device_revoked")
    assert page_after.status_code == 302  # the revoked device's door page signs it out
    assert page_after["Location"].startswith(reverse("door:login"))
    assert "_auth_user_id" not in staff_client.session


def test_a_revoked_devices_token_refresh_is_refused_and_signs_it_out(client, live_festival, door_staff, member):
    staff_client = Client()
    open_door(staff_client, door_staff)
    client.force_login(member(roles.ORGANISER, "olu"))
    client.post(reverse("door:revoke_device", args=[DoorDevice.objects.get().pk]))

    refresh = staff_client.get(reverse("door:token"))

    assert (refresh.status_code, refresh.json()["error"]) == (401, "device_revoked")
    assert "_auth_user_id" not in staff_client.session


def test_the_device_list_shows_only_the_editions_devices(client, live_festival, festival, door_staff, member):
    open_door(Client(), door_staff)
    DoorDevice.objects.create(user=door_staff, festival=festival, label="Elsewhere", issued_at=timezone.now())
    client.force_login(member(roles.ORGANISER, "olu"))

    listed = client.get(reverse("door:devices"), {"edition": live_festival.pk})

    assert [device.label for device, _ in listed.context["rows"]] == ["Chrome on Android"]
