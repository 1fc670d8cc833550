"""build(options): read -> parse -> derive -> (generate) -> export. Gather first, write last."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flashgen.errors import BuildFailedError, FlashgenError, UsageError
from flashgen.export.files import sweep
from flashgen.generate import GenerateOptions, Progress
from flashgen.manifest import Manifest, fingerprint, settings_hash
from flashgen.manifest import key as manifest_key

if TYPE_CHECKING:
    import threading

    from flashgen.generate.stage import Stage
    from flashgen.model import Deck

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
    """Add reverse cards for table rows and glossary terms."""
    strict: bool = False
    """Treat warnings as failures."""
    timestamp: float | None = None
    """Note modification time written to Anki; default SOURCE_DATE_EPOCH or the note's mtime."""
    not_before: int = 0
    """Anki modification times are no earlier than this (ns): when this output folder's
    build settings last changed (``Manifest.since``); set by the build itself."""
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
    pdf_font: Path | None = None
    """A font for the letters the PDFs' own font lacks (Chinese, Japanese, Korean, ...)."""
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
                             self.generate, self.package, os.environ.get("SOURCE_DATE_EPOCH"),
                             *self._font())

    def _font(self) -> tuple[object, ...]:
        """The PDF font, as the settings know it: its path, size and time (a new version of
        the file rebuilds the PDFs); nothing without one, as before the option existed."""
        if self.pdf_font is None:
            return ()
        from flashgen.manifest import fingerprint

        return (str(self.pdf_font.resolve()), *fingerprint(self.pdf_font))


@dataclass(frozen=True)
class NoteResult:
    """What happened to one note."""

    path: Path
    """The note."""
    deck: Deck | None = None
    """Its cards, when it was derived in this process (big builds derive in workers and send
    back only what the build needs; ``counts`` is always set)."""
    outputs: tuple[Path, ...] = ()
    """Files written for this note alone."""
    error: str = ""
    """Why it failed, if it did."""
    warnings: int = 0
    """How many warnings it raised."""
    unchanged: bool = False
    """Nothing changed since the last build: nothing was read or written."""
    counts: dict[str, int] = field(default_factory=dict)
    """Cards by kind."""
    package: bool = False
    """This result is a folder's vault package, not a note."""
    joins: Path | None = None
    """The folder's package its cards go into."""

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        """One line: cards by kind and where they went (file names shown as ``display``
        shows them, so that any terminal can print the line)."""
        from flashgen.sources import display

        if self.error:
            return display(f"FAILED {self.error}")
        counts = self.counts
        total = sum(counts.values())
        cards = f"{total} card{'s' * (total != 1)}"
        if self.unchanged:
            return display(f"{self.path}: unchanged ({cards})")
        kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
        written = [*self.outputs, *([self.joins] if self.joins else [])]
        where = ", ".join(str(p) for p in written) or "nothing written"
        warn = f", {self.warnings} warning{'s' * (self.warnings != 1)}" if self.warnings else ""
        return display(f"{self.path}: {cards} ({kinds or 'none'}{warn}) -> {where}")


@dataclass
class _Built:
    """A note ready to export: its deck (media resolved) and the files it embeds."""

    deck: Deck
    media: dict[str, bytes]
    """Embedded files by name."""
    sources: dict[str, str]
    """The file each embedded name was read from."""


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


