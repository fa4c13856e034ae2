"""People's names (and pronouns) as the festival keeps them: one rule for every way a name comes in.

A name is kept in Unicode NFC with its whitespace collapsed and trimmed, and without the characters
that show nothing yet change what is around them: bidi controls (a right-to-left override shows
"Rosa Parks" as "skraP asoR" on the badge, the door screen and in emails), zero-width and other
format characters, control characters and blank fillers. Letters, marks and digits of every script
stay, and so do the joiners that a script needs between its letters: the zero-width non-joiner of
Persian and Urdu, a joiner after an Indic virama, and the joiner inside an emoji sequence.
"""

from __future__ import annotations

import unicodedata

ZWNJ, ZWJ = "\u200c", "\u200d"
# Characters that are not format characters (category Cf) yet show nothing: the combining grapheme
# joiner, Hangul fillers, Khmer's invisible vowels and the blank braille pattern.
BLANKS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
VIRAMA = 9  # the canonical combining class of a virama
# Scripts whose letters join, where a non-joiner between two letters keeps them apart as written.
JOINING_SCRIPTS = ("ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "MANDAIC", "ADLAM")


def clean_name(value: str) -> str:
    """``value`` as a name to keep: NFC, without bidi controls and invisible characters, its
    whitespace one space between words; ``""`` when nothing that shows is left."""
    text = unicodedata.normalize("NFC", value)
    kept = "".join(" " if char.isspace() else char for index, char in enumerate(text) if _shows(text, index))
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _shows(text: str, index: int) -> bool:
    char = text[index]
    category = unicodedata.category(char)
    if char.isspace():
        return True
    if category == "Cc" or char in BLANKS:
        return False
    if category == "Cf":  # bidi controls, zero-width characters, soft hyphens, BOMs, tags…
        return char in (ZWNJ, ZWJ) and _joiner_needed(text, index)
    return True


def _joiner_needed(text: str, index: int) -> bool:
    """Whether the (non-)joiner at ``index`` changes how the letters on either side are written."""
    if not 0 < index < len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    if unicodedata.combining(before) == VIRAMA:
        return True  # Devanagari, Bengali, Malayalam…: a half form or a visible virama
    if text[index] == ZWNJ:
        return _joining_letter(before) and _joining_letter(after)
    return unicodedata.category(after) == "So"  # 👩‍🔬: one emoji made of two


def _joining_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM" and unicodedata.name(char, "").startswith(JOINING_SCRIPTS)
