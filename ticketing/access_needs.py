"""Attendees' access needs, kept apart from their tickets so that nothing reads them by accident.

One row per ticket, written only when the attendee (or the buyer for them) consented to keep it.
Only the access team's admin page (``ticketing.access_views``), the attendee's own ticket page and
the personal-data services read it: the badge, the door and the exports never join this table.
Imported by ``ticketing.models``, so Django finds it there.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Who may see access needs in the admin, as ``user.has_perm`` names it.
VIEW_ACCESS_NEEDS_PERMISSION = "ticketing.view_access_needs"
# Who may download everything held about a person and anonymise an edition (organisers).
MANAGE_PERSONAL_DATA_PERMISSION = "ticketing.manage_personal_data"
DIETARY_MAX = 300
OTHER_MAX = 1000

# The yes/no needs, in the order the form asks them: field name, plain label.
NEEDS = [
    ("bsl", _("British Sign Language (BSL) interpretation")),
    ("step_free", _("Step-free access")),
    ("wheelchair_space", _("A wheelchair space")),
    ("quiet_space", _("A quiet space")),
    ("carer", _("A carer or companion coming with me")),
]


class AccessNeeds(models.Model):
    """What one attendee told us they need to take part, with when they consented to us keeping it."""

    # Personal records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    ticket = models.OneToOneField("ticketing.Ticket", on_delete=models.CASCADE, related_name="access_needs")
    bsl = models.BooleanField(_("BSL interpretation"), default=False)
    step_free = models.BooleanField(_("step-free access"), default=False)
    wheelchair_space = models.BooleanField(_("wheelchair space"), default=False)
    quiet_space = models.BooleanField(_("quiet space"), default=False)
    carer = models.BooleanField(_("carer or companion"), default=False)
    dietary = models.CharField(_("dietary needs"), max_length=DIETARY_MAX, blank=True)
    other = models.TextField(_("anything else"), max_length=OTHER_MAX, blank=True)
    consented_at = models.DateTimeField(help_text=_("When the attendee agreed to us keeping these needs."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("access needs")
        verbose_name_plural = _("access needs")
        permissions = [
            ("view_access_needs", _("Can see attendees' access needs (the access team)")),
            ("manage_personal_data", _("Can download a person's data and anonymise an edition's attendees")),
        ]

    def __str__(self):
        return f"Access needs of ticket {self.ticket_id}"

    def labels(self) -> list[str]:
        """The yes/no needs this attendee has, in plain words."""
        return [str(label) for name, label in NEEDS if getattr(self, name)]

    @property
    def is_empty(self) -> bool:
        return not (self.labels() or self.dietary or self.other)
