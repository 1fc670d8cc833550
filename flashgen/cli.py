"""The `flashgen` command: click options -> BuildOptions -> pipeline.build(). No logic here."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from flashgen import __version__
from flashgen.errors import FlashgenError


class _Group(click.Group):
    """Turns FlashgenError into one line on stderr and its exit code, never a traceback."""

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
              "spreadsheets.")
@click.option("--pdf-layout", default="sheet", show_default=True,
              help="Comma-separated PDF layouts: sheet (study sheet + answer key), cards "
              "(duplex cut-out cards), fold (fold-over cards).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--duplex", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help="Printer's duplex flip for the cards layout.")
@click.option("--reverse", is_flag=True, help="Also make back-to-front cards for table rows.")
@click.option("--strict", is_flag=True, help="Fail a note on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print details as well.")
def build(notes: tuple[Path, ...], out_dir: Path, deck: str | None, formats: str,
          csv_style: str, pdf_layout: str, paper: str, duplex: str, reverse: bool,
          strict: bool, quiet: bool, verbose: bool) -> None:
    """Build decks from NOTES (files or folders; default: every .md under source/).

    Writes decks/<note>.apkg (import into Anki or AnkiDroid; rebuilt decks update in place,
    keeping review history), decks/<note>.csv and decks/<note>.pdf.
    """
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
        duplex=duplex,
    )

    def report(result: object) -> None:
        if not quiet or not getattr(result, "ok", True):
            click.echo(result.summary(), err=not getattr(result, "ok", True))  # type: ignore[attr-defined]

    run_build(options, on_note=report)