def load_deck(path: Path, options: BuildOptions, stage: Stage | None = None,
              stem: str = "", shown: str = "") -> _Built:
    """Read, parse and derive the cards of one note, plus generated ones when a stage runs;
    ``stem`` names its own files in the output folder ("": the note's name); ``shown`` is
    what its cards call it ("": the path as given, which warnings always use)."""
    from flashgen import cards as card_rules
    from flashgen.model import Deck
    from flashgen.parse import may_hold_images, parse
    from flashgen.sources import display, read_note
    from flashgen.text import deck_name

    text = read_note(path)
    if not text.strip():
        log.warning("%s: the note is empty; nothing to build", path)
    name = display(path)  # what cards and warnings call the note
    doc = parse(text, name)
    cards = card_rules.derive(doc, reverse=options.reverse)
    if stage is not None:
        outcome = stage.run(doc, cards, path, text)
        if outcome.skipped and outcome.skipped not in stage.reported:
            stage.reported.add(outcome.skipped)
            log.info("%s", outcome.skipped)
        cards = cards + outcome.cards
    if text.strip() and not cards:
        log.warning("%s: no cards: nothing in it makes one (points, table rows, questions, "
                    "bold terms; reading lists and lists of links do not); nothing written",
                    path)
    derived = Deck(name=deck_name(options.deck or "") or doc.deck, source=name, lang=doc.lang,
                   cards=cards, stem=stem or display(path.stem),
                   shown=shown if shown != name else "")  # warnings name the file as given
    return _with_media(derived, path) if may_hold_images(text) else _Built(derived, {}, {})


def _shown_names(notes: list[Path], given: Path) -> dict[Path, str]:
    """What the cards of notes found under ``given`` call them, when ``given`` is an
    absolute path or leads up out of here: the path from the folder given, its name included
    (``notes/bio/cells.md``, as ``flashgen build notes`` says it), or the name of a note given
    itself. A deck shared with others then names no folder of this machine (``/home/…``),
    and is the same wherever the notes are. Other paths are shown as they were given."""
    from flashgen.sources import display

    if not (given.is_absolute() or os.pardir in given.parts):
        return {}
    folder = f"{given.resolve().name}/" if given.is_dir() else ""
    return {note: display(folder + rel) for note, rel in _relative(notes, given).items()}


def _with_media(derived: Deck, path: Path) -> _Built:
    from flashgen.media import Media

    media = Media(path)
    cards = tuple(media.rewrite(c) for c in derived.cards)
    deck = replace(derived, cards=cards)
    return _Built(deck, media.files, media.sources)


def timestamp_for(mtime_ns: int, options: BuildOptions) -> float:
    """Anki modification time: explicit, else SOURCE_DATE_EPOCH, else ``mtime_ns``, the
    modification time of the newest note going into the package, or the time flashgen was
    installed or upgraded (``code_time``), or the time the build settings changed
    (``options.not_before``: ``--reverse`` turned on, say), when that is later.

    Anki's importer updates a note only when the package's copy is newer, so an edited note
    (newer mtime) updates in place and an unchanged one is left alone, until an upgrade of
    flashgen or a change of settings, whose cards then replace the old ones once (a reverse
    card added to a note Anki did not update would have a blank front).
    """
    if options.timestamp is not None:
        return options.timestamp
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return float(epoch)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    from flashgen.manifest import code_time

    return max(mtime_ns, code_time(), options.not_before) / 1e9


def _export_note(built: _Built, path: Path, options: BuildOptions,
                 formats: tuple[str, ...]) -> list[Path]:
    """Write one note's files in ``formats``."""
    deck = built.deck
    written: list[Path] = []
    for fmt in formats:
        target = options.out_dir / f"{deck.stem}.{fmt}"
        if fmt == "apkg":
            from flashgen.export.anki import note_rows, write_apkg

            stamp = timestamp_for(path.stat().st_mtime_ns, options)
            written.append(write_apkg(note_rows(deck), target, stamp, built.media))
        elif fmt == "csv":
            from flashgen.export.csv import write_csv

            written.append(write_csv(deck, target, style=options.csv_style))
        elif fmt == "pdf":
            from flashgen.export.pdf import write_pdf

            written.extend(write_pdf(deck, target, layouts=options.pdf_layouts,
                                     font=options.pdf_font, paper=options.paper,
                                     duplex=options.duplex, media=built.media))
    return written


