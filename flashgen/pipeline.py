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
from flashgen.export.files import sweep
from flashgen.generate.stage import GenerateOptions, Progress, Stage
from flashgen.manifest import Manifest, settings_hash
from flashgen.media import Media
from flashgen.model import Deck
from flashgen.parse import parse
from flashgen.sources import find_notes, read_note

log = logging.getLogger("flashgen")

FORMATS = ("apkg", "csv", "pdf")
DEFAULT_FORMATS = FORMATS
PACKAGES = ("auto", "note", "vault")


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
    package: str = "auto"
    """note: one .apkg per note; vault: one .apkg per folder given; auto: vault for folders."""
    incremental: bool = True
    """Skip notes that did not change since the last build into the same folder (False:
    rebuild everything; the manifest is still updated)."""

    def settings(self) -> str:
        """Hash of everything besides the note that shapes its outputs."""
        return settings_hash(self.out_dir.resolve(), self.deck, self.formats, self.reverse,
                             self.csv_style, self.pdf_layouts, self.paper, self.duplex,
                             self.generate, self.package, os.environ.get("SOURCE_DATE_EPOCH"))


@dataclass(frozen=True)
class NoteResult:
    """What happened to one note."""

    path: Path
    """The note."""
    deck: Deck | None = None
    """Its cards, when it was read."""
    outputs: tuple[Path, ...] = ()
    """Files written for this note alone."""
    error: str = ""
    """Why it failed, if it did."""
    warnings: int = 0
    """How many warnings it raised."""
    unchanged: bool = False
    """Nothing changed since the last build: nothing was read or written."""
    counts: dict[str, int] = field(default_factory=dict)
    """Cards by kind (when the deck itself was not loaded)."""
    package: bool = False
    """This result is a folder's vault package, not a note."""

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        """One line: cards by kind and where they went."""
        if self.error:
            return f"FAILED {self.error}"
        counts = (dict(Counter(c.kind for c in self.deck.cards)) if self.deck is not None
                  else self.counts)
        total = sum(counts.values())
        if self.unchanged:
            return f"{self.path}: unchanged ({total} cards)"
        kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
        where = ", ".join(str(p) for p in self.outputs) or "nothing written"
        warn = f", {self.warnings} warning{'s' * (self.warnings != 1)}" if self.warnings else ""
        return f"{self.path}: {total} cards ({kinds or 'none'}{warn}) -> {where}"


@dataclass
class _Built:
    """A note ready to export: its deck (media resolved), the deck as derived, its media."""

    deck: Deck
    derived: Deck
    media: dict[str, bytes]


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


def load_deck(path: Path, options: BuildOptions, stage: Stage | None = None) -> _Built:
    """Read, parse and derive the cards of one note, plus generated ones when a stage runs."""
    text = read_note(path)
    if not text.strip():
        log.warning("%s: the note is empty; nothing to build", path)
    doc = parse(text, str(path))
    cards = card_rules.derive(doc, reverse=options.reverse)
    if stage is not None:
        outcome = stage.run(doc, cards, path, text)
        if outcome.skipped and outcome.skipped not in stage.reported:
            stage.reported.add(outcome.skipped)
            log.info("%s", outcome.skipped)
        cards = cards + outcome.cards
    if text.strip() and not cards:
        log.warning("%s: no cards: the note has no lists, tables, questions or bold terms; "
                    "nothing written", path)
    derived = Deck(name=options.deck or doc.deck, source=str(path), lang=doc.lang,
                   cards=cards, stem=path.stem)
    return _with_media(derived, path)


def _with_media(derived: Deck, path: Path) -> _Built:
    media = Media(path)
    cards = tuple(media.rewrite(c) for c in derived.cards)
    deck = Deck(derived.name, derived.source, derived.lang, cards, derived.stem)
    return _Built(deck, derived, media.files)


def timestamp_for(paths: list[Path], options: BuildOptions) -> float:
    """Anki modification time: explicit, else SOURCE_DATE_EPOCH, else the newest note's mtime.

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
    return max(p.stat().st_mtime for p in paths)


def _export_note(built: _Built, path: Path, options: BuildOptions,
                 formats: tuple[str, ...]) -> list[Path]:
    """Write one note's files in ``formats``."""
    deck = built.deck
    written: list[Path] = []
    for fmt in formats:
        target = options.out_dir / f"{deck.stem}.{fmt}"
        if fmt == "apkg":
            from flashgen.export.anki import write_apkg

            written.append(write_apkg([deck], target, timestamp_for([path], options),
                                      built.media))
        elif fmt == "csv":
            from flashgen.export.csv import write_csv

            written.append(write_csv(deck, target, style=options.csv_style))
        elif fmt == "pdf":
            from flashgen.export.pdf import write_pdf

            written.extend(write_pdf(deck, target, layouts=options.pdf_layouts,
                                     paper=options.paper, duplex=options.duplex))
    return written


def _groups(options: BuildOptions) -> list[tuple[Path | None, list[Path]]]:
    """Notes grouped by vault package (None: each note gets its own package)."""
    paths = options.paths or (options.source_dir,)
    groups: list[tuple[Path | None, list[Path]]] = []
    for p in paths:
        notes = find_notes([p])
        vault = options.package == "vault" or (options.package == "auto" and p.is_dir())
        groups.append((p if vault else None, notes))
    return groups


def _vault_name(folder: Path) -> str:
    name = folder.resolve().name
    return name or "notes"


