"""StreamField blocks: ``BodyBlock`` for plain pages, ``FestivalBodyBlock`` (a superset) for the home page and
the edition pages, which editors compose from a hero, featured speakers and sessions, a "happening now" strip,
news, a livestream, calls to action, rich text and quotes.

The blocks hold only what the editor chose. What they show from the programme, the speakers and the shop is
read by template tags of those apps (``programme_tags``, ``speaker_tags``, ``ticketing_tags``), in a fixed
number of queries per block, since the shell imports no app; page types are named by string.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

LIVESTREAM_SCHEDULE = "ResistanceTV streams on Wednesdays."


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text=_("Used when no page is chosen."))

    class Meta:
        icon = "link"
        template = "festival/blocks/call_to_action.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "festival/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="festival/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()


def edition_chooser() -> blocks.PageChooserBlock:
    return blocks.PageChooserBlock(
        page_type="festival.FestivalPage",
        required=False,
        label=_("Edition"),
        help_text=_("Leave empty for this page's edition (on the home page: the one on now, else the next)."),
    )


class HeroBlock(blocks.StructBlock):
    """An edition's dates and place, its tickets button and a link to its programme."""

    edition = edition_chooser()
    heading = blocks.CharBlock(required=False, max_length=120, help_text=_("Leave empty for the edition's title."))
    text = blocks.TextBlock(required=False, help_text=_("Leave empty for the edition's tagline."))
    image = ImageChooserBlock(
        required=False, help_text=_("Shown beside the words on wide screens. No photos of people without consent.")
    )

    class Meta:
        icon = "pick"
        label = _("Hero: dates, place and tickets")
        template = "festival/blocks/hero.html"


class FeaturedSessionsBlock(blocks.StructBlock):
    """Sessions chosen by hand, or (none chosen) the edition's next few."""

    heading = blocks.CharBlock(max_length=80, default=_("Highlights of the programme"))
    sessions = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="programme.SessionPage"),
        required=False,
        default=[],
        help_text=_("Choose sessions, or leave empty to show the edition's next ones."),
    )
    edition = edition_chooser()
    count = blocks.IntegerBlock(
        min_value=1, max_value=12, default=3, help_text=_("How many to show when none are chosen.")
    )

    class Meta:
        icon = "date"
        label = _("Featured sessions")
        template = "festival/blocks/featured_sessions.html"


class FeaturedSpeakersBlock(blocks.StructBlock):
    """Speakers chosen by hand, or (none chosen) some of the edition's, those on most sessions first."""

    heading = blocks.CharBlock(max_length=80, default=_("Speakers"))
    speakers = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="speakers.SpeakerPage"),
        required=False,
        default=[],
        help_text=_("Choose speakers, or leave empty to show some of the edition's."),
    )
    edition = edition_chooser()
    count = blocks.IntegerBlock(
        min_value=1, max_value=12, default=4, help_text=_("How many to show when none are chosen.")
    )

    class Meta:
        icon = "group"
        label = _("Featured speakers")
        template = "festival/blocks/featured_speakers.html"


class HappeningNowBlock(blocks.StructBlock):
    """What is on now and next; shows only while the edition is on."""

    heading = blocks.CharBlock(max_length=80, default=_("Happening now"))
    edition = edition_chooser()

    class Meta:
        icon = "time"
        label = _("Happening now (shown only during the festival)")
        template = "festival/blocks/happening_now.html"


class NewsItemBlock(blocks.StructBlock):
    date = blocks.DateBlock()
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    page = blocks.PageChooserBlock(required=False, help_text=_("Where “Read more” goes, if anywhere."))
    url = blocks.URLBlock(required=False, help_text=_("Used when no page is chosen."))

    class Meta:
        icon = "doc-full"
        label = _("News item")


class NewsBlock(blocks.StructBlock):
    """Short announcements, newest first."""

    heading = blocks.CharBlock(max_length=80, default=_("News"))
    items = blocks.ListBlock(NewsItemBlock(), min_num=1)
    count = blocks.IntegerBlock(min_value=1, max_value=20, default=3, help_text=_("How many of the newest to show."))

    class Meta:
        icon = "list-ul"
        label = _("News")
        template = "festival/blocks/news.html"


class LivestreamBlock(blocks.StructBlock):
    """A link to the livestream; a player only where the site's Content-Security-Policy allows its host
    in ``frame-src`` (no third-party frame is allowed unless an operator adds one)."""

    heading = blocks.CharBlock(max_length=80, default=_("Watch live"))
    schedule = blocks.CharBlock(max_length=200, default=LIVESTREAM_SCHEDULE)
    stream_url = blocks.URLBlock(label=_("Stream address"), help_text=_("Where viewers watch, e.g. the channel page."))
    embed_url = blocks.URLBlock(
        required=False,
        label=_("Player address"),
        help_text=_("The stream's embeddable player; shown only if the site's security policy allows its host."),
    )

    class Meta:
        icon = "media"
        label = _("Livestream")
        template = "festival/blocks/livestream.html"


class FestivalBodyBlock(BodyBlock):
    """The home page's and an edition page's body: the plain blocks and the festival's own."""

    hero = HeroBlock()
    featured_sessions = FeaturedSessionsBlock()
    featured_speakers = FeaturedSpeakersBlock()
    happening_now = HappeningNowBlock()
    news = NewsBlock()
    livestream = LivestreamBlock()