def _groups(options: BuildOptions) -> list[tuple[Path, bool, list[Path]]]:
    """The notes of each path given, and whether they go into one vault package (else each
    note gets its own package)."""
    from flashgen.sources import find_notes

    if not options.paths and not options.source_dir.is_dir():
        raise UsageError(f"no notes given, and no {options.source_dir}/ folder here to build "
                         "by default; name notes or folders (flashgen build notes/), or run "
                         f"it where {options.source_dir}/ is")
    paths = options.paths or (options.source_dir,)
    groups: list[tuple[Path, bool, list[Path]]] = []
    for p in paths:
        notes = find_notes([p])
        vault = options.package == "vault" or (options.package == "auto" and p.is_dir())
        groups.append((p, vault, notes))
    return groups


def _relative(notes: list[Path], given: Path) -> dict[Path, str]:
    """Each note's path under the folder given (``/``-separated), or its name for a note
    given itself. (String slicing: ``Path.relative_to`` took 16 µs a note, 65 ms for a
    4,000-note vault.)"""
    root = os.fspath(given)
    prefix = "" if root == os.curdir else os.path.join(root, "")
    found = {}
    for note in notes:
        path = os.fspath(note)
        if path == root:
            rel = os.path.basename(path)
        elif path.startswith(prefix):
            rel = path[len(prefix):]
        else:
            rel = os.path.relpath(path, root)
        found[note] = rel if os.sep == "/" else rel.replace(os.sep, "/")
    return found


def _stems(notes: list[Path], given: Path) -> dict[Path, str]:
    """The name of each note's own files in the output folder, without extension: its path
    under the folder given, so that the output folder mirrors it and notes of the same name in
    different folders (an index.md in each) keep their own files; the note's name for a note
    given itself. Shown as ``display`` shows it: any program can open what is written."""
    from flashgen.sources import display

    return {note: display(os.path.splitext(rel)[0]) for note, rel in _relative(notes, given).items()}


def _check_packages(groups: list[tuple[Path, bool, list[Path]]], out_dir: Path) -> None:
    """Refuse, before anything is built, two folders whose vault packages have one name
    (``a/notes b/notes``): the second would replace the first."""
    from flashgen.sources import display

    names: dict[str, Path] = {}
    for given, vault, _ in groups:
        if vault:
            name = _vault_name(given)
            other = names.setdefault(name, given)
            if other != given:
                raise UsageError(f"{display(other)} and {display(given)} would both be packaged "
                                 f"as {display(out_dir / name)}.apkg; build them into separate "
                                 "--out folders, or use --package note")


def _vault_name(folder: Path) -> str:
    from flashgen.sources import display

    return display(folder.resolve().name) or "notes"


@dataclass
class _Done:
    """One note processed (here or in a worker process): what the build needs from it."""

    deck: Deck | None = None
    """Its cards (None when processed in a worker: only what follows crosses back)."""
    counts: dict[str, int] = field(default_factory=dict)
    outputs: tuple[Path, ...] = ()
    """Files written for the note alone."""
    rows: str | None = None
    """Its Anki notes (encoded NoteRows: made once in the worker, then passed on and cached
    as they are), when it goes into a vault package."""
    media: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    error: str = ""
    warnings: int = 0
    records: list[tuple[int, str]] = field(default_factory=list)
    """Log records of a worker, for the parent to emit in note order."""
    ids: bytes = b""
    """The record of its cards' identities, for the next build (``identity.follow``)."""


