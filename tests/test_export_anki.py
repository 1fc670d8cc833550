"""Round trips through the official Anki backend (the Rust core AnkiDroid also uses)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from flashgen.export.anki import BASIC_MODEL_ID, CLOZE_MODEL_ID, MCQ_MODEL_ID
from flashgen.pipeline import BuildOptions, build

from .conftest import AnkiCollection


def build_apkg(note: Path, out: Path, **kw) -> Path:
    build(BuildOptions(paths=(note,), out_dir=out, formats=("apkg",), **kw))
    return out / f"{note.stem}.apkg"


def import_note(anki, tmp_path: Path, name: str, text: str, **kw):
    """Write ``text`` as the note ``name``, build its .apkg and import it into ``anki``."""
    note = tmp_path / name
    note.write_text(text, encoding="utf-8")
    return anki.import_apkg(build_apkg(note, tmp_path / "out", **kw))


def test_seed_imports_with_expected_notes(seed_note, tmp_path, anki):
    apkg = build_apkg(seed_note, tmp_path / "out")
    log = anki.import_apkg(apkg)
    assert len(log.new) == anki.count()
    assert anki.count("tag:flashgen::section") == 5
    assert anki.count("tag:flashgen::list") == 1
    assert anki.count("tag:flashgen::table") == 4
    assert anki.count("tag:flashgen::question") == 3
    assert anki.count("tag:flashgen::cloze") >= 3
    assert anki.count("tag:flashgen::mcq") == 4
    for note in anki.notes("tag:flashgen::question"):
        assert note["Back"].strip()
        assert "manfaat-pre-trained-models.md:" in note["Source"]
    # the cloze notes hold real cloze deletions
    for note in anki.notes("tag:flashgen::cloze"):
        assert "{{c1::" in note["Text"]
    # every note carries the note's front-matter tags
    assert anki.count("tag:ai") == anki.count()
    assert {"Manfaat Pre-trained Models",
            "Manfaat Pre-trained Models::Manfaat Pre-trained Models dalam AI Engineering",
            "Manfaat Pre-trained Models::Ayo Uji Pemahamanmu"} <= anki.deck_names()
    types = {n.note_type()["id"] for n in anki.notes()}
    assert types == {BASIC_MODEL_ID, CLOZE_MODEL_ID, MCQ_MODEL_ID}
    text = " ".join(" ".join(n.fields) for n in anki.notes())
    for absent in ("Hugging Face Course", "DeepLearningAI", "Mau coba"):
        assert absent not in text


def test_each_side_shows_its_section_once(seed_note, tmp_path, anki):
    """The heading path of a card is on each side once, in the package as in the Anki-style
    CSV (a cloze's answer showed it twice: the note type's Context, and again as its extra)."""
    build(BuildOptions(paths=(seed_note,), out_dir=tmp_path / "out", formats=("apkg", "csv")))
    anki.import_apkg(tmp_path / "out" / f"{seed_note.stem}.apkg")
    (tmp_path / "csv").mkdir()
    via_csv = AnkiCollection(tmp_path / "csv")
    try:
        via_csv.import_csv(tmp_path / "out" / f"{seed_note.stem}.csv")
        for col in (anki, via_csv):
            sides = col.sides()
            assert len(sides) == 24
            assert any('class="context"' in a for _, a in col.sides("tag:flashgen::cloze"))
            for question, answer in sides:
                assert answer.count('class="context"') <= 1, answer
                assert question.count('class="context"') <= 1, question
    finally:
        via_csv.close()


def test_css_has_night_mode_and_no_inline_colours(seed_note, tmp_path, anki):
    anki.import_apkg(build_apkg(seed_note, tmp_path / "out"))
    for note in anki.notes():
        nt = note.note_type()
        assert ".nightMode" in nt["css"] and ".night_mode" in nt["css"]
        assert "style=" not in " ".join(note.fields)


def test_rebuild_after_edit_updates_in_place(seed_note, tmp_path, anki):
    apkg = build_apkg(seed_note, tmp_path / "out")
    anki.import_apkg(apkg)
    before = anki.count()
    # re-importing an unchanged build changes nothing
    log = anki.import_apkg(apkg)
    assert not log.new and not log.updated and anki.count() == before
    # edit one point (an answer), rebuild later, import again
    text = seed_note.read_text(encoding="utf-8")
    seed_note.write_text(text.replace("Hasil: waktu dari pengembangan ke produksi jauh lebih cepat.",
                                      "Hasil: rilis ke produksi dalam hitungan hari."),
                         encoding="utf-8")
    mtime = seed_note.stat().st_mtime + 60
    os.utime(seed_note, (mtime, mtime))
    log = anki.import_apkg(build_apkg(seed_note, tmp_path / "out"))
    assert not log.new
    assert len(log.updated) >= 1
    assert anki.count() == before
    section = anki.notes('"Front:*Menghemat Waktu Pengembangan*"')
    assert len(section) == 1
    assert "rilis ke produksi dalam hitungan hari" in section[0]["Back"]


def test_review_history_survives_rebuild(seed_note, tmp_path, anki):
    anki.import_apkg(build_apkg(seed_note, tmp_path / "out"))
    col = anki.col
    card_ids = col.find_cards("tag:flashgen::section")
    card = col.get_card(card_ids[0])
    card.start_timer()
    col.sched.answerCard(card, 3)  # review it once
    reviewed = col.get_card(card.id)
    assert reviewed.reps == 1
    mtime = seed_note.stat().st_mtime + 60
    seed_note.write_text(seed_note.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(seed_note, (mtime, mtime))
    anki.import_apkg(build_apkg(seed_note, tmp_path / "out"))
    after = col.get_card(card.id)
    assert after.reps == 1 and after.nid == reviewed.nid


def test_an_upgrade_of_flashgen_updates_unchanged_notes_once(seed_note, tmp_path, anki,
                                                              monkeypatch):
    """Anki skips a package's note that is not newer than its own copy. So cards that a new
    flashgen makes better (the note file unchanged) reach the collection only if the package
    says they are newer: its notes carry the time flashgen was installed when that is later
    than their note's. Review history stays; a second import changes nothing."""
    from flashgen import manifest

    note_time = seed_note.stat().st_mtime_ns
    monkeypatch.setattr(manifest, "code_time", lambda: note_time - 10**9)  # older flashgen
    anki.import_apkg(build_apkg(seed_note, tmp_path / "out"))
    card = anki.col.get_card(anki.col.find_cards("tag:flashgen::section")[0])
    card.start_timer()
    anki.col.sched.answerCard(card, 3)
    # an upgrade: the same note, cards made by other code, installed after the note was saved
    monkeypatch.setattr(manifest, "code_fingerprint", lambda: "upgraded")
    monkeypatch.setattr(manifest, "code_time", lambda: note_time + 3600 * 10**9)
    apkg = build_apkg(seed_note, tmp_path / "out")
    assert len(anki.import_apkg(apkg).updated) == 24
    assert anki.col.get_card(card.id).reps == 1
    assert len(anki.import_apkg(apkg).updated) == 0  # once


