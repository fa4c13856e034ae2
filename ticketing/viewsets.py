"""The shop in the Wagtail admin: ticket types, vouchers, orders (inspect with tickets, payments, refunds
and history), tickets, check-ins and the waiting list. The box office's actions are ``admin_views``."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from festival.models import FestivalPage
from ticketing import audit
from ticketing.admin_lists import ListedExportsIndexView
from ticketing.forms import NameField
from ticketing.ledger import MadeBy
from ticketing.models import CheckIn, Order, Ticket, TicketType, Voucher, WaitingListEntry
from ticketing.services import receipts
from ticketing.services.orders import pounds

# What each box-office action needs; the views check the same names (``admin_views.ACTION_PERMISSIONS``).
CHANGE_ORDER = "ticketing.change_order"
REFUND_ORDER = "ticketing.refund_order"
ADD_ORDER = "ticketing.add_order"


class NoAddPolicy(ModelPermissionPolicy):
    """Orders and waiting-list entries come from buyers, never from the admin's add or delete buttons."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyPolicy(NoAddPolicy):
    """Tickets and check-ins are listed and inspected; they change only through the services' actions."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(Order, NoAddPolicy(Order))
register_permission_policy(WaitingListEntry, NoAddPolicy(WaitingListEntry))
register_permission_policy(Ticket, ReadOnlyPolicy(Ticket))
register_permission_policy(CheckIn, ReadOnlyPolicy(CheckIn))


class MoneyColumn(Column):
    def get_value(self, instance):
        return pounds(super().get_value(instance) or 0)


class FestivalIndexView(ListedExportsIndexView):
    """Lists whose rows name their edition: fetch the edition with the row, not once per row."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("festival")


class TicketTypeViewSet(ModelViewSet):
    index_view_class = FestivalIndexView
    model = TicketType
    icon = "tag"
    menu_label = gettext_lazy("Ticket types")
    add_to_admin_menu = False
    list_display = [
        "name",
        "festival",
        "pricing",
        MoneyColumn("price", label=gettext_lazy("Price")),
        "capacity",
        Column("remaining", label=gettext_lazy("Left")),
        "is_hidden",
        "is_complimentary",
    ]
    list_filter = ["festival", "pricing", "is_hidden", "is_complimentary"]
    search_fields = ["name", "description"]
    form_fields = [
        "festival",
        "name",
        "description",
        "pricing",
        "price",
        "min_price",
        "suggested_price",
        "capacity",
        "valid_days",
        "sale_starts_at",
        "sale_ends_at",
        "max_per_order",
        "is_hidden",
        "is_complimentary",
        "sort_order",
    ]
    inspect_view_enabled = True
    copy_view_enabled = True


class VoucherViewSet(ModelViewSet):
    index_view_class = FestivalIndexView
    model = Voucher
    icon = "key"
    menu_label = gettext_lazy("Vouchers")
    add_to_admin_menu = False
    list_display = ["code", "festival", "kind", "percent_off", MoneyColumn("amount_off"), "times_used", "max_uses",
                    "valid_until"]  # fmt: skip
    list_filter = ["festival", "kind"]
    search_fields = ["code"]
    form_fields = ["festival", "code", "kind", "percent_off", "amount_off", "unlocks", "max_uses", "valid_until"]
    inspect_view_enabled = True


def who(entry) -> str:
    """Who made a logged change: the person's name, or the buyer, Stripe's dashboard or the site."""
    if entry.user is not None:
        return entry.user.get_full_name() or entry.user.get_username()
    by = (entry.data or {}).get("by", MadeBy.SITE)
    return str(MadeBy(by).label) if by in MadeBy.values else by


def details(data: dict, names: dict[int, str]) -> str:
    """The particulars of a logged change, in words: amount, tickets, names, door, note."""
    parts = []
    if "amount" in data:
        parts.append(pounds(data["amount"] or 0))
    tickets = data.get("tickets") or ([data["ticket"]] if "ticket" in data else [])
    if tickets:
        parts.append(", ".join(names.get(pk, f"#{pk}") for pk in tickets))
    if "old_name" in data:
        parts.append(_("“%(old)s” to “%(new)s”") % {"old": data["old_name"], "new": data.get("new_name", "")})
    for key, label in (("door", _("at %s")), ("to", _("to %s")), ("note", "%s"), ("failure", "%s")):
        if data.get(key):
            parts.append(label % data[key])
    return " · ".join(parts)


