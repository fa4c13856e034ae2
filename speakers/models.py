"""Speakers: one index page per edition, one page per speaker."""

import uuid

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from festival import social
from festival.page_cache import cached_response
from speakers.privacy import visible_from

SPEAKER_CARD_PHOTO = "fill-160x160"
SPEAKER_PAGE_PHOTO = "fill-320x320"


class SpeakerIndexPage(Page):
    """Lists an edition's speakers; holds their pages."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["festival.FestivalPage"]
    subpage_types = ["speakers.SpeakerPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("speaker index")

    def route(self, request, path_components):
        """Find a speaker in one query, with their photo and its renditions."""
        if path_components:
            speaker = self.speaker_by_slug(path_components[0])
            if speaker is not None:
                found = speaker.route(request, path_components[1:])
                if found.page is speaker:  # the index is at hand: hand it on to the page's context
                    found.kwargs["index"] = self
                return found
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["speakers"] = self.speakers()
        return context

    def speakers(self) -> list:
        """The live speakers here (but not those behind a restriction of their own), by name,
        with their card photos loaded."""
        photos = get_image_model().objects.prefetch_renditions(SPEAKER_CARD_PHOTO)
        queryset = visible_from(SpeakerPage.objects.live().child_of(self), self)
        queryset = queryset.prefetch_related(Prefetch("photo", queryset=photos))
        return list(queryset.order_by("title"))

    def speaker_by_slug(self, slug: str):
        """One speaker here with their photo and its page-sized rendition loaded, or None."""
        renditions = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(
                filter_spec__in=[
                    SPEAKER_PAGE_PHOTO,
                    social.IMAGE_FILTER,
                ]  # the photo on the page and in its link preview
            )
        )
        return (
            SpeakerPage.objects.child_of(self)
            .filter(slug=slug)
            .select_related("photo")
            .prefetch_related(Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions"))
            .first()
        )


class SpeakerPage(Page):
    """One person who speaks, chairs or moderates; their page lists their sessions."""

    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True, help_text=_("For example: she/her"))
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.CharField(
        _("organisation or campaign group"), max_length=200, blank=True, help_text=_("Shown under their name.")
    )
    short_bio = models.CharField(_("short bio"), max_length=300, blank=True)
    bio = RichTextField(_("bio"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("pronouns"), FieldPanel("organisation")], heading=_("About them")),
        FieldPanel("photo"),
        FieldPanel("short_bio"),
        FieldPanel("bio"),
        InlinePanel("links", label=_("Links")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("organisation"),
        index.SearchField("short_bio"),
        index.SearchField("bio"),
        index.AutocompleteField("title"),
    ]

    parent_page_types = ["speakers.SpeakerIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["guid"]

    class Meta:
        verbose_name = _("speaker")

    def serve(self, request, *args, **kwargs):
        return cached_response(request, self, lambda: super(SpeakerPage, self).serve(request, *args, **kwargs))

    def card_photo(self):
        """The photo as a card shows it (``SPEAKER_CARD_PHOTO``), or None; uses renditions loaded beforehand."""
        return self.photo.get_rendition(SPEAKER_CARD_PHOTO) if self.photo else None

    def page_photo(self):
        """The photo as the speaker's own page shows it (``SPEAKER_PAGE_PHOTO``), or None."""
        return self.photo.get_rendition(SPEAKER_PAGE_PHOTO) if self.photo else None

    social_type = "profile"  # Open Graph's type for a person (festival.social)

    @property
    def social_image(self):
        return self.photo

    @property
    def social_description(self) -> str:
        return self.short_bio

    def get_context(self, request, *args, index=None, **kwargs):
        # The sessions come from the programme (``{% speaker_sessions %}``): it builds on speakers, not the reverse.
        context = super().get_context(request, *args, **kwargs)
        if index is None:  # a preview; routing hands the index on
            index = self.get_parent()
        context["index"] = index
        context["festival"] = index.get_parent().specific if index else None
        return context


class SpeakerLink(Orderable):
    """A link on a speaker's page: a website, a campaign, a social profile."""

    page = ParentalKey(SpeakerPage, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=80)
    url = models.URLField(_("address"))

    panels = [FieldPanel("label"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")

    def __str__(self):
        return self.label