def test_turning_on_reverse_cards_updates_the_notes(tmp_path, anki):
    """With --reverse, a note gets its reverse card's fields. Anki adds the reverse card but
    keeps its own copy of a note that is not newer, so that card had a blank front: a change
    of settings dates the notes to it."""
    note = tmp_path / "words.md"
    note.write_text("# Words\n\n- anjing: dog\n- kucing: cat\n", encoding="utf-8")
    hour_ago = note.stat().st_mtime - 3600  # Anki's times are whole seconds
    os.utime(note, (hour_ago, hour_ago))
    out = tmp_path / "out"
    anki.import_apkg(build_apkg(note, out))
    assert anki.col.card_count() == 3
    log = anki.import_apkg(build_apkg(note, out, reverse=True))
    assert len(log.updated) == 3 and anki.col.card_count() == 5
    fronts = [anki.col.get_card(c).question() for c in anki.col.find_cards("card:2")]
    assert len(fronts) == 2 and all("blank" not in q for q in fronts)
    assert any("<div>dog</div>" in q for q in fronts)
    # the same settings again: nothing newer
    assert len(anki.import_apkg(build_apkg(note, out, reverse=True, incremental=False)).updated) == 0


def test_cards_name_the_note_from_the_folder_built(tmp_path, anki, monkeypatch, caplog):
    """A folder built by its absolute path (``flashgen build ~/notes``) would put this
    machine's folders on every card (``/home/…/notes/bio/cells.md:3``), and into every deck
    shared: cards say ``notes/bio/cells.md:3``, as ``flashgen build notes`` has them.
    Warnings still name the file as given, so that it can be opened."""
    notes = tmp_path / "notes"
    (notes / "bio").mkdir(parents=True)
    (notes / "bio" / "cells.md").write_text("## Cells\n\n- a **nucleus**\n- ![](gone.png)\n")
    out = tmp_path / "out"
    build(BuildOptions(paths=(notes,), out_dir=out, formats=("apkg", "csv")))
    anki.import_apkg(out / "notes.apkg")
    sources = {n["Source"] for n in anki.notes()}
    assert sources == {"notes/bio/cells.md:1", "notes/bio/cells.md:3"}, sources
    assert "notes/bio/cells.md:3" in (out / "bio" / "cells.csv").read_text()
    assert str(notes / "bio" / "cells.md") + ":4" in caplog.text  # the missing picture
    # as typed, when typed from here: unchanged
    monkeypatch.chdir(tmp_path)
    build(BuildOptions(paths=(Path("notes/bio/cells.md"),), out_dir=Path("single"),
                       formats=("csv",)))
    assert "notes/bio/cells.md:3" in (tmp_path / "single" / "cells.csv").read_text()
    build(BuildOptions(paths=(notes / "bio" / "cells.md",), out_dir=Path("abs"),
                       formats=("csv", "pdf")))
    assert '""source"">cells.md:3<' in (tmp_path / "abs" / "cells.csv").read_text()
    if shutil.which("pdftotext"):  # the study sheet's header names the note as its cards do
        sheet = subprocess.run(["pdftotext", str(tmp_path / "abs" / "cells.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "cells.md" in sheet and str(tmp_path) not in sheet


def test_html_in_notes_is_escaped(tmp_path, anki):
    import_note(anki, tmp_path, "evil.md",
                "# Evil\n\n## Points\n\n- <script>alert(1)</script> **<b>bold</b>**\n"
                '- <img src=x onerror="alert(2)">\n- [click](javascript:alert(3))\n'
                "- [safe](https://example.org)\n")
    back = anki.notes("tag:flashgen::section")[0]["Back"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in back
    assert "<script" not in back and "<img" not in back and "href=\"javascript" not in back
    assert '<a href="https://example.org">safe</a>' in back


def test_html_that_formats_text_is_formatting_in_anki(tmp_path, anki):
    import_note(anki, tmp_path, "chem.md",
                "# Chem\n\n## Facts\n\n- Water is H<sub>2</sub>O\n"
                '- <b onclick="alert(1)">Heavy</b> water is D<sub>2</sub>O<br>and rare\n'
                '- <a href="javascript:alert(2)">bad</a>, <a href="https://e.org">good</a>\n\n'
                "<aside>\nWater <i>expands</i> when it freezes.\n</aside>\n")
    back = anki.notes("tag:flashgen::section")[0]["Back"]
    assert "<li>Water is H₂O</li>" in back
    assert "<li><b>Heavy</b> water is D₂O and rare</li>" in back
    assert '<li>bad, <a href="https://e.org">good</a></li>' in back
    assert "<div>Water <i>expands</i> when it freezes.</div>" in back
    assert "onclick" not in back and "javascript" not in back and "<aside" not in back
    (cloze,) = anki.notes("tag:flashgen::cloze")
    assert cloze["Text"] == "<div>{{c1::Heavy}} water is D₂O and rare</div>"


def test_anki_clozes_written_in_a_note_are_one_anki_note_each(tmp_path, anki):
    log = import_note(anki, tmp_path, "geo.md",
                      "# Geo\n\n## Capitals\n\n"
                      "- The capital of France is {{c1::Paris}}. Peru's is {{c2::Lima::a city}}, "
                      "and {{c1::Rome}} is Italy's.\n"
                      "- **Oslo** is Norway's; `{{c70000::x}}` is code.\n")
    # a number Anki cannot hold does not fail the import
    assert len(log.new) == anki.count() == 3 and anki.count("tag:flashgen::cloze") == 2
    (written,) = anki.notes("tag:flashgen::cloze Paris")
    cards = sorted(written.cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1]  # c1 (Paris and Rome together), c2
    assert 'data-cloze="Rome"' in cards[0].question()
    assert 'data-cloze="Paris"' in cards[0].question()
    assert "[a city]" in cards[1].question() and "Rome" in cards[1].question()
    (code,) = anki.notes("tag:flashgen::cloze Oslo")
    assert [c.ord for c in code.cards()] == [0]


def test_cloze_syntax_written_as_text_is_no_cloze_to_anki(tmp_path, anki):
    import html

    import_note(anki, tmp_path, "anki.md", "# Anki\n\n## Syntax\n\n"
                "- A **cloze** is written `{{c1::like this}}` in Anki.\n")
    (note,) = anki.notes("tag:flashgen::cloze")
    (card,) = note.cards()  # the bold phrase's, which the code does not join
    shown = html.unescape(card.question())
    assert "<code>{{c1::like this}}</code>" in shown and 'data-cloze="cloze"' in shown


def test_reverse_cards_for_table_rows(tmp_path, anki):
    import_note(anki, tmp_path, "vocab.md",
                "| Word | Meaning |\n|---|---|\n| anjing | dog |\n| kucing | cat |\n", reverse=True)
    assert anki.count("tag:flashgen::table") == 2
    assert len(anki.col.find_cards("tag:flashgen::table")) == 4

    # without --reverse each row makes one card
    (tmp_path / "second").mkdir()
    other = AnkiCollection(tmp_path / "second")
    try:
        other.import_apkg(build_apkg(tmp_path / "vocab.md", tmp_path / "plain"))
        assert len(other.col.find_cards("tag:flashgen::table")) == 2
    finally:
        other.close()


def test_glossaries_and_plain_questions_through_anki(tmp_path, anki):
    import_note(anki, tmp_path, "vocab.md",
                "# Vocab\n\n## Words\n\n- el perro - the dog\n- la casa: the house\n\n"
                "*comer*\n: to eat\n\nQ: How do you say cat?\nA: el gato\n", reverse=True)
    terms = {n["Front"]: n for n in anki.notes("tag:flashgen::term")}
    assert set(terms) == {"<div>el perro</div>", "<div>la casa</div>", "<div><i>comer</i></div>"}
    dog = terms["<div>el perro</div>"]
    assert dog["Back"].startswith("<div>the dog</div>") and dog["Context"] == "Words"
    assert dog["ReverseFront"] == "<div>the dog</div>"
    # with --reverse, each term is asked both ways
    assert len(anki.col.find_cards("tag:flashgen::term")) == 6
    (question,) = anki.notes("tag:flashgen::question")
    assert question["Front"] == "<div>How do you say cat?</div>"
    assert question["Back"].startswith("<div>el gato</div>")


def test_right_to_left_cards_read_right_to_left_in_anki(tmp_path, anki, monkeypatch):
    """Hebrew and Arabic cards were laid out left to right: a question's mark at its wrong
    end, bullets on the wrong side, the text flush left. A block that reads right to left now
    says so, and the note types set text from its reading side (``text-align: start``);
    Anki takes that style on the next import of a newer package, as after an upgrade."""
    from flashgen.export import anki as exporter

    text = ("# מערכת השמש\n\n## כוכבי הלכת\n\n| כוכב לכת | מרחק |\n|---|---|\n"
            "| כוכב חמה | 58 מיליון ק\"מ |\n| נוגה | 108 מיליון ק\"מ |\n"
            "| כדור הארץ | 150 מיליון ק\"מ |\n\n## The same in English\n\n- Mercury\n- Venus\n")
    old_css = exporter.CSS.replace("text-align: start", "text-align: left")
    monkeypatch.setattr(exporter, "CSS", old_css)  # as flashgen wrote it before
    exporter.models.cache_clear()
    import_note(anki, tmp_path, "he.md", text)
    monkeypatch.undo()
    exporter.models.cache_clear()
    (mcq,) = [n for n in anki.notes("tag:flashgen::mcq") if "58" in n["Question"]]
    assert mcq["Question"] == '<div dir="rtl">איזה כוכב לכת מתאים: 58 מיליון ק"מ?</div>'
    assert mcq["Options"].count('dir="rtl"') == 3  # each option, its letter aside
    english = anki.notes('"Front:*The same in English*"')[0]
    assert "<ul><li>Mercury</li><li>Venus</li></ul>" in english["Back"]  # as before
    rows = {n["Front"]: n["Back"] for n in anki.notes("tag:flashgen::section")}
    assert any(back.startswith('<ul dir="rtl"><li>כוכב חמה') for back in rows.values())
    question, _ = anki.sides(f"nid:{mcq.id}")[0]
    assert 'dir="rtl"' in question
    note = tmp_path / "he.md"
    later = max(note.stat().st_mtime, time.time()) + 60  # edited after this flashgen's code
    os.utime(note, (later, later))
    log = anki.import_apkg(build_apkg(note, tmp_path / "out"))
    assert not log.new
    anki.col.models._clear_cache()  # the Python side caches note types
    css = anki.col.models.get(BASIC_MODEL_ID)["css"]
    card = re.search(r"(?m)^\.card \{([^}]*)\}", css)
    assert card is not None and "text-align: start" in card.group(1)


def test_code_reads_left_to_right_and_wraps_in_anki(tmp_path, anki):
    """Code had no style of its own: on a phone a long line ran off the card (``<pre>``
    does not wrap), and in a right-to-left card its lines were set flush right, their
    punctuation reordered. The note types now set code left to right, flush left, wrapped."""
    import_note(anki, tmp_path, "he.md",
                "# פייתון\n\n## רשימות\n\n- הפיכת רשימה\n  ```python\n"
                "  xs = list(reversed(xs))  # " + "long comment " * 12 + "\n  ```\n- מיון רשימה\n")
    (section,) = anki.notes("tag:flashgen::section")
    assert section["Back"].startswith('<ul dir="rtl"><li>הפיכת רשימה<ul><li><pre><code>xs = ')
    css = section.note_type()["css"]
    rule = re.search(r"(?m)^pre \{([^}]*)\}", css)
    assert rule is not None, css
    declared = {k.strip(): v.strip() for k, v in (d.split(":", 1) for d in
                                                   rule.group(1).split(";") if ":" in d)}
    assert (declared["direction"], declared["text-align"], declared["white-space"]) == (
        "ltr", "left", "pre-wrap")
    assert re.search(r"(?m)^code \{[^}]*direction: ltr", css)


def test_flashcards_written_out_through_anki(tmp_path, anki):
    import_note(anki, tmp_path, "plants.md",
                "# Plants #flashcards\n\nWhat gas do plants take in::Carbon dioxide\n"
                "Chlorophyll:::The green pigment\n<!--SR:!2024-05-01,3,250-->\n\n"
                "- Stomata #card-reverse\n  - pores in the **leaf**\n")
    cards = {n["Front"]: n for n in anki.notes("tag:flashgen::flashcard")}
    assert set(cards) == {"<div>What gas do plants take in</div>", "<div>Chlorophyll</div>",
                          "<div>Stomata</div>"}
    chlorophyll = cards["<div>Chlorophyll</div>"]
    assert chlorophyll["Back"].startswith("<div>The green pigment</div>")
    assert "SR:" not in chlorophyll["Back"]
    assert chlorophyll["ReverseFront"] == "<div>The green pigment</div>"
    assert cards["<div>Stomata</div>"]["ReverseFront"] == "<div>pores in the <b>leaf</b></div>"
    # ::: and #card-reverse ask both ways, :: one way; the tags are the note's
    assert len(anki.col.find_cards("tag:flashgen::flashcard")) == 5
    assert anki.count("tag:flashcards") == 3 and anki.count("tag:card*") == 0


def test_math_is_typeset_by_anki_and_obsidian_tags_are_anki_tags(tmp_path, anki):
    import_note(anki, tmp_path, "math.md",
                "# Circles #geometry/circles\n\n## Formulas\n\n- Area: $\\pi r^2$\n"
                "- Cost: $5 and $10 < $20\n\n$$\nC = 2 \\pi r\n$$\n")
    (section,) = anki.notes("tag:flashgen::section")
    assert "<li>Area: \\(\\pi r^2\\)</li>" in section["Back"]
    assert "<li>Cost: $5 and $10 &lt; $20</li>" in section["Back"]
    assert "<div>\\[C = 2 \\pi r\\]</div>" in section["Back"]
    # a #tag in the note is a tag of its Anki notes, nested as Anki nests tags
    assert anki.count("tag:geometry::circles") == anki.count() > 0
    assert "Circles" in anki.deck_names()


def test_deck_option_and_front_matter_deck(tmp_path, anki):
    note = tmp_path / "n.md"
    note.write_text("---\ndeck: Bio::Cells\n---\n## Parts\n\n- nucleus\n- membrane\n")
    anki.import_apkg(build_apkg(note, tmp_path / "a"))
    assert "Bio::Cells::Parts" in anki.deck_names()
    anki.import_apkg(build_apkg(note, tmp_path / "b", deck="Override"))
    assert "Override::Parts" in anki.deck_names()


def test_output_is_atomic_and_leaves_no_temp_files(seed_note, tmp_path):
    out = tmp_path / "out"
    build_apkg(seed_note, out)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [
        f"{seed_note.stem}.apkg"]
    assert list((out / ".flashgen-tmp").iterdir()) == []
    assert oct(os.stat(out / f"{seed_note.stem}.apkg").st_mode & 0o777) != "0o600"


def _tables(db: bytes) -> dict[str, object]:
    """Notes by GUID, cards by (GUID, ord), decks and note types (row IDs left out: they only
    count up; a note type's default deck left out: it is where Anki's Add dialog starts)."""
    import json
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.deserialize(db)
    notes = {r[1]: r[2:] for r in conn.execute("SELECT * FROM notes")}
    cards = {(guid, r[3]): (r[2], *r[4:]) for (guid, *r) in conn.execute(
        "SELECT notes.guid, cards.* FROM cards JOIN notes ON cards.nid = notes.id")}
    decks, types = (json.loads(x) for x in conn.execute("SELECT decks, models FROM col").fetchone())
    for t in types.values():
        t.pop("did")
    schema = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    conn.close()
    return {"notes": notes, "cards": cards, "decks": decks, "types": types, "schema": schema}


def test_collection_rows_match_genanki(seed_note):
    """flashgen writes the notes and cards tables itself (executemany, note by note); they must
    hold exactly what genanki's own writer makes of the same notes, reverse and cloze cards
    included."""
    import itertools
    import sqlite3

    import genanki

    from flashgen.cards import derive
    from flashgen.export.anki import Collection, models, note_rows
    from flashgen.export.ids import deck_id
    from flashgen.model import Deck
    from flashgen.parse import parse
    from flashgen.sources import read_note

    fixtures = Path(__file__).parent / "fixtures" / "notes"
    rows = []
    for note in [seed_note, *sorted(fixtures.glob("*.md"))]:
        doc = parse(read_note(note), str(note))
        rows += note_rows(Deck(doc.deck, str(note), doc.lang, derive(doc, reverse=True),
                               note.stem))
    assert {r.kind for r in rows} == {"basic", "cloze", "mcq"}
    assert any(r.ords == (0, 1) for r in rows)  # reverse cards
    timestamp = 1_700_000_000.0
    ours = Collection(timestamp)
    ours.add(rows[:10])
    ours.add(rows[10:])

    decks: dict[str, genanki.Deck] = {}
    for r in rows:
        deck = decks.setdefault(r.deck, genanki.Deck(deck_id(r.deck), r.deck))
        deck.add_note(genanki.Note(model=models()[r.kind], fields=list(r.fields),
                                   tags=list(r.tags), guid=r.guid))
    conn = sqlite3.connect(":memory:")
    genanki.Package(list(decks.values())).write_to_db(
        conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
    conn.commit()
    theirs = _tables(conn.serialize())
    mine = _tables(ours.database())
    assert len(mine["cards"]) > len(mine["notes"]) > 50
    assert mine == theirs


def _edit(note: Path, old: str, new: str) -> None:
    """Edit the note, a minute later (Anki updates a note only from a newer copy; the notes
    of a package are no older than flashgen's own files, which may be newer than the note)."""
    later = max(note.stat().st_mtime, time.time()) + 60
    note.write_text(note.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(note, (later, later))


def test_edited_prompts_keep_their_anki_notes_and_review_history(tmp_path, anki):
    """A question reworded, a typo mended in a table's key, a heading and the note's title
    renamed: each changed the card's GUID, so the next import added new Anki notes beside
    the old ones, whose review history stayed behind. The build records its cards, and an
    edited card keeps the GUID of the card it continues: the same Anki note is updated."""
    note = tmp_path / "cells.md"
    note.write_text("# Cells\n\n## Organelles\n\n- nucleus\n- ribosome\n\n"
                    "| Organelle | Job |\n|---|---|\n| Mitocondria | energy |\n"
                    "| Ribosome | proteins |\n| Nucleus | DNA |\n\n"
                    "## Quiz\n\n- What makes proteins? Ribosomes.\n"
                    "- What holds the DNA? The nucleus.\n", encoding="utf-8")
    hour_ago = note.stat().st_mtime - 3600
    os.utime(note, (hour_ago, hour_ago))
    out = tmp_path / "out"
    anki.import_apkg(build_apkg(note, out))
    total = anki.count()
    question = anki.col.find_cards('"Front:*What makes proteins?*"')
    card = anki.col.get_card(question[0])
    card.start_timer()
    anki.col.sched.answerCard(card, 3)
    _edit(note, "What makes proteins?", "Which organelle makes proteins?")
    _edit(note, "## Organelles", "## Parts of the cell")
    _edit(note, "# Cells", "# The cell")
    log = anki.import_apkg(build_apkg(note, out))
    assert anki.count() == total and not log.new  # updated, none added
    after = anki.col.get_card(card.id)
    assert after.reps == 1 and "Which organelle makes proteins?" in after.question()
    assert anki.count('"Front:*The cell › Parts of the cell*"') == 1
    _edit(note, "Mitocondria", "Mitochondria")
    log = anki.import_apkg(build_apkg(note, out))
    assert anki.count() == total and not log.new
    assert anki.count('"Front:*Mitochondria (Organelle)*"') == 1
    assert anki.count('"Front:*Mitocondria*"') == 0
    # unchanged since: the same GUIDs again, nothing added or updated
    log = anki.import_apkg(build_apkg(note, out, incremental=False))
    assert anki.count() == total and not log.new
    # a question with another answer is another card: added, the old one left as Anki does
    _edit(note, "Which organelle makes proteins? Ribosomes.", "What stores water? Vacuoles.")
    log = anki.import_apkg(build_apkg(note, out))
    assert len(log.new) == 1 and anki.count() == total + 1


def test_edited_prompts_keep_their_guids_in_a_vault_package_built_by_workers(tmp_path, anki,
                                                                           monkeypatch):
    """The same in a folder's one package, its notes processed by worker processes, and
    after an upgrade of flashgen (whose manifest is then out of date, but not the record)."""
    from flashgen import manifest, pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_NOTES", 2)
    notes = tmp_path / "vault"
    notes.mkdir()
    for i in range(3):
        (notes / f"n{i}.md").write_text(f"# Note {i}\n\n## Quiz\n\n- What is {i} plus {i}? "
                                        f"{2 * i}.\n", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(paths=(notes,), out_dir=out, formats=("apkg",)))
    anki.import_apkg(out / "vault.apkg")
    assert anki.count() == 3
    _edit(notes / "n1.md", "What is 1 plus 1?", "How much is 1 plus 1?")
    monkeypatch.setattr(manifest, "__version__", "99.0")  # an upgrade: the manifest is stale
    build(BuildOptions(paths=(notes,), out_dir=out, formats=("apkg",)))
    log = anki.import_apkg(out / "vault.apkg")
    assert anki.count() == 3 and not log.new
    assert anki.count('"Front:*How much is 1 plus 1?*"') == 1
