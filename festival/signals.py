"""Keep festival.site_cache (the header and footer, editions' pages) in step with pages, sites and settings."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from festival import site_cache
from festival.models import FestivalSettings


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=FestivalSettings)
def on_site_changed(sender, **kwargs):
    site_cache.invalidate()


@receiver([post_save, post_delete])
def on_page_saved_or_deleted(sender, instance, **kwargs):
    # Any page row: a title or "show in menus" may have changed outside publishing.
    if isinstance(instance, Page):
        site_cache.invalidate()
