"""Outgoing email in the Wagtail admin: a read-only list with an inspect view, and "retry now" for an
email refused for good (permission ``outbox.retry_outgoingemail``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from outbox import services
from outbox.models import OutgoingEmail

RETRY_PERMISSION = "outbox.retry_outgoingemail"


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Emails are written by the code that queues them; the admin only looks (and retries)."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(OutgoingEmail, ReadOnlyPolicy(OutgoingEmail))


class OutgoingEmailInspectView(InspectView):
    def get_fields(self):
        return ["to", "subject", "about", "state", "attempts", "next_attempt_at", "last_error", "sent_at",
                "created_at", "message_id", "from_email"]  # fmt: skip

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.state == OutgoingEmail.State.FAILED and self.request.user.has_perm(RETRY_PERMISSION):
            url = reverse("outbox_retry", args=[self.object.pk])
            buttons.append(HeaderButton(_("Retry now"), url=url, icon_name="redirect"))
        return buttons


class OutgoingEmailViewSet(ModelViewSet):
    model = OutgoingEmail
    icon = "mail"
    menu_label = gettext_lazy("Outgoing email")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["to", "subject", "state", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "about"]
    form_fields = ["about"]  # never shown: the policy allows no change
    inspect_view_enabled = True
    inspect_view_class = OutgoingEmailInspectView
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutgoingEmailViewSet("outgoing_email")


def retry(request, pk):
    """Confirm, then put a failed email back in the queue, due now."""
    if not request.user.has_perm(RETRY_PERMISSION):
        raise PermissionDenied
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if request.method == "POST":
        if services.retry_now(email=email):
            messages.success(request, _("The email is queued again and will be sent shortly."))
        else:
            messages.error(request, _("Only an email that failed for good, and still has its content, can be retried."))
        return redirect("outgoing_email:inspect", email.pk)
    return TemplateResponse(request, "outbox/admin/retry.html", {"email": email})


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/<int:pk>/retry/", retry, name="outbox_retry")]
