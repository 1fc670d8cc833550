"""Deck -> printable PDFs with fpdf2: a study sheet, duplex cut-out cards, fold-over cards.

Text is set in the bundled DejaVu Sans (embedded, wide Unicode coverage), with the user's
font (--pdf-font) as fpdf2's fallback for the letters it lacks (Chinese, Japanese, Korean);
code blocks in DejaVu Sans Mono, their spaces kept.
A deck holding scripts that are written right to left (Hebrew, Arabic, Persian) or whose
letters join and combine (Arabic, the Indic scripts, Thai) is set with fpdf2's text shaping
(HarfBuzz, through uharfbuzz), which also orders mixed directions by the Unicode
bidirectional algorithm; a line whose first letter is written right to left is set flush
right, its indent on the right. Other decks are set as before, unshaped.
Characters no font can draw (most emoji) are dropped before layout, so nothing prints as an
empty box; letters among them are reported (``write_pdf``). Pictures the deck embeds are
drawn on the study sheet, under their card's text; the cut-out and fold cards are text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flashgen import i18n
from flashgen.export.files import write_bytes
from flashgen.export.ids import context_label
from flashgen.export.render import OPTION_LETTER, Line, body_lines, side_lines
from flashgen.model import Body, Card, Deck, Inline, Point, Points, Text
from flashgen.text import right_to_left

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger("flashgen")

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
MONO = "DejaVuMono"
"""Code blocks' font (DejaVu Sans Mono), embedded only in PDFs that show one."""
FALLBACK = "Fallback"
"""The font given with --pdf-font, for letters DejaVu Sans lacks."""
LAYOUTS = ("sheet", "cards", "fold")
PAPERS = {"a4": "A4", "letter": "Letter"}
MARGIN = 12.0
PICTURE_HEIGHT = 60.0
"""The most a picture takes on the study sheet, in mm (a wider one is scaled to the text's
width)."""
GREY = (120, 120, 128)
LIGHT = (185, 185, 192)


def _coverage(fallback: Path | None = None) -> frozenset[int]:
    """The characters DejaVu Sans draws, and those of ``fallback`` (``font_error`` says
    whether it is a font), as the file is now: a new version of it is read again."""
    if fallback is None:
        return _dejavu()
    st = fallback.stat()
    return _with_font(str(fallback), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=1)
def _dejavu() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(FONT_DIR / "DejaVuSans.ttf")).getBestCmap())


@lru_cache(maxsize=4)
def _with_font(path: str, size: int, mtime_ns: int) -> frozenset[int]:
    """DejaVu Sans's characters and those of the font file ``path`` (of that size and time;
    the first font of a collection, .ttc, as fpdf2 takes it)."""
    from fontTools.ttLib import TTFont

    return _dejavu().union(TTFont(path, lazy=True, fontNumber=0).getBestCmap() or {})


def font_error(path: Path) -> str | None:
    """Why ``path`` cannot be the PDFs' fallback font, or None when it can."""
    try:
        _coverage(path)
    except Exception as e:  # noqa: BLE001 (fontTools raises many kinds on a damaged file)
        return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return None


def printable(text: str, covered: frozenset[int] | None = None, code: bool = False) -> str:
    """``text`` without characters the embedded fonts lack (``covered``: by default DejaVu
    Sans's), spaces tidied; in ``code``, where spaces indent and align, kept."""
    covered = covered or _coverage()
    out = "".join(c for c in text if ord(c) in covered or c in "\n\t")
    if code:
        return "\n".join(line.rstrip() for line in out.expandtabs(4).split("\n")).strip("\n")
    lines = []
    for line in out.split("\n"):
        indent = "   " * ((len(line) - len(line.lstrip(" "))) // 2)  # keep nesting visible
        lines.append(indent + " ".join(line.split()))
    return "\n".join(lines).strip("\n").rstrip()


_SHAPED = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff"
                     "\ua8e0-\ua8ff\ufb1d-\ufdff\ufe70-\ufeff]")
"""Letters that are written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko) or that
need shaping to print (Arabic's joining; the vowel signs and conjuncts of Devanagari and
the other Indic scripts; Thai, Lao, Tibetan, Myanmar, Khmer)."""


