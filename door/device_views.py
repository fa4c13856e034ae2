"""The organisers' list of signed-in door devices, and revoking one (box office and organisers)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from door import devices
from door.models import DoorDevice
from door.views import manage_permission_required
from festival.editions import requested_edition

logger = logging.getLogger(__name__)


@never_cache
@manage_permission_required
def door_devices(request):
    """The edition's door devices: who, which browser, last seen, and whether it can still scan."""
    festival = requested_edition(request)
    now = timezone.now()
    rows = [(device, devices.is_live(device, now)) for device in devices.devices_for(festival=festival, now=now)]
    return render(request, "door/devices.html", {"festival": festival, "rows": rows})


@never_cache
@manage_permission_required
def revoke_door_device(request, device_id: int):
    """Ask, then revoke (POST): the device's tokens are refused at once and its page signs out."""
    device = get_object_or_404(DoorDevice.objects.select_related("user", "festival"), pk=device_id)
    if request.method == "POST":
        devices.revoke_device(device_id=device.pk, by=request.user)
        logger.info("door device %s of %s revoked by %s", device.pk, device.user, request.user)
        messages.success(
            request,
            _("%(device)s of %(user)s is signed out of the door.") % {"device": device.label, "user": device.user},
        )
        return redirect(reverse("door:devices") + f"?edition={device.festival_id}")
    return render(request, "door/device_revoke.html", {"device": device, "festival": device.festival})
