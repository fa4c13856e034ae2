"""The site shell: the home page, one page per festival edition, plain pages, settings."""

import re
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock, FestivalBodyBlock

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class HomePage(Page):
    """The site's front page; editions and plain pages hang below it."""

    intro = models.CharField(max_length=250, blank=True)
    body = StreamField(
        FestivalBodyBlock(),
        blank=True,
        use_json_field=True,
        help_text=_("Start with a hero: it shows the next edition's dates, place and tickets button."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["festival.FestivalPage", "festival.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["editions"] = FestivalPage.objects.child_of(self).live().order_by("-start_date")
        return context

    @property
    def starts_with_hero(self) -> bool:
        """Whether the body opens with a hero block, which then stands in for the page's own heading."""
        raw = self.body.raw_data
        return bool(raw) and raw[0]["type"] == "hero"


class FestivalPage(Page):
    """One edition of the festival: everything else belongs to one of these."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        ON_SALE = "on_sale", _("On sale")
        SOLD_OUT = "sold_out", _("Sold out")
        POSTPONED = "postponed", _("Postponed")
        OVER = "over", _("Over")

    tagline = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    venue_name = models.CharField(max_length=200)
    venue_address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/London")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    body = StreamField(FestivalBodyBlock(), blank=True, use_json_field=True)
    about_page = models.ForeignKey(
        "festival.StandardPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("“About” in the menu"),
    )
    access_page = models.ForeignKey(
        "festival.StandardPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("“Access” in the menu"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("tagline"),
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("time_zone"), FieldPanel("status")],
            heading=_("When"),
        ),
        MultiFieldPanel([FieldPanel("venue_name"), FieldPanel("venue_address")], heading=_("Where")),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("about_page"), FieldPanel("access_page")],
            heading=_("Main menu"),
            help_text=_(
                "While this edition is the current one, the menu links its programme, speakers and tickets, "
                "and these pages."
            ),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("tagline"), index.SearchField("venue_name")]

    parent_page_types = ["festival.HomePage"]
    subpage_types = ["festival.StandardPage", "programme.ProgrammePage", "speakers.SpeakerIndexPage"]

    class Meta:
        verbose_name = _("festival edition")

    @property
    def social_image(self):
        return self.hero_image

    @property
    def social_description(self) -> str:
        """What a shared link says under the title: the tagline, else when and where."""
        if self.tagline:
            return self.tagline
        return f"{date_format(self.start_date, 'j F')} to {date_format(self.end_date, 'j F Y')}, {self.venue_name}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The festival cannot end before it starts.")})

    @property
    def starts_with_hero(self) -> bool:
        """Whether the body opens with a hero block, which then stands in for the page's own heading."""
        raw = self.body.raw_data
        return bool(raw) and raw[0]["type"] == "hero"

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def days(self):
        """Every date of the edition, in order."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=n) for n in range(count)]

    def sales_state(self, *, now: datetime, tickets_left: int) -> str:
        """The edition's status as it stands at ``now``: the one rule for whether its tickets are sold.

        Over once its last day has passed in its own time zone, or when marked over; otherwise, while
        marked on sale (or sold out), sold out when no public ticket is left (``tickets_left``, once
        those promised to the waiting list are set aside) and on sale when one is; otherwise its
        status (announced, postponed), when nothing is sold. A ``Status`` value.
        """
        if self.status == self.Status.OVER or now.astimezone(self.tz).date() > self.end_date:
            return self.Status.OVER
        if self.status not in (self.Status.ON_SALE, self.Status.SOLD_OUT):
            return self.Status(self.status)
        return self.Status.ON_SALE if tickets_left > 0 else self.Status.SOLD_OUT


class StandardPage(Page):
    """A plain content page: about, getting there, code of conduct."""

    intro = models.CharField(max_length=250, blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["festival.HomePage", "festival.FestivalPage", "festival.StandardPage"]
    subpage_types = ["festival.StandardPage"]

    class Meta:
        verbose_name = _("content page")


@register_setting(icon="site")
class FestivalSettings(BaseSiteSetting):
    """Branding, contact and social links, edited under Settings in the admin."""

    site_name = models.CharField(max_length=100, default="Festival of Resistance")
    primary_colour = models.CharField(
        max_length=7, default="#b0172b", help_text=_("A hex colour dark enough for white text on it.")
    )
    accent_colour = models.CharField(max_length=7, default="#f5c518")
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact_email = models.EmailField(default="hello@festival.invalid")
    organisation_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The organisation that sells the tickets, as receipts name it. Blank: the site's name."),
    )
    organisation_address = models.TextField(
        blank=True,
        help_text=_("Its postal address, one line per line, as receipts and the foot of every page show it."),
    )
    receipt_note = models.CharField(
        max_length=300,
        blank=True,
        help_text=_('A line at the foot of every receipt, e.g. "Not a VAT invoice." or a charity number.'),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy notice"),
        help_text=_("Linked from the foot of every page."),
    )
    mastodon_url = models.URLField(blank=True)
    bluesky_url = models.URLField(blank=True)
    instagram_url = models.URLField(blank=True)
    youtube_url = models.URLField(blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("primary_colour"), FieldPanel("accent_colour"), FieldPanel("logo")],
            heading=_("Branding"),
        ),
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("privacy_page")], heading=_("Contact and privacy")),
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("organisation_address"), FieldPanel("receipt_note")],
            heading=_("Receipts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("mastodon_url"),
                FieldPanel("bluesky_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social links"),
        ),
    ]

    class Meta:
        verbose_name = _("festival settings")

    def clean(self):
        super().clean()
        for field in ("primary_colour", "accent_colour"):
            if not re.fullmatch(r"#[0-9a-fA-F]{6}", getattr(self, field) or ""):
                raise ValidationError({field: _("Use a six-digit hex colour such as #b0172b.")})

    @property
    def receipt_issuer(self) -> str:
        """Who receipts say sold the tickets: the organisation's name, else the site's."""
        return self.organisation_name or self.site_name

    @property
    def social_links(self):
        links = [
            ("Mastodon", self.mastodon_url),
            ("Bluesky", self.bluesky_url),
            ("Instagram", self.instagram_url),
            ("YouTube", self.youtube_url),
        ]
        return [(label, url) for label, url in links if url]


class Postponement(models.Model):
    """An edition moved to new dates by an organiser: what it was, what it became, and until when its
    ticket holders may have their money back (``services`` in ticketing carry it out)."""

    class Programme(models.TextChoices):
        SHIFT = "shift", _("Move every session by the same number of days")
        RESCHEDULE = "reschedule", _("Mark every session “to be rescheduled” and take it off the grid")

    edition = models.ForeignKey(FestivalPage, on_delete=models.CASCADE, related_name="postponements")
    old_start_date = models.DateField()
    old_end_date = models.DateField()
    new_start_date = models.DateField()
    new_end_date = models.DateField()
    refund_deadline = models.DateField(
        help_text=_(
            "Ticket holders may ask for their money back until the end of this day, in the edition's time zone."
        )
    )
    programme = models.CharField(max_length=20, choices=Programme.choices, default=Programme.SHIFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("postponement")
        permissions = [("postpone_edition", "Can postpone a festival edition")]

    def __str__(self):
        return f"{self.edition.title}: {self.old_start_date} → {self.new_start_date}"

    @property
    def day_offset(self) -> int:
        return (self.new_start_date - self.old_start_date).days

    def refund_closes_at(self) -> datetime:
        """The moment refunds close: the end of the deadline day in the edition's time zone."""
        return datetime.combine(self.refund_deadline + timedelta(days=1), datetime.min.time(), tzinfo=self.edition.tz)

    def refunds_open(self, now: datetime) -> bool:
        return now < self.refund_closes_at()