def _texts(deck: Deck) -> list[str]:
    """Every text of the deck that its PDFs print."""
    texts = [deck.name]
    for card in deck.cards:
        texts.append(context_label(card))
        texts.extend(body_lines(card.front, cloze="mark") + body_lines(card.back))
    return texts


def needs_shaping(texts: Iterable[str]) -> bool:
    """Whether PDFs of these texts (``_texts``) need text shaping (``_SHAPED``)."""
    return any(not t.isascii() and _SHAPED.search(t) is not None for t in texts)


def _can_shape() -> bool:
    """Whether fpdf2 can shape text: it does so through uharfbuzz."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _new_pdf(paper: str, title: str, fallback: Path | None = None,
             shaped: bool = False, mono: bool = False) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format=PAPERS[paper])
    if shaped:
        pdf.set_text_shaping(True)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    fallbacks = []
    if mono:  # code; what DejaVu Sans Mono lacks, DejaVu Sans draws
        pdf.add_font(MONO, "", str(FONT_DIR / "DejaVuSansMono.ttf"))
        fallbacks.append(FONT)
    if fallback is not None:  # draws what DejaVu Sans lacks, in bold text too
        pdf.add_font(FALLBACK, "", str(fallback))
        fallbacks.append(FALLBACK)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_title(printable(title, _coverage(fallback)))
    pdf.set_creator("flashgen")
    # a fixed date keeps rebuilds of an unchanged note byte-identical
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=timezone.utc))
    pdf.set_font(FONT, size=11)
    return pdf


RLM = "\u200f"
"""The right-to-left mark: invisible, it sets the direction of the line it opens."""


def _rtl(pdf: FPDF, text: str) -> bool:
    """Whether ``text`` is set right to left (``right_to_left``), in a PDF that shapes its
    text (fpdf2 orders directions only then). An option reads in its text's direction, not
    its letter's (``A. אדום``)."""
    if not pdf.text_shaping:
        return False
    letter = OPTION_LETTER.match(text)
    return right_to_left(text[letter.end():] if letter else text)


def _front_lines(card: Card, covered: frozenset[int]) -> list[Line]:
    return [x._replace(text=printable(x.text, covered, x.code))
            for x in side_lines(card.front, cloze="hide")]


def _back_lines(card: Card, covered: frozenset[int]) -> list[Line]:
    if card.kind == "cloze":
        lines = side_lines(card.front, cloze="mark") + side_lines(card.back)
    else:
        lines = side_lines(card.back)
    return [x._replace(text=printable(x.text, covered, x.code)) for x in lines]


def _has_code(deck: Deck) -> bool:
    """Whether a card of ``deck`` shows a code block."""
    return any(line.code for card in deck.cards for side in (card.front, card.back)
               for line in side_lines(side))


def _font(pdf: FPDF, line: Line, bold: bool, size: float) -> None:
    """The font of a line: code's, else the text's, in bold when asked."""
    if line.code:
        pdf.set_font(MONO, "", size * 0.9)  # a size smaller: its letters are wider
    else:
        pdf.set_font(FONT, "B" if bold else "", size)


def _back_pictures(card: Card) -> list[str]:
    """The pictures of a card's back as printed (a cloze's back is its text, then its
    extra)."""
    return _pictures((*card.front, *card.back) if card.kind == "cloze" else card.back)


def _marker(card: Card, lang: i18n.Language) -> str:
    return f" ({lang.generated})" if card.generator else ""


def _fits(pdf: FPDF, w: float, text: str) -> bool:
    """``text`` takes one line of a cell ``w`` wide (in the current font)."""
    return "\n" not in text and pdf.get_string_width(text) <= w - 2 * pdf.c_margin


