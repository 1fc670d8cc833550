"""Small text helpers shared by the parser and the card rules."""

from __future__ import annotations

import re
import unicodedata

from flashgen.i18n import in_word
from flashgen.model import Inline, Span

_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(r"^\(?(?:\d+(?:\.\d+)*|[ivxIVX]{1,4}|[a-zA-Z])[.)]\s+|^\d+(?:\.\d+)+\s+")
_JOINERS = {0x200D, 0x20E3, 0xFE0E, 0xFE0F}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_decoration(ch: str) -> bool:
    """True for emoji, pictographs and what damaged ones leave behind.

    Covers symbols from U+2300 on (dingbats, check marks, emoji), everything from U+1F000 on
    (emoji planes), unassigned and private-use code points (left over from mojibake whose
    bytes were lost), variation selectors, joiners and emoji tag characters.
    """
    cp = ord(ch)
    if cp in _JOINERS or 0xE0000 <= cp <= 0xE007F or 0x1F3FB <= cp <= 0x1F3FF:
        return True
    cat = unicodedata.category(ch)
    if cat in ("Cn", "Co", "Cs"):
        return True
    if cp >= 0x1F000 and cat not in ("Zs",):
        return not ch.isalnum()
    return cat == "So" and cp >= 0x2300


def right_to_left(text: str) -> bool:
    """Whether ``text`` reads right to left: its first letter that has a direction is written
    so (Hebrew, Arabic, Persian ...), as the Unicode bidirectional algorithm decides a
    paragraph's direction (rules P2 and P3)."""
    if text.isascii():
        return False
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_ZWJ = "\u200d"

COLONS = (":", "：")
"""A colon, Latin or full-width (Chinese, Japanese): what ends a label."""


def drop_decoration(text: str) -> str:
    """``text`` without emoji or pictographs. A zero-width joiner between two letters (or
    marks) is part of a word, not of an emoji: Sinhala writes ශ්‍රී with one, Devanagari
    its half forms (क्‍ष)."""
    if text.isascii():
        return text
    if _ZWJ not in text:
        return "".join(" " if is_decoration(c) else c for c in text)
    last = len(text) - 1
    return "".join(
        c if c == _ZWJ and 0 < i < last and in_word(text[i - 1]) and in_word(text[i + 1])
        else " " if is_decoration(c) else c
        for i, c in enumerate(text))


def collapse(text: str) -> str:
    """Runs of white space to one space, trimmed."""
    return _SPACE.sub(" ", text).strip()


def clean_label(text: str) -> str:
    """A heading or table cell as a label: no decoration, no leading `1.` numbering."""
    text = collapse(drop_decoration(text))
    return _NUMBERING.sub("", text, count=1).strip()


def clean_inline(inline: Inline) -> Inline:
    """``inline`` (a table's cell) with decoration removed and spaces collapsed. What it
    starts with stays: a number (``2.5 µm``), a letter and a full stop (``E. coli``,
    ``A. Smith``) are a cell's data; a column that numbers the rows is left out whole
    (``parse._numbers_rows``)."""
    spans: list[Span] = []
    for s in inline:
        if s.style == "image":
            continue
        t = _SPACE.sub(" ", drop_decoration(s.text))
        if t:
            spans.append(s.with_text(t))
    # trim the ends
    while spans and not spans[0].text.strip():
        spans.pop(0)
    while spans and not spans[-1].text.strip():
        spans.pop()
    if not spans:
        return ()
    spans[0] = spans[0].with_text(spans[0].text.lstrip())
    spans[-1] = spans[-1].with_text(spans[-1].text.rstrip())
    return tuple(s for s in spans if s.text)


def deck_name(text: str) -> str:
    """A deck name as Anki keeps it: each ``::`` part without control characters and
    surrounding blanks, and no empty parts (Anki would show each as a deck named "blank").
    Empty when no part is left."""
    parts = (_CONTROL.sub("", part).strip() for part in text.split("::"))
    return "::".join(part for part in parts if part)
