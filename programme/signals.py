"""Keep the programme cache and the changes log in step with publishing."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from programme import caching
from programme.models import ProgrammePage, SessionFormat, SessionPage, Stage, Track


def _is_programme_content(instance) -> bool:
    from festival.models import FestivalPage
    from speakers.models import SpeakerIndexPage, SpeakerPage

    return isinstance(instance, ProgrammePage | SessionPage | SpeakerPage | SpeakerIndexPage | FestivalPage)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    from programme.changes import record_publication, take_snapshots

    if isinstance(instance, SessionPage):
        record_publication(session=instance)
    elif isinstance(instance, ProgrammePage) and instance.first_published_at == instance.last_published_at:
        take_snapshots(programme=instance)
    if _is_programme_content(instance):
        caching.invalidate()


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    if _is_programme_content(instance):
        caching.invalidate()


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
