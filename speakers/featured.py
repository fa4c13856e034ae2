"""The speakers a featured-speakers block shows: chosen ones, or some of an edition's; in two queries (the
speakers, then their photos with the card rendition) however many there are."""

from django.db.models import Count, Prefetch
from wagtail.images import get_image_model

from speakers.models import SPEAKER_CARD_PHOTO, SpeakerIndexPage, SpeakerPage
from speakers.privacy import visible_from


def _with_photos(queryset):
    photos = get_image_model().objects.prefetch_renditions(SPEAKER_CARD_PHOTO)
    return queryset.prefetch_related(Prefetch("photo", queryset=photos))


def featured_speakers(*, edition, chosen: list, count: int, seen_from) -> list[SpeakerPage]:
    """The ``chosen`` speakers that are live and visible from ``seen_from`` (the page showing them), in the
    editor's order; none chosen, ``count`` of the edition's, those on most sessions first, then by name."""
    if chosen:
        ids = [page.pk for page in chosen if page is not None]
        queryset = SpeakerPage.objects.live().filter(pk__in=ids)
        if seen_from is not None and getattr(seen_from, "path", None):
            queryset = visible_from(queryset, seen_from)
        by_pk = {speaker.pk: speaker for speaker in _with_photos(queryset)}
        return [by_pk[pk] for pk in dict.fromkeys(ids) if pk in by_pk]
    if edition is None:
        return []
    index = SpeakerIndexPage.objects.child_of(edition).live().values("path", "depth").first()
    if index is None:
        return []
    queryset = SpeakerPage.objects.live().filter(path__startswith=index["path"], depth=index["depth"] + 1)
    queryset = visible_from(queryset, edition).annotate(sessions=Count("session_links"))
    return list(_with_photos(queryset.order_by("-sessions", "title"))[:count])
