"""Stages, tracks and formats: the snippets a session is placed and described by."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


def _edition_field(related_name: str):
    return models.ForeignKey(
        "festival.FestivalPage",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name=related_name,
        help_text=_("The festival edition this belongs to; each edition has its own."),
    )


def _unique_per_edition(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["edition", "name"], name=f"{prefix}_unique_name_per_edition"),
        models.UniqueConstraint(fields=["edition", "slug"], name=f"{prefix}_unique_slug_per_edition"),
    ]


class Stage(models.Model):
    """A room or stage at the venue; a session happens on one."""

    edition = _edition_field("stages")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility_notes = models.TextField(
        _("accessibility notes"), blank=True, help_text=_("Step-free route, hearing loop, seating, quiet space.")
    )
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("edition"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("capacity"),
        FieldPanel("accessibility_notes"),
    ]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("stage")
        constraints = _unique_per_edition("stage")

    def __str__(self):
        return self.name


class Track(models.Model):
    """A theme that runs through the programme, such as climate or housing."""

    edition = _edition_field("tracks")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=False)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1a1a1a",
        help_text=_("A six-digit hex colour dark enough for white text on it."),
    )
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("edition"), FieldPanel("name"), FieldPanel("slug"), FieldPanel("colour")]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("track")
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="track_colour_is_hex"),
            *_unique_per_edition("track"),
        ]

    def __str__(self):
        return self.name


class SessionFormat(models.Model):
    """What kind of session it is: talk, panel, workshop, film, assembly, social."""

    edition = _edition_field("session_formats")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=False)
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("edition"), FieldPanel("name"), FieldPanel("slug")]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("session format")
        constraints = _unique_per_edition("session_format")

    def __str__(self):
        return self.name
