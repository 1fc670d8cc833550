"""Images referenced by notes: resolved inside the note's folder, embedded by content hash.

A reference that resolves outside the note's folder (``../``, absolute paths, symlinks that
lead out) is never read. Embedded files get ASCII names from their content hash
(``fg-<hash>.<ext>``), which AnkiDroid stores safely on any file system.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flashgen.model import Body, Card, Options, Point, Points, SourceRef, Span, Text

log = logging.getLogger("flashgen")

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif")
MAX_BYTES = 50 * 1024 * 1024


class Media:
    """Resolves image references of one note and collects the files to embed."""

    def __init__(self, note: Path) -> None:
        self.folder = note.resolve().parent
        self.files: dict[str, bytes] = {}
        """Embedded files by name."""
        self.sources: dict[str, str] = {}
        """The file each embedded name was read from."""
        self._names: dict[str, str | None] = {}

    def name_for(self, span: Span, card: Card) -> str | None:
        """The embedded name for an image, a web address kept as is, or None to drop it."""
        src = span.href
        if src in self._names:
            return self._names[src]
        where = SourceRef(card.ref.path, span.line or card.ref.line)
        self._names[src] = name = self._resolve(src, where)
        return name

    def _resolve(self, src: str, where: SourceRef) -> str | None:
        parts = urlsplit(src)
        if parts.scheme in ("http", "https"):
            return src
        if parts.scheme or parts.netloc:
            log.warning("%s: image %r: only local files and http(s) addresses are used",
                        where, src)
            return None
        path = Path(unquote(parts.path))
        try:
            target = (self.folder / path).resolve()
        except (OSError, RuntimeError) as e:  # a loop of links is a RuntimeError before 3.13
            why = getattr(e, "strerror", None) or "a loop of symbolic links"
            log.warning("%s: image %r cannot be read (%s); left out", where, src, why)
            return None
        if path.is_absolute() or not target.is_relative_to(self.folder):
            log.warning("%s: image %r is outside the note's folder; not embedded", where, src)
            return None
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            log.warning("%s: %r is not an image file; left out", where, src)
            return None
        try:
            if not target.is_file():
                log.warning("%s: image %r not found; left out", where, src)
                return None
            if target.stat().st_size > MAX_BYTES:
                log.warning("%s: image %r is larger than 50 MB; left out", where, src)
                return None
            data = target.read_bytes()
        except OSError as e:
            log.warning("%s: image %r cannot be read (%s); left out", where, src,
                        e.strerror or e)
            return None
        name = f"fg-{hashlib.sha256(data).hexdigest()[:16]}{target.suffix.lower()}"
        self.files[name] = data
        self.sources[name] = str(target)
        return name

    def rewrite(self, card: Card) -> Card:
        """``card`` with image references replaced by embedded names (or dropped)."""
        if not any(s.style == "image" for s in _spans(card.front + card.back)):
            return card
        return replace(card, front=self._body(card.front, card), back=self._body(card.back, card))

    def _inline(self, spans: tuple[Span, ...], card: Card) -> tuple[Span, ...]:
        out = []
        for s in spans:
            if s.style == "image":
                name = self.name_for(s, card)
                if name is None:
                    continue
                s = Span(s.text, "image", name, s.line)
            out.append(s)
        return tuple(out)

    def _point(self, p: Point, card: Card) -> Point:
        return Point(self._inline(p.text, card), tuple(self._point(c, card) for c in p.children))

    def _body(self, body: Body, card: Card) -> Body:
        parts = []
        for part in body:
            if isinstance(part, Text):
                part = Text(self._inline(part.text, card), part.role)
            elif isinstance(part, Points):
                part = Points(tuple(self._point(p, card) for p in part.points), part.ordered)
            parts.append(part)
        return tuple(parts)


def _spans(body: Body) -> list[Span]:
    out: list[Span] = []

    def points(ps: tuple[Point, ...]) -> None:
        for p in ps:
            out.extend(p.text)
            points(p.children)

    for part in body:
        if isinstance(part, Text):
            out.extend(part.text)
        elif isinstance(part, Points):
            points(part.points)
        elif isinstance(part, Options):
            continue
    return out
