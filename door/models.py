"""The door's own records: the devices signed in to scan (each door page, each hardware token)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DoorDevice(models.Model):
    """A browser or scanner holding door tokens. Its id is inside every token it holds (signed), so
    revoking it refuses them all at once, whatever their expiry."""

    # Working records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="door_devices")
    festival = models.ForeignKey(
        "festival.FestivalPage",
        on_delete=models.CASCADE,
        related_name="door_devices",
        help_text=_("The edition of its latest token."),
    )
    label = models.CharField(max_length=120, blank=True, help_text=_("The browser and system it signed in from."))
    signed_in_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(help_text=_("When it was last given a token."))
    last_seen_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Its latest call to the check-in API, to within a minute.")
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("door device")

    def __str__(self):
        return f"{self.label or _('Door device')} ({self.user})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
