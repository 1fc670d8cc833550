"""Deck -> .apkg with genanki: fixed note types, stable GUIDs, sub-decks per section."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import orjson

from flashgen.export.files import write_bytes
from flashgen.export.ids import context_label, deck_id, note_guid, source_label, subdeck, tags
from flashgen.export.render import body_html
from flashgen.model import CLOZE_MAX, Card, Deck, Options

if TYPE_CHECKING:
    import genanki

# Fixed forever: Anki matches note types by ID, so changing one forks every user's notes.
BASIC_MODEL_ID = 1736510001
CLOZE_MODEL_ID = 1736510002
MCQ_MODEL_ID = 1736510003

CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 20px; line-height: 1.45; text-align: start; color: #1d1d1f; background: #fffefb;
  max-width: 40em; margin: 0 auto; padding: 0 .6em; }
.context { font-size: .7em; color: #6b6b73; margin-bottom: .6em; }
.hint { font-size: .75em; color: #6b6b73; font-style: italic; }
.source, .generator { font-size: .6em; color: #8a8a93; margin-top: 1.2em; }
.front { font-weight: 600; }
.back ul, .back ol { margin: .3em 0; padding-inline-start: 1.3em; }
.options { list-style: none; padding-inline-start: 0; }
.options li { margin: .25em 0; padding: .2em .5em; border: 1px solid #d0d0d7; border-radius: 6px; }
.options li.correct { border-color: #2e7d32; background: #e8f5e9; font-weight: 600; }
.letter { font-weight: 600; margin-inline-end: .3em; }
.cloze { font-weight: 700; color: #1565c0; }
pre, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .88em; }
code { direction: ltr; unicode-bidi: isolate; }
pre { direction: ltr; text-align: left; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #f3f3f6; padding: .4em .6em; border-radius: 6px; margin: .3em 0; }
pre code { font-size: 1em; }
hr#answer { border: none; border-top: 1px solid #d0d0d7; }
.nightMode.card, .night_mode .card, .nightMode .card { color: #e6e6ea; background: #1e1e22; }
.nightMode .context, .night_mode .context, .nightMode .hint, .night_mode .hint { color: #a0a0aa; }
.nightMode .source, .night_mode .source, .nightMode .generator, .night_mode .generator {
  color: #8d8d98; }
.nightMode .options li, .night_mode .options li { border-color: #4a4a52; }
.nightMode .options li.correct, .night_mode .options li.correct {
  border-color: #81c784; background: #1b3a1f; }
.nightMode .cloze, .night_mode .cloze { color: #90caf9; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #4a4a52; }
.nightMode pre, .night_mode pre { background: #2a2a30; }
"""

_FOOT = (
    '{{#Generator}}<div class="generator">{{Generator}}</div>{{/Generator}}'
    '<div class="source">{{Source}}</div>'
)
_CONTEXT = '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}'


@lru_cache(maxsize=1)
def models() -> dict[str, genanki.Model]:
    """The three note types flashgen writes."""
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        "flashgen Basic",
        fields=[{"name": n} for n in
                ("Front", "Back", "Context", "Source", "ReverseFront", "ReverseBack",
                 "Generator")],
        templates=[
            {
                "name": "Card 1",
                "qfmt": _CONTEXT + '<div class="front">{{Front}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>' + _FOOT,
            },
            {
                "name": "Reverse",
                "qfmt": "{{#ReverseFront}}" + _CONTEXT
                + '<div class="front">{{ReverseFront}}</div>{{/ReverseFront}}',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{ReverseBack}}</div>'
                + _FOOT,
            },
        ],
        css=CSS,
        sort_field_index=0,
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID,
        "flashgen Cloze",
        fields=[{"name": n} for n in ("Text", "Extra", "Context", "Source", "Generator")],
        templates=[
            {
                "name": "Cloze",
                "qfmt": _CONTEXT + "{{cloze:Text}}",
                "afmt": _CONTEXT + "{{cloze:Text}}"
                + '{{#Extra}}<div class="back">{{Extra}}</div>{{/Extra}}' + _FOOT,
            }
        ],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    mcq = genanki.Model(
        MCQ_MODEL_ID,
        "flashgen Multiple choice",
        fields=[{"name": n} for n in
                ("Question", "Options", "Answer", "Context", "Source", "Generator")],
        templates=[
            {
                "name": "Choice",
                "qfmt": _CONTEXT + '<div class="front">{{Question}}</div>{{Options}}',
                "afmt": _CONTEXT + '<div class="front">{{Question}}</div><hr id="answer">'
                "{{Answer}}" + _FOOT,
            }
        ],
        css=CSS,
    )
    return {"basic": basic, "cloze": cloze, "mcq": mcq}


def _context(card: Card) -> str:
    return html.escape(context_label(card), quote=False)


