"""Stages, tracks and formats (snippets), the programme page and its session pages."""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from programme.caching import cached_response
from speakers.models import SpeakerPage
from speakers.privacy import hidden_from, visible_from


class Stage(models.Model):
    """A room or stage at the venue; a session happens on one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility_notes = models.TextField(
        _("accessibility notes"), blank=True, help_text=_("Step-free route, hearing loop, seating, quiet space.")
    )
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("capacity"), FieldPanel("accessibility_notes")]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("stage")

    def __str__(self):
        return self.name


class Track(models.Model):
    """A theme that runs through the programme, such as climate or housing."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1a1a1a",
        help_text=_("A six-digit hex colour dark enough for white text on it."),
    )
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("colour")]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("track")
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="track_colour_is_hex"),
        ]

    def __str__(self):
        return self.name


class SessionFormat(models.Model):
    """What kind of session it is: talk, panel, workshop, film, assembly, social."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    sort_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("session format")

    def __str__(self):
        return self.name


class ProgrammePage(RoutablePageMixin, Page):
    """An edition's programme: the grid, the filters, the changes page and the exports."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["festival.FestivalPage"]
    subpage_types = ["programme.SessionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme")

    def serve(self, request, view=None, args=None, kwargs=None):
        def render():
            return super(ProgrammePage, self).serve(request, view, args, kwargs)

        if getattr(view, "__name__", "") == "now_and_next":  # changes by the minute: never cached
            return render()
        return cached_response(request, self, render)

    def route(self, request, path_components):
        """Find a session in one query, with its stage, format, track and snapshot."""
        if path_components and not self._is_own_route(path_components):
            session = (
                SessionPage.objects.child_of(self)
                .filter(slug=path_components[0])
                .select_related("stage", "session_format", "track", "snapshot")
                .first()
            )
            if session is not None:
                found = session.route(request, path_components[1:])
                if found.page is session:  # the programme is at hand: hand it on to the page's context
                    found.kwargs["programme"] = self
                return found
        return super().route(request, path_components)

    def _is_own_route(self, path_components) -> bool:
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @path("")
    def grid(self, request):
        from programme.schedule import parse_filters, schedule_for

        # Laid out here rather than in get_context, which every view of the page (now, my, changes) calls.
        filters = parse_filters(request.GET, festival=self.festival)
        return self.render(
            request,
            context_overrides={"filters": filters, "schedule": schedule_for(self, filters=filters, request=request)},
        )

    @path("now/")
    def now_and_next(self, request):
        from programme.schedule import now_and_next

        return self.render(
            request,
            template="programme/now_and_next.html",
            context_overrides={"now_next": now_and_next(self, at=timezone.now())},
        )

    def public_changes(self):
        """The changes log, without those of sessions now behind a view restriction of their own."""
        private = hidden_from(SessionPage.objects.child_of(self), self).values("pk")
        return self.changes.exclude(session__in=private).select_related("session")

    @path("changes/")
    def changes_page(self, request):
        return self.render(
            request,
            template="programme/changes.html",
            context_overrides={"changes": self.public_changes()},
        )

    @path("my/")
    def my_programme(self, request):
        from programme.schedule import listed_sessions

        return self.render(
            request,
            template="programme/my_programme.html",
            context_overrides={"sessions": listed_sessions(self, request=request)},
        )

    @cached_property
    def festival(self):
        return self.get_parent().specific


class SessionPageForm(WagtailAdminPageForm):
    """Hands the model's clash checks what only the form knows: the parent, the new speaker list and
    whether the editor is publishing (only then is a clash refused, as a form error)."""

    def clean(self):
        cleaned_data = super().clean()
        self.instance._parent_for_clean = self.parent_page
        self.instance._publishing = "action-publish" in self.data
        formset = self.formsets.get("speaker_links")
        if formset is not None and formset.is_valid():
            self.instance._pending_speaker_ids = [
                form.cleaned_data["speaker"].pk
                for form in formset.forms
                if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
            ]
        return cleaned_data


