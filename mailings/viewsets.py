"""The log of messages to ticket holders: who wrote and sent what, when, to how many, and how many
were delivered or failed (from the outbox). Rows open the message's own page (``admin_views``)."""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mailings import sending
from mailings.models import Message
from ticketing.admin_lists import ListedExportsIndexView

ADD, VIEW = "mailings.add_message", "mailings.view_message"


class ListOnlyPolicy(ModelPermissionPolicy):
    """The viewset lists; writing, editing and sending are the app's own views, each with its permission."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Message, ListOnlyPolicy(Message))


class OutcomeColumn(Column):
    """Delivered or failed emails of a sending or sent message (blank for a draft)."""

    def get_value(self, instance):
        if instance.state not in (Message.State.SENDING, Message.State.SENT):
            return ""
        return sending.outcomes(instance)[self.name]


class MessageIndexView(ListedExportsIndexView):
    def dispatch(self, request, *args, **kwargs):
        """403 for a role that may not read the log (Wagtail would send it to the dashboard instead)."""
        if not request.user.has_perm(VIEW):
            context = {"page_title": _("Not allowed")}
            return TemplateResponse(request, "ticketing/admin/forbidden.html", context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("festival", "sent_by")

    def get_edit_url(self, instance):
        return reverse("mailings_message", args=[instance.pk])

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(ADD):
            buttons.append(HeaderButton(_("Write a message"), url=reverse("mailings_compose"), icon_name="plus"))
        return buttons


class MessageViewSet(ModelViewSet):
    model = Message
    icon = "mail"
    menu_label = gettext_lazy("Messages")
    menu_order = 255
    add_to_admin_menu = True
    index_view_class = MessageIndexView
    list_display = [
        "subject",
        Column("festival", label=gettext_lazy("Edition"), accessor="festival.title"),
        "audience",
        "state",
        Column("sent_by", label=gettext_lazy("Sent by"), accessor="sent_by"),
        DateColumn("finished_at", label=gettext_lazy("Sent at")),
        DateColumn("send_at", label=gettext_lazy("Scheduled for")),
        Column("recipient_count", label=gettext_lazy("Recipients")),
        OutcomeColumn("delivered", label=gettext_lazy("Delivered")),
        OutcomeColumn("failed", label=gettext_lazy("Failed")),
    ]
    list_filter = ["festival", "state"]
    search_fields = ["subject", "body"]
    search_backend_name = None
    form_fields = ["subject"]  # never shown: the policy allows no change
    copy_view_enabled = False
