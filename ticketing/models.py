"""Ticket types, orders, tickets and the door's check-in log.

Money is held in integer pence (the currency's minor unit, as Stripe counts it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from festival.files import private_storage

from .access_needs import AccessNeeds  # noqa: F401 (a model of this app, found through this module)
from .codes import new_access_token, new_order_code, new_ticket_secret
from .ledger import MadeBy, Payment, Refund  # noqa: F401 (models of this app, found through this module)


class ServiceOwnedColumnsModel(models.Model):
    """A model some of whose columns only the services' guarded UPDATEs change.

    A plain ``save()`` of a row read earlier (the admin's edit view saves its form this way)
    would write back the values read at the start of the request, undoing what a buyer or the
    webhook committed in between. So updating an existing row without ``update_fields``
    writes every column but ``service_owned``; creating a row writes them all.
    """

    service_owned: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and not kwargs.get("force_insert") and self._writes_existing_row():
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.service_owned and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def _writes_existing_row(self) -> bool:
        return not self._state.adding and self.pk is not None


class TicketTypeQuerySet(models.QuerySet):
    def admissible_on(self, day):
        """The types whose holders get in on ``day`` (a date), by ``TicketType.admits_on``.

        The days are a JSON list, which SQLite cannot search, so the types (a handful per
        edition) are read here and the rule is asked of each: one rule, in Python only.
        """
        return self.filter(pk__in=[ticket_type.pk for ticket_type in self if ticket_type.admits_on(day)])


class TicketType(ServiceOwnedColumnsModel):
    """What an attendee can buy for one edition: a price or a sliding scale, and a capacity."""

    class Pricing(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        SLIDING = "sliding", _("Sliding scale (pay what you can)")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    pricing = models.CharField(max_length=10, choices=Pricing.choices, default=Pricing.FIXED)
    price = models.PositiveIntegerField(default=0, help_text=_("Fixed price in pence."))
    min_price = models.PositiveIntegerField(
        default=0, help_text=_("Sliding scale: the least a buyer may pay, in pence.")
    )
    suggested_price = models.PositiveIntegerField(
        default=0, help_text=_("Sliding scale: the suggested amount, in pence.")
    )
    capacity = models.PositiveIntegerField()
    valid_days = models.JSONField(
        default=list, blank=True, help_text=_("ISO dates this ticket admits on; empty means every day of the edition.")
    )
    sale_starts_at = models.DateTimeField(null=True, blank=True)
    sale_ends_at = models.DateTimeField(null=True, blank=True)
    max_per_order = models.PositiveSmallIntegerField(default=10)
    is_hidden = models.BooleanField(default=False, help_text=_("Only shown to buyers with a voucher that unlocks it."))
    is_complimentary = models.BooleanField(
        default=False, help_text=_("Issued by organisers (speakers, volunteers, carers); never on public sale.")
    )
    sort_order = models.IntegerField(default=0)
    reserved = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("Tickets paid, awaiting payment or held. Changed only by guarded updates in the order services."),
    )

    service_owned = ("reserved",)

    objects = TicketTypeQuerySet.as_manager()

    class Meta:
        ordering = ["festival", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["festival", "name"], name="ticket_type_unique_name_per_edition"),
            models.CheckConstraint(condition=Q(reserved__lte=models.F("capacity")), name="ticket_type_never_oversold"),
            models.CheckConstraint(
                condition=Q(pricing="fixed") | Q(suggested_price__gte=models.F("min_price")),
                name="ticket_type_suggested_at_least_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.festival.title})"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.reserved, 0)

    def on_sale(self, now) -> bool:
        """Whether this type's sales window is open at ``now`` (the edition's state is checked apart)."""
        return (self.sale_starts_at is None or self.sale_starts_at <= now) and (
            self.sale_ends_at is None or now < self.sale_ends_at
        )

    def admits_on(self, day) -> bool:
        """Whether this ticket type lets its holder in on ``day`` (a date)."""
        return self.days_admit(self.valid_days, day)

    @staticmethod
    def days_admit(valid_days: list, day) -> bool:
        """The rule behind ``admits_on``, for a type's ``valid_days`` read without the model (the door's
        lookup reads them in its own SQL): no days listed means every day of the edition."""
        return not valid_days or day.isoformat() in valid_days


class OrderQuerySet(models.QuerySet):
    def lapsed(self, now):
        """Orders still awaiting payment whose hold ran out before ``now``: the sweep releases them."""
        return self.filter(status=Order.Status.PENDING, hold_expires_at__lt=now)


class Order(ServiceOwnedColumnsModel):
    """One purchase by one buyer: one or more tickets, an optional donation."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Problem(models.TextChoices):
        """Why an order needs a person's attention; blank when it does not."""

        # A late payment that found no room: refunded, or being refunded.
        LATE_PAYMENT_NO_ROOM = "late_payment_no_room", _("Paid late with no room left")
        # A late payment with no room whose refund failed: the sweep retries it.
        LATE_REFUND_FAILED = "late_refund_failed", _("Late payment's refund failed")
        # Stripe reported a payment of another amount than the total; a later right payment clears it.
        AMOUNT_MISMATCH = "amount_mismatch", _("Paid a different amount")
        # A part refund made in Stripe's dashboard: only a person can say which tickets it was for.
        REFUNDED_IN_STRIPE = "refunded_in_stripe", _("Part refunded in Stripe")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.PROTECT, related_name="orders")
    code = models.CharField(max_length=16, unique=True, default=new_order_code, editable=False)
    access_token = models.CharField(max_length=64, unique=True, default=new_access_token, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    buyer_name = models.CharField(max_length=200)
    buyer_email = models.EmailField()
    donation = models.PositiveIntegerField(default=0, help_text=_("In pence."))
    total = models.PositiveIntegerField(default=0, help_text=_("Tickets plus donation, less discounts, in pence."))
    currency = models.CharField(max_length=3, default="gbp")
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_checkout_url = models.URLField(max_length=2000, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voucher = models.ForeignKey("Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    discount = models.PositiveIntegerField(default=0, help_text=_("Taken off by the voucher, in pence."))
    refunded_amount = models.PositiveIntegerField(default=0, help_text=_("Refunded through Stripe so far, in pence."))
    problem = models.CharField(
        max_length=40,
        blank=True,
        choices=Problem.choices,
        db_index=True,
        help_text=_("Set when the order needs a person's attention, e.g. a late payment with no room left."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    # Payment, refunds, holds and flags move only through the payment and refund services.
    service_owned = (
        "status",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "stripe_checkout_url",
        "hold_expires_at",
        "paid_at",
        "refunded_amount",
        "problem",
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("refund_order", _("Can refund or cancel orders through Stripe"))]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~Q(stripe_checkout_session_id=""),
                name="order_unique_checkout_session",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("total")), name="order_refund_within_total"
            ),
        ]

    def __str__(self):
        return self.code


class Ticket(models.Model):
    """One attendee's admission. The badge's QR code holds only ``secret``."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    attendee_name = models.CharField(max_length=200)
    attendee_email = models.EmailField(blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    region_group = models.CharField(max_length=100, blank=True)
    price = models.PositiveIntegerField(default=0, help_text=_("What was paid for this ticket, in pence."))
    secret = models.CharField(max_length=40, unique=True, default=new_ticket_secret, editable=False)
    # The key of the attendee's own ticket page (their badge, name and access needs), like an order's.
    access_token = models.CharField(max_length=64, unique=True, null=True, default=new_access_token, editable=False)
    badge_pdf = models.FileField(upload_to="badges/", storage=private_storage, blank=True)
    badge_rendered_at = models.DateTimeField(null=True, blank=True)
    badge_printed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.attendee_name} ({self.ticket_type.name})"


# The door's permissions (declared on CheckIn below), as ``user.has_perm`` names them.
SCAN_BADGES_PERMISSION = "ticketing.scan_badges"
MANAGE_BADGES_PERMISSION = "ticketing.manage_badges"


class CheckIn(models.Model):
    """One scan at a door, admitted or refused. Append-only: rows are never edited but to undo."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Result(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
        UNPAID = "unpaid", _("Not paid")
        CANCELLED = "cancelled", _("Cancelled or refunded")
        NOT_VALID_TODAY = "not_valid_today", _("Not valid today")
        UNKNOWN_CODE = "unknown_code", _("Unknown code")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="check_ins")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins")
    code = models.CharField(max_length=64, blank=True, help_text=_("What was scanned, cut to 64 characters."))
    # No index of its own: six values, and every scan would pay to update it. Admissions are
    # found through the partial unique index below.
    result = models.CharField(max_length=24, choices=Result.choices)
    day = models.DateField(help_text=_("The festival day of the scan, in the edition's time zone."))
    door = models.CharField(max_length=60)
    # Indexed by the (staff, nonce) constraint, which it leads.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="check_ins", db_index=False
    )
    nonce = models.CharField(
        max_length=64, help_text=_("Sent by the scanner, so a retried request is not recorded twice.")
    )
    scanned_at = models.DateTimeField(help_text=_("When the scanner scanned it (may be earlier when offline)."))
    created_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False)
    shown_result = models.CharField(
        max_length=24,
        choices=Result.choices,
        blank=True,
        help_text=_("What the door showed, when it differs from the result (an offline decision)."),
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    # An offline admission synced later with an earlier time takes the day's admission over from the
    # live one; undoing it gives the admission back to the one it displaced (door.checkin).
    # Indexed only where set (below), so a scan's insert maintains no index for it.
    displaced = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="displaced_by", db_index=False
    )

    class Meta:
        ordering = ["-scanned_at"]
        permissions = [
            ("scan_badges", _("Can scan badges at the door")),
            ("manage_badges", _("Can print badges in bulk and review the door log")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["staff", "nonce"], name="check_in_unique_nonce_per_staff"),
            models.UniqueConstraint(
                fields=["ticket", "day"],
                condition=Q(result="admitted", undone_at__isnull=True),
                name="check_in_one_admission_per_ticket_and_day",
            ),
        ]
        indexes = [
            models.Index(fields=["displaced"], condition=Q(displaced__isnull=False), name="check_in_displaced"),
        ]

    def __str__(self):
        return f"{self.get_result_display()} at {self.door}"


