"""Stable identities shared by every exporter: note GUIDs, deck names and deck IDs."""

from __future__ import annotations

import hashlib
import string
from functools import lru_cache

from flashgen.model import PATH_SEP, Card, Deck

# kinds whose front already is the heading path
_PATH_FRONTS = ("section", "list")


def note_guid(deck: Deck, card: Card) -> str:
    """GUID from what identifies the card (deck, kind, prompt), never from its answer; or the
    GUID it continues (``card.guid``: its prompt was edited since, ``identity.follow``)."""
    return card.guid or guid_for(deck.name, card.kind, card.prompt)


def guid_for(deck: str, kind: str, prompt: str) -> str:
    """The value of ``genanki.guid_for(deck, kind, prompt)`` (a property test holds the two
    equal: a changed GUID would duplicate every note in users' collections), computed
    without its byte-by-byte loops: a vault build makes one per card."""
    key = f"{deck}__{kind}__{prompt}".encode()
    n = int.from_bytes(hashlib.sha256(key).digest()[:8], "big")
    pairs = _base91_pairs()
    digits = []  # base 91, two digits at a time, least significant first
    while n >= 8281:
        n, d = divmod(n, 8281)
        digits.append(pairs[d])
    if n:
        digits.append(pairs[n] if n >= 91 else pairs[n][1])  # no leading zero digit
    return "".join(reversed(digits))


_BASE91 = string.ascii_letters + string.digits + "!#$%&()*+,-./:;<=>?@[]^_`{|}~"
"""The digits of genanki's base 91 (``genanki.util.BASE91_TABLE``; the property test of
``note_guid`` fails on any other order). Spelled out here so that the worker processes of a
vault build, which make the GUIDs, never import genanki."""


@lru_cache(maxsize=1)
def _base91_pairs() -> list[str]:
    """Every two-digit number in base 91, by value."""
    return [a + b for a in _BASE91 for b in _BASE91]


def subdeck(deck: Deck, card: Card) -> str:
    """``Deck::Top section`` for cards under a section, else the deck itself."""
    if card.context:
        return f"{deck.name}::{card.context[0].replace('::', ':')}"
    return deck.name


def deck_id(name: str) -> int:
    """A fixed deck ID derived from the deck's full name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:7], "big") | (1 << 56)


def tags(card: Card) -> list[str]:
    """Anki tags: ``flashgen::<kind>`` (plus ``flashgen::generated``) and the note's own."""
    out = [f"flashgen::{card.kind}"]
    if card.generator:
        out = ["flashgen::generated", f"flashgen::{card.source_kind or card.kind}"]
    return out + [t for t in card.tags if t not in out]


def source_label(card: Card, note: str = "") -> str:
    """Where a card comes from, ``path:line``; ``note`` names the note instead of the path
    its card holds (``Deck.shown``)."""
    return f"{note or card.ref.path}:{card.ref.line}"


def context_label(card: Card) -> str:
    """The heading path to show with a card; empty when its front already shows it."""
    return "" if card.kind in _PATH_FRONTS else PATH_SEP.join(card.context)
