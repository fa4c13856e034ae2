"""The assembly: motions, amendments, delegates, votes, their electorate and their ballots.

How the records keep a ballot secret (no link between ``Elector`` and ``Ballot``) is set out in
``assembly.voting``'s docstring.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class MotionsWindow(models.Model):
    """When members of an edition may table motions and amendments, and who counts as a member."""

    class Members(models.TextChoices):
        TICKET_HOLDERS = "ticket_holders", _("Holders of a valid ticket")
        DELEGATES = "delegates", _("Named delegates of groups")

    festival = models.OneToOneField("festival.FestivalPage", on_delete=models.CASCADE, related_name="motions_window")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    members = models.CharField(max_length=20, choices=Members.choices, default=Members.TICKET_HOLDERS)
    seconders_needed = models.PositiveSmallIntegerField(default=1)

    panels = [FieldPanel("festival"), FieldPanel("opens_at"), FieldPanel("closes_at"), FieldPanel("members"),
              FieldPanel("seconders_needed")]  # fmt: skip

    class Meta:
        verbose_name = _("motions window")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="window_ends_after_start")
        ]

    def __str__(self):
        return f"{_('Motions')}: {self.festival}"

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at


class Motion(models.Model):
    """A motion tabled by a member (a ticket holder) for an edition's assembly."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting seconders")
        TABLED = "tabled", _("Tabled")
        CARRIED = "carried", _("Carried")
        DEFEATED = "defeated", _("Defeated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="motions")
    title = models.CharField(max_length=200)
    text = models.TextField(help_text=_("Plain text; shown escaped, never as HTML."))
    original_text = models.TextField(
        blank=True, help_text=_("The text as tabled, kept here once a carried amendment has changed it.")
    )
    proposer = models.ForeignKey(
        "ticketing.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="motions"
    )
    proposer_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TABLED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["festival", "created_at", "pk"]

    def __str__(self):
        return self.title


class Seconder(models.Model):
    """A member seconding a motion; each member once per motion."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="seconders")
    ticket = models.ForeignKey("ticketing.Ticket", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "ticket"], name="seconder_once_per_motion")]

    def __str__(self):
        return self.name


class Amendment(models.Model):
    """A proposed new text for a motion, shown as a difference from the motion's text."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CARRIED = "carried", _("Carried")
        DEFEATED = "defeated", _("Defeated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(help_text=_("The motion's whole text as this amendment would leave it."))
    proposer = models.ForeignKey(
        "ticketing.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="amendments"
    )
    proposer_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["motion", "created_at", "pk"]

    def __str__(self):
        return f"{_('Amendment')} {self.pk} ({self.motion})"


class Delegate(models.Model):
    """A group's named delegate, voting with the group's weight: one per group and edition."""

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="delegates")
    group_name = models.CharField(max_length=200)
    ticket = models.ForeignKey("ticketing.Ticket", on_delete=models.CASCADE, related_name="delegations")
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["festival", "group_name"]
        constraints = [
            models.UniqueConstraint(fields=["festival", "group_name"], name="delegate_one_per_group"),
            models.UniqueConstraint(fields=["festival", "ticket"], name="delegate_one_group_per_ticket"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="delegate_weight_positive"),
        ]

    def __str__(self):
        return f"{self.group_name} ({self.weight})"


class Vote(ClusterableModel):
    """One question put to the assembly: a motion, an amendment, or an election among candidates."""

    wagtail_reference_index_ignore = True

    class Method(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no / abstain (simple majority of yes and no)")
        APPROVAL = "approval", _("Approval (most approvals wins)")
        RANKED = "ranked", _("Ranked (instant run-off, one seat)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        BALLOT = "ballot", _("Secret ballot from phones")
        HANDS = "hands", _("Counted show of hands")
        PAPER = "paper", _("Paper ballot")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="votes")
    title = models.CharField(max_length=200)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.YES_NO)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.BALLOT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The electorate's rule, evaluated once when the vote opens (assembly.electorate).
    ticket_types = models.ManyToManyField(
        "ticketing.TicketType", blank=True, related_name="+", help_text=_("None chosen means every type.")
    )
    checked_in_today = models.BooleanField(default=True, help_text=_("Only holders checked in at the door today."))
    include_delegates = models.BooleanField(
        default=False, help_text=_("Delegates vote too, with their group's weight (one vote per group).")
    )
    electorate_size = models.PositiveIntegerField(default=0)
    electorate_weight = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    turnout = models.PositiveIntegerField(default=0, help_text=_("Ballots cast (or hands/papers counted)."))
    result = models.JSONField(default=dict, blank=True)
    # Set once the closed vote's ballots have been rewritten in a random order (assembly.voting).
    ballots_shuffled = models.BooleanField(default=False, editable=False)

    panels = [
        FieldPanel("festival"),
        FieldPanel("title"),
        FieldPanel("motion"),
        FieldPanel("amendment"),
        FieldPanel("method"),
        FieldPanel("mode"),
        InlinePanel("candidates", label=_("Candidates (elections only)")),
        FieldPanel("ticket_types"),
        FieldPanel("checked_in_today"),
        FieldPanel("include_delegates"),
    ]

    class Meta:
        ordering = ["festival", "pk"]
        permissions = [("chair_vote", _("Can open and close votes and enter counted votes"))]

    def __str__(self):
        return self.title

    @property
    def is_election(self) -> bool:
        return self.method != self.Method.YES_NO


class Candidate(Orderable):
    """A choice on an election's ballot."""

    vote = ParentalKey(Vote, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["vote", "name"], name="candidate_unique_per_vote")]

    def __str__(self):
        return self.name


class Elector(models.Model):
    """One member of a vote's electorate, snapshot when it opened, and whether they have voted.

    Carries no time and no link to a ballot: ``voted`` is set by the same transaction that inserts
    the ballot, by a guarded update (``voted = false``), so it is set once.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    ticket = models.ForeignKey("ticketing.Ticket", on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveIntegerField(default=1)
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "ticket"], name="elector_once_per_vote"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="elector_weight_positive"),
        ]

    def __str__(self):
        return f"{self.vote_id}:{self.ticket_id}"


class Ballot(models.Model):
    """One secret ballot: a random id, the choice, the weight and the receipt's hash. Nothing else.

    No foreign key to an elector or ticket, no time, no sequence: see ``assembly.voting``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choice = models.JSONField()
    weight = models.PositiveIntegerField(default=1)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="ballot_weight_positive")]

    def __str__(self):
        return str(self.id)


class Agenda(ClusterableModel):
    """An assembly's order of business: items in order, each business, a motion, an amendment or a vote."""

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="agendas")
    title = models.CharField(max_length=200, default=_("Assembly"))
    starts_at = models.DateTimeField(null=True, blank=True)

    panels = [FieldPanel("festival"), FieldPanel("title"), FieldPanel("starts_at"),
              InlinePanel("items", label=_("Order of business"))]  # fmt: skip

    class Meta:
        ordering = ["festival", "starts_at", "pk"]

    def __str__(self):
        return self.title


class AgendaItem(Orderable):
    agenda = ParentalKey(Agenda, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    motion = models.ForeignKey(Motion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    amendment = models.ForeignKey(Amendment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    vote = models.ForeignKey(Vote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    panels = [FieldPanel("title"), FieldPanel("motion"), FieldPanel("amendment"), FieldPanel("vote"),
              FieldPanel("notes")]  # fmt: skip

    def __str__(self):
        return self.title
