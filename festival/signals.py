"""Keep festival.site_cache (the header and footer, editions' pages) in step with pages, sites and settings."""

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from festival import site_cache
from festival.models import FestivalSettings

logger = logging.getLogger(__name__)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=FestivalSettings)
@receiver([post_save, post_delete], sender=PageViewRestriction)  # the sitemap lists public pages only
def on_site_changed(sender, **kwargs):
    site_cache.invalidate()


@receiver([post_save, post_delete])
def on_page_saved_or_deleted(sender, instance, **kwargs):
    # Any page row: a title or "show in menus" may have changed outside publishing.
    if isinstance(instance, Page):
        site_cache.invalidate()


def forget_the_old_codes_cache(sender, **kwargs):
    """After ``migrate``, which every deploy runs: forget the pages and objects the old code cached
    (its templates, its model fields). A cache that cannot be reached is logged, not fatal: its
    entries lapse within the hour anyway. Connected for the festival app only, so once a migrate."""
    try:
        site_cache.invalidate()
    except Exception:
        logger.warning("migrate could not clear the page cache", exc_info=True)
