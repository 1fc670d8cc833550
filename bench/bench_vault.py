"""Build generated vaults of 250, 1,000 and 4,000 notes (decks only, no model).

    python bench/bench_vault.py [--sizes 250,1000,4000] [--runs 3]

Each build is a fresh `flashgen build VAULT --format apkg --no-generate --force` process (one
vault package); reports median wall time, notes per second, peak RSS of the build process,
and the time of a rebuild where nothing changed (manifest), as medians of --runs.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["cell", "membrane", "protein", "energy", "light", "water", "root", "leaf", "enzyme", "gene", "model", "data", "layer", "network", "signal", "market", "price", "demand", "supply", "theorem", "proof", "limit", "vector", "matrix", "river", "empire", "treaty", "reform", "climate", "carbon", "ocean", "current", "memory", "cache", "thread", "kernel"]


def sentence(rng: random.Random, bold: bool = False) -> str:
    words = rng.sample(WORDS, rng.randint(5, 11))
    if bold:
        i = rng.randrange(len(words) - 1)
        words[i] = f"**{words[i]} {words[i + 1]}**"
        del words[i + 1]
    return " ".join(words).capitalize() + "."


def make_note(i: int, rng: random.Random) -> str:
    """A realistic study note: front matter, sections of points, a table, a short quiz."""
    out = [f"---\ntitle: Lesson {i}\ntags: [bench, unit-{i % 12}]\n---\n", f"# Lesson {i}\n",
           sentence(rng, bold=True) + "\n"]
    for s in range(rng.randint(2, 5)):
        out.append(f"## {s + 1}. Topic {rng.choice(WORDS)} {s}\n")
        for _ in range(rng.randint(2, 5)):
            out.append(f"- {sentence(rng, bold=rng.random() < 0.3)}")
            if rng.random() < 0.2:
                out.append(f"  - {sentence(rng)}")
        out.append("")
    if rng.random() < 0.6:
        out.append("## Overview\n\n| Term | Meaning | Example |\n|---|---|---|")
        for r in range(rng.randint(3, 6)):
            out.append(f"| {rng.choice(WORDS)} {r} | {sentence(rng)} | {rng.choice(WORDS)} |")
        out.append("")
    out.append("## Review questions\n")
    for q in range(rng.randint(1, 3)):
        out.append(f"{q + 1}. Why does the {rng.choice(WORDS)} need {rng.choice(WORDS)}?")
    return "\n".join(out) + "\n"


def make_vault(folder: Path, n: int) -> None:
    rng = random.Random(n)
    folder.mkdir(parents=True)
    for i in range(n):
        sub = folder / f"unit-{i % 12:02}"
        sub.mkdir(exist_ok=True)
        (sub / f"lesson-{i:05}.md").write_text(make_note(i, rng), encoding="utf-8")


def run_build(vault: Path, out: Path, force: bool) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one build process."""
    cmd = [sys.executable, "-m", "flashgen", "build", str(vault), "--out", str(out),
           "--format", "apkg", "--no-generate", "-q"]
    if force:
        cmd.append("--force")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="flashgen-vault-"))
    rows = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            vault = root / f"vault-{n}"
            make_vault(vault, n)
            out = root / f"out-{n}"
            full, peaks, again = [], [], []
            for _ in range(args.runs):
                wall, peak = run_build(vault, out, force=True)
                full.append(wall)
                peaks.append(peak)
                again.append(run_build(vault, out, force=False)[0])
            med = statistics.median(full)
            rows.append((n, med, n / med, max(peaks) / 1024, statistics.median(again)))
            print(f"{n:>5} notes: full build {med:6.2f} s ({n / med:6.0f} notes/s), "
                  f"peak RSS <= {max(peaks) / 1024:6.0f} MiB, no-change rebuild "
                  f"{statistics.median(again):5.2f} s ({100 * statistics.median(again) / med:4.1f} %)",
                  flush=True)
        if len(rows) > 1:
            base = rows[0]
            for n, med, *_ in rows[1:]:
                print(f"time ratio {n}/{base[0]} notes: {med / base[1]:.2f} "
                      f"(linear would be {n / base[0]:.2f})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
