"""The site in a second language: Welsh chosen by the browser or the switch, and every visible string translatable."""

import gettext
import html
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from festival.demo import upsert_child
from festival.models import StandardPage
from tests.welsh import english_left, welsh_catalogue

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LOCALE = Path(settings.BASE_DIR) / "locale"

# Text in templates that is not words for people: class names, file names, machine values.
# The festival's name is a proper name (the 500 page, which has no settings to read, writes it out).
NOT_WORDS = {"door-page", "schedule.xml", "schedule.json", "· Festival of Resistance", "Festival of Resistance"}
ATTRIBUTES = re.compile(r'\b(aria-label|placeholder|alt|title|value)="([^"]*)"')
MACHINE_VALUE = re.compile(r"^[a-z_]+$")  # a button's or option's value="confirm": sent, not shown


def untranslated_text(source: str) -> list[str]:
    """Words a template shows (between tags, or in a label-like attribute) outside translation tags."""
    source = re.sub(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", " ", source, flags=re.S)  # class names
    found = []
    for name, value in ATTRIBUTES.findall(source):
        value = re.sub(r"{%.*?%}|{{.*?}}", "", value).strip()
        if re.search(r"[A-Za-z]{2,}", value) and not (name == "value" and MACHINE_VALUE.match(value)):
            found.append(value)
    text = re.sub(r"{%.*?%}|{{.*?}}", "\n", re.sub(r"<[^>]*>", " ", source), flags=re.S)
    for chunk in text.split("\n"):
        chunk = html.unescape(chunk).strip()
        if re.search(r"[A-Za-z]{2,}", chunk) and chunk not in NOT_WORDS:
            found.append(chunk)
    return found


def test_every_template_marks_its_words_for_translation():
    templates = sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")])

    unmarked = {str(t.relative_to(TEMPLATES)): untranslated_text(t.read_text()) for t in templates}

    assert {name: words for name, words in unmarked.items() if words} == {}


def test_the_check_finds_words_left_outside_translation_tags():
    source = '{% load i18n %}<h1>{% translate "Tickets" %}</h1><p>Sold out</p><input placeholder="Search">'

    assert untranslated_text(source) == ["Search", "Sold out"]


def test_the_committed_welsh_catalogue_is_compiled_from_its_po_file(tmp_path):
    po = LOCALE / "cy" / "LC_MESSAGES" / "django.po"

    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(po)], check=True)
    with open(tmp_path / "django.mo", "rb") as fresh:
        compiled = gettext.GNUTranslations(fresh)._catalog

    assert welsh_catalogue()._catalog == compiled


def test_a_browser_asking_for_welsh_gets_the_sites_own_words_in_welsh(festival):
    festival.about_page = upsert_child(festival, StandardPage, slug="about", title="About the festival")
    festival.save()

    page = Client(headers={"accept-language": "cy,en;q=0.5"}).get(festival.url)

    assert page.status_code == 200
    assert '<html lang="cy">' in page.text
    assert page["Content-Language"] == "cy"
    assert ">Tocynnau</a>" in page.text and ">Amdanom</a>" in page.text  # the edition's menu
    assert "Neidio i’r prif gynnwys" in page.text
    assert "Festival of Resistance 2026</h1>" in page.text  # an editor's words stay as written
    assert english_left(page.text) == []


def test_a_browser_asking_for_english_or_anything_else_gets_british_english(festival):
    english = Client(headers={"accept-language": "en-US,en;q=0.8"}).get(festival.url)
    french = Client(headers={"accept-language": "fr"}).get(festival.url)

    assert '<html lang="en-gb">' in english.text and '<html lang="en-gb">' in french.text
    assert "Skip to main content" in english.text and "Skip to main content" in french.text


def test_the_language_switch_keeps_the_choice_and_goes_back_to_the_page(festival):
    visitor = Client(headers={"accept-language": "en-GB"})

    switched = visitor.post(
        reverse("set_language"), {"language": "cy", "next": festival.url}, headers={"origin": "http://testserver"}
    )
    page = visitor.get(festival.url)

    assert (switched.status_code, switched["Location"]) == (302, festival.url)
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert '<html lang="cy">' in page.text
    assert 'aria-current="true">Cymraeg</button>' in page.text


def test_a_language_switch_posted_from_another_site_is_refused(festival):
    visitor = Client()

    refused = visitor.post(
        reverse("set_language"), {"language": "cy", "next": "/"}, headers={"origin": "https://elsewhere.example"}
    )
    bare = visitor.post(reverse("set_language"), {"language": "cy", "next": "/"})

    assert (refused.status_code, bare.status_code) == (403, 403)
    assert settings.LANGUAGE_COOKIE_NAME not in visitor.cookies


def test_the_switch_never_sends_a_visitor_to_another_site(festival):
    response = Client().post(
        reverse("set_language"),
        {"language": "cy", "next": "https://elsewhere.example/"},
        headers={"origin": "http://testserver"},
    )

    assert response["Location"] == "/"


def test_error_pages_speak_welsh_too(home):
    missing = Client(headers={"accept-language": "cy"}).get("/no-such-page/")

    assert missing.status_code == 404
    assert "Doedden ni ddim yn gallu dod o hyd i’r dudalen honno" in missing.text
    assert english_left(missing.text) == []


def test_the_wagtail_admin_still_works_for_an_editor_whose_browser_asks_for_welsh(admin_user):
    editor = Client(headers={"accept-language": "cy"})
    editor.force_login(admin_user)

    dashboard = editor.get(reverse("wagtailadmin_home"))

    assert dashboard.status_code == 200


def test_the_switch_returns_to_the_page_without_its_query(festival):
    page = Client().get(festival.url + "?voucher=SOLIDARITY&offer=secret")

    assert f'<input type="hidden" name="next" value="{festival.url}">' in page.text
    assert "SOLIDARITY" not in page.text and "secret" not in page.text
