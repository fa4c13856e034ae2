"""Stages, tracks and session formats in the admin, grouped under "Programme", filtered by edition and
reorderable; clash log entries."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from programme.clashes import SCHEDULED_CLASH_ACTION
from programme.models import SessionFormat, Stage, Track


class StageViewSet(SnippetViewSet):
    model = Stage
    icon = "home"
    list_display = ["name", "edition", "capacity"]
    list_filter = ["edition"]
    search_fields = ["name"]


class TrackViewSet(SnippetViewSet):
    model = Track
    icon = "tag"
    list_display = ["name", "edition", "colour"]
    list_filter = ["edition"]
    search_fields = ["name"]


class SessionFormatViewSet(SnippetViewSet):
    model = SessionFormat
    icon = "list-ul"
    list_display = ["name", "edition"]
    list_filter = ["edition"]
    search_fields = ["name"]


class ProgrammeSnippets(SnippetViewSetGroup):
    menu_label = _("Programme")
    menu_icon = "date"
    menu_order = 250
    items = (StageViewSet, TrackViewSet, SessionFormatViewSet)


register_snippet(ProgrammeSnippets)


@hooks.register("register_log_actions")
def register_clash_log_action(actions):
    @actions.register_action(SCHEDULED_CLASH_ACTION)
    class ScheduledPublishingRefused(LogFormatter):
        label = _("Scheduled publishing refused")

        def format_message(self, log_entry):
            reasons = " ".join((log_entry.data or {}).get("messages", []))
            return _("Scheduled publishing refused, so unscheduled: %(reasons)s") % {"reasons": reasons}