class SessionPage(Page):
    """One session: a talk, panel, workshop, film, assembly or social."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        WELSH = "cy", _("Welsh")
        BSL = "bfi", _("British Sign Language")
        SPANISH = "es", _("Spanish")
        FRENCH = "fr", _("French")

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h3"])
    session_format = models.ForeignKey(
        SessionFormat, verbose_name=_("format"), null=True, on_delete=models.PROTECT, related_name="sessions"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), null=True, on_delete=models.PROTECT, related_name="sessions"
    )
    start = models.DateTimeField(_("starts"), null=True)
    end = models.DateTimeField(_("ends"), null=True)
    bsl = models.BooleanField(_("BSL interpretation"), default=False)
    captions = models.BooleanField(_("live captions"), default=False)
    step_free = models.BooleanField(_("step-free access"), default=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH)
    may_be_recorded = models.BooleanField(_("may be recorded"), default=True)
    livestream_url = models.URLField(_("livestream link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("A cancelled session stays on the programme, marked as cancelled.")
    )
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("stage"),
                FieldRowPanel([FieldPanel("session_format"), FieldPanel("track")]),
                FieldPanel("cancelled"),
            ],
            heading=_("When and where"),
        ),
        InlinePanel("speaker_links", label=_("Speakers"), heading=_("Speakers")),
        MultiFieldPanel(
            [FieldPanel("bsl"), FieldPanel("captions"), FieldPanel("step_free"), FieldPanel("language")],
            heading=_("Access and language"),
        ),
        MultiFieldPanel(
            [FieldPanel("livestream_url"), FieldPanel("recording_url"), FieldPanel("may_be_recorded")],
            heading=_("Streaming and recording"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("speaker_names"),
        index.FilterField("cancelled"),
    ]

    parent_page_types = ["programme.ProgrammePage"]
    subpage_types: list[str] = []
    base_form_class = SessionPageForm
    exclude_fields_in_copy = ["guid"]

    class Meta:
        verbose_name = _("session")
        indexes = [models.Index(fields=["stage", "start"], name="session_stage_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="session_ends_after_it_starts",
            ),
        ]

    def save_revision(self, *args, **kwargs):
        """Save a draft, which may clash: the clash is refused when it is published."""
        self._saving_draft = True
        try:
            return super().save_revision(*args, **kwargs)
        finally:
            self._saving_draft = False

    def publish(self, revision, *args, **kwargs):
        """Publish ``revision`` unless it clashes with the live programme.

        Raises PublishClash (a ValidationError naming the other session, and Wagtail's publish permission
        error, so a view such as a workflow approval answers 403, not 500). A scheduled revision that is due
        and clashes is not published: it is unscheduled with a warning (see ``publish_or_unschedule``).
        """
        from programme.clashes import publish_or_unschedule

        return publish_or_unschedule(
            revision, publish=lambda: super(SessionPage, self).publish(revision, *args, **kwargs)
        )

    def serve(self, request, *args, **kwargs):
        return cached_response(request, self, lambda: super(SessionPage, self).serve(request, *args, **kwargs))

    def clean(self):
        """A draft may clash with the live programme; live content may not.

        The admin form says whether the editor is publishing; otherwise a live session's own row is
        checked, except while a revision (a draft) is saved.
        """
        super().clean()
        from programme.clashes import check_session

        publishing = getattr(self, "_publishing", None)
        if publishing is None:
            publishing = self.live and not getattr(self, "_saving_draft", False)
        check_session(self, clashes=publishing)

    def get_context(self, request, *args, programme=None, **kwargs):
        from programme.schedule import session_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(session_detail(self, programme=programme, preview=getattr(request, "is_preview", False)))
        return context

    @property
    def speaker_names(self) -> str:
        """The names site search finds the session by: only the speakers it shows (live, not private).

        Read when the session is indexed, on publishing: a speaker published or made public
        later is found by it once the session is published again (or ``update_index`` runs)."""
        # The links in memory: the index is written when the page is saved, before its links are.
        ids = [link.speaker_id for link in self.speaker_links.all() if link.speaker_id]
        if not ids or not self.path:
            return ""
        names = dict(visible_from(SpeakerPage.objects.live().filter(pk__in=ids), self).values_list("pk", "title"))
        return " ".join(names[pk] for pk in ids if pk in names)

    @property
    def duration(self) -> timedelta | None:
        if self.start and self.end:
            return self.end - self.start
        return None


class SessionSpeaker(Orderable):
    """A speaker on a session, with their role; kept in the session's revisions."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")

    page = ParentalKey(SessionPage, on_delete=models.CASCADE, related_name="speaker_links")
    speaker = models.ForeignKey(
        SpeakerPage, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="session_links"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)

    panels = [FieldPanel("speaker"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker on a session")

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()})"


class SessionSnapshot(models.Model):
    """A session's time, stage and status as attendees last saw it, to spot changes."""

    session = models.OneToOneField(SessionPage, on_delete=models.CASCADE, related_name="snapshot")
    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)
    stage_name = models.CharField(max_length=100, blank=True)
    cancelled = models.BooleanField(default=False)
    moved = models.BooleanField(default=False, help_text=_("Moved at least once since the programme went public."))

    def __str__(self):
        return f"{self.session_id} at {self.start}"


class ProgrammeChange(models.Model):
    """A change attendees should hear about: a session moved, cancelled or added."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")
        REINSTATED = "reinstated", _("Back on")

    programme = models.ForeignKey(ProgrammePage, on_delete=models.CASCADE, related_name="changes")
    session = models.ForeignKey(SessionPage, null=True, on_delete=models.SET_NULL, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    session_title = models.CharField(max_length=255)
    old_start = models.DateTimeField(null=True, blank=True)
    new_start = models.DateTimeField(null=True, blank=True)
    old_stage = models.CharField(max_length=100, blank=True)
    new_stage = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("programme change")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.session_title}"
