"""Deck -> CSV: Anki's text-import format (header lines, no dialog) or plain for spreadsheets.

Anki-style CSV uses the note types every fresh Anki collection has ("Basic", "Cloze"), so the
file imports on its own. The trade-off: context and source are folded into the card sides
instead of their own fields, MCQ options are part of the front, and reverse table cards are
only in the .apkg. GUIDs equal the .apkg's, so a note imported both ways exists once.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from flashgen.export.files import write_bytes
from flashgen.export.ids import context_label, note_guid, source_label, subdeck, tags
from flashgen.export.render import body_html, body_lines
from flashgen.model import PATH_SEP, Card, Deck

BASIC = "Basic"
CLOZE = "Cloze"

ANKI_HEADER = (
    "#separator:Comma\n"
    "#html:true\n"
    "#notetype column:1\n"
    "#deck column:2\n"
    "#tags column:3\n"
    "#guid column:4\n"
)
PLAIN_COLUMNS = ("front", "back", "kind", "section", "tags")


def _foot(card: Card, note: str = "") -> str:
    gen = f'<div class="generator">{html.escape(card.generator)}</div>' if card.generator else ""
    src = html.escape(source_label(card, note))
    return f'{gen}<div class="source">{src}</div>'


def _context(card: Card) -> str:
    label = context_label(card)
    return f'<div class="context">{html.escape(label)}</div>' if label else ""


def anki_row(deck: Deck, card: Card) -> list[str]:
    """notetype, deck, tags, guid, then the note type's fields."""
    head = [subdeck(deck, card), " ".join(tags(card)), note_guid(deck, card)]
    if card.kind == "cloze":
        return [CLOZE, *head, body_html(card.front), _context(card) + body_html(card.back)
                + _foot(card, deck.shown)]
    front = _context(card) + body_html(card.front)
    return [BASIC, *head, front, body_html(card.back) + _foot(card, deck.shown)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes as the start of a formula in a cell it imports."""


def _cell(text: str) -> str:
    """``text`` as a spreadsheet cell that stays text: one that would start a formula
    (``=HYPERLINK(...)`` in a note's table) gets a leading apostrophe, as OWASP advises for
    CSV meant for spreadsheets."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def plain_row(card: Card) -> list[str]:
    """front, back, kind, section, tags as plain text, none of it a formula."""
    if card.kind == "cloze":
        front = "\n".join(body_lines(card.front, cloze="hide"))
        back = "\n".join(body_lines(card.front, cloze="mark") + body_lines(card.back))
    else:
        front = "\n".join(body_lines(card.front))
        back = "\n".join(body_lines(card.back))
    kind = f"generated {card.source_kind or card.kind}".strip() if card.generator else card.kind
    return [_cell(front), _cell(back), kind, _cell(PATH_SEP.join(card.context)),
            _cell(" ".join(card.tags))]


def render_csv(deck: Deck, style: str = "anki") -> str:
    """The CSV text for ``deck``; every field quoted (Anki skips lines starting with #)."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    if style == "plain":
        writer.writerow(PLAIN_COLUMNS)
        writer.writerows(plain_row(c) for c in deck.cards)
        return buf.getvalue()
    # Parent decks first: Anki's CSV importer, meeting a deck it created implicitly as the
    # parent of an earlier row, makes a second deck named "Parent+" instead of reusing it.
    rows = sorted((anki_row(deck, c) for c in deck.cards), key=lambda r: r[1].count("::"))
    writer.writerows(rows)
    return ANKI_HEADER + buf.getvalue()


def write_csv(deck: Deck, target: Path, style: str = "anki") -> Path:
    """Write ``deck`` as CSV to ``target`` atomically (UTF-8, no BOM)."""
    write_bytes(target, render_csv(deck, style).encode("utf-8"))
    return target
