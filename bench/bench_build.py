"""Time `flashgen build` on the seed note and `flashgen --help`, as whole commands.

    python bench/bench_build.py [--runs 7]

Each command runs in a fresh process, as a user would (full builds use --force, so the
manifest does not skip them); reports median and min/max.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "manfaat-pre-trained-models.md"


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    print(f"{name:<40} median {statistics.median(times) * 1000:8.1f} ms   "
          f"min {min(times) * 1000:8.1f}   max {max(times) * 1000:8.1f}   (n={len(times)})")


def in_process_pdf(runs: int) -> None:
    """Median time to render and write the seed note's PDF, per layout, in one process."""
    sys.path.insert(0, str(ROOT))
    from flashgen.cards import derive
    from flashgen.export.pdf import write_pdf
    from flashgen.model import Deck
    from flashgen.parse import parse
    from flashgen.sources import read_note

    doc = parse(read_note(SEED), str(SEED))
    deck = Deck(doc.deck, str(SEED), doc.lang, derive(doc), SEED.stem)
    out = Path(tempfile.mkdtemp(prefix="flashgen-pdf-"))
    try:
        write_pdf(deck, out / "warm.pdf")  # fonts loaded once per process
        for layout in ("sheet", "cards", "fold"):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                write_pdf(deck, out / f"{layout}.pdf", layouts=(layout,))
                times.append(time.perf_counter() - start)
            report(f"write seed PDF, {layout} (in process)", times)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    flashgen = [sys.executable, "-m", "flashgen"]
    out = Path(tempfile.mkdtemp(prefix="flashgen-bench-"))
    try:
        timed([*flashgen, "--help"], 1)  # warm the file cache
        report("flashgen --help", timed([*flashgen, "--help"], args.runs))
        for fmt in ("apkg", "csv", "pdf", "apkg,csv,pdf"):
            cmd = [*flashgen, "build", str(SEED), "--out", str(out), "--format", fmt, "-q",
                   "--force"]
            report(f"flashgen build seed --format {fmt}", timed(cmd, args.runs))
        cmd = [*flashgen, "build", str(SEED), "--out", str(out), "--format", "pdf",
               "--pdf-layout", "sheet,cards,fold", "-q", "--force"]
        report("flashgen build seed, 3 PDF layouts", timed(cmd, args.runs))
        cmd = [*flashgen, "build", str(SEED), "--out", str(out), "-q"]
        timed(cmd, 1)
        report("flashgen build seed, nothing changed", timed(cmd, args.runs))
        in_process_pdf(args.runs)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