def _process(path: Path, stem: str, shown: str, before: bytes, options: BuildOptions,
             stage: Stage | None, formats: tuple[str, ...], vault: bool) -> _Done:
    """Read, derive and export one note: its own files are written here, named ``stem``; for
    a vault package its Anki notes are returned, to be written with the others'. ``before``
    records its cards' identities at its last build (``identity.follow``)."""
    from flashgen.identity import follow

    with _counting() as counter:
        try:
            built = load_deck(path, options, stage, stem, shown)
            if options.strict and counter.count:
                raise BuildFailedError(f"{path}: {counter.count} warning(s) and --strict is set")
            built.deck, ids = follow(before, built.deck)
            deck = built.deck
            outputs = _export_note(built, path, options, formats) if deck.cards else []
            rows = None
            if vault:
                from flashgen.export.anki import encode_rows, note_rows

                rows = encode_rows(note_rows(deck))
            return _Done(deck, dict(Counter(c.kind for c in deck.cards)), tuple(outputs), rows,
                         built.media, built.sources, warnings=counter.count, ids=ids)
        except FlashgenError as e:
            return _Done(error=str(e), warnings=counter.count)
        except Exception as e:  # noqa: BLE001 (a bug in flashgen: this note fails, the others build)
            import traceback

            from flashgen.sources import display

            log.debug("%s", "".join(traceback.format_exception(e)).rstrip())
            return _Done(error=display(f"{path}: flashgen failed on this note "
                                       f"({type(e).__name__}: {e}); please report it, with "
                                       "the note if you can (-v shows where it failed)"),
                         warnings=counter.count)


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
    if options.deck is not None:
        from flashgen.text import deck_name

        if not deck_name(options.deck):
            raise UsageError(f"--deck {options.deck!r}: a deck name needs a part that is not "
                             "blank (parts are separated by ::)")
    if options.pdf_font is not None and "pdf" in options.formats:
        from flashgen.export.pdf import font_error

        why = font_error(options.pdf_font)
        if why is not None:
            raise UsageError(f"--pdf-font {options.pdf_font}: not a font the PDFs can use "
                             f"({why})")
    if options.out_dir.exists() and not options.out_dir.is_dir():
        raise UsageError(f"{options.out_dir}: output path is a file; pass a folder to --out")
    groups = _groups(options)
    if "apkg" in options.formats:
        _check_packages(groups, options.out_dir)
    with _exclusive(options.out_dir):
        results = _build(options, groups, on_note, progress)
    failed = [r for r in results if not r.ok]
    if failed:
        notes_built = sum(1 for r in results if not r.package)
        raise BuildFailedError(f"{len(failed)} of {notes_built} notes failed")
    return results


LOCK = "lock"
"""The file in the manifest's folder that a build holds (``_exclusive``)."""


@contextlib.contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for this build. A second build into it (an editor's save hook
    that fires twice) waits for the first to finish, instead of writing the same files and
    manifest at the same time and removing the first's temp files as a killed build's. The
    lock (``flock``) ends with the process however it ends, ``kill -9`` included. Where
    there is no ``fcntl`` (Windows), or the folder cannot be written (each note's write
    then says why), builds are not serialised."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    from flashgen.manifest import FOLDER

    try:
        (out_dir / FOLDER).mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / FOLDER / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            from flashgen.sources import display

            log.info("%s: another flashgen build is writing here; waiting for it to finish",
                     display(out_dir))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # the lock goes with the last copy of the descriptor


