"""The call for proposals of an edition, the proposals made to it, their speakers and their reviews.

A proposer has no account: they prove their address by a link sent to it (``proposals.access``), and a
``Proposer`` row is that proven address. Reviewers and organisers are staff users with a role.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from festival.files import private_files

TITLE_MAX, ABSTRACT_MAX, DESCRIPTION_MAX, BIO_MAX, ANSWER_MAX = 200, 1000, 6000, 1500, 2000
SCORE_MIN, SCORE_MAX = 0, 5


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Call(ClusterableModel):
    """An edition's open call: when it is open, what it offers, what it asks and how it is reviewed."""

    edition = models.OneToOneField(
        "festival.FestivalPage", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="call"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    intro = models.TextField(_("text for proposers"), blank=True)
    formats = ParentalManyToManyField("programme.SessionFormat", verbose_name=_("formats on offer"), blank=True)
    tracks = ParentalManyToManyField("programme.Track", verbose_name=_("tracks on offer"), blank=True)
    max_per_person = models.PositiveSmallIntegerField(_("proposals per person"), default=3)
    anonymised_review = models.BooleanField(
        _("anonymised review"), default=False, help_text=_("Reviewers do not see proposers' or speakers' names.")
    )
    speaker_ticket_type = models.ForeignKey(
        "ticketing.TicketType",
        verbose_name=_("speaker ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_complimentary": True},
        help_text=_("A complimentary ticket type: each confirmed speaker gets one, with their badge by email."),
    )
    accept_text = models.TextField(
        _("acceptance email"),
        default="We would love to have your session at the festival. Please confirm that you can come.",
    )
    reject_text = models.TextField(
        _("rejection email"),
        default="Thank you for your proposal. We had many more than we have room for, and could not take this one.",
    )
    waitlist_text = models.TextField(
        _("waiting-list email"),
        default="Thank you for your proposal. It is on our waiting list: we will write again if a place comes up.",
    )

    panels = [
        FieldPanel("edition"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("formats"), FieldPanel("tracks")]),
        FieldRowPanel([FieldPanel("max_per_person"), FieldPanel("anonymised_review")]),
        FieldPanel("speaker_ticket_type"),
        InlinePanel("questions", label=_("Questions"), heading=_("Your own questions")),
        InlinePanel("criteria", label=_("Review criteria"), heading=_("Review criteria"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("accept_text"), FieldPanel("reject_text"), FieldPanel("waitlist_text")],
            heading=_("Decision emails"),
        ),
    ]

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening")
        ]

    def __str__(self):
        return str(_("Call for %(edition)s") % {"edition": self.edition.title})

    def is_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Question(Orderable):
    """One of the organisers' own questions to proposers."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        YES_NO = "yes_no", _("Yes or no")

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice: one option a line."))
    required = models.BooleanField(_("required"), default=False)

    panels = [FieldPanel("text"), FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]), FieldPanel("choices")]

    def __str__(self):
        return self.text

    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Criterion(Orderable):
    """Something reviewers score each proposal on, from 0 to 5."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)

    panels = [FieldPanel("name")]

    def __str__(self):
        return self.name


class Proposer(models.Model):
    """An email address proven by a sign-in link: the proposer's only identity."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("proposer")

    def __str__(self):
        return self.email


class ProposalQuerySet(models.QuerySet):
    def counted(self):
        """Those that count towards a person's limit: all but the withdrawn."""
        return self.exclude(state=Proposal.State.WITHDRAWN)


class Proposal(models.Model):
    """A session proposed to a call; once confirmed by its speaker, a draft session page."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted: waiting for the speaker to confirm")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Not accepted")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined by the speaker")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="proposals")
    proposer = models.ForeignKey(Proposer, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    abstract = models.TextField(_("abstract"), max_length=ABSTRACT_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    session_format = models.ForeignKey(
        "programme.SessionFormat", verbose_name=_("format"), on_delete=models.PROTECT, related_name="+"
    )
    track = models.ForeignKey(
        "programme.Track", verbose_name=_("track"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    length_minutes = models.PositiveSmallIntegerField(_("preferred length in minutes"), default=60)
    bsl = models.BooleanField(_("needs BSL interpretation"), default=False)
    step_free = models.BooleanField(_("needs a step-free room"), default=True)
    access_notes = models.CharField(_("other access needs"), max_length=500, blank=True)
    group = models.CharField(_("group you represent"), max_length=200, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    session_page = models.OneToOneField(
        "programme.SessionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["call", "state"], name="proposal_call_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_minutes__gte=10, length_minutes__lte=480), name="proposal_length_sane"
            ),
        ]
        permissions = [
            ("review_proposal", _("Can review proposals")),
            ("decide_proposal", _("Can decide on proposals and export them")),
        ]

    def __str__(self):
        return self.title

    @property
    def editable(self) -> bool:
        return self.state == self.State.SUBMITTED and self.call.is_open()


def speaker_photo_path(instance, filename: str) -> str:
    return f"proposals/photos/{instance.token[:16]}-{filename[-60:]}"


class ProposalSpeaker(models.Model):
    """A person speaking on a proposal: the proposer, or a co-speaker invited by email who confirms."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="speakers")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    bio = models.TextField(_("biography"), max_length=BIO_MAX, blank=True)
    photo = models.FileField(_("photo"), storage=private_files, upload_to=speaker_photo_path, blank=True)
    is_proposer = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("speaker on a proposal")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "email"], name="proposal_speaker_once")]

    def __str__(self):
        return self.name


class Review(models.Model):
    """One reviewer's scores and comment on one proposal: one each, never more."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_reviews")
    score = models.FloatField(_("score"), help_text=_("The mean of the criteria's scores."))
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="review_score_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.proposal_id}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="criterion_score_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"
