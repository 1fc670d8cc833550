from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from flashgen.cards import derive
from flashgen.export.pdf import SIZES, _fit, _height, _lines, _new_pdf, printable
from flashgen.export.render import Line, body_lines
from flashgen.model import Deck
from flashgen.parse import parse
from flashgen.pipeline import BuildOptions, build
from flashgen.sources import read_note

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) not installed")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def seed_pdfs(seed_note, tmp_path):
    build(BuildOptions(paths=(seed_note,), out_dir=tmp_path, formats=("pdf",),
                       pdf_layouts=("sheet", "cards", "fold")))
    stem = seed_note.stem
    return {"sheet": tmp_path / f"{stem}.pdf", "cards": tmp_path / f"{stem}.cards.pdf",
            "fold": tmp_path / f"{stem}.fold.pdf"}


def seed_cards(seed_note):
    return derive(parse(read_note(seed_note), str(seed_note)))


@pytest.mark.parametrize("layout", ["sheet", "cards", "fold"])
def test_every_card_text_is_in_each_layout(seed_pdfs, seed_note, layout):
    text = flat(run("pdftotext", str(seed_pdfs[layout]), "-"))
    assert "\ufffd" not in text
    for card in seed_cards(seed_note):
        for line in body_lines(card.front, cloze="hide") + body_lines(card.back):
            line = flat(printable(line).lstrip("•0123456789. ✓"))
            # lines wrap differently on paper; compare word by word
            for word in line.split():
                assert word.strip("✓") in text, (layout, line, word)


@pytest.mark.parametrize("layout", ["sheet", "cards", "fold"])
def test_fonts_are_embedded(seed_pdfs, layout):
    fonts = run("pdffonts", str(seed_pdfs[layout])).splitlines()[2:]
    assert fonts
    for row in fonts:
        assert row.split()[-5] == "yes", row  # the "emb" column
    assert "Mono" not in " ".join(fonts)  # no code in the seed: no monospace font


def test_code_is_set_in_a_monospace_font(tmp_path):
    """Code blocks printed in the text's proportional font, where an indent of spaces is
    narrower than the letters above it. Their lines are now set in DejaVu Sans Mono (in
    every layout), the rest of the card in DejaVu Sans."""
    note = tmp_path / "py.md"
    note.write_text("# Python\n\n## Functions\n\n- How do you define a doubling function?\n"
                    "  ```python\n  def double(x):\n      return 2 * x\n  ```\n", encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",),
                       pdf_layouts=("sheet", "cards", "fold")))
    for name, page in (("py.pdf", 2), ("py.cards.pdf", 2), ("py.fold.pdf", 1)):
        pdf = tmp_path / "out" / name
        assert "DejaVuSansMono" in run("pdffonts", str(pdf))
        words = {w[3]: w for w in _words(pdf, page)}
        (def_x0, def_x1, _, _), (return_x0, *_) = words["def"], words["return"]
        # the body's indent is four letters wide, as "def" is three: each letter as wide
        assert return_x0 - def_x0 == pytest.approx(4 * (def_x1 - def_x0) / 3, rel=0.05), name


def test_emoji_are_dropped_not_boxed():
    from flashgen.export.pdf import _coverage

    assert printable("🚀 Launch 🧠 done") == "Launch done"
    assert all(ord(c) in _coverage() for c in printable("✅ 😄 🎯 ok ✓"))
    assert printable("Größe — 1–2 “x”") == "Größe — 1–2 “x”"


