"""Keep the programme cache and the changes log in step with publishing."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished

from festival.models import FestivalPage
from programme import caching
from programme.changes import record_publication, record_withdrawal, take_snapshots
from programme.models import ProgrammePage, SessionFormat, SessionPage, Stage, Track
from speakers.models import SpeakerIndexPage, SpeakerPage


def _is_programme_content(instance) -> bool:
    return isinstance(instance, ProgrammePage | SessionPage | SpeakerPage | SpeakerIndexPage | FestivalPage)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    if isinstance(instance, SessionPage):
        record_publication(session=instance)
    elif isinstance(instance, ProgrammePage) and instance.first_published_at == instance.last_published_at:
        take_snapshots(programme=instance)
    if _is_programme_content(instance):
        caching.invalidate()
    _reindex_sessions_of(instance)


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    if isinstance(instance, SessionPage) and not _about_to_be_deleted(instance):
        record_withdrawal(session=instance)
    if _is_programme_content(instance):
        caching.invalidate()
    _reindex_sessions_of(instance)


def _reindex_sessions_of(page) -> None:
    """A speaker published or withdrawn: their live sessions are found by their name, or no longer."""
    if isinstance(page, SpeakerPage):
        for session in SessionPage.objects.live().filter(speaker_links__speaker=page).distinct():
            index.insert_or_update_object(session)


def _about_to_be_deleted(page) -> bool:
    # Wagtail unpublishes every live page it deletes, without saving it: its row still says live.
    # A deleted session is logged by on_session_deleting, which knows what else the deletion takes.
    return type(page).objects.filter(pk=page.pk, live=True).exists()


@receiver(pre_delete, sender=SessionPage)
def on_session_deleting(sender, instance, origin=None, **kwargs):
    """A live session deleted on its own is withdrawn; one deleted with its programme or edition is not news."""
    if not instance.live or instance.cancelled:
        return
    programme_id = ProgrammePage.objects.ancestor_of(instance).values_list("pk", flat=True).first()
    if programme_id is None or _deleted_with(origin, programme_id):
        return
    record_withdrawal(session=instance, deleting=True)


def _deleted_with(origin, page_id: int) -> bool:
    """Whether the deletion that started at ``origin`` (a page or, for Wagtail's tree, a queryset) takes ``page_id``."""
    if isinstance(origin, QuerySet):
        return origin.filter(pk=page_id).exists()
    return getattr(origin, "pk", None) == page_id


@receiver(post_delete)
def on_page_deleted(sender, instance, **kwargs):
    if _is_programme_content(instance):
        caching.invalidate()


@receiver([post_save, post_delete], sender=PageViewRestriction)  # a newly private page must leave the cache
@receiver([post_save, post_delete], sender=Stage)
@receiver([post_save, post_delete], sender=Track)
@receiver([post_save, post_delete], sender=SessionFormat)
def on_snippet_changed(sender, **kwargs):
    caching.invalidate()