def note_fields(card: Card, note: str = "") -> tuple[str, list[str]]:
    """The note type and field values (HTML) for a card; ``note``: what its Source field
    calls the note (``Deck.shown``), else the card's own path."""
    gen = html.escape(card.generator, quote=False)
    source = html.escape(source_label(card, note), quote=False)
    if card.kind == "cloze":
        return "cloze", [body_html(card.front), body_html(card.back), _context(card),
                         source, gen]
    if card.kind == "mcq":
        question = tuple(p for p in card.front if not isinstance(p, Options))
        options = tuple(p for p in card.front if isinstance(p, Options))
        return "mcq", [body_html(question), body_html(options), body_html(card.back),
                       _context(card), source, gen]
    rf, rb = (body_html(card.reverse[0]), body_html(card.reverse[1])) if card.reverse else ("", "")
    return "basic", [body_html(card.front), body_html(card.back), _context(card), source,
                     rf, rb, gen]


class NoteRow(NamedTuple):
    """One Anki note as the collection database holds it.

    Made where the note's cards are derived (a worker process in a big build) and written
    by the process that packages: plain strings, cheap to send and to cache.
    """

    deck: str
    """Full deck name, sub-deck included."""
    kind: str
    """Note type: "basic", "cloze" or "mcq"."""
    guid: str
    fields: tuple[str, ...]
    """Field values (HTML) in the note type's order."""
    tags: tuple[str, ...]
    ords: tuple[int, ...]
    """Template ordinals of the note's cards."""


_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)


def card_ords(kind: str, fields: list[str]) -> tuple[int, ...]:
    """Which cards Anki makes for a note of flashgen's types, by genanki's rule (a test
    compares the two): a cloze note, one per cloze number; a basic note, its front card when
    Front or Context is set and its reverse card when ReverseFront is; a multiple-choice note,
    one card when Question, Options or Context is set."""
    if kind == "cloze":
        numbers = {int(n) for n in _CLOZE_NUMBER.findall(fields[0])}
        return tuple(sorted(n - 1 for n in numbers if 0 < n <= CLOZE_MAX))
    if kind == "mcq":
        return (0,) if fields[0] or fields[1] or fields[3] else ()
    return tuple(o for o, shown in ((0, fields[0] or fields[2]), (1, fields[4])) if shown)


def encode_rows(rows: Iterable[NoteRow]) -> str:
    """NoteRows as JSON text: how they cross from worker processes and sit in the cache.

    orjson writes the same text as ``json.dumps(rows, ensure_ascii=False,
    separators=(",", ":"))`` about fifteen times faster; with the stdlib this was 4 % of a
    vault build (a note's rows are some 7 KB of HTML)."""
    return orjson.dumps([tuple(r) for r in rows]).decode()


FIELD_SEPARATOR = "\x1f"
"""What separates a note's fields in Anki's database. A field holding one (a control
character in a note's text, or in its file's name) made Anki count a field too many and
refuse the whole package: it is dropped from field values."""


def note_rows(deck: Deck) -> list[NoteRow]:
    """The Anki notes for every card of ``deck``."""
    rows = []
    for card in deck.cards:
        kind, fields = note_fields(card, deck.shown)
        if any(FIELD_SEPARATOR in f for f in fields):
            fields = [f.replace(FIELD_SEPARATOR, "") for f in fields]
        rows.append(NoteRow(subdeck(deck, card), kind, note_guid(deck, card), tuple(fields),
                            tuple(tags(card)), card_ords(kind, fields)))
    return rows


