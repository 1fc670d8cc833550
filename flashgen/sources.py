"""Find notes and read them as clean text: BOM, UTF-16, CRLF, NFC and mojibake handled."""

from __future__ import annotations

import codecs
import logging
import os
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from flashgen.errors import NoteReadError, UsageError

log = logging.getLogger("flashgen")

NOTE_SUFFIXES = (".md", ".markdown")
MAX_NOTE_BYTES = 5 * 1024 * 1024
"""Larger notes are refused: a study note that size is almost always a mistake (a data dump
or a log), and parsing it would take minutes."""


def find_notes(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of notes."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            notes = list(_walk(path))
            if not notes:
                raise UsageError(f"{path}: no Markdown notes (*.md) in this folder")
            found.extend(notes)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise UsageError(f"{path}: not a regular file or folder")
        else:
            raise UsageError(f"{path}: no such file or folder")
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def _walk(folder: Path) -> Iterator[Path]:
    """Notes under ``folder``, in path order; hidden files and folders (.git, .obsidian, ...)
    are skipped without being entered, and so are links to folders. (os.scandir tells files
    from folders without a stat per note.)"""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
            elif name.lower().endswith(NOTE_SUFFIXES) and entry.is_file():
                yield Path(entry.path)
        except OSError:
            continue


def decode(data: bytes, name: str) -> str:
    """Decode a note's bytes: UTF-8 (BOM optional) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise NoteReadError(f"{name}: invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192]:
        raise NoteReadError(f"{name}: looks like a binary file, not a Markdown note")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise NoteReadError(
            f"{name}: not valid UTF-8 at byte {e.start} (0x{data[e.start]:02x}); "
            "save the note as UTF-8"
        ) from None


def repair(text: str, name: str) -> str:
    """Fix mojibake (UTF-8 read as a Windows code page) with ftfy, warning when it does."""
    if text.isascii():  # mojibake needs non-ASCII characters; most notes are checked here
        return text
    import ftfy

    if not ftfy.is_bad(text):
        return text
    config = ftfy.TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        fix_line_breaks=False,
        remove_terminal_escapes=False,
        normalization=None,
    )
    fixed = ftfy.fix_text(text, config)
    if fixed != text:
        log.warning("%s: repaired mojibake (text was UTF-8 decoded as a legacy code page)", name)
    return fixed


def normalize(text: str, name: str) -> str:
    """Line endings to LF, mojibake repaired, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = repair(text, name)
    return unicodedata.normalize("NFC", text)


def read_note(path: Path) -> str:
    """Read one note as clean text, or raise NoteReadError naming the file."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            raise NoteReadError(f"{path}: {size / 1048576:.1f} MB is larger than the 5 MB "
                                "limit for one note; split it into several notes")
        data = path.read_bytes()
    except OSError as e:
        raise NoteReadError(f"{path}: cannot read ({e.strerror})") from None
    return normalize(decode(data, str(path)), str(path))


def display(name: str | os.PathLike[str]) -> str:
    """A path (or a line naming paths) as text that every output can hold. A file name on
    Linux may be any bytes; those that are not UTF-8 reach Python as lone surrogates, which
    no strict UTF-8 encoder (Anki's database, CSV, JSON, a terminal) accepts: each such byte
    shows as U+FFFD instead."""
    text = os.fspath(name)
    if text.isascii():
        return text
    return os.fsencode(text).decode("utf-8", "replace")  # the name's own bytes, decoded
