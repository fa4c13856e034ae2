"""The programme page and its session pages, with the queries they and the exports use (snippets are in
``programme.snippets``, the read model of a session in ``programme.listing``)."""

import uuid
from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from programme import clashes, listing
from programme.caching import cached_response
from programme.filters import Filters, parse_filters
from programme.grid import Schedule, lay_out
from programme.listing import ListedSession
from programme.snippets import SessionFormat, Stage, Track
from speakers.models import SPEAKER_CARD_PHOTO, SpeakerPage
from speakers.privacy import hidden_from, links_to_visible, visible_from

TIME_ORDER = ("start", "stage__sort_order", "stage__name", "pk")


class SessionPageQuerySet(PageQuerySet):
    """Sessions as the programme, its exports and the clash checks ask for them."""

    def in_programme(self, programme):
        """The programme's live sessions, without those behind a view restriction of their own."""
        return visible_from(self.live().child_of(programme), programme)

    def timed(self):
        return self.filter(start__isnull=False, end__isnull=False, to_be_rescheduled=False)

    def matching(self, filters: Filters, *, tz):
        """The sessions ``filters`` ask for; a day runs from midnight to midnight in ``tz``."""
        queryset = self
        if filters.day:
            day_start = datetime.combine(filters.day, datetime.min.time(), tzinfo=tz)
            queryset = queryset.filter(start__gte=day_start, start__lt=day_start + timedelta(days=1))
        if filters.track:
            queryset = queryset.filter(track__slug=filters.track)
        if filters.format:
            queryset = queryset.filter(session_format__slug=filters.format)
        for feature in filters.access:
            queryset = queryset.filter(**{feature: True})
        return queryset

    def of_speaker(self, speaker):
        """The live sessions ``speaker`` is on that have a start, in any programme (but not those
        behind a restriction the speaker's page is not behind too), in time order."""
        on = SessionSpeaker.objects.filter(speaker=speaker).values("page_id")
        queryset = self.live().filter(pk__in=on, start__isnull=False)
        return visible_from(queryset, speaker).order_by("start", "pk")

    def going_ahead_during(self, session):
        """Other live sessions, not cancelled, that overlap ``session``'s time, earliest first."""
        return (
            self.live()
            .filter(cancelled=False, start__lt=session.end, end__gt=session.start)
            .exclude(pk=session.pk)
            .order_by("start", "pk")
        )

    def listed(self, *, request, for_export: bool = False) -> list[ListedSession]:
        """These sessions, in this queryset's order, as ``ListedSession`` values (see ``listing.from_rows``),
        in two queries however many sessions and speakers there are."""
        fields = (*listing.CARD_FIELDS, *listing.EXPORT_FIELDS) if for_export else listing.CARD_FIELDS
        rows = list(self.values(*fields))
        if not rows:
            return []
        links = (
            SessionSpeaker.objects.shown()
            .filter(page_id__in=[row["pk"] for row in rows])
            .order_by("sort_order", "pk")
            .values_list(*(listing.EXPORT_SPEAKER_FIELDS if for_export else listing.CARD_SPEAKER_FIELDS))
        )
        return listing.from_rows(rows, list(links), request=request, for_export=for_export)