def _lines(pdf: FPDF, w: float, h: float, text: str, indent: float = 0.0) -> None:
    """``text`` in lines ``h`` high in a cell ``w`` wide from here, wrapped as needed; then the
    next line. ``indent``: that much of the cell is left blank, on the side the text starts
    from (the right, for a line set right to left, which is also set flush right).
    Most lines fit on one: they are set as one cell, without fpdf2's line breaking, which
    takes four times as long (the page looks the same either way)."""
    rtl = _rtl(pdf, text)
    if indent:
        w -= indent
        if not rtl:
            pdf.set_x(pdf.get_x() + indent)
    if rtl and OPTION_LETTER.match(text):
        text = RLM + text  # else its letter (``A. אדום``) would set the line left to right
    align = "R" if rtl else "L"
    if _fits(pdf, w, text):
        pdf.cell(w, h, text, align=align, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(w, h, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _pictures(body: Body) -> list[str]:
    """The file names of the pictures on a card side, in order, each once."""
    names: list[str] = []

    def inline(text: Inline) -> None:
        names.extend(s.href for s in text if s.style == "image")

    def points(items: tuple[Point, ...]) -> None:
        for p in items:
            inline(p.text)
            points(p.children)

    for part in body:
        if isinstance(part, Text):
            inline(part.text)
        elif isinstance(part, Points):
            points(part.points)
    return list(dict.fromkeys(names))


class Pictures:
    """Draws a deck's embedded pictures (file name -> bytes) into a PDF at their natural
    size (96 pixels an inch), scaled down to fit; a picture that fpdf2 cannot read is left
    out with a warning, once for all the layouts that share this drawer."""

    def __init__(self, media: dict[str, bytes], source: str) -> None:
        self.media = media
        self.source = source
        self.failed: set[str] = set()

    def _failed(self, name: str, e: Exception) -> None:
        self.failed.add(name)
        log.warning("%s: picture %s cannot be drawn in the PDF (%s: %s); the .apkg keeps it",
                    self.source, name, type(e).__name__, e)

    def sizes(self, pdf: FPDF, names: list[str]) -> list[tuple[str, float, float]]:
        """The pictures of ``names`` that can be drawn, with their natural width and height
        in mm (those not embedded, a web address or a missing file, are left out)."""
        if not names:
            return []
        import io
        import warnings

        from fpdf.image_parsing import preload_image

        found = []
        for name in names:
            data = self.media.get(name)
            if data is None or name in self.failed:
                continue
            try:
                with warnings.catch_warnings():  # fpdf2's notes on SVG it reads anyway
                    warnings.simplefilter("ignore")
                    _, _, info = preload_image(pdf.image_cache, io.BytesIO(data))
                found.append((name, float(info["w"]) * 25.4 / 96,  # type: ignore[arg-type]
                              float(info["h"]) * 25.4 / 96))  # type: ignore[arg-type]
            except Exception as e:  # noqa: BLE001 (fpdf2 and Pillow raise many kinds)
                self._failed(name, e)
        return found

    def place(self, pdf: FPDF, name: str, x: float, y: float, w: float, h: float) -> bool:
        """Draw the picture ``name`` (one ``sizes`` found) in the box given; False when it
        cannot be drawn after all."""
        import io
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pdf.image(io.BytesIO(self.media[name]), x=x, y=y, w=w, h=h)
        except Exception as e:  # noqa: BLE001
            self._failed(name, e)
            return False
        return True

    def draw(self, pdf: FPDF, names: list[str], x: float, width: float,
             end: bool = False) -> None:
        """Draw the pictures ``names`` one under the other from the current line, in the
        ``width`` from ``x``, at most PICTURE_HEIGHT high; the next line follows them. Each
        starts at ``x``, or (``end``: its card reads right to left) ends at ``x + width``."""
        for name, natural_w, natural_h in self.sizes(pdf, names):
            scale = min(1.0, width / natural_w, PICTURE_HEIGHT / natural_h)
            w, h = natural_w * scale, natural_h * scale
            if pdf.will_page_break(h + 2):
                pdf.add_page()
            if self.place(pdf, name, x + width - w if end else x, pdf.get_y() + 1, w, h):
                pdf.set_y(pdf.get_y() + h + 2)

    ROW_GAP = 2.0
    """Between pictures side by side, in mm."""

    @classmethod
    def boxes(cls, found: list[tuple[str, float, float]], w: float,
              h: float = float("inf")) -> list[tuple[str, float, float]]:
        """Pictures (as ``sizes`` found them) side by side in a row ``w`` wide and ``h``
        high: each scaled down to its share of the width and to the height."""
        share = (w - cls.ROW_GAP * (len(found) - 1)) / len(found)
        return [(name, nw * scale, nh * scale) for name, nw, nh in found
                for scale in [min(1.0, share / nw, h / nh)]]

    def row(self, pdf: FPDF, found: list[tuple[str, float, float]], x: float, y: float,
            w: float, h: float) -> None:
        """Draw pictures (as ``sizes`` found them) side by side, centred in the box given
        (``boxes``)."""
        boxes = self.boxes(found, w, h)
        left = x + (w - sum(bw for _, bw, _ in boxes) - self.ROW_GAP * (len(boxes) - 1)) / 2
        for name, bw, bh in boxes:
            self.place(pdf, name, left, y + (h - bh) / 2, bw, bh)
            left += bw + self.ROW_GAP


def _start(deck: Deck, paper: str, fallback: Path | None, pictures: Pictures | None,
           shaped: bool | None, mono: bool | None,
           ) -> tuple[i18n.Language, frozenset[int], Pictures, FPDF]:
    """What every layout starts from: the deck's language, the letters the fonts draw, the
    picture drawer (one drawing none when not given) and a new PDF, its text shaped or not,
    with a monospace font for code or not (None: as the deck needs; shaped when fpdf2 can)."""
    if shaped is None:
        shaped = needs_shaping(_texts(deck)) and _can_shape()
    if mono is None:
        mono = _has_code(deck)
    return (i18n.get(deck.lang), _coverage(fallback), pictures or Pictures({}, deck.source),
            _new_pdf(paper, deck.name, fallback, shaped, mono))


# --- sheet --------------------------------------------------------------------


def render_sheet(deck: Deck, paper: str = "a4", fallback: Path | None = None,
                 pictures: Pictures | None = None, shaped: bool | None = None,
                 mono: bool | None = None) -> bytes:
    """Cards grouped by section, numbered; MCQ options lettered; answer key at the end;
    ``pictures``: draws the embedded pictures under their card's text."""
    lang, covered, pictures, pdf = _start(deck, paper, fallback, pictures, shaped, mono)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FONT, "B", 16)
    _lines(pdf, width, 8, printable(deck.name, covered))
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    _lines(pdf, width, 5, printable(deck.shown or deck.source, covered))  # as its cards say
    pdf.set_text_color(0, 0, 0)
    # the note's own cards (under no heading) first: after a section they would read as its
    groups: dict[str, list[Card]] = {"": []}
    for card in deck.cards:
        groups.setdefault(card.context[0] if card.context else "", []).append(card)
    numbered = list(enumerate((c for cards in groups.values() for c in cards), 1))
    by_group: dict[str, list[tuple[int, Card]]] = {}  # in the order of ``groups``
    for n, card in numbered:
        by_group.setdefault(card.context[0] if card.context else "", []).append((n, card))
    for section, items in by_group.items():
        pdf.ln(3)
        if section:
            pdf.set_font(FONT, "B", 12)
            _lines(pdf, width, 7, printable(section, covered))
        for n, card in items:
            lines = _front_lines(card, covered)
            first = lines[0] if lines else Line("")
            _font(pdf, first, True, 10)
            head = f"{n}. {first.text}{_marker(card, lang)}"
            if pdf.will_page_break(5.2 * len(lines) + 2):
                pdf.add_page()
            _lines(pdf, width, 5.2, head)
            for line in lines[1:]:
                _font(pdf, line, False, 10)
                _lines(pdf, width, 5.2, line.text, indent=6)
            rtl = _rtl(pdf, first.text)  # its indent, and pictures, on the right
            pictures.draw(pdf, _pictures(card.front), MARGIN + (0 if rtl else 6), width - 6,
                          end=rtl)
            pdf.ln(1.5)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    _lines(pdf, width, 8, printable(lang.answer_key, covered))
    for n, card in numbered:
        if pdf.will_page_break(10):
            pdf.add_page()
        lines = _back_lines(card, covered)
        pdf.set_font(FONT, "B", 9.5)
        rtl = bool(lines) and _rtl(pdf, lines[0].text)
        if rtl:  # the number (and the pictures) on the right, where the answer starts
            pdf.set_x(MARGIN + width - 8)
            pdf.cell(8, 4.8, f"{n}.", align="R")
        else:
            pdf.cell(8, 4.8, f"{n}.")
        for line in lines:
            _font(pdf, line, False, 9.5)
            pdf.set_x(MARGIN)
            _lines(pdf, width, 4.8, line.text, indent=8)
        pictures.draw(pdf, _pictures(card.back), MARGIN + (0 if rtl else 8), width - 8, end=rtl)
        pdf.ln(1)
    return bytes(pdf.output())


# --- cards and fold -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grid:
    """Card cells on a page."""

    cols: int
    rows: int
    x0: float
    y0: float
    w: float
    h: float

    def cell(self, row: int, col: int) -> tuple[float, float]:
        return self.x0 + col * self.w, self.y0 + row * self.h


def _grid(pdf: FPDF, cols: int, rows: int) -> Grid:
    w = (pdf.w - 2 * MARGIN) / cols
    h = (pdf.h - 2 * MARGIN) / rows
    return Grid(cols, rows, MARGIN, MARGIN, w, h)


def back_position(row: int, col: int, grid: Grid, duplex: str) -> tuple[int, int]:
    """Where the back of the card at (row, col) goes on the back page.

    Long-edge duplex flips the sheet like a book page, mirroring columns; short-edge flips it
    like a calendar, mirroring rows (the printer turns the back page so it reads upright).
    """
    if duplex == "short":
        return grid.rows - 1 - row, col
    return row, grid.cols - 1 - col


def _cut_marks(pdf: FPDF, grid: Grid) -> None:
    """Thin grey cut lines along the grid, with ticks running into the margins."""
    pdf.set_draw_color(*LIGHT)
    pdf.set_line_width(0.2)
    x1 = grid.x0 + grid.cols * grid.w
    y1 = grid.y0 + grid.rows * grid.h
    for c in range(grid.cols + 1):
        x = grid.x0 + c * grid.w
        pdf.line(x, grid.y0, x, y1)
        pdf.line(x, grid.y0 - 6, x, grid.y0 - 1)
        pdf.line(x, y1 + 1, x, y1 + 6)
    for r in range(grid.rows + 1):
        y = grid.y0 + r * grid.h
        pdf.line(grid.x0, y, x1, y)
        pdf.line(grid.x0 - 6, y, grid.x0 - 1, y)
        pdf.line(x1 + 1, y, x1 + 6, y)


def _height(pdf: FPDF, lines: list[Line], w: float, size: float, bold_first: bool) -> float:
    total = 0.0
    for i, line in enumerate(lines):
        _font(pdf, line, bold_first and i == 0, size)
        if _fits(pdf, w, line.text):
            n = 1
        else:
            wrapped = pdf.multi_cell(w, size * 0.45, line.text, dry_run=True, output="LINES")
            n = len(cast("list[str]", wrapped))  # output="LINES": the wrapped lines
        total += n * size * 0.45 + size * 0.12
    return total


SIZES = tuple(5 + 0.5 * i for i in range(17))
"""Font sizes a card's text may take: 5 to 13 pt in half points."""


def _fit(pdf: FPDF, lines: list[Line], w: float, h: float,
         bold_first: bool) -> tuple[float, float]:
    """The largest size of SIZES at which ``lines`` fit in w x h (the smallest when none
    does), and their height at that size. Most cards fit at the largest; for the others,
    text only grows with its size, so the smaller sizes are bisected: 4 trial layouts instead
    of up to 16."""
    heights = {}

    def fits(i: int) -> bool:
        heights[i] = _height(pdf, lines, w, SIZES[i], bold_first)
        return heights[i] <= h

    lo, hi = 0, len(SIZES) - 1  # SIZES[lo] is taken when nothing larger fits
    if fits(hi):
        lo = hi
    hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    if lo not in heights:
        fits(lo)
    return SIZES[lo], heights[lo]


CARD_PICTURES = 0.6
"""The share of a card's height that its text leaves its pictures, when they need it."""
CARD_PICTURES_MAX = 6
"""The most pictures one side of a card shows, side by side (the study sheet shows all)."""


def _draw_card(pdf: FPDF, x: float, y: float, w: float, h: float, number: int,
               label: str, lines: list[Line], bold_first: bool,
               pictures: tuple[Pictures, list[str]] | None = None) -> None:
    """One side of a card: its number and label, then its text at the largest size that
    fits beside its pictures (``pictures``: the drawer and their names), and under it those
    pictures side by side, scaled down to what the text leaves; the text leaves them at
    least CARD_PICTURES of the card, when they need it. The whole is centred in the card."""
    pad = 4.0
    pdf.set_text_color(*GREY)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_xy(x + pad, y + 2)
    pdf.cell(w - 2 * pad, 3.5, f"#{number}")
    if label:
        room = w - 2 * pad - 12
        while label and pdf.get_string_width(label) > room:
            label = label[:-2].rstrip() + "…"
        pdf.set_xy(x + pad + 12, y + 2)
        pdf.cell(room, 3.5, label, align="R")
    pdf.set_text_color(0, 0, 0)
    inner_w, inner_h = w - 2 * pad, h - 2 * pad - 5
    drawer, names = pictures if pictures is not None else (None, [])
    found = drawer.sizes(pdf, names[:CARD_PICTURES_MAX]) if drawer is not None else []
    needed = gap = 0.0  # the height the pictures take at most, and above them
    if found:
        needed = max(bh for _, _, bh in Pictures.boxes(found, inner_w))
        gap = 2.0 if lines else 0.0
    room = min(needed, inner_h * CARD_PICTURES if lines else inner_h)
    size, used = _fit(pdf, lines, inner_w, inner_h - room - gap, bold_first)
    room = min(needed, inner_h - used - gap)  # what the text leaves at that size
    top = y + pad + 4 + max(0.0, (inner_h - used - gap - room) / 2)
    pdf.set_xy(x + pad, top)
    for i, line in enumerate(lines):
        _font(pdf, line, bold_first and i == 0, size)
        pdf.set_x(x + pad)
        _lines(pdf, inner_w, size * 0.45, line.text)
        pdf.ln(size * 0.12)
    if drawer is not None and found and room > 0:
        drawer.row(pdf, found, x + pad, top + used + gap, inner_w, room)


def _chunks(cards: list[Card], n: int) -> Iterable[tuple[int, list[Card]]]:
    for start in range(0, len(cards), n):
        yield start, cards[start : start + n]


def render_cards(deck: Deck, paper: str = "a4", duplex: str = "long",
                 fallback: Path | None = None, pictures: Pictures | None = None,
                 shaped: bool | None = None, mono: bool | None = None) -> bytes:
    """Fronts in a 2 x 4 grid, backs on the next page placed for the printer's duplex flip;
    ``pictures``: draws the embedded pictures under their side's text."""
    lang, covered, pictures, pdf = _start(deck, paper, fallback, pictures, shaped, mono)
    pdf.set_auto_page_break(False)
    grid = _grid(pdf, 2, 4)
    per_page = grid.cols * grid.rows
    for start, chunk in _chunks(list(deck.cards), per_page):
        for side in ("front", "back"):
            pdf.add_page()
            _cut_marks(pdf, grid)
            for i, card in enumerate(chunk):
                row, col = divmod(i, grid.cols)
                if side == "back":
                    row, col = back_position(row, col, grid, duplex)
                x, y = grid.cell(row, col)
                number = start + i + 1
                if side == "front":
                    label = printable(context_label(card), covered) + _marker(card, lang)
                    _draw_card(pdf, x, y, grid.w, grid.h, number, label,
                               _front_lines(card, covered), True,
                               (pictures, _pictures(card.front)))
                else:
                    _draw_card(pdf, x, y, grid.w, grid.h, number, "",
                               _back_lines(card, covered), False,
                               (pictures, _back_pictures(card)))
    return bytes(pdf.output())


def render_fold(deck: Deck, paper: str = "a4", fallback: Path | None = None,
                pictures: Pictures | None = None, shaped: bool | None = None,
                mono: bool | None = None) -> bytes:
    """Front and back side by side with a dashed fold line; cut along the rows, fold, study.
    ``pictures``: draws the embedded pictures under their side's text."""
    lang, covered, pictures, pdf = _start(deck, paper, fallback, pictures, shaped, mono)
    pdf.set_auto_page_break(False)
    grid = _grid(pdf, 2, 4)
    for start, chunk in _chunks(list(deck.cards), grid.rows):
        pdf.add_page()
        _cut_marks(pdf, Grid(1, grid.rows, grid.x0, grid.y0, grid.w * 2, grid.h))
        fold_x = grid.x0 + grid.w
        pdf.set_draw_color(*GREY)
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(fold_x, grid.y0, fold_x, grid.y0 + grid.rows * grid.h)
        pdf.set_dash_pattern()
        pdf.set_font(FONT, "", 6)
        pdf.set_text_color(*GREY)
        pdf.set_xy(fold_x - 10, grid.y0 - 5)
        pdf.cell(20, 4, "fold", align="C")
        for i, card in enumerate(chunk):
            number = start + i + 1
            x, y = grid.cell(i, 0)
            label = printable(context_label(card), covered) + _marker(card, lang)
            _draw_card(pdf, x, y, grid.w, grid.h, number, label, _front_lines(card, covered),
                       True, (pictures, _pictures(card.front)))
            x, y = grid.cell(i, 1)
            _draw_card(pdf, x, y, grid.w, grid.h, number, "", _back_lines(card, covered),
                       False, (pictures, _back_pictures(card)))
    return bytes(pdf.output())


def missing_letters(texts: Iterable[str], fallback: Path | None = None) -> list[str]:
    """Letters and digits of these texts (``_texts``) that the fonts cannot draw
    (``printable`` leaves them out, as it does emoji, which are meant to go), in order of
    first use."""
    covered = _coverage(fallback)
    missing: dict[str, None] = {}
    for text in texts:
        if not text.isascii():
            for c in text:
                if ord(c) not in covered and unicodedata.category(c)[0] in "LN":
                    missing.setdefault(c, None)
    return list(missing)


def write_pdf(deck: Deck, target: Path, layouts: Iterable[str] = ("sheet",),
              paper: str = "a4", duplex: str = "long", font: Path | None = None,
              media: dict[str, bytes] | None = None) -> list[Path]:
    """Write each layout: the first to ``target``, others to ``<stem>.<layout>.pdf``; ``font``
    draws what DejaVu Sans cannot; ``media``: the deck's embedded pictures by file name (every
    layout draws them). Warns when the fonts lack letters of the deck, and when its letters
    need shaping that fpdf2 cannot do (no uharfbuzz)."""
    texts = _texts(deck)
    missing = missing_letters(texts, font)
    if missing:
        shown = " ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
        fonts = "the PDF fonts" if font else "the PDF font (DejaVu Sans)"
        hint = "" if font else " (--pdf-font adds a font that has them)"
        log.warning("%s: %d letters %s cannot draw are left out of its PDFs: %s; the .apkg "
                    "and CSV keep them%s", deck.source, len(missing), fonts, shown, hint)
    shaped = needs_shaping(texts)
    if shaped and not _can_shape():
        shaped = False
        log.warning("%s: its PDFs hold right-to-left or joined letters (Hebrew, Arabic, "
                    "Devanagari ...), which print correctly only with the uharfbuzz package "
                    "(pip install uharfbuzz); printed unshaped", deck.source)
    mono = _has_code(deck)
    pictures = Pictures(media or {}, deck.source)  # one warning per picture, not per layout
    written = []
    for i, layout in enumerate(layouts):
        path = target if i == 0 else target.with_name(f"{target.stem}.{layout}.pdf")
        if layout == "sheet":
            data = render_sheet(deck, paper, font, pictures, shaped, mono)
        elif layout == "cards":
            data = render_cards(deck, paper, duplex, font, pictures, shaped, mono)
        elif layout == "fold":
            data = render_fold(deck, paper, font, pictures, shaped, mono)
        else:
            raise ValueError(f"unknown PDF layout {layout!r}")
        write_bytes(path, data)
        written.append(path)
    return written
