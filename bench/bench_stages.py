"""Instructions per vault note, stage by stage, counted by valgrind (deterministic).

    python bench/bench_stages.py [--baseline REV] [--notes 100]

Wall-clock times on a shared two-core VM swing by a fifth from one run to the next, which
hides changes of a few per cent; the number of instructions a note costs does not. For each
stage of a worker's path (read, markdown-it, the document, card rules, Anki rows) this runs
the notes of a generated vault (bench_vault's) under ``valgrind --tool=callgrind`` twice,
with 20 and with 20 + --notes notes, and reports the difference per note (so that start-up
and imports cancel out). Needs valgrind (``apt-get install valgrind``); slow (about a
minute per stage and revision).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_vault import ROOT, checkout, make_vault

STAGES = ("read", "markdown-it", "document", "cards", "rows")

RUN = """
import logging, sys
from pathlib import Path
logging.disable(logging.CRITICAL)
from flashgen import cards, parse
from flashgen.export import anki
from flashgen.model import Deck
from flashgen.sources import read_note
vault, count, stage = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for path in sorted(vault.rglob("*.md"))[:count]:
    text = read_note(path)
    if stage == "read":
        continue
    if stage == "markdown-it":
        if hasattr(parse, "tokens"):
            parse.tokens(text)
        else:  # a revision from before the front matter was split off by flashgen
            parse.parser_for(text).parse(text)
        continue
    doc = parse.parse(text, str(path))
    if stage == "document":
        continue
    deck = Deck(doc.deck, doc.path, doc.lang, cards.derive(doc), path.stem)
    if stage == "cards":
        continue
    anki.encode_rows(anki.note_rows(deck))
"""


def instructions(code: Path, script: Path, vault: Path, count: int, stage: str) -> int:
    """Instructions of one run (valgrind's "Collected" total)."""
    python = os.path.realpath(sys.executable)  # not a shim: valgrind would count a shell
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python,
         str(script), str(vault), str(count), stage],
        env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if not found:
        raise SystemExit(f"no instruction count from valgrind:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--baseline", metavar="REV", help="also count this git revision")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with contextlib.ExitStack() as stack:
        codes = {"now": ROOT}
        if args.baseline:
            codes[args.baseline] = stack.enter_context(checkout(args.baseline))
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="flashgen-stages-")))
        vault = root / "vault"
        make_vault(vault, 20 + args.notes)
        script = root / "run.py"
        script.write_text(RUN)
        for name, code in codes.items():
            totals = []
            for stage in STAGES:
                low = instructions(code, script, vault, 20, stage)
                high = instructions(code, script, vault, 20 + args.notes, stage)
                totals.append((high - low) / args.notes)
            steps = [totals[0]] + [b - a for a, b in itertools.pairwise(totals)]
            cells = "  ".join(f"{s} {v / 1e6:5.2f}" for s, v in zip(STAGES, steps, strict=True))
            print(f"{name:>8}: {cells}  total {totals[-1] / 1e6:5.2f} M instructions per note",
                  flush=True)


if __name__ == "__main__":
    main()