class SessionSpeakerQuerySet(models.QuerySet):
    def shown(self):
        """Links that may be shown wherever their session is: to live speakers (a draft speaker's page
        would 404) whose page is not private to whoever sees the session."""
        return links_to_visible(self.filter(speaker__live=True), linked="speaker", listed_on="page")


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
        # Laid out here rather than in get_context, which every view of the page (now, my, changes) calls.
        filters = parse_filters(request.GET, festival=self.festival)
        return self.render(
            request,
            context_overrides={
                "filters": filters,
                "schedule": self.schedule(filters=filters, request=request),
            },
        )

    @path("now/")
    def now_and_next(self, request):
        return self.render(
            request,
            template="programme/now_and_next.html",
            context_overrides={"now_next": self.sessions_around(timezone.now(), request=request)},
        )

    @path("changes/")
    def changes_page(self, request):
        return self.render(
            request,
            template="programme/changes.html",
            context_overrides={"changes": self.public_changes()},
        )

    @path("my/")
    def my_programme(self, request):
        sessions = SessionPage.objects.in_programme(self).timed().order_by(*TIME_ORDER).listed(request=request)
        return self.render(request, template="programme/my_programme.html", context_overrides={"sessions": sessions})

    def schedule(self, *, filters: Filters | None = None, request=None) -> Schedule:
        """The programme laid out by day and stage; unknown track or format filters are dropped.

        Session links are for ``request``'s site, as ``Page.get_url`` gives them.
        """
        festival = self.festival
        tracks = list(Track.objects.filter(edition=festival))
        formats = list(SessionFormat.objects.filter(edition=festival))
        filters = (filters or Filters()).known(
            tracks={track.slug for track in tracks}, formats={fmt.slug for fmt in formats}
        )
        # In the same query: sessions of a postponed edition waiting for a new time (no start), listed apart.
        waiting = Q(to_be_rescheduled=True, start__isnull=True)
        sessions = (
            SessionPage.objects.in_programme(self)
            .filter(Q(start__isnull=False, end__isnull=False, to_be_rescheduled=False) | waiting)
            .matching(filters, tz=festival.tz)
            .order_by(*TIME_ORDER)
            .listed(request=request)
        )
        timed = [session for session in sessions if session.start is not None]
        schedule = lay_out(festival, timed, tracks=tracks, formats=formats, filters=filters)
        schedule.waiting = sorted((s for s in sessions if s.start is None), key=lambda s: (s.title, s.pk))
        return schedule

    def sessions_around(self, at: datetime, *, horizon: timedelta = timedelta(hours=2), request=None) -> dict:
        """Sessions on at ``at``, and those starting within ``horizon`` (or the next few if nothing is on soon)."""
        base = SessionPage.objects.in_programme(self).filter(cancelled=False)
        order = ("start", "stage__sort_order", "pk")
        on_now = base.filter(start__lte=at, end__gt=at).order_by(*order).listed(request=request)
        upcoming = base.filter(start__gt=at).order_by(*order)
        coming_up = upcoming.filter(start__lte=at + horizon).listed(request=request)
        if not coming_up:
            coming_up = upcoming[:6].listed(request=request)
        return {"at": at, "on_now": on_now, "coming_up": coming_up}

    def public_changes(self):
        """The changes log, without those of sessions now behind a view restriction of their own."""
        private = hidden_from(SessionPage.objects.child_of(self), self).values("pk")
        return self.changes.exclude(session__in=private).select_related("session")

    @cached_property
    def festival(self):
        return self.get_parent().specific


class EditionDateTimeField(forms.DateTimeField):
    """A date and time entered and shown in the edition's time zone, whatever the server's or the editor's."""

    def __init__(self, *, tz, **kwargs):
        self.tz = tz
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, self.tz).replace(tzinfo=None)
        return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)


SNIPPET_FIELDS = ("stage", "track", "session_format")