def test_letters_the_font_lacks_are_reported_emoji_are_not(tmp_path, caplog):
    note = tmp_path / "ja.md"
    note.write_text("# 日本語 🎌\n\n## Wörter 🚀\n\n- **猫** ist eine Katze.\n- Größe ✅\n",
                    encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf", "csv")))
    warnings = [r.getMessage() for r in caplog.records if "cannot draw" in r.getMessage()]
    assert warnings == [(f"{note}: 4 letters the PDF font (DejaVu Sans) cannot draw are left "
                         "out of its PDFs: 日 本 語 猫; the .apkg and CSV keep them (--pdf-font "
                         "adds a font that has them)")]
    assert "猫" in (tmp_path / "out" / "ja.csv").read_text(encoding="utf-8")
    caplog.clear()
    note.write_text("# Wörter 🎌\n\n## Größe 🚀\n\n- **Katze** ist ein Tier.\n- ✅ ja\n",
                    encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",)))
    assert "cannot draw" not in caplog.text


def test_a_sheet_puts_the_notes_own_cards_before_its_sections(tmp_path):
    """Cards of text under no heading came after the first section's, and so read as that
    section's (its heading printed above them)."""
    note = tmp_path / "n.md"
    note.write_text("# Primes\n\n**Theorem (Euclid).** There are infinitely many primes.\n\n"
                    "## Rules\n\n- Even numbers end in 0, 2, 4, 6 or 8.\n"
                    "- Multiples of 5 end in 0 or 5.\n", encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",)))
    text = run("pdftotext", str(tmp_path / "out" / "n.pdf"), "-")
    assert text.index("1. Theorem (Euclid)") < text.index("Rules") < text.index("2. Primes › Rules")


def _number_positions(pdf, page):
    """Centre of each '#k' label on a page, from pdftotext's word boxes."""
    out = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    height = float(re.search(r'height="([\d.]+)"', out).group(1))
    pos = {}
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">#(\d+)<',
                         out):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        pos[int(m.group(5))] = ((x0 + x1) / 2, (y0 + y1) / 2)
    return pos, width, height


@pytest.mark.parametrize("duplex", ["long", "short"])
def test_card_backs_land_behind_their_fronts(seed_note, tmp_path, duplex):
    build(BuildOptions(paths=(seed_note,), out_dir=tmp_path, formats=("pdf",),
                       pdf_layouts=("cards",), duplex=duplex))
    pdf = tmp_path / f"{seed_note.stem}.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))
    n_cards = len(seed_cards(seed_note))
    assert pages == 2 * -(-n_cards // 8)
    seen = set()
    for front_page in range(1, pages + 1, 2):
        fronts, w, h = _number_positions(pdf, front_page)
        backs, _, _ = _number_positions(pdf, front_page + 1)
        assert fronts.keys() == backs.keys()
        for k, (fx, fy) in fronts.items():
            bx, by = backs[k]
            # the label sits in the card's top-left corner; compare card cells, not labels
            col_w, row_h = (w - 2 * 34.0) / 2, (h - 2 * 34.0) / 4
            fcol, frow = int((fx - 34.0) // col_w), int((fy - 34.0) // row_h)
            bcol, brow = int((bx - 34.0) // col_w), int((by - 34.0) // row_h)
            # flip the sheet as the printer does: long edge mirrors columns, short edge rows
            if duplex == "long":
                assert (brow, bcol) == (frow, 1 - fcol), k
            else:
                assert (brow, bcol) == (3 - frow, fcol), k
            seen.add(k)
    assert seen == set(range(1, n_cards + 1))


def test_letter_paper(seed_note, tmp_path):
    build(BuildOptions(paths=(seed_note,), out_dir=tmp_path, formats=("pdf",), paper="letter"))
    info = run("pdfinfo", str(tmp_path / f"{seed_note.stem}.pdf"))
    assert "612 x 792 pts" in info


def test_empty_deck_still_prints(tmp_path):
    from flashgen.export.pdf import write_pdf

    deck = Deck(name="Empty", source="e.md", lang="en", cards=(), stem="e")
    written = write_pdf(deck, tmp_path / "e.pdf", layouts=("sheet", "cards", "fold"))
    assert all(p.stat().st_size > 0 for p in written)


@pytest.mark.parametrize("words", [3, 60, 150, 250])  # 13, 9, 5.5 pt, none fits
def test_card_text_takes_the_largest_size_that_fits(words):
    pdf = _new_pdf("a4", "t")
    pdf.add_page()
    lines = [Line("Question " + "word " * words), Line("second line " * (words // 4))]
    w, h = 85.0, 55.0
    size, used = _fit(pdf, lines, w, h, True)
    fitting = [s for s in SIZES if _height(pdf, lines, w, s, True) <= h]
    assert size == max(fitting, default=SIZES[0])  # as trying every size from the top
    assert used == _height(pdf, lines, w, size, True)


def _tiny_font(path, chars: str):
    """A TrueType font that draws ``chars``, each as a box (made here: no font is needed)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        for corner in ((100, 700), (800, 700), (800, 0)):
            pen.lineTo(corner)
        pen.closePath()
        return pen.glyph()

    names = [".notdef", *(f"uni{ord(c):04X}" for c in chars)]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    fb.setupGlyf({n: box() for n in names})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.save(str(path))
    return path


@pytest.mark.parametrize("suffix", ["ttf", "ttc"])  # a font, a collection of fonts (its first)
def test_pdf_font_draws_what_dejavu_lacks(tmp_path, suffix):
    from click.testing import CliRunner
    from fontTools.ttLib import TTCollection, TTFont

    from flashgen.cli import cli

    font = _tiny_font(tmp_path / "tiny.ttf", "日本語猫")
    if suffix == "ttc":
        collection = TTCollection()
        collection.fonts = [TTFont(str(font)), TTFont(str(_tiny_font(tmp_path / "b.ttf", "x")))]
        collection.save(str(tmp_path / "tiny.ttc"))
        font = tmp_path / "tiny.ttc"
    note = tmp_path / "ja.md"
    note.write_text("# 日本語\n\n## Tiere\n\n- **Katze** heißt 猫.\n- Hund heißt 犬.\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(note), "--out", str(out), "--format", "pdf",
                                      "--pdf-layout", "sheet,cards", "--pdf-font", str(font)])
    assert result.exit_code == 0, result.output
    # 犬 is in neither font: still reported, and only it
    assert ("1 letters the PDF fonts cannot draw are left out of its PDFs: 犬; the .apkg and "
            "CSV keep them\n") in result.output
    for pdf in (out / "ja.pdf", out / "ja.cards.pdf"):
        assert "日本語" in run("pdftotext", str(pdf), "-") and "猫" in run("pdftotext", str(pdf), "-")
        fonts = run("pdffonts", str(pdf))
        assert "Tiny" in fonts and "DejaVuSans" in fonts
    same = CliRunner().invoke(cli, ["build", str(note), "--out", str(out), "--format", "pdf",
                                    "--pdf-layout", "sheet,cards"],
                              env={"FLASHGEN_PDF_FONT": str(font)})  # set once for every build
    assert same.exit_code == 0 and "unchanged" in same.output
    _tiny_font(tmp_path / "tiny.ttf", "日本語猫犬")  # a new version of the font file
    if suffix == "ttf":
        newer = CliRunner().invoke(cli, ["build", str(note), "--out", str(out), "--format",
                                         "pdf", "--pdf-layout", "sheet,cards", "--pdf-font",
                                         str(font)])
        assert newer.exit_code == 0 and "unchanged" not in newer.output  # PDFs made again
        assert "cannot draw" not in newer.output  # 犬 is drawn now
    again = CliRunner().invoke(cli, ["build", str(note), "--out", str(out), "--format", "pdf",
                                     "--pdf-layout", "sheet,cards"])
    assert "unchanged" not in again.output  # no font now: the PDFs are made again
    assert "日本語" not in run("pdftotext", str(out / "ja.pdf"), "-")
    bad = CliRunner().invoke(cli, ["build", str(note), "--out", str(tmp_path / "bad"),
                                   "--pdf-font", str(note)])
    assert bad.exit_code == 2 and "not a font the PDFs can use" in bad.output
    assert not (tmp_path / "bad").exists()


def test_a_line_that_fits_takes_one_line_and_a_long_one_wraps():
    pdf = _new_pdf("a4", "t")
    pdf.add_page()
    for text, lines in (("• a short point", 1), ("• a long point " * 30, 8)):
        y = pdf.y
        _lines(pdf, 100, 5, text)
        assert round((pdf.y - y) / 5) == lines and pdf.x == pdf.l_margin
        dry = pdf.multi_cell(100, 5, text, dry_run=True, output="LINES")
        assert len(dry) == lines  # as fpdf2's own line breaking counts them
        assert _height(pdf, [Line(text)], 100, 10, False) == lines * 4.5 + 1.2


def test_pictures_are_drawn_in_every_pdf_layout(tmp_path, caplog):
    from PIL import Image

    Image.new("RGB", (600, 300), "red").save(tmp_path / "cell.png")
    Image.new("RGB", (64, 64), "green").save(tmp_path / "leaf.jpg")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot a picture")
    (tmp_path / "arrow.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" '
                                        'height="60"><rect width="200" height="60"/></svg>')
    note = tmp_path / "cells.md"
    note.write_text("# Cells\n\n## Parts\n\n- The cell ![cell](cell.png)\n- A leaf ![](leaf.jpg)"
                    "\n- Broken ![](broken.png)\n\nWhat does this show? ![](arrow.svg)::Flow\n"
                    "Draw a cell::![](cell.png)\n", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(paths=(note,), out_dir=out, formats=("pdf",),
                       pdf_layouts=("sheet", "cards", "fold")))
    listed = run("pdfimages", "-list", str(out / "cells.pdf")).splitlines()[2:]
    # page 1 holds the questions (the drawing, a vector picture, is no image here); the
    # answer key on page 2 the cell and leaf of the first card, and the cell again
    assert [(row.split()[0], row.split()[3], row.split()[4]) for row in listed] == [
        ("2", "600", "300"), ("2", "64", "64"), ("2", "600", "300")]
    assert "What does this show?" in run("pdftotext", "-f", "1", "-l", "1",
                                         str(out / "cells.pdf"), "-")
    # drawn at 96 pixels an inch (the leaf), scaled down to 60 mm high (the cell: 127)
    assert [row.split()[12] for row in listed] == ["127", "96", "127"]
    # a picture that cannot be read is left out, with one warning for the three layouts
    assert "picture fg-" in caplog.text and "cannot be drawn in the PDF" in caplog.text
    assert caplog.text.count("cannot be drawn") == 1
    # cut-out and fold cards draw them under their side's text (the backs' page of the cut-out
    # cards, the one page of the fold cards): a picture that is a whole back takes the card's
    # width (600 pixels across 85 mm), one beside text the room the text leaves, a small one
    # its natural size
    for layout, page in (("cards", "2"), ("fold", "1")):
        listed = run("pdfimages", "-list", str(out / f"cells.{layout}.pdf")).splitlines()[2:]
        assert [(row.split()[0], row.split()[3], row.split()[4], row.split()[12])
                for row in listed] == [(page, "600", "300", "367"), (page, "64", "64", "96"),
                                       (page, "600", "300", "179")]



def _words(pdf, page: int = 1) -> list[tuple[float, float, float, str]]:
    """The words of a page as pdftotext's boxes give them: (x min, x max, y min, text)."""
    out = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [(float(m.group(1)), float(m.group(3)), float(m.group(2)), m.group(5).strip("\u200e\u200f"))
            for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)<', out)]


RIGHT_TO_LEFT_NOTE = (
    "# מערכת השמש\n\n## כוכבי הלכת\n\n| כוכב לכת | מרחק מהשמש |\n|---|---|\n"
    "| כוכב חמה | 58 מיליון ק\"מ |\n| נוגה | 108 מיליון ק\"מ |\n| כדור הארץ | 150 מיליון ק\"מ |\n\n"
    "## התא\n\n- **النواة**: تحتوي على المادة الوراثية\n")


def test_right_to_left_text_is_ordered_shaped_and_set_flush_right(tmp_path):
    """Hebrew and Arabic printed letter by letter from the left: words read backwards and
    Arabic's letters unjoined. They are now shaped and ordered (fpdf2's text shaping), and a
    line that reads right to left is set flush right, its indent on the right; a
    multiple-choice option takes its text's direction, not its letter's."""
    note = tmp_path / "n.md"
    note.write_text(RIGHT_TO_LEFT_NOTE, encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",),
                       pdf_layouts=("sheet", "cards")))
    sheet = tmp_path / "out" / "n.pdf"
    text = flat(re.sub("[\u200e\u200f\u202a-\u202e]", "", run("pdftotext", str(sheet), "-")))
    for written in ("מערכת השמש", "איזה כוכב לכת מתאים", "מיליון ק\"מ",
                    "تحتوي على المادة الوراثية"):
        assert written in text
    words = _words(sheet)
    right = 595.28 - 34.0  # the A4 page less its margin, in points
    title = [w for w in words if w[2] < 55]
    assert min(x0 for x0, _, _, _ in title) > right / 2  # the title starts on the right
    assert max(x1 for _, x1, _, _ in title) == pytest.approx(right, abs=3)
    # on the answer key, an option's letter comes first: on the right
    key = _words(sheet, 2)
    letters = {t: x1 for x0, x1, _, t in key if t in (".A", ".B", ".C")}
    assert letters and all(x1 == pytest.approx(right - 8 * 72 / 25.4, abs=3)
                           for x1 in letters.values())
    for x0, _, _, t in _words(tmp_path / "out" / "n.cards.pdf"):
        if t.startswith("#"):  # the cards' numbers stay where they were
            assert (x0 - 34.0) % ((595.28 - 68.0) / 2) < 20  # on the left of its card


def test_pictures_of_a_right_to_left_card_are_on_its_right(tmp_path):
    """A picture of a Hebrew card was drawn on the left of the sheet, across the page from
    where its text starts. It now ends where the text starts, on the right; an English
    card's stays on the left."""
    from PIL import Image

    Image.new("RGB", (240, 120), "red").save(tmp_path / "sun.png")
    for name, text in (("he", "- השמש ![](sun.png)\n- הירח\n"),
                       ("en", "- The sun ![](sun.png)\n- The moon\n")):
        note = tmp_path / f"{name}.md"
        note.write_text(f"# N\n\n## S\n\n{text}", encoding="utf-8")
        build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",)))
        run("pdftoppm", "-r", "20", "-png", "-f", "2", "-l", "2",
            str(tmp_path / "out" / f"{name}.pdf"), str(tmp_path / name))
        page = Image.open(next(tmp_path.glob(f"{name}-*.png"))).convert("RGB")
        red = [x for x in range(page.width) for y in range(page.height)
               for r, g, b in [page.getpixel((x, y))] if r > 200 and g < 60 and b < 60]
        assert red, name
        # where the answer key's text starts: inside the page's margin (12 mm) and the card's
        # number (8 mm), at 20 dots an inch
        start = (12 + 8) * 20 / 25.4
        if name == "he":
            assert max(red) == pytest.approx(page.width - start, abs=3)
        else:
            assert min(red) == pytest.approx(start, abs=3)


def test_left_to_right_decks_are_not_shaped(seed_note):
    from flashgen.export.pdf import _texts, needs_shaping

    deck = Deck(name="x", source="x", lang="id", cards=tuple(seed_cards(seed_note)), stem="x")
    assert not needs_shaping(_texts(deck))
    assert _new_pdf("a4", "x").text_shaping is None
    assert _new_pdf("a4", "x", shaped=True).text_shaping


def test_without_uharfbuzz_right_to_left_prints_unshaped_with_a_warning(tmp_path, caplog,
                                                                       monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "uharfbuzz", None)  # importing it fails, as uninstalled
    note = tmp_path / "n.md"
    note.write_text(RIGHT_TO_LEFT_NOTE, encoding="utf-8")
    build(BuildOptions(paths=(note,), out_dir=tmp_path / "out", formats=("pdf",),
                       pdf_layouts=("sheet", "cards")))
    assert (tmp_path / "out" / "n.pdf").stat().st_size > 0
    assert caplog.text.count("printed unshaped") == 1  # once, for both layouts