def build(
    options: BuildOptions,
    on_note: Callable[[NoteResult], None] | None = None,
    progress: Progress | None = None,
) -> list[NoteResult]:
    """Build every note. Each note is fully derived before any of its files is written.

    A failing note does not stop the others; raises BuildFailedError at the end if any failed.
    """
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if options.package not in PACKAGES:
        raise UsageError(f"unknown package mode {options.package!r}")
    if options.out_dir.exists() and not options.out_dir.is_dir():
        raise UsageError(f"{options.out_dir}: output path is a file; pass a folder to --out")
    groups = _groups(options)
    sweep(options.out_dir)
    manifest = Manifest.load(options.out_dir)
    settings = options.settings()
    stage = Stage(options.generate, progress) if options.generate.mode != "off" else None
    results: list[NoteResult] = []
    seen: set[Path] = set()
    for vault, notes in groups:
        per_note = tuple(f for f in options.formats if vault is None or f != "apkg")
        members: list[tuple[Path, _Built | None]] = []
        todo = [p for p in notes if p not in seen
                and not (options.incremental and manifest.unchanged(p, settings))]
        loaded = _load_in_parallel(todo, options, stage)
        pending = set(todo)
        for path in notes:
            if path in seen:
                continue
            seen.add(path)
            result, built = _one(path, options, settings, manifest, stage, per_note,
                                 path not in pending, loaded.pop(path, None))
            results.append(result)
            if result.ok and (built is None or built.deck.cards):
                members.append((path, built))
            if on_note is not None:
                on_note(result)
        if vault is not None and "apkg" in options.formats and members:
            package = _write_vault(vault, members, options, settings, manifest)
            if package is not None and on_note is not None:
                on_note(package)
                results.append(package)
    with contextlib.suppress(FlashgenError):
        manifest.save()
    failed = [r for r in results if not r.ok]
    if failed:
        notes_built = sum(1 for r in results if not r.package)
        raise BuildFailedError(f"{len(failed)} of {notes_built} notes failed")
    return results


_Loaded = tuple["_Built | None", str, list[tuple[int, str]]]
"""What a worker sends back: the built note or an error message, and its log records."""

PARALLEL_MIN_NOTES = 48


def _load_worker(job: tuple[Path, BuildOptions]) -> _Loaded:
    """Read, parse and derive one note in a worker process, capturing its log records."""
    path, options = job
    records: list[tuple[int, str]] = []

    class _Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append((record.levelno, record.getMessage()))

    log.handlers = [_Capture()]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    try:
        return load_deck(path, options), "", records
    except FlashgenError as e:
        return None, str(e), records


def _load_in_parallel(paths: list[Path], options: BuildOptions,
                      stage: Stage | None) -> dict[Path, _Loaded]:
    """Parse and derive many notes on every core (without a model: that stays in-process)."""
    workers = min(os.cpu_count() or 1, 8)
    if stage is not None or workers < 2 or len(paths) < PARALLEL_MIN_NOTES:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        results = pool.map(_load_worker, [(p, options) for p in paths], chunksize=16)
        return dict(zip(paths, results, strict=True))


def _one(path: Path, options: BuildOptions, settings: str, manifest: Manifest,
         stage: Stage | None, formats: tuple[str, ...], unchanged: bool,
         loaded: _Loaded | None = None) -> tuple[NoteResult, _Built | None]:
    """Build one note's own outputs, or reuse the last build when nothing changed."""
    if unchanged:
        counts = manifest.entries[str(path)].counts
        return NoteResult(path, unchanged=True, counts=counts), None
    with _counting() as counter:
        try:
            if loaded is None:
                built = load_deck(path, options, stage)
            else:
                built_or_none, error, records = loaded
                for level, message in records:
                    log.log(level, "%s", message)
                if built_or_none is None:
                    raise FlashgenError(error)
                built = built_or_none
            if options.strict and counter.count:
                raise BuildFailedError(f"{path}: {counter.count} warning(s) and --strict is set")
            outputs = _export_note(built, path, options, formats) if built.deck.cards else []
            manifest.record(path, settings, outputs, built.derived)
            return NoteResult(path, built.deck, tuple(outputs), warnings=counter.count), built
        except FlashgenError as e:
            manifest.forget(path)
            return NoteResult(path, error=str(e), warnings=counter.count), None


def _write_vault(folder: Path, members: list[tuple[Path, _Built | None]], options: BuildOptions,
                 settings: str, manifest: Manifest) -> NoteResult | None:
    """One .apkg for every note of a folder; rewritten only when one of its notes changed."""
    from flashgen.export.anki import write_apkg
    from flashgen.manifest import fingerprint

    target = options.out_dir / f"{_vault_name(folder)}.apkg"
    state = [settings, *(f"{p}:{fingerprint(p)}" for p, _ in members)]
    if (options.incremental and manifest.packages.get(str(target)) == state
            and target.exists()):
        return None
    decks: list[Deck] = []
    media: dict[str, bytes] = {}
    for path, built in members:
        if built is None:  # unchanged: its cards come from the cache
            cached = manifest.cached_deck(path)
            built = _with_media(cached, path) if cached is not None else load_deck(path, options)
        if built.deck.cards:
            decks.append(built.deck)
            media.update(built.media)
    if not decks:
        return None
    write_apkg(decks, target, timestamp_for([p for p, _ in members], options), media)
    manifest.packages[str(target)] = state
    total = Deck(name=target.stem, source=str(folder), lang="", stem=target.stem,
                 cards=tuple(c for d in decks for c in d.cards))
    return NoteResult(folder, total, (target,), package=True)