class OrderInspectView(InspectView):
    """The order's fields, then its tickets, its payments and refunds, and its history."""

    template_name = "ticketing/admin/order_inspect.html"
    money_fields = {"total", "donation", "discount", "refunded_amount"}

    def get_fields(self):
        return ["code", "status", "problem", "buyer_name", "buyer_email", "festival", "total", "donation", "discount",
                "voucher", "refunded_amount", "stripe_checkout_session_id", "stripe_payment_intent_id",
                "hold_expires_at", "paid_at", "created_at"]  # fmt: skip

    def get_object(self, queryset=None):
        return Order.objects.select_related("festival", "voucher").get(pk=self.pk)

    def get_field_display_value(self, field_name, field):
        if field_name in self.money_fields:
            return pounds(getattr(self.object, field_name))
        return super().get_field_display_value(field_name, field)

    def can(self, permission: str) -> bool:
        return self.request.user.has_perm(permission)

    @cached_property
    def header_buttons(self):
        order, buttons = self.object, list(super().header_buttons)
        if order.status == Order.Status.PAID and self.can(REFUND_ORDER):
            url = reverse("ticketing_order_refund", args=[order.pk])
            buttons.append(HeaderButton(_("Refund"), url=url, icon_name="undo", priority=10))
        if order.status == Order.Status.PENDING and self.can(REFUND_ORDER):
            url = reverse("ticketing_order_release", args=[order.pk])
            buttons.append(HeaderButton(_("Release hold"), url=url, icon_name="lock-open", priority=10))
        return buttons

    @cached_property
    def header_more_buttons(self):
        order, buttons = self.object, list(super().header_more_buttons)
        if order.status == Order.Status.PAID and self.can(CHANGE_ORDER):
            url = reverse("ticketing_order_resend", args=[order.pk])
            buttons.append(Button(_("Resend the confirmation"), url=url, icon_name="mail", priority=30))
        if order.status == Order.Status.PAID and self.can(REFUND_ORDER):
            url = reverse("ticketing_order_cancel", args=[order.pk])
            buttons.append(Button(_("Cancel without a refund"), url=url, icon_name="cross", priority=40))
        if receipts.has_receipt(order=order):
            url = reverse("ticketing:order_receipt", kwargs={"token": order.access_token})
            buttons.append(Button(_("Download the receipt (PDF)"), url=url, icon_name="doc-full", priority=50))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        admissions = CheckIn.objects.filter(result=CheckIn.Result.ADMITTED, undone_at__isnull=True)
        tickets = list(
            order.tickets.select_related("ticket_type").prefetch_related(
                Prefetch("check_ins", queryset=admissions.order_by("-scanned_at"), to_attr="admissions")
            )
        )
        names = {t.pk: t.attendee_name for t in tickets}
        context.update(
            tickets=tickets,
            payments=list(order.payments.all()),
            refunds=list(order.refunds.select_related("created_by").prefetch_related("tickets")),
            history=[
                {"entry": e, "message": e.message, "who": who(e), "details": details(e.data or {}, names)}
                for e in audit.history(order)
            ],
            can_change=self.can(CHANGE_ORDER),
        )
        return context


class NamesCleaned:
    """An admin form whose ``name_fields`` are cleaned as every name is (``ticketing.names``)."""

    name_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name in self.name_fields:
            kwargs["form_class"] = NameField
        return super().formfield_for_dbfield(db_field, **kwargs)


class OrderIndexView(FestivalIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(ADD_ORDER):
            url = reverse("ticketing_complimentary")
            buttons.append(HeaderButton(_("Issue complimentary tickets"), url=url, icon_name="plus"))
        return buttons


class OrderViewSet(NamesCleaned, ModelViewSet):
    index_view_class = OrderIndexView
    model = Order
    icon = "form"
    menu_label = gettext_lazy("Orders")
    add_to_admin_menu = False
    list_display = ["code", "buyer_name", "buyer_email", "status", MoneyColumn("total"), "problem", "created_at"]
    list_filter = ["status", "festival", "problem", "created_at"]
    search_fields = ["code", "buyer_name", "buyer_email", "stripe_checkout_session_id", "stripe_payment_intent_id"]
    form_fields = ["buyer_name", "buyer_email"]
    name_fields = ("buyer_name",)
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False


class TicketFilterSet(WagtailFilterSet):
    festival = django_filters.ModelChoiceFilter(
        field_name="ticket_type__festival", queryset=FestivalPage.objects.all(), label=gettext_lazy("Edition")
    )
    ticket_type = django_filters.ModelChoiceFilter(
        queryset=TicketType.objects.select_related("festival"), label=gettext_lazy("Ticket type")
    )
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices, label=gettext_lazy("Status"))

    class Meta:
        model = Ticket
        fields = ["festival", "ticket_type", "status"]


