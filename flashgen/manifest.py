"""The build manifest: what each note looked like when its outputs were last written.

Kept in ``<out>/.flashgen/``. A note whose size, modification time and build settings are
unchanged, and whose outputs still exist, is not read again; its cards come from the cache
(needed when it shares a vault package with notes that did change).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flashgen import __version__
from flashgen.export.files import write_bytes
from flashgen.model import Deck

log = logging.getLogger("flashgen")

FOLDER = ".flashgen"
FORMAT = 1


@dataclass
class Entry:
    """One note's last build."""

    fingerprint: list[int]
    """Size and modification time (ns) of the note."""
    settings: str
    """Hash of the build settings that shape its outputs."""
    outputs: list[str]
    """Files written for it."""
    counts: dict[str, int] = field(default_factory=dict)
    """Cards by kind."""


@dataclass
class Manifest:
    """All notes built into one output folder."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    packages: dict[str, list[str]] = field(default_factory=dict)
    """Vault package -> [settings hash, fingerprints of its notes]."""
    _decks: dict[str, Deck] | None = None
    _dirty: bool = False

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        folder = out_dir / FOLDER
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return cls(folder)
            entries = {k: Entry(**v) for k, v in data["notes"].items()}
            return cls(folder, entries, data.get("packages", {}))
        except (OSError, ValueError, TypeError, KeyError):
            return cls(folder)

    def save(self) -> None:
        """Write the manifest (and the deck cache, when it changed): two files, each atomic."""
        if self._dirty and self._decks is not None:
            write_bytes(self.folder / "decks.pickle",
                        pickle.dumps(self._decks, protocol=pickle.HIGHEST_PROTOCOL))
        data = {"format": FORMAT, "version": __version__,
                "notes": {k: vars(v) for k, v in sorted(self.entries.items())},
                "packages": self.packages}
        write_bytes(self.folder / "manifest.json",
                    json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))

    def unchanged(self, note: Path, settings: str) -> Entry | None:
        """The entry when ``note`` and its outputs are as last built, else None."""
        entry = self.entries.get(str(note))
        if entry is None or entry.settings != settings or entry.fingerprint != fingerprint(note):
            return None
        if not all(Path(p).exists() for p in entry.outputs):
            return None
        return entry

    def _all_decks(self) -> dict[str, Deck]:
        """Cached decks by note path, loaded on first use (only vault rebuilds need them)."""
        if self._decks is None:
            self._decks = {}
            try:
                with (self.folder / "decks.pickle").open("rb") as f:
                    loaded = pickle.load(f)  # written by flashgen itself, in save()
                if isinstance(loaded, dict):
                    self._decks = loaded
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
        return self._decks

    def cached_deck(self, note: Path) -> Deck | None:
        deck = self._all_decks().get(str(note))
        return deck if isinstance(deck, Deck) else None

    def record(self, note: Path, settings: str, outputs: list[Path], deck: Deck) -> None:
        self._all_decks()[str(note)] = deck
        self._dirty = True
        counts = dict(Counter(c.kind for c in deck.cards))
        self.entries[str(note)] = Entry(fingerprint(note), settings, [str(p) for p in outputs],
                                        counts)

    def forget(self, note: Path) -> None:
        self.entries.pop(str(note), None)


def fingerprint(note: Path) -> list[int]:
    st = note.stat()
    return [st.st_size, st.st_mtime_ns]


def settings_hash(*parts: object) -> str:
    return hashlib.sha256(repr((__version__, *parts)).encode()).hexdigest()[:16]