class Collection:
    """An Anki collection database in memory, filled note by note (a vault build adds each
    note's rows as it arrives from the workers), then packaged with ``apkg``.

    The note types and deck entries are genanki's; the notes and cards rows are the ones
    genanki's Note.write_to_db makes (a test compares them), inserted with executemany.
    genanki's own Package writer re-reads and re-writes all deck and note-type JSON for every
    deck, which is quadratic in the number of sub-decks, and a vault has thousands.
    """

    def __init__(self, timestamp: float) -> None:
        import itertools
        import sqlite3

        from genanki.apkg_col import APKG_COL
        from genanki.apkg_schema import APKG_SCHEMA

        self.timestamp = timestamp
        self._mod = int(timestamp)
        self._ids = itertools.count(int(timestamp * 1000))
        self._decks: dict[str, int] = {}
        self._deck_json: list[str] = []  # each deck's entry in the collection's deck table
        self._model_deck: dict[str, int] = {}  # note type -> first deck it is used in
        # filled here, then packaged in another thread (never both at once)
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.executescript(APKG_SCHEMA)
        self._conn.executescript(APKG_COL)
        # indexes are made once at the end: cheaper than keeping them up to date row by row
        indexes = self._conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        self._indexes = [sql for _, sql in indexes]
        for name, _ in indexes:
            self._conn.execute(f"DROP INDEX {name}")

    def add(self, rows: Iterable[NoteRow] | str) -> None:
        """Add notes: NoteRows, or ``encode_rows`` text (decoded here, straight into rows)."""
        type_ids = _type_ids()
        notes: list[tuple[object, ...]] = []
        cards: list[tuple[object, ...]] = []
        mod = self._mod
        ids = self._ids
        decks = self._decks
        used = self._model_deck
        for deck, kind, guid, fields, labels, ords in (orjson.loads(rows) if isinstance(rows, str)
                                                       else rows):
            mid = type_ids[kind]  # first: a damaged cache's unknown kind changes nothing
            did = decks.get(deck)
            if did is None:
                did = decks[deck] = deck_id(deck)
                self._deck_json.append(f'"{did}": {_deck_entry(did, deck)}')
            if kind not in used:
                used[kind] = did
            nid = next(ids)
            notes.append((nid, guid, mid, mod, f" {' '.join(labels)} ", "\x1f".join(fields),
                          fields[0]))
            for o in ords:
                cards.append((next(ids), nid, did, o, mod))
        # the columns every row shares are written into the statements: fewer values to bind
        self._conn.executemany("INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')", notes)
        self._conn.executemany(
            "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'')", cards)

    @property
    def empty(self) -> bool:
        return not self._decks

    def discard(self) -> None:
        self._conn.close()

    def database(self) -> bytes:
        """The collection file's bytes (the collection is closed after this)."""
        conn = self._conn
        try:
            decks, types_json = conn.execute("SELECT decks, models FROM col").fetchone()
            # Anki's default deck (ID 1; flashgen's deck IDs have bit 56 set)
            entries = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in json.loads(decks).items()]
            note_types = json.loads(types_json)
            types = models()
            for kind, did in self._model_deck.items():
                note_types[str(types[kind].model_id)] = types[kind].to_json(self.timestamp, did)
            conn.execute("UPDATE col SET decks = ?, models = ?",
                         ("{" + ", ".join([*entries, *self._deck_json]) + "}",
                          json.dumps(note_types)))
            for sql in self._indexes:
                conn.execute(sql)
            conn.commit()
            if hasattr(conn, "serialize"):
                return bytes(conn.serialize())
            import sqlite3
            import tempfile  # Python 3.10: no serialize(); copy through a file

            with tempfile.TemporaryDirectory(prefix="flashgen-") as tmp:
                target = sqlite3.connect(Path(tmp) / "c.anki2")
                conn.backup(target)
                target.close()
                return (Path(tmp) / "c.anki2").read_bytes()
        finally:
            conn.close()

    def apkg(self, media: dict[str, bytes] | None = None) -> bytes:
        """The .apkg bytes: the same notes, timestamp and media always give the same bytes.

        The zip is written here so that entry dates come from the timestamp instead of the
        clock (genanki's own writer stamps the current time). The database is compressed
        at level 1: three times faster than the default for a file about 15 % larger.
        """
        import time
        import zipfile

        db = self.database()
        date = time.gmtime(max(self.timestamp, 315532800))[:6]  # zip dates start in 1980
        files = sorted((media or {}).items())
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(zipfile.ZipInfo("collection.anki2", date), db, zipfile.ZIP_DEFLATED, 1)
            index = {str(i): name for i, (name, _) in enumerate(files)}
            z.writestr(zipfile.ZipInfo("media", date), json.dumps(index), zipfile.ZIP_DEFLATED)
            for i, (_, data) in enumerate(files):
                z.writestr(zipfile.ZipInfo(str(i), date), data, zipfile.ZIP_STORED)
        return buf.getvalue()


@lru_cache(maxsize=1)
def _type_ids() -> dict[str, int]:
    """Note type ID by kind."""
    return {kind: model.model_id for kind, model in models().items()}


@lru_cache(maxsize=1)
def _deck_fields() -> str:
    """genanki's deck entry (``genanki.Deck.to_json``) without its ID and name, as JSON
    members: the same for every deck flashgen writes."""
    import genanki

    shared = {k: v for k, v in genanki.Deck(0, "").to_json().items() if k not in ("id", "name")}
    return json.dumps(shared)[1:-1]


def _deck_entry(did: int, name: str) -> str:
    """A deck's entry in the collection's deck table, as JSON: genanki's, made from one
    template (a vault has thousands of sub-decks)."""
    return f'{{"id": {did}, "name": {json.dumps(name)}, {_deck_fields()}}}'


def render_apkg(rows: Iterable[NoteRow], timestamp: float,
                media: dict[str, bytes] | None = None) -> bytes:
    """The .apkg bytes for these notes."""
    collection = Collection(timestamp)
    collection.add(rows)
    return collection.apkg(media)


def write_apkg(rows: Iterable[NoteRow], target: Path, timestamp: float,
               media: dict[str, bytes] | None = None) -> Path:
    """Write the notes (and media files by name) to ``target`` atomically."""
    write_bytes(target, render_apkg(rows, timestamp, media))
    return target
