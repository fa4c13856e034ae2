"""The shop in the Wagtail admin: ticket types, vouchers, orders (inspect, refund, cancel), the waiting list."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ticketing import audit
from ticketing.admin_lists import ListedExportsIndexView
from ticketing.forms import NameField
from ticketing.models import Order, Ticket, TicketType, Voucher, WaitingListEntry
from ticketing.services import refunds
from ticketing.services.errors import ShopError
from ticketing.services.orders import pounds

REFUND_PERMISSION = "ticketing.refund_order"


class NoAddPolicy(ModelPermissionPolicy):
    """Orders and waiting-list entries come from buyers, never from the admin's add or delete buttons."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Order, NoAddPolicy(Order))
register_permission_policy(WaitingListEntry, NoAddPolicy(WaitingListEntry))


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


class OrderInspectView(InspectView):
    def get_fields(self):
        return [
            "code",
            "status",
            "problem",
            "buyer_name",
            "buyer_email",
            "festival",
            "total",
            "donation",
            "discount",
            "voucher",
            "refunded_amount",
            "stripe_checkout_session_id",
            "stripe_payment_intent_id",
            "hold_expires_at",
            "paid_at",
            "created_at",
        ]

    money_fields = {"total", "donation", "discount", "refunded_amount"}

    def get_field_display_value(self, field_name, field):
        if field_name in self.money_fields:
            return pounds(getattr(self.object, field_name))
        return super().get_field_display_value(field_name, field)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(REFUND_PERMISSION):
            url = reverse("ticketing_order_actions", args=[self.object.pk])
            buttons.append(HeaderButton(_("Refund or cancel"), url=url, icon_name="undo"))
        return buttons


class NamesCleaned:
    """An admin form whose ``name_fields`` are cleaned as every name is (``ticketing.names``)."""

    name_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name in self.name_fields:
            kwargs["form_class"] = NameField
        return super().formfield_for_dbfield(db_field, **kwargs)


class OrderViewSet(NamesCleaned, ModelViewSet):
    index_view_class = FestivalIndexView
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
    items = (OrderViewSet("orders"), TicketTypeViewSet("ticket_types"), VoucherViewSet("vouchers"),
             WaitingListViewSet("waiting_list"))  # fmt: skip


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    audit.register(actions)


@hooks.register("register_admin_viewset")
def register_ticketing_viewsets():
    return TicketingGroup()


class OrderActionForm(forms.Form):
    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Tickets"),
    )


def order_actions(request, pk):
    """Refund the whole order or chosen tickets, or cancel the order or chosen tickets without moving money."""
    if not request.user.has_perm(REFUND_PERMISSION):
        raise PermissionDenied
    order = get_object_or_404(Order.objects.select_related("festival"), pk=pk)
    form = OrderActionForm(request.POST or None)
    form.fields["tickets"].queryset = order.tickets.filter(status=Ticket.Status.VALID).select_related("ticket_type")
    form.fields["tickets"].label_from_instance = lambda t: (
        f"{t.attendee_name} · {t.ticket_type.name} · {pounds(t.price)}"
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "refund_all":
                refund = refunds.refund_order(order=order, user=request.user)
                _say_refunded(request, refund)
            elif action == "refund_selected":
                ids = [t.pk for t in form.cleaned_data["tickets"]]
                refund = refunds.refund_tickets(order=order, ticket_ids=ids, user=request.user)
                _say_refunded(request, refund)
            elif action == "cancel_selected":
                ids = [t.pk for t in form.cleaned_data["tickets"]]
                count = refunds.cancel_tickets(order=order, ticket_ids=ids, user=request.user)
                messages.success(
                    request,
                    ngettext("%(count)s ticket cancelled. No money was moved.",
                             "%(count)s tickets cancelled. No money was moved.", count) % {"count": count},
                )  # fmt: skip
            elif action == "cancel":
                if refunds.cancel_order(order=order, user=request.user):
                    messages.success(request, _("Order cancelled. No money was moved."))
                else:
                    messages.error(request, _("This order can no longer be cancelled."))
            else:
                messages.error(request, _("Choose what to do."))
        except ShopError as exc:
            messages.error(request, exc.message)
        return redirect("ticketing_order_actions", pk=order.pk)
    context = {"order": order, "form": form, "tickets": order.tickets.select_related("ticket_type")}
    return TemplateResponse(request, "ticketing/admin/order_actions.html", context)


def _say_refunded(request, refund) -> None:
    if refund.state == refund.State.SUCCEEDED:
        messages.success(request, _("Refunded %(amount)s.") % {"amount": pounds(refund.amount)})
    else:
        messages.warning(
            request,
            _("Stripe has not answered yet. The refund of %(amount)s is recorded and will be asked for again "
              "within a few minutes; the tickets no longer admit.") % {"amount": pounds(refund.amount)},
        )  # fmt: skip


@hooks.register("register_admin_urls")
def register_order_action_urls():
    return [path("ticketing/orders/<int:pk>/actions/", order_actions, name="ticketing_order_actions")]
