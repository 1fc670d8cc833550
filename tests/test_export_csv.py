from __future__ import annotations

import csv
import io

from flashgen.export.csv import ANKI_HEADER, PLAIN_COLUMNS
from flashgen.pipeline import BuildOptions, build


def build_formats(note, out, *formats, **kw):
    build(BuildOptions(paths=(note,), out_dir=out, formats=formats, **kw))


def test_csv_imports_into_fresh_collection_with_header_only(seed_note, tmp_path, anki):
    build_formats(seed_note, tmp_path, "csv", "apkg")
    path = tmp_path / f"{seed_note.stem}.csv"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ANKI_HEADER)
    rows = list(csv.reader(io.StringIO(text.split("\n", 6)[6])))
    log = anki.import_csv(path)
    assert len(log.new) == len(rows) == anki.count()
    assert anki.count("tag:flashgen::section") == 5
    assert anki.count("tag:flashgen::cloze") == anki.count("note:Cloze")
    assert "Manfaat Pre-trained Models::Ayo Uji Pemahamanmu" in anki.deck_names()
    assert not any(name.endswith("+") for name in anki.deck_names())
    # a second import adds nothing
    again = anki.import_csv(path)
    assert not again.new and anki.count() == len(rows)


def test_csv_guids_match_apkg(seed_note, tmp_path, anki):
    build_formats(seed_note, tmp_path, "csv", "apkg")
    anki.import_apkg(tmp_path / f"{seed_note.stem}.apkg")
    before = anki.count()
    log = anki.import_csv(tmp_path / f"{seed_note.stem}.csv")
    assert not log.new and anki.count() == before
    csv_guids = {r[3] for r in csv.reader(io.StringIO(
        (tmp_path / f"{seed_note.stem}.csv").read_text().split("\n", 6)[6]))}
    assert csv_guids == {n.guid for n in anki.notes()}


def test_every_field_quoted_so_hash_lines_survive(tmp_path, anki):
    note = tmp_path / "hash.md"
    note.write_text("## Ranks\n\n- #1 first\n- second\n", encoding="utf-8")  # #1: no tag
    build_formats(note, tmp_path, "csv")
    body = (tmp_path / "hash.csv").read_text().split("\n")[6:]
    assert all(line.startswith('"') for line in body if line)
    anki.import_csv(tmp_path / "hash.csv")
    assert "#1 first" in anki.notes()[0]["Back"]


def test_plain_csv_for_spreadsheets(seed_note, tmp_path):
    build_formats(seed_note, tmp_path, "csv", csv_style="plain")
    rows = list(csv.reader((tmp_path / f"{seed_note.stem}.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == PLAIN_COLUMNS
    assert all(not cell.startswith("#") for row in rows for cell in row[:1])
    cloze = next(r for r in rows if r[2] == "cloze" and "GPU" in r[1])
    assert "_____" in cloze[0] and "[GPU mahal, waktu berhari-hari, dan listrik banyak]" in cloze[1]
    assert "<" not in "".join(c for r in rows for c in r[:2] if "<" not in c)


def test_csv_is_byte_identical_across_builds(seed_note, tmp_path):
    build_formats(seed_note, tmp_path / "a", "csv")
    build_formats(seed_note, tmp_path / "b", "csv")
    name = f"{seed_note.stem}.csv"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_plain_csv_cells_never_start_a_formula(tmp_path):
    note = tmp_path / "f.md"
    note.write_text("## @risk\n\n| Key | Value |\n|---|---|\n"
                    '| =1+2 | =HYPERLINK("http://example.com","x") |\n| +33 | -5 degrees |\n'
                    "| plain | text |\n", encoding="utf-8")
    build_formats(note, tmp_path, "csv", csv_style="plain")
    rows = list(csv.reader((tmp_path / "f.csv").open(encoding="utf-8")))[1:]
    table = [r for r in rows if r[2] == "table"]
    assert [r[0][:5] for r in table] == ["'=1+2", "'+33 ", "plain"]
    assert [r[1] for r in table] == ["'=HYPERLINK(\"http://example.com\",\"x\")", "'-5 degrees",
                                     "text"]
    assert all(r[3] == "'@risk" for r in rows)
    cells = [c for r in rows for c in (r[0], r[1], r[3], r[4])]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_math_is_tex_for_anki_and_as_written_on_paper(tmp_path):
    note = tmp_path / "m.md"
    note.write_text("## Circles\n\n- Area: $\\pi r^2$\n- Cost: $5\n", encoding="utf-8")
    build_formats(note, tmp_path / "anki", "csv")
    assert "<li>Area: \\(\\pi r^2\\)</li>" in (tmp_path / "anki" / "m.csv").read_text()
    build_formats(note, tmp_path / "plain", "csv", csv_style="plain")
    rows = list(csv.reader((tmp_path / "plain" / "m.csv").open(encoding="utf-8")))
    assert rows[1][1] == "• Area: $\\pi r^2$\n• Cost: $5"