class RetiredSecret(models.Model):
    """A badge secret voided by a reissue, kept so the door can say the badge was replaced."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="retired_secrets")
    secret = models.CharField(max_length=40, unique=True)
    retired_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-retired_at"]

    def __str__(self):
        return f"{self.secret[:6]}… ({self.ticket})"


class BadgePrintJob(models.Model):
    """An organiser's bulk print of an edition's badges, rendered by the task worker into one PDF.

    The filters are kept, not the tickets: the worker picks the matching badges when it starts,
    and marks printed only the ones in the stored PDF, once it is stored.
    """

    # Working records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RENDERING = "rendering", _("Making the PDF")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Not made")
        DELETED = "deleted", _("Deleted after a week")

    class Layout(models.TextChoices):
        A6 = "a6", _("One A6 badge per page")
        A4 = "a4", _("Four A6 badges on A4, with cut marks")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="badge_print_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    layout = models.CharField(max_length=4, choices=Layout.choices, default=Layout.A6)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    day = models.DateField(null=True, blank=True)
    not_printed = models.BooleanField(default=False, help_text=_("Only badges not printed yet."))
    badge_count = models.PositiveIntegerField(
        default=0, help_text=_("Badges in the PDF, once the worker has picked them.")
    )
    pdf = models.FileField(upload_to="badge-prints/", storage=private_storage, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_layout_display()}, {self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def badges_per_page(layout: str) -> int:
        return 4 if layout == BadgePrintJob.Layout.A4 else 1

    @property
    def page_count(self) -> int:
        return -(-self.badge_count // self.badges_per_page(self.layout))

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)


class Voucher(ServiceOwnedColumnsModel):
    """A code that takes money off an order or unlocks hidden ticket types, a limited number of times."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        AMOUNT = "amount", _("Amount off")
        UNLOCK = "unlock", _("Unlocks hidden ticket types only")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="vouchers")
    code = models.CharField(max_length=40, help_text=_("What buyers type; compared without regard to case."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent_off = models.PositiveSmallIntegerField(default=0, help_text=_("For a percentage voucher, 1 to 100."))
    amount_off = models.PositiveIntegerField(default=0, help_text=_("For an amount voucher, in pence."))
    unlocks = models.ManyToManyField(TicketType, blank=True, related_name="unlocked_by")
    max_uses = models.PositiveIntegerField(default=1)
    times_used = models.PositiveIntegerField(default=0, editable=False)
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    service_owned = ("times_used",)

    class Meta:
        ordering = ["festival", "code"]
        constraints = [
            models.UniqueConstraint(fields=["festival", "code"], name="voucher_unique_code_per_edition"),
            models.CheckConstraint(condition=Q(times_used__lte=models.F("max_uses")), name="voucher_within_max_uses"),
            models.CheckConstraint(condition=Q(percent_off__lte=100), name="voucher_percent_at_most_100"),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.normalise_code()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.normalise_code()  # before the form's uniqueness check, which compares the stored codes

    def normalise_code(self) -> None:
        """Codes are stored trimmed and in upper case, as the shop compares what buyers type."""
        self.code = (self.code or "").strip().upper()


class WaitingListEntryQuerySet(models.QuerySet):
    def open_offers(self, now):
        """Offers made and still good at ``now``: not yet bought, lapsed or expired."""
        return self.filter(status=WaitingListEntry.Status.OFFERED, offer_expires_at__gt=now)

    def open_offer(self, token, festival, now):
        """The edition's offer with this link's ``token`` if it can still be bought at ``now``, else None."""
        if not token:
            return None
        return self.open_offers(now).filter(festival=festival, offer_token=token).first()


class WaitingListEntry(ServiceOwnedColumnsModel):
    """Someone waiting for a sold-out edition; offered released tickets in the order they joined."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        BOUGHT = "bought", _("Bought")
        LAPSED = "lapsed", _("Offer lapsed")

    festival = models.ForeignKey("festival.FestivalPage", on_delete=models.CASCADE, related_name="waiting_list")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    quantity = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True)
    offer_token = models.CharField(max_length=64, unique=True, default=new_access_token, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WaitingListEntryQuerySet.as_manager()

    service_owned = ("status", "offered_at", "offer_expires_at")  # offers move only through the waiting-list service

    class Meta:
        ordering = ["festival", "created_at", "pk"]
        verbose_name_plural = _("waiting list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["festival", "email"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waiting_list_one_open_entry_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
