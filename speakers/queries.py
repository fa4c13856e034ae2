"""Speaker queries, with photos and their renditions loaded up front."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

from festival.privacy import visible_from

SPEAKER_CARD_PHOTO = "fill-160x160"


def speakers_for(index) -> list:
    """The live speakers under a speaker index (but not those behind a restriction of their own), by name,
    with their card photos loaded."""
    from speakers.models import SpeakerPage

    photos = get_image_model().objects.prefetch_renditions(SPEAKER_CARD_PHOTO)
    queryset = visible_from(SpeakerPage.objects.live().child_of(index), index)
    queryset = queryset.prefetch_related(Prefetch("photo", queryset=photos))
    return list(queryset.order_by("title"))


SPEAKER_PAGE_PHOTO = "fill-320x320"


def speaker_by_slug(index, slug: str):
    """One speaker under ``index`` with their photo and its page-sized rendition loaded, or None."""
    from speakers.models import SpeakerPage

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=SPEAKER_PAGE_PHOTO)
    return (
        SpeakerPage.objects.child_of(index)
        .filter(slug=slug)
        .select_related("photo")
        .prefetch_related(Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions"))
        .first()
    )
