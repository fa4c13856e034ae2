"""Door tokens: signed, short-lived, and checked against the door-staff role."""

from django.core import signing

from door import auth
from door.models import DoorDevice


def test_a_token_names_its_user_edition_and_device(door_staff, live_festival, rf):
    token = auth.issue_token(user=door_staff, festival=live_festival)

    identity = auth.authenticate(rf.post("/", HTTP_AUTHORIZATION=f"Bearer {token}"))

    device = DoorDevice.objects.get(user=door_staff)
    assert identity == auth.DoorAuth(door_staff.pk, live_festival.pk, device.pk)


def test_a_token_expires_after_its_day_even_once_it_was_accepted(door_staff, live_festival, rf, monkeypatch):
    issued = 1_800_000_000
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    token = auth.issue_token(user=door_staff, festival=live_festival)
    request = rf.post("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    accepted_then = auth.authenticate(request)

    monkeypatch.setattr(signing.time, "time", lambda: issued + auth.TOKEN_MAX_AGE + 1)

    assert accepted_then is not None
    assert auth.authenticate(request) is None


def test_a_token_with_a_changed_edition_is_refused(door_staff, live_festival, rf):
    token = auth.issue_token(user=door_staff, festival=live_festival)
    auth.authenticate(rf.post("/", HTTP_AUTHORIZATION=f"Bearer {token}"))
    payload, signature = token.rsplit(":", 1)
    forged = signing.b64_encode(f'{{"u":{door_staff.pk},"f":{live_festival.pk + 1},"e":4000000000}}'.encode()).decode()

    assert auth.authenticate(rf.post("/", HTTP_AUTHORIZATION=f"Bearer {forged}:{signature}")) is None


def test_a_token_s_expiry_is_signed_so_stretching_it_is_refused(door_staff, live_festival, rf):
    token = auth.issue_token(user=door_staff, festival=live_festival)
    payload, signature = token.rsplit(":", 1)
    signed = signing.Signer(salt="door.token").unsign_object(token)
    stretched = {**signed, "e": signed["e"] + auth.TOKEN_MAX_AGE}
    forged = signing.b64_encode(signing.JSONSerializer().dumps(stretched)).decode()

    assert signed["e"] > signing.time.time()
    assert auth.authenticate(rf.post("/", HTTP_AUTHORIZATION=f"Bearer {forged}:{signature}")) is None