def _build(options: BuildOptions, groups: list[tuple[Path, bool, list[Path]]],
           on_note: Callable[[NoteResult], None] | None,
           progress: Progress | None) -> list[NoteResult]:
    """``build``'s work, once the output folder is this build's alone."""
    swept = {options.out_dir}
    sweep(options.out_dir)
    manifest = Manifest.load(options.out_dir)
    settings = options.settings()
    options = replace(options, not_before=manifest.since_settings(settings))
    stage = None
    if options.generate.mode != "off":
        from flashgen.generate.stage import Stage

        stage = Stage(options.generate, progress)
    results: list[NoteResult] = []
    ending: list[threading.Thread] = []  # pools ending, each in a thread, joined last
    packages: list[_VaultPackage] = []
    seen: set[Path] = set()
    taken: dict[str, Path] = {}  # stem -> the note whose files have it
    for given, vault, notes in groups:
        in_vault = vault and "apkg" in options.formats
        per_note = tuple(f for f in options.formats if not (in_vault and f == "apkg"))
        fresh = [p for p in notes if p not in seen]
        seen.update(fresh)
        stems = _stems(fresh, given) if per_note else {}  # no files of their own otherwise
        clashes = _clashes(fresh, stems, taken, options) if per_note else {}
        for sub in {stem.rpartition("/")[0] for stem in stems.values()} - {""}:
            folder = options.out_dir / sub
            if folder not in swept:  # temp files a killed build left in a subfolder
                swept.add(folder)
                sweep(folder)
        prints = {p: fingerprint(p) for p in fresh}  # taken once, before any note is read
        todo = [p for p in fresh if p not in clashes
                and not (options.incremental and manifest.unchanged(p, settings, prints[p]))]
        shown = _shown_names(todo, given)
        processed = _process_all([(p, stems.get(p, ""), shown.get(p, ""),
                                   manifest.identities(p)) for p in todo],
                                 options, stage,
                                 per_note, in_vault, ending)
        next(processed)  # workers start now, and get ready while the package opens
        package = None
        if in_vault and fresh:
            newest = max(mtime for _, mtime in prints.values())
            package = _VaultPackage.open(given, fresh, bool(todo), options, settings, manifest,
                                         timestamp_for(newest, options))
        pending = set(todo)
        for path in fresh:
            note: _Done | None = None
            if path in clashes:
                manifest.forget(path)
                result = NoteResult(path, error=clashes[path])
            elif path in pending:
                note = next(processed)
                assert note is not None  # only the first item is None
                joins = package.target if package is not None and note.counts else None
                result = _finish(path, prints[path], note, settings, manifest, joins)
            else:
                counts = manifest.entries[manifest_key(path)].counts
                result = NoteResult(path, unchanged=True, counts=counts)
            results.append(result)
            if package is not None and result.ok:
                package.add(path, note)
            if on_note is not None:
                on_note(result)
        next(processed, None)  # the pool ends: its workers exit while the package is written
        if package is not None:
            packages.append(package)
    try:
        for written in _write_packages(packages, manifest, seen):
            results.append(written)
            if on_note is not None:
                on_note(written)
    finally:
        for end in ending:
            end.join()
    return results


def _write_packages(packages: list[_VaultPackage], manifest: Manifest,
                    seen: set[Path]) -> Iterator[NoteResult]:
    """Write the vault packages, then the manifest that records them (a build stopped in
    between leaves a manifest that does not claim the new packages).

    Each package's bytes are made in a thread while the manifest is rendered here: SQLite
    (indexes, copying the database out) and zlib (compressing it) do not hold the GIL, and
    this tail of a build has the cores to itself."""
    for p in packages:
        if not p.collection.empty:
            manifest.packages[manifest_key(p.target)] = p.state
    if not packages:  # no thread to start (a rebuild where nothing changed)
        files = manifest.render(seen)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="flashgen-package") as pool:
            made = [pool.submit(p.render) for p in packages]
            files = manifest.render(seen)
            for package, data in zip(packages, made, strict=True):
                written = package.write(data.result())
                if written is not None:
                    yield written
    with contextlib.suppress(FlashgenError):
        manifest.write(files)


def _clashes(notes: list[Path], stems: dict[Path, str], taken: dict[str, Path],
             options: BuildOptions) -> dict[Path, str]:
    """Why each note whose own files would replace another note's of this build (two notes
    given by name, or two names that ``display`` shows alike) is not built."""
    from flashgen.sources import display

    clashes = {}
    for p in notes:
        other = taken.setdefault(stems[p], p)
        if other != p:
            clashes[p] = (f"{display(p)}: its files would replace those of {display(other)} "
                          f"({display(options.out_dir / stems[p])}.*); rename one, or build "
                          "them into separate --out folders")
    return clashes


