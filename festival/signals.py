"""Keep the cached header and footer (festival.chrome) in step with the pages, sites and settings they show."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from festival import chrome
from festival.models import FestivalSettings


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=FestivalSettings)
def on_chrome_changed(sender, **kwargs):
    chrome.invalidate()


@receiver([post_save, post_delete])
def on_page_saved_or_deleted(sender, instance, **kwargs):
    # Any page row: a title or "show in menus" may have changed outside publishing.
    if isinstance(instance, Page):
        chrome.invalidate()
