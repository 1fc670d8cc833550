"""The build manifest: what each note looked like when its outputs were last written.

Kept in ``<out>/.flashgen/``. A note whose size and modification time (and those of the images
it embeds), build settings and outputs are unchanged is not read again. Its Anki notes are
cached (``rows.tsv``) for when it shares a vault package with notes that did change: a line
per note, ``[path, images]`` as JSON, a tab, and its Anki notes as the workers encoded them
(JSON without tabs or line breaks), so that the cache is written and read without encoding
the rows again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from flashgen import __version__
from flashgen.export.files import write_bytes

log = logging.getLogger("flashgen")

FOLDER = ".flashgen"
FORMAT = 4
"""4: a note in a subfolder of the folder built has its own files (CSV, PDF) in the same
subfolder of the output folder (3 put every note's files in the output folder itself)."""
ROWS = "rows.tsv"
IDS = "ids.tsv"
"""Each note's cards' identities at its last build (``identity.follow``), a line per note:
its key as JSON, a tab, the record. Read whatever the manifest's format or version: the
GUIDs that cards carried through edits must outlive an upgrade of flashgen."""

Cached = tuple[str, dict[str, str]]
"""A note's Anki notes (encoded NoteRows) and the images they embed (name -> file)."""


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
    media: dict[str, list[int]] = field(default_factory=dict)
    """Fingerprints of the images it embeds, by file."""


@dataclass
class Manifest:
    """All notes built into one output folder."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    packages: dict[str, list[str]] = field(default_factory=dict)
    """Vault package -> [settings hash, fingerprints of its notes]."""
    _old: dict[str, Cached] | None = None
    """Cached rows of the last build, loaded on first use."""
    _fresh: dict[str, Cached] = field(default_factory=dict)
    """Rows of notes built now."""
    _loaded: bytes = b""
    """The manifest file as read."""
    _stale: list[tuple[str, str]] = field(default_factory=list)
    """Files written for notes deleted since, and those notes: removed by ``write``."""
    settings: str = ""
    """The settings hash of the last build here."""
    since: int = 0
    """When the settings became ``settings`` (ns); 0 for the first build here."""
    _ids_old: dict[str, bytes] | None = None
    """Identities of the last build (``IDS``), loaded on first use."""
    _ids_fresh: dict[str, bytes] = field(default_factory=dict)
    """Identities of notes built now."""

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        folder = out_dir / FOLDER
        try:
            text = (folder / "manifest.json").read_bytes()
            data = _loads(text)
            if (not isinstance(data, dict) or data.get("format") != FORMAT
                    or data.get("version") != __version__):
                return cls(folder)
            entries = {k: Entry(**v) for k, v in data["notes"].items()}
            return cls(folder, entries, data.get("packages", {}), _loaded=text,
                       settings=str(data.get("settings", "")), since=int(data.get("since", 0)))
        except (OSError, ValueError, TypeError, KeyError):
            return cls(folder)

    def write(self, files: dict[Path, bytes]) -> None:
        """Remove the files of notes that are gone, then write what ``render`` made, each
        file atomic, the manifest last (a build stopped before it removes them again)."""
        from flashgen.sources import display

        for output, note in self._stale:
            with contextlib.suppress(FileNotFoundError):
                Path(output).unlink()
                log.info("%s: removed, as its note %s is gone", display(output), display(note))
        for path, data in files.items():
            write_bytes(path, data)
        if ROWS in {p.name for p in files}:
            with contextlib.suppress(OSError):
                (self.folder / "rows.json").unlink(missing_ok=True)  # format 2's cache

    def render(self, found: Iterable[Path] = ()) -> dict[Path, bytes]:
        """The files to write (``write``), by path: only those that changed. Notes deleted
        since they were built are dropped, and their own files are left for ``write`` to
        remove (``found``: notes this build found, not looked for again)."""
        files: dict[Path, bytes] = {}
        present = {key(p) for p in found} | self._fresh.keys()
        gone = [k for k in self.entries if k not in present and not Path(k).is_file()]
        kept = {o for k, e in self.entries.items() if k not in gone for o in e.outputs}
        self._stale = [(o, k) for k in gone for o in self.entries[k].outputs if o not in kept]
        for k in gone:
            del self.entries[k]
        if self._fresh or gone:
            old = {} if all(k in self._fresh for k in self.entries) else self._cache()
            lines = []
            for k in self.entries:
                cached = self._fresh.get(k) or old.get(k)
                if cached is not None:
                    rows, media = cached
                    lines.append(f"{_dumps([k, media]).decode()}\t{rows}\n")
            files[self.folder / ROWS] = "".join(lines).encode("utf-8")
            del lines  # before the identities are rendered: a vault's rows are megabytes
        if self._ids_fresh or gone:
            files[self.folder / IDS] = self._render_ids(set(gone))
        data = {"format": FORMAT, "version": __version__, "settings": self.settings,
                "since": self.since, "notes": {k: vars(v) for k, v in self.entries.items()},
                "packages": self.packages}
        text = _dumps(data)
        if text != self._loaded:  # a build where nothing changed writes nothing
            files[self.folder / "manifest.json"] = text
        return files

    def _render_ids(self, gone: set[str]) -> bytes:
        """The identities file: notes built now, and the others' as last built, but for
        notes that are gone (a note that failed keeps its record for when it builds again)."""
        old = self._identities()
        keys = [k for k in dict.fromkeys([*self.entries, *old, *self._ids_fresh])
                if k not in gone and (k in self.entries or k in self._ids_fresh
                                      or Path(k).is_file())]
        return b"".join([b"%s\t%s\n" % (_dumps(k), record) for k in keys
                         if (record := self._ids_fresh.get(k) or old.get(k))])

    def _identities(self) -> dict[str, bytes]:
        if self._ids_old is None:
            self._ids_old = {}
            try:
                data = (self.folder / IDS).read_bytes()
            except OSError:
                return self._ids_old
            for line in data.split(b"\n"):
                head, _, record = line.partition(b"\t")
                try:
                    name = _loads(head)
                except (ValueError, TypeError):
                    continue  # a damaged line: that note's cards take their own GUIDs
                if isinstance(name, str) and record:
                    self._ids_old[name] = record
        return self._ids_old

    def identities(self, note: Path) -> bytes:
        """The record of ``note``'s cards' identities at its last build here (b"" for none)."""
        return self._identities().get(key(note), b"")

    def since_settings(self, settings: str) -> int:
        """When this folder's build settings became ``settings`` (ns), recorded for the
        builds after: now, if an earlier build here had others; 0 for the first."""
        if settings != self.settings:
            self.since = time.time_ns() if (self.entries or self.packages) else 0
            self.settings = settings
        return self.since

    def unchanged(self, note: Path, settings: str, print_: list[int]) -> Entry | None:
        """The entry when ``note`` (whose fingerprint is ``print_``), its images and its
        outputs are as last built, else None."""
        entry = self.entries.get(key(note))
        if entry is None or entry.settings != settings or entry.fingerprint != print_:
            return None
        if not all(fingerprint(Path(p)) == f for p, f in entry.media.items()):
            return None
        if not all(Path(p).exists() for p in entry.outputs):
            return None
        return entry

    def _cache(self) -> dict[str, Cached]:
        if self._old is None:
            self._old = {}
            try:
                text = (self.folder / ROWS).read_text(encoding="utf-8")
            except (OSError, ValueError):
                return self._old
            for line in text.split("\n"):  # not splitlines: rows may hold U+2028
                head, _, rows = line.partition("\t")
                try:
                    name, media = _loads(head)
                except (ValueError, TypeError):
                    continue  # a damaged line: that note is derived again
                if isinstance(name, str) and isinstance(media, dict) and rows:
                    self._old[name] = (rows, media)
        return self._old

    def cached(self, note: Path) -> Cached | None:
        """The Anki notes of ``note`` as last built, if they were cached."""
        k = key(note)
        return self._fresh.get(k) or self._cache().get(k)

    def record(self, note: Path, print_: list[int], settings: str, outputs: list[Path],
               counts: dict[str, int], media: dict[str, str], rows: str | None = None,
               ids: bytes = b"") -> None:
        """``note`` was built now from the file whose fingerprint, taken before it was read,
        is ``print_``, embedding ``media`` (name -> file); ``rows`` are its Anki notes when it
        joins a vault package; ``ids`` its cards' identities (``identity.follow``)."""
        k = key(note)
        if rows is not None:
            self._fresh[k] = (rows, media)
        if ids:
            self._ids_fresh[k] = ids
        self.entries[k] = Entry(print_, settings, [key(p) for p in outputs], counts,
                                {p: fingerprint(Path(p)) for p in media.values()})

    def keep(self, note: Path, rows: str, media: dict[str, str]) -> None:
        """Cache the Anki notes of an unchanged ``note`` that was derived again because its
        cached ones were lost or damaged."""
        self._fresh[key(note)] = (rows, media)

    def forget(self, note: Path) -> None:
        self.entries.pop(key(note), None)


def _dumps(value: object) -> bytes:
    """JSON, keys sorted. A path whose name is not UTF-8 (a Linux file name may be any bytes)
    holds lone surrogates, which orjson refuses: the standard library writes them as
    ``\\udcxx`` escapes, which it reads back as the same path."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        import json

        return json.dumps(value, sort_keys=True).encode()


def _loads(data: bytes | str) -> Any:
    """What ``_dumps`` wrote (ValueError when it is not JSON)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        import json

        return json.loads(data)  # a lone surrogate's escape, or damage (ValueError)


def key(path: Path | str) -> str:
    """How the manifest names a file: its absolute path with its folder's links resolved, so
    that builds run from different folders (``flashgen build notes`` here, ``flashgen build
    .`` inside) share entries."""
    folder, name = os.path.split(os.fspath(path))
    return os.path.join(_real_folder(folder, "" if os.path.isabs(folder) else os.getcwd()), name)


@lru_cache(maxsize=1024)
def _real_folder(folder: str, cwd: str) -> str:
    """The real path of ``folder`` (relative to ``cwd``): resolved once per folder."""
    return os.path.realpath(os.path.join(cwd, folder))


def fingerprint(path: Path) -> list[int]:
    """Size and modification time; [-1, -1] when the file is gone."""
    try:
        st = path.stat()
    except OSError:
        return [-1, -1]
    return [st.st_size, st.st_mtime_ns]


def settings_hash(*parts: object) -> str:
    """A short hash of what shapes a note's outputs: the build settings ``parts`` and the
    code that makes the outputs (``code_fingerprint``)."""
    return hashlib.sha256(repr((__version__, code_fingerprint(), *parts)).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Which flashgen made the outputs (``source_hash`` of its own source files). Outputs
    made by other code, before an upgrade or an edit of an installed copy, are not up to
    date, even when the version number is the same: without this, an unchanged note kept
    the cards of the flashgen that first built it."""
    return source_hash(_CODE, _code_files())


def code_time() -> int:
    """When this flashgen's source files last changed (ns): its install, upgrade or edit.

    Anki's importer updates a note only when the package's copy is newer than its own, so
    the notes of a package carry this time when it is later than their note's: cards that
    an upgraded flashgen makes better then replace the old ones in the learner's collection
    (review history kept) instead of being skipped as not newer."""
    return max((mtime for _, _, mtime in _code_files()), default=0)


_CODE = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=1)
def _code_files() -> tuple[tuple[str, int, int], ...]:
    """flashgen's own source files, listed once per process."""
    return _source_files(_CODE)


def source_hash(root: str, files: tuple[tuple[str, int, int], ...] | None = None) -> str:
    """A hash of where the ``.py`` files under ``root`` are, and of their names, sizes and
    modification times (caches left out). An upgrade or an edit rewrites files, so their
    times change; a copy elsewhere (a new version in its own folder) has another root.
    Hashing the files' contents instead cost 10 M instructions, 3 % of a rebuild of 250
    notes where nothing changed; this costs 1.7 M (0.5 %)."""
    listed = _source_files(root) if files is None else files
    found = sorted(f"{rel}\0{size}\0{mtime}" for rel, size, mtime in listed)
    return hashlib.sha256("\n".join([os.path.abspath(root), *found]).encode()).hexdigest()[:16]


def _source_files(root: str) -> tuple[tuple[str, int, int], ...]:
    """The ``.py`` files under ``root`` (caches left out): path from ``root``, size and
    modification time (ns)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:  # gone since the folder was listed
                    continue
                rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                found.append((rel, st.st_size, st.st_mtime_ns))
    return tuple(found)