def _finish(path: Path, print_: list[int], note: _Done, settings: str,
            manifest: Manifest, joins: Path | None) -> NoteResult:
    """Record a processed note in the manifest (after emitting a worker's log records);
    ``joins`` is the vault package its cards go into."""
    for level, message in note.records:
        log.log(level, "%s", message)
    if note.error:
        manifest.forget(path)
        return NoteResult(path, error=note.error, warnings=note.warnings)
    manifest.record(path, print_, settings, list(note.outputs), note.counts, note.sources,
                    note.rows, note.ids)
    return NoteResult(path, note.deck, note.outputs, warnings=note.warnings, counts=note.counts,
                      joins=joins)


PARALLEL_MIN_NOTES = 48
"""From this many notes to process (and no model to run), notes are processed on every core."""


def _process_all(jobs: list[tuple[Path, str, str, bytes]], options: BuildOptions,
                 stage: Stage | None,
                 formats: tuple[str, ...], vault: bool,
                 ending: list[threading.Thread]) -> Iterator[_Done | None]:
    """Process notes (each with the stem of its files) in order: here, or in worker processes
    for many notes without a model (the model stays in one process). Yields None first, once
    the workers have started; then the results, in order, as they are ready. A pool whose
    results are all in is ended in a thread, added to ``ending`` for the build to join."""
    workers = min(os.cpu_count() or 1, 8)
    if stage is not None or workers < 2 or len(jobs) < PARALLEL_MIN_NOTES:
        yield None
        for path, stem, shown, before in jobs:
            yield _process(path, stem, shown, before, options, stage, formats, vault)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if vault and method == "fork":
        # what the workers need and this process imports anyway to write the package (the
        # model and its Anki rows; PyYAML, through genanki): imported once, here, for the
        # workers to inherit, instead of in all three processes while they share two cores
        import yaml  # noqa: F401

        import flashgen.export.anki  # noqa: F401
    # what is loaded now is shared with forked workers: keep the collector from walking it
    # (and from copying its pages into every worker); measured 5-8 % faster
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_worker_init, initargs=(options, formats, vault))
    finished = False
    try:
        # in chunks of a few notes, fewer round trips; the last notes one at a time, so that
        # the workers end together
        chunk = max(1, min(8, len(jobs) // (4 * workers)))
        split = max(0, len(jobs) - 2 * workers * chunk)
        done = itertools.chain(pool.map(_worker, jobs[:split], chunksize=chunk),
                               pool.map(_worker, jobs[split:]))
        yield None
        yield from done
        finished = True
    finally:
        # once every result is in, the pool ends in a thread of its own, its workers exiting
        # while the build goes on (and its memory given back before the package is written);
        # the build joins that thread (``ending``). shutdown(wait=False) would drop what
        # joins the pool's own thread, and at exit Python 3.11 could then write to that
        # thread's closed pipe ("Exception ignored ... Bad file descriptor", 3 of 12 builds
        # of two folders). An interrupted or failed build ends its pool here.
        if finished:
            import threading

            end = threading.Thread(target=pool.shutdown, name="flashgen-pool-end")
            end.start()
            ending.append(end)
        else:
            pool.shutdown(wait=True)
        gc.unfreeze()


class _Capture(logging.Handler):
    """A worker's log records, kept for the parent to emit in note order."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


_capture = _Capture()
_parent: list[int] = []
_settings: list[tuple[BuildOptions, tuple[str, ...], bool]] = []
"""What every job of a worker shares, given once when it starts."""


def _worker_init(options: BuildOptions, formats: tuple[str, ...], vault: bool) -> None:
    # a note makes a few thousand short-lived objects and almost no cycles: collect the
    # youngest generation every 5,000 allocations instead of 700 (1 % fewer instructions)
    gc.set_threshold(5000, 10, 10)
    log.handlers = [_capture]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    _parent[:] = [os.getppid()]
    _settings[:] = [(options, formats, vault)]


def _worker(job: tuple[Path, str, str, bytes]) -> _Done:
    """Process one note in a worker process; its cards stay here, its Anki notes go back."""
    if os.getppid() != _parent[0]:
        os._exit(1)  # the build was killed: write nothing more
    options, formats, vault = _settings[0]
    _capture.records = []
    note = _process(*job, options, None, formats, vault)
    note.deck = None
    note.records = _capture.records
    return note


def _cached(path: Path, manifest: Manifest) -> _Done | None:
    """An unchanged note's Anki notes and images as last built, or None when they are not
    cached or an image is gone."""
    cached = manifest.cached(path)
    if cached is None:
        return None
    rows, sources = cached
    try:
        media = {name: Path(src).read_bytes() for name, src in sources.items()}
    except OSError:
        return None
    return _Done(rows=rows, media=media, sources=sources)


class _VaultPackage:
    """The one .apkg of a folder, filled note by note as notes are processed, so that
    packaging overlaps with the workers instead of following them."""

    def __init__(self, folder: Path, target: Path, state: list[str], timestamp: float,
                 options: BuildOptions, manifest: Manifest) -> None:
        from flashgen.export.anki import Collection

        self.folder = folder
        self.target = target
        self.state = state
        self.options = options
        self.manifest = manifest
        self.collection = Collection(timestamp)
        self.media: dict[str, bytes] = {}
        self.counts: Counter[str] = Counter()

    @classmethod
    def open(cls, folder: Path, notes: list[Path], rebuilt: bool, options: BuildOptions,
             settings: str, manifest: Manifest, timestamp: float) -> _VaultPackage | None:
        """The package to write, or None when it is as last built: no note was processed now
        (a changed note always is), and the folder holds the same notes under the same
        settings."""
        target = options.out_dir / f"{_vault_name(folder)}.apkg"
        state = [settings, *map(manifest_key, notes)]
        if (options.incremental and not rebuilt and target.exists()
                and manifest.packages.get(manifest_key(target)) == state):
            return None
        return cls(folder, target, state, timestamp, options, manifest)

    def add(self, path: Path, note: _Done | None) -> None:
        """Add a note built now, or (None) an unchanged one: from the cache, else derived
        again (its own files are up to date, so none is written)."""
        if note is not None:
            self.counts.update(note.counts)
            self._insert(note)
            return
        self.counts.update(self.manifest.entries[manifest_key(path)].counts)
        cached = _cached(path, self.manifest)
        if cached is not None:
            try:
                self._insert(cached)
                return
            except (ValueError, TypeError, KeyError, IndexError):
                pass  # damaged in the cache
        shown = _shown_names([path], self.folder).get(path, "")
        note = _process(path, "", shown, self.manifest.identities(path), self.options, None, (),
                        vault=True)  # writes no file
        if note.error:
            log.error("%s", note.error)
            return
        self._insert(note)
        if note.rows:
            self.manifest.keep(path, note.rows, note.sources)

    def _insert(self, note: _Done) -> None:
        if note.rows:
            self.collection.add(note.rows)
            self.media.update(note.media)

    def render(self) -> bytes | None:
        """The package's bytes (None when no note has cards); the collection is closed."""
        if self.collection.empty:
            self.collection.discard()
            return None
        return self.collection.apkg(self.media)

    def write(self, data: bytes | None) -> NoteResult | None:
        """Write what ``render`` made (nothing for None)."""
        from flashgen.cards import KINDS
        from flashgen.export.files import write_bytes

        if data is None:
            return None
        write_bytes(self.target, data)
        order = {kind: i for i, kind in enumerate(KINDS)}  # as each note's line has them
        counts = dict(sorted(self.counts.items(), key=lambda kv: order.get(kv[0], len(order))))
        return NoteResult(self.folder, outputs=(self.target,), counts=counts, package=True)