class SessionPageForm(WagtailAdminPageForm):
    """Offers only the edition's stages, tracks and formats, takes times in the edition's time zone, and
    hands the model's clash checks what only the form knows: the parent, the new speaker list and
    whether the editor is publishing (only then is a clash refused, as a form error)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        festival = clashes.festival_of_parent(self.parent_page)
        if festival is None:
            return
        for name in SNIPPET_FIELDS:
            field = self.fields.get(name)
            if field is not None:  # a plain list of the edition's own, not a chooser of every edition's
                field.queryset = field.queryset.filter(edition=festival)
                field.widget = forms.Select()
                field.widget.choices = field.choices
        for name in ("start", "end"):
            field = self.fields.get(name)
            if field is None:
                continue
            self.fields[name] = EditionDateTimeField(
                tz=festival.tz,
                required=field.required,
                label=field.label,
                widget=field.widget,
                help_text=_("In the edition's time zone, %(zone)s.") % {"zone": festival.time_zone},
            )

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
        SessionFormat, verbose_name=_("format"), null=True, on_delete=models.RESTRICT, related_name="sessions"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), null=True, on_delete=models.RESTRICT, related_name="sessions"
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
    to_be_rescheduled = models.BooleanField(
        _("to be rescheduled"),
        default=False,
        help_text=_(
            "Set when the edition was postponed and this session has no new time yet: it is listed, not on the grid. "
            "Give it a time and untick this."
        ),
    )
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    objects = PageManager.from_queryset(SessionPageQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("stage"),
                FieldRowPanel([FieldPanel("session_format"), FieldPanel("track")]),
                FieldPanel("cancelled"),
                FieldPanel("to_be_rescheduled"),
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
        return clashes.publish_or_unschedule(
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
        publishing = getattr(self, "_publishing", None)
        if publishing is None:
            publishing = self.live and not getattr(self, "_saving_draft", False)
        self._check_edition()
        clashes.check_session(self, clashes=publishing)

    def _check_edition(self) -> None:
        """Stage, track and format must be the session's own edition's: each edition has its own."""
        festival = clashes.festival_of(self)
        if festival is None:
            return
        errors = {
            name: ValidationError(
                _("Choose one of %(edition)s's own: this one belongs to another edition.")
                % {"edition": festival.title},
                code="other_edition",
            )
            for name in SNIPPET_FIELDS
            if getattr(self, f"{name}_id") and getattr(self, name).edition_id != festival.pk
        }
        if errors:
            raise ValidationError(errors)

    @property
    def social_description(self) -> str:
        """What a shared link says under the title (``festival.social``); its image is the edition's."""
        return self.summary

    def get_context(self, request, *args, programme=None, **kwargs):
        """Adds the session's programme (read here unless routing found it), its edition, its speakers
        with their photos (``people``) and whether it has moved."""
        context = super().get_context(request, *args, **kwargs)
        if programme is None:
            parent = self.get_parent() if self.path else getattr(self, "_parent_for_clean", None)
            programme = parent.specific if parent is not None else None
        try:
            moved = bool(self.pk) and self.snapshot.moved
        except SessionSnapshot.DoesNotExist:
            moved = False
        context.update(
            programme=programme,
            festival=programme.festival if isinstance(programme, ProgrammePage) else None,
            people=self.people(preview=getattr(request, "is_preview", False)),
            moved=moved,
        )
        return context

    def people(self, *, preview: bool = False) -> list[tuple]:
        """(link, speaker) pairs shown on the page, with photos and renditions loaded: two queries.

        A preview's speaker list lives in memory, not yet in the database."""
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=SPEAKER_CARD_PHOTO)
        if preview or not self.pk:
            links = [link for link in self.speaker_links.all() if link.speaker_id]
            speakers = SpeakerPage.objects.filter(pk__in=[link.speaker_id for link in links]).select_related("photo")
            speakers = speakers.prefetch_related(
                Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions")
            )
            by_pk = {speaker.pk: speaker for speaker in speakers}
            return [(link, by_pk[link.speaker_id]) for link in links if link.speaker_id in by_pk]
        links = (
            SessionSpeaker.objects.shown()
            .filter(page=self)
            .select_related("speaker", "speaker__photo")
            .prefetch_related(
                Prefetch("speaker__photo__renditions", queryset=renditions, to_attr="prefetched_renditions")
            )
            .order_by("sort_order", "pk")
        )
        return [(link, link.speaker) for link in links]

    def stage_clash(self) -> "SessionPage | None":
        """The first live session going ahead on this session's stage while it is on, or None."""
        if not self.stage_id:
            return None
        return SessionPage.objects.going_ahead_during(self).filter(stage_id=self.stage_id).first()

    def speaker_clash(self, speaker_ids) -> "SessionSpeaker | None":
        """The first booking of one of ``speaker_ids`` on a live session going ahead while this one is on."""
        during = SessionPage.objects.going_ahead_during(self)
        return (
            SessionSpeaker.objects.filter(speaker_id__in=speaker_ids, page__in=during)
            .select_related("page", "speaker")
            .order_by("page__start", "pk")
            .first()
        )

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

    objects = SessionSpeakerQuerySet.as_manager()

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
