"""The `flashgen` command: click options -> BuildOptions -> pipeline.build(). No logic here."""

from __future__ import annotations

import atexit
import gc
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from flashgen import __version__
from flashgen.errors import FlashgenError

if TYPE_CHECKING:
    from flashgen.pipeline import NoteResult


class _Group(click.Group):
    """Turns FlashgenError into one line on stderr and its exit code, never a traceback, and
    Ctrl-C into exit code 130 (click's own would be 1, "Aborted!")."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: object) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[arg-type]
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FlashgenError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; outputs written so far are complete, nothing partial "
                       "was left", err=True)
            sys.exit(130)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.levelno == logging.INFO:
            return record.getMessage()
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(quiet: bool, verbose: bool) -> None:
    logger = logging.getLogger("flashgen")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _csv_list(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise click.BadParameter(f"{what} must be among {', '.join(allowed)} (got {value!r})")
    return items


def main() -> None:
    """The `flashgen` program (its console script and `python -m flashgen`).

    At exit, everything still alive is frozen out of the garbage collector first. The
    interpreter's shutdown would otherwise search all of it for cycles, every object a
    build still holds (its Anki rows, its manifest): about 40 ms after a 1,000-note build,
    for memory the process is about to give back anyway. Objects are still released and
    files flushed and closed; only cyclic garbage left at exit is not collected, which
    Python never promises to finalize. Registered first, so it runs after every other
    exit handler. Only the program does this: `cli` itself, as tests call it, does not.
    """
    atexit.register(gc.freeze)
    cli(prog_name="flashgen")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flashgen")
def cli() -> None:
    """flashgen turns Markdown study notes into Anki decks, CSV and printable cards.

    Write lessons as Markdown in source/, then run `flashgen build`.
    """


@cli.command()
@click.argument("notes", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("decks"),
              show_default=True, help="Folder for the built files.")
@click.option("--deck", help="Deck name for every note (default: front matter `deck`, else "
              "the note's title).")
@click.option("--format", "formats", default="apkg,csv,pdf", show_default=True,
              help="Comma-separated outputs: apkg, csv, pdf.")
@click.option("--csv-style", type=click.Choice(["anki", "plain"]), default="anki",
              show_default=True,
              help="anki: Anki's import headers, no dialog needed; plain: one header row for "
              "spreadsheets (a cell that would start a formula gets a leading ').")
@click.option("--pdf-layout", default="sheet", show_default=True,
              help="Comma-separated PDF layouts: sheet (study sheet + answer key), cards "
              "(duplex cut-out cards), fold (fold-over cards).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size of the PDFs.")
@click.option("--pdf-font", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              envvar="FLASHGEN_PDF_FONT", show_envvar=True,
              help="A TrueType or OpenType font file for the letters the PDFs' own font "
              "(DejaVu Sans) lacks, such as Chinese, Japanese or Korean (for example Noto "
              "Sans CJK); embedded in the PDFs.")
@click.option("--duplex", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help="Printer's duplex flip for the cards layout.")
@click.option("--reverse", is_flag=True,
              help="Also make back-to-front cards for table rows and glossary terms "
              "(flashcards written as front:::back or with #card-reverse always have one).")
@click.option("--generate/--no-generate", "generate", default=None,
              help="Add quiz items written by a question-generation model. Default: when the "
              "model is available locally (else one line says it was skipped); --generate "
              "makes a missing model an error.")
@click.option("--model", metavar="ID|PATH",
              help="Hugging Face model id (downloaded with `flashgen model pull`), model folder "
              "or .gguf file. Default: FLASHGEN_MODEL, then `model` in flashgen.toml or "
              "[tool.flashgen], then a recommended model for the note's language.")
@click.option("--max-generated", type=click.IntRange(1, 200), default=12, show_default=True,
              help="Answers asked of the model per note.")
@click.option("--package", type=click.Choice(["auto", "note", "vault"]), default="auto",
              show_default=True,
              help="vault: one .apkg per folder given (decks/<folder>.apkg, each note in its "
              "own deck), so a whole vault is one import; note: one .apkg per note; auto: "
              "vault for folders, note for files.")
@click.option("--force", is_flag=True,
              help="Rebuild every note, even those unchanged since the last build.")
@click.option("--strict", is_flag=True, help="Fail a note on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True,
              help="Print details as well, and each unchanged note (else one line counts them).")
def build(notes: tuple[Path, ...], out_dir: Path, deck: str | None, formats: str,
          csv_style: str, pdf_layout: str, paper: str, pdf_font: Path | None, duplex: str,
          reverse: bool, generate: bool | None, model: str | None, max_generated: int,
          package: str,
          force: bool, strict: bool, quiet: bool, verbose: bool) -> None:
    """Build decks from NOTES (files or folders; default: every .md under source/).

    A note gives decks/<note>.apkg (import into Anki or AnkiDroid; rebuilt decks update in
    place, keeping review history), decks/<note>.csv and decks/<note>.pdf. A folder gives one
    decks/<folder>.apkg for all its notes (see --package), and their CSV and PDF files in its
    own layout (decks/<subfolder>/<note>.csv). Unchanged notes are skipped.
    """
    from flashgen.generate import GenerateOptions
    from flashgen.pipeline import FORMATS, BuildOptions
    from flashgen.pipeline import build as run_build

    _setup_logging(quiet, verbose)
    options = BuildOptions(
        paths=notes,
        out_dir=out_dir,
        deck=deck,
        formats=_csv_list(formats, FORMATS, "--format"),
        reverse=reverse,
        strict=strict,
        csv_style=csv_style,
        pdf_layouts=_csv_list(pdf_layout, ("sheet", "cards", "fold"), "--pdf-layout"),
        paper=paper,
        pdf_font=pdf_font,
        duplex=duplex,
        package=package,
        incremental=not force,
        generate=GenerateOptions(
            mode={None: "auto", True: "on", False: "off"}[generate],
            model=model,
            max_items=max_generated,
        ),
    )

    unchanged = _Unchanged()

    def report(result: NoteResult) -> None:
        if result.unchanged and not verbose:
            unchanged.add(result)  # one line for them all, at the end
        elif not quiet or not result.ok:
            click.echo(result.summary(), err=not result.ok)

    progress = _ProgressBar() if (not quiet and sys.stderr.isatty()) else None
    try:
        run_build(options, on_note=report, progress=progress)
    finally:
        if progress is not None:
            progress.close()
        if unchanged.notes and not quiet:
            click.echo(unchanged.summary())


class _Unchanged:
    """Notes left as they were: a vault's rebuild says so in one line, not one per note
    (``--verbose`` lists them)."""

    def __init__(self) -> None:
        self.notes = 0
        self.cards = 0

    def add(self, result: NoteResult) -> None:
        self.notes += 1
        self.cards += sum(result.counts.values())

    def summary(self) -> str:
        notes = f"{self.notes} note{'s' * (self.notes != 1)}"
        cards = f"{self.cards} card{'s' * (self.cards != 1)}"
        return f"{notes} unchanged ({cards}); --force builds them again"


class _ProgressBar:
    """A click progress bar per note while the model writes questions (TTY only)."""

    def __init__(self) -> None:
        self.bar: object = None
        self.shown = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if done == 0:
            self.close()
            self.bar = click.progressbar(length=total, label=f"generating {label}",
                                         file=sys.stderr, show_eta=True, show_pos=True)
            self.bar.__enter__()  # type: ignore[attr-defined]
            self.shown = 0
        elif self.bar is not None:
            self.bar.update(done - self.shown)  # type: ignore[attr-defined]
            self.shown = done
            if done >= total:
                self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)  # type: ignore[attr-defined]
            self.bar = None


@cli.group()
def model() -> None:
    """Manage question-generation models (all local; only `pull` uses the network)."""


@model.command("list")
def model_list() -> None:
    """Show the models available on this machine."""
    from flashgen.config import DEFAULT_MODEL_EN, DEFAULT_MODEL_OTHER
    from flashgen.generate.hf import local_models

    found = local_models()
    for name, where in found:
        click.echo(f"{name}\t{where}")
    if not found:
        click.echo("no models on this machine; `flashgen model pull` downloads the "
                   f"recommended one ({DEFAULT_MODEL_EN} for English notes, "
                   f"{DEFAULT_MODEL_OTHER} for other languages)")


@model.command("pull")
@click.argument("model_id", required=False)
def model_pull(model_id: str | None) -> None:
    """Download MODEL_ID from the Hugging Face Hub (default: the recommended English model)."""
    from flashgen.config import DEFAULT_MODEL_EN
    from flashgen.generate.hf import pull

    path = pull(model_id or DEFAULT_MODEL_EN)
    click.echo(f"{model_id or DEFAULT_MODEL_EN}: {path}")