class TicketIndexView(ListedExportsIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("order", "ticket_type__festival")

    def search_queryset(self, queryset):
        """By name, email or order code, and by the start of the badge's code (as read off a badge)."""
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        found = Q()
        for field in self.search_fields:
            found |= Q(**{f"{field}__icontains": query})
        code = "".join(query.split()).upper()
        if len(code) >= 4:
            found |= Q(secret__startswith=code)
        return queryset.filter(found)


class TicketInspectView(InspectView):
    def get_object(self, queryset=None):
        return Ticket.objects.select_related("order", "ticket_type__festival").get(pk=self.pk)

    def get_fields(self):
        return ["attendee_name", "pronouns", "attendee_email", "region_group", "order", "ticket_type", "status",
                "price", "badge_rendered_at", "badge_printed_at", "created_at"]  # fmt: skip

    def get_field_display_value(self, field_name, field):
        if field_name == "price":
            return pounds(self.object.price)
        return super().get_field_display_value(field_name, field)

    @cached_property
    def header_buttons(self):
        url = reverse("orders:inspect", args=[self.object.order_id])
        return [*super().header_buttons, HeaderButton(_("Open the order"), url=url, icon_name="form")]


class TicketViewSet(ModelViewSet):
    model = Ticket
    icon = "tag"
    menu_label = gettext_lazy("Tickets")
    add_to_admin_menu = False
    index_view_class = TicketIndexView
    inspect_view_class = TicketInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "attendee_name",
        Column("order", label=gettext_lazy("Order"), accessor="order.code"),
        Column("ticket_type", label=gettext_lazy("Type"), accessor="ticket_type.name"),
        Column("festival", label=gettext_lazy("Edition"), accessor="ticket_type.festival.title"),
        "status",
        MoneyColumn("price", label=gettext_lazy("Price")),
        DateColumn("badge_printed_at", label=gettext_lazy("Badge printed")),
    ]
    filterset_class = TicketFilterSet
    search_fields = ["attendee_name", "attendee_email", "order__code", "order__buyer_email"]
    search_backend_name = None
    form_fields = ["attendee_name"]


def _staff_choices(request):
    return get_user_model().objects.filter(pk__in=CheckIn.objects.values("staff_id")).order_by("username")


class CheckInFilterSet(WagtailFilterSet):
    festival = django_filters.ModelChoiceFilter(queryset=FestivalPage.objects.all(), label=gettext_lazy("Edition"))
    day = django_filters.DateFilter(widget=AdminDateInput, label=gettext_lazy("Day"))
    door = django_filters.CharFilter(lookup_expr="iexact", label=gettext_lazy("Door"))
    result = django_filters.ChoiceFilter(choices=CheckIn.Result.choices, label=gettext_lazy("Result"))
    staff = django_filters.ModelChoiceFilter(queryset=_staff_choices, label=gettext_lazy("Staff"))

    class Meta:
        model = CheckIn
        fields = ["festival", "day", "door", "result", "staff"]


class CheckInIndexView(ListedExportsIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("ticket__order", "ticket__ticket_type", "staff", "festival")


class CheckInViewSet(ModelViewSet):
    model = CheckIn
    icon = "success"
    menu_label = gettext_lazy("Check-ins")
    add_to_admin_menu = False
    index_view_class = CheckInIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "scanned_at",
        Column("attendee", label=gettext_lazy("Attendee"), accessor="ticket.attendee_name"),
        Column("order", label=gettext_lazy("Order"), accessor="ticket.order.code"),
        "result",
        "door",
        "day",
        Column("staff", label=gettext_lazy("Staff"), accessor="staff.username"),
        Column("festival", label=gettext_lazy("Edition"), accessor="festival.title"),
    ]
    filterset_class = CheckInFilterSet
    search_fields = ["code", "door", "ticket__attendee_name", "ticket__order__code"]
    search_backend_name = None
    form_fields = ["door"]


class WaitingListViewSet(NamesCleaned, ModelViewSet):
    index_view_class = FestivalIndexView
    model = WaitingListEntry
    icon = "time"
    menu_label = gettext_lazy("Waiting list")
    add_to_admin_menu = False
    list_display = ["name", "email", "festival", "quantity", "status", "created_at", "offer_expires_at"]
    list_filter = ["festival", "status"]
    search_fields = ["name", "email"]
    form_fields = ["name", "email", "quantity"]
    name_fields = ("name",)
    copy_view_enabled = False


class TicketingGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Tickets")
    menu_icon = "tag"
    menu_order = 250
    submenu_hook = "register_ticketing_menu_item"  # other modules add their pages to this menu
    items = (OrderViewSet("orders"), TicketViewSet("tickets"), CheckInViewSet("check_ins"),
             TicketTypeViewSet("ticket_types"), VoucherViewSet("vouchers"),
             WaitingListViewSet("waiting_list"))  # fmt: skip
