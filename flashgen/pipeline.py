"""build(options): read -> parse -> derive -> (generate) -> export. Gather first, write last."""

from __future__ import annotations

import contextlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashgen import cards as card_rules
from flashgen.errors import BuildFailedError, FlashgenError, UsageError
from flashgen.generate.stage import GenerateOptions, Progress, Stage
from flashgen.model import Deck
from flashgen.parse import parse
from flashgen.sources import find_notes, read_note

log = logging.getLogger("flashgen")

FORMATS = ("apkg", "csv", "pdf")
DEFAULT_FORMATS = FORMATS


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build needs to know; the CLI fills it from its options."""

    paths: tuple[Path, ...] = ()
    """Notes or folders; empty means every note under ``source/``."""
    out_dir: Path = Path("decks")
    """Where outputs go."""
    deck: str | None = None
    """Deck name for every note, instead of each note's own."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """Output formats, from FORMATS."""
    reverse: bool = False
    """Add reverse cards for table rows."""
    strict: bool = False
    """Treat warnings as failures."""
    timestamp: float | None = None
    """Note modification time written to Anki; default SOURCE_DATE_EPOCH or the note's mtime."""
    source_dir: Path = Path("source")
    """Default folder of notes."""
    csv_style: str = "anki"
    """"anki" (import headers) or "plain" (spreadsheets)."""
    pdf_layouts: tuple[str, ...] = ("sheet",)
    """PDF layouts: sheet, cards, fold."""
    paper: str = "a4"
    """"a4" or "letter"."""
    duplex: str = "long"
    """Duplex flip of the printer for the cards layout: "long" or "short" edge."""
    generate: GenerateOptions = field(default_factory=lambda: GenerateOptions(mode="off"))
    """Question generation; off unless the caller (the CLI) asks."""


@dataclass(frozen=True)
class NoteResult:
    """What happened to one note."""

    path: Path
    """The note."""
    deck: Deck | None = None
    """Its cards, when it was read."""
    outputs: tuple[Path, ...] = ()
    """Files written."""
    error: str = ""
    """Why it failed, if it did."""
    warnings: int = 0
    """How many warnings it raised."""

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        """One line: cards by kind and where they went."""
        if self.error:
            return f"FAILED {self.error}"
        assert self.deck is not None
        counts = Counter(c.kind for c in self.deck.cards)
        kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
        where = ", ".join(str(p) for p in self.outputs)
        warn = f", {self.warnings} warning{'s' * (self.warnings != 1)}" if self.warnings else ""
        return f"{self.path}: {len(self.deck.cards)} cards ({kinds or 'none'}{warn}) -> {where}"


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextlib.contextmanager
def _counting() -> Iterator[_WarningCounter]:
    counter = _WarningCounter()
    log.addHandler(counter)
    try:
        yield counter
    finally:
        log.removeHandler(counter)


def load_deck(path: Path, options: BuildOptions, stage: Stage | None = None) -> Deck:
    """Read, parse and derive the cards of one note, plus generated ones when a stage runs."""
    text = read_note(path)
    doc = parse(text, str(path))
    cards = card_rules.derive(doc, reverse=options.reverse)
    if stage is not None:
        outcome = stage.run(doc, cards, path, text)
        if outcome.skipped and outcome.skipped not in stage.reported:
            stage.reported.add(outcome.skipped)
            log.info("%s", outcome.skipped)
        cards = cards + outcome.cards
    if not cards:
        log.warning("%s: no cards: the note has no lists, tables, questions or bold terms", path)
    return Deck(name=options.deck or doc.deck, source=str(path), lang=doc.lang, cards=cards,
                stem=path.stem)


def timestamp_for(path: Path, options: BuildOptions) -> float:
    """Anki modification time: explicit, else SOURCE_DATE_EPOCH, else the note's mtime.

    Anki's importer updates a note only when the package's copy is newer, so an edited note
    (newer mtime) updates in place and an unchanged one is left alone.
    """
    if options.timestamp is not None:
        return options.timestamp
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return float(epoch)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return path.stat().st_mtime


def export(deck: Deck, path: Path, options: BuildOptions) -> list[Path]:
    """Write one deck in every requested format."""
    written: list[Path] = []
    for fmt in options.formats:
        target = options.out_dir / f"{deck.stem}.{fmt}"
        if fmt == "apkg":
            from flashgen.export.anki import write_apkg

            written.append(write_apkg([deck], target, timestamp_for(path, options)))
        elif fmt == "csv":
            from flashgen.export.csv import write_csv

            written.append(write_csv(deck, target, style=options.csv_style))
        elif fmt == "pdf":
            from flashgen.export.pdf import write_pdf

            written.extend(write_pdf(deck, target, layouts=options.pdf_layouts,
                                     paper=options.paper, duplex=options.duplex))
        else:
            raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return written


def build(
    options: BuildOptions,
    on_note: Callable[[NoteResult], None] | None = None,
    progress: Progress | None = None,
) -> list[NoteResult]:
    """Build every note. Each note is fully derived before any of its files is written.

    A failing note does not stop the others; raises BuildFailedError at the end if any failed.
    """
    paths = options.paths or (options.source_dir,)
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if options.out_dir.exists() and not options.out_dir.is_dir():
        raise UsageError(f"{options.out_dir}: output path is a file; pass a folder to --out")
    notes = find_notes(paths)
    stage = Stage(options.generate, progress) if options.generate.mode != "off" else None
    results: list[NoteResult] = []
    for path in notes:
        with _counting() as counter:
            try:
                deck = load_deck(path, options, stage)
                if options.strict and counter.count:
                    raise BuildFailedError(f"{path}: {counter.count} warning(s) and --strict is set")
                outputs = export(deck, path, options)
                result = NoteResult(path, deck, tuple(outputs), warnings=counter.count)
            except FlashgenError as e:
                result = NoteResult(path, error=str(e), warnings=counter.count)
        results.append(result)
        if on_note is not None:
            on_note(result)
    failed = [r for r in results if not r.ok]
    if failed:
        raise BuildFailedError(f"{len(failed)} of {len(results)} notes failed")
    return results
