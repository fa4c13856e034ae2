"""What of the site's own English is left on a page meant to be in Welsh.

The committed Welsh catalogue (locale/cy/LC_MESSAGES/django.mo) says which English phrases have a
Welsh form. A page rendered for a Welsh visitor should show none of them in English: finding one
means a template or view shows that string without passing it through translation (or shows it
before the visitor's language is known). Phrases of fewer than three words are left out, since
"Programme" or "Tickets" may just as well be an editor's page title.
"""

import gettext
import html
import re

from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAGS = re.compile(r"<[^>]+>")
VALUES = re.compile(r'\bvalue="[^"]*"')  # what a form sends (an option's stored region), not what it shows


def welsh_catalogue() -> gettext.GNUTranslations:
    with open(settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def _phrases() -> set[str]:
    """Each translated English string's literal runs (between placeholders and tags) of three words or more."""
    phrases = set()
    for key, welsh in welsh_catalogue()._catalog.items():
        english = key[0] if isinstance(key, tuple) else key
        english = english.split("\x04")[-1]  # a msgctxt comes first, joined by EOT
        if not english or welsh == english:
            continue
        for run in PLACEHOLDER.split(TAGS.sub("\n", english)):
            for part in run.split("\n"):
                part = part.strip(" .,:;—–()“”")
                if len(part.split()) >= 3:
                    phrases.add(part)
    return phrases


def english_left(page: str) -> list[str]:
    """The translated English phrases still in ``page`` (its text and attributes but values, entities decoded)."""
    text = " ".join(html.unescape(VALUES.sub("", page)).split())
    return sorted(phrase for phrase in _phrases() if phrase in text)
