"""Card identities that follow a card through edits of its note.

Anki knows a note by its GUID, which flashgen makes from the deck, the card's kind and its
prompt (``ids.note_guid``). Reword a question, mend a typo in a table's key, rename a heading
or the note's title, and that GUID changes: the next import adds a new Anki note, and the old
one stays, with the review history. So each build records, per note, its deck and every
card's kind, prompt, a hash of its answer and (when it is not the card's own) its GUID
(``.flashgen/ids.tsv`` in the output folder), and the next build of that note gives a card
the GUID of the card it continues:

1. a card of the same kind and prompt (the title, the deck or the order changed): its GUID;
2. else a card that is gone, of the same kind and the same answer, whose prompt is alike
   (``PROMPT_ALIKE``), the most alike first: its GUID;
3. else, for a section (or a list of sections), whose prompt is its heading's path, the one
   gone with the same points, when this one is the one come with them (a heading and its
   note both renamed).

A card that continues none is new and has its own GUID. Only cards that keep their answer
carry a GUID to a new prompt: a question reworded into another with another answer is
another card. The same notes give the same GUIDs build after build; a build into another
output folder, without the record, gives each card its own.
"""

from __future__ import annotations

import hashlib
import itertools
import zlib
from collections.abc import Iterable
from dataclasses import replace

import orjson

from flashgen.model import Card, Deck, Options, Point, Points, Text, plain

PROMPT_ALIKE = 50.0
"""How alike (rapidfuzz ratio, 0-100) a card's new prompt must be to the prompt of the gone
card whose answer it has, to continue it: typos, rewording and renamed headings are; a
prompt in other words with the same answer (two questions answered "DNA") is not."""

_HEADED = frozenset({"section", "list"})
"""Kinds whose prompt is their heading's path: a renamed heading rewrites it whole."""

Record = tuple[str, str, str, str]
"""A card as built: its GUID ("" for its own), kind, prompt and answer's hash."""


def answer_key(card: Card) -> str:
    """A short hash of what a card answers: its back's text, or for a cloze the phrases it
    hides. (CRC-32: it tells apart the few cards of one note that are gone and come; a
    cryptographic hash cost a third of a build's time for identities.)"""
    if card.kind == "cloze":
        text = "\x1f".join([s.text for p in card.front if isinstance(p, Text) for s in p.text
                            if s.style == "cloze"])
    else:
        back = card.back
        if len(back) == 1 and isinstance(back[0], Text):  # most answers are one text
            text = plain(back[0].text)
        else:
            parts: list[str] = []
            _texts(back, parts)
            text = "\x1f".join(parts)
    return f"{zlib.crc32(text.encode()):08x}"


def _texts(body: Iterable[Text | Points | Options], out: list[str]) -> None:
    for part in body:
        if isinstance(part, Text):
            out.append(plain(part.text))
        elif isinstance(part, Points):
            _points(part.points, out)
        elif isinstance(part, Options):
            out.extend([plain(o) for o in part.options])
            out.append(str(part.answer))


def _points(points: tuple[Point, ...], out: list[str]) -> None:
    for p in points:
        out.append(plain(p.text))
        if p.children:
            _points(p.children, out)


def follow(before: bytes, deck: Deck) -> tuple[Deck, bytes]:
    """``deck`` with each card that continues a card of ``before`` given that card's GUID (the
    others keep their own), and the record of this build, for the next. A record is JSON, as
    bytes (a vault's are held in memory): ``b""`` for none."""
    cards = deck.cards
    carried: list[str] = [""] * len(cards)  # "" for a card's own GUID
    keys = [answer_key(c) for c in cards]
    old_deck, old = _decode(before)
    if old:
        _match(deck, keys, old_deck, old, carried)
    if any(carried):
        deck = replace(deck, cards=tuple(replace(c, guid=g) if g else c
                                         for c, g in zip(cards, carried, strict=True)))
    record = [[g, c.kind, c.prompt, key] for c, g, key in zip(cards, carried, keys, strict=True)]
    return deck, orjson.dumps([deck.name, record])


def _match(deck: Deck, keys: list[str], old_deck: str, old: list[Record],
           carried: list[str]) -> None:
    """Fill ``carried`` with the GUIDs that cards of ``deck`` (their answers' ``keys``) take
    from ``old``."""
    from flashgen.export.ids import guid_for

    cards = deck.cards
    by_prompt = {(kind, prompt): i for i, (_, kind, prompt, _) in enumerate(old)}
    matched: set[int] = set()
    taken: set[str] = set()  # GUIDs carried
    for i, c in enumerate(cards):
        j = by_prompt.get((c.kind, c.prompt))
        if j is None or j in matched:
            continue
        matched.add(j)
        guid = old[j][0]
        if guid or old_deck != deck.name:  # not what the card's own GUID is
            carried[i] = guid or guid_for(old_deck, c.kind, c.prompt)
            taken.add(carried[i])
    gone = [r for j, r in enumerate(old) if j not in matched]
    unmatched = [i for i, c in enumerate(cards) if (c.kind, c.prompt) not in by_prompt]
    if gone and unmatched:
        from rapidfuzz import fuzz

        answers = {(kind, key) for _, kind, _, key in gone}
        pairs = []
        for i in unmatched:
            c, key = cards[i], keys[i]
            if (c.kind, key) not in answers:
                continue
            for guid, kind, prompt, old_key in gone:
                if kind == c.kind and old_key == key:
                    score = fuzz.ratio(c.prompt, prompt)
                    if score >= PROMPT_ALIKE:
                        pairs.append((score, i, guid or guid_for(old_deck, kind, prompt)))
        for _, i, guid in sorted(pairs, key=lambda p: (-p[0], p[1])):
            if not carried[i] and guid not in taken:
                carried[i] = guid
                taken.add(guid)
        # a section gone and one come with the same points: the same card, whatever its
        # heading path now (a heading and its note both renamed)
        left: dict[tuple[str, str], list[str]] = {}
        for guid, kind, prompt, old_key in gone:
            if kind not in _HEADED:
                continue
            guid = guid or guid_for(old_deck, kind, prompt)
            if guid not in taken:
                left.setdefault((kind, old_key), []).append(guid)
        come: dict[tuple[str, str], list[int]] = {}
        for i in unmatched:
            if not carried[i] and cards[i].kind in _HEADED:
                come.setdefault((cards[i].kind, keys[i]), []).append(i)
        for pair, found in come.items():
            if len(found) == 1 and len(left.get(pair, ())) == 1:
                carried[found[0]] = left[pair][0]
                taken.add(left[pair][0])
    if taken:  # a card whose own GUID a card continued now holds (its prompt given back)
        for i, c in enumerate(cards):
            if not carried[i] and guid_for(deck.name, c.kind, c.prompt) in taken:
                carried[i] = _another(guid_for(deck.name, c.kind, c.prompt), taken)
                taken.add(carried[i])


def _another(guid: str, taken: set[str]) -> str:
    """A stable GUID derived from ``guid`` that no card holds."""
    n = 1
    while True:
        candidate = hashlib.blake2b(f"{guid}#{n}".encode(), digest_size=8).hexdigest()
        if candidate not in taken:
            return candidate
        n += 1


def _decode(before: bytes) -> tuple[str, list[Record]]:
    """The deck and cards of a note's last build; ("", []) when there is no record or it is
    damaged."""
    if not before:
        return "", []
    try:
        deck, cards = orjson.loads(before)
        records = [(guid, kind, prompt, key) for guid, kind, prompt, key in cards]
        "".join([deck, *itertools.chain.from_iterable(records)])  # all text (TypeError else)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return "", []
    return deck, records
