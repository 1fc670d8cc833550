"""Build generated vaults of 250, 1,000 and 4,000 notes (decks only, no model).

    python bench/bench_vault.py [--sizes 250,1000,4000] [--runs 3] [--baseline REV]
                                [--python PATH] [--instructions]

Each build is a fresh `flashgen build VAULT --format apkg --no-generate --force` process (one
vault package); reports median wall time, notes per second, and the time of a rebuild where
nothing changed (manifest), as medians of --runs, and the peak resident memory of the build
and its worker processes together, from one more build sampled every 10 ms (sampling slows
a build, so timed builds are not sampled). With --baseline REV, that git revision is timed
too, alternating with the working tree (which of the two goes first alternates as well), and
the median and range of the ratios of each pair of builds are printed. On this VM, a run of
the same code against itself (--baseline HEAD, 7-8 runs) gave medians of 0.90-1.06 and
single pairs of 0.75-1.24: a ratio within a tenth of 1 says nothing; count instructions
(--instructions) for changes smaller than that. CPU seconds are those of the build and its
workers together; they drift with the VM too.

Time grows in two parts: what every build costs whatever its size (the interpreter's start
and exit, imports, the workers' start, writing the package) and what each note adds. So the
report ends with the rate of the extra notes from one size to the next (notes added over
seconds added), and with the time this interpreter takes to start and stop with nothing to
do (`python -c pass`). Each size also reports `python -c 'import click'`, timed between its
builds: the floor of any build and of any rebuild where nothing changed, as a share of that
size's full build (a no-change rebuild cannot take a smaller share).

--python runs the builds with another interpreter than this one, for example a virtual
environment's (`python -m venv V && V/bin/pip install .`, as a user installs flashgen), which
must have flashgen's dependencies; flashgen itself still comes from the working tree (and
--baseline's checkout). An interpreter's start depends on its site-packages: a `.pth` file
there runs at every start (on this VM, one imports certifi, 55 ms of a 76 ms start; a fresh
virtual environment starts in 20 ms).

flashgen's modules are compiled to bytecode first (in a temporary PYTHONPYCACHEPREFIX), as
pip does when it installs a package: without it, a machine that sets PYTHONDONTWRITEBYTECODE
(this one does) compiles them again in every build and in every worker, about 0.1 s a build.
One untimed build of each revision then fills the cache with the bytecode of the standard
library and the dependencies, which the prefix keeps apart from their own.

With --instructions, each full build runs once under ``valgrind --tool=callgrind`` instead
(slow: minutes per thousand notes) and the instructions of the build and its workers are
reported: unlike wall time on a shared VM, the count is the same from one run to the next.
A worker's count starts when it is forked (callgrind would otherwise give each worker the
build process's count until then as well).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def _tree_rss(pid: int) -> int:
    """Resident memory (KiB) of a process and all its descendants, from /proc (Linux)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def interpreter(name: str) -> str:
    """The executable of the interpreter ``name`` (a path, or a command on PATH), as it
    reports itself: not a launcher in front of it (a pyenv shim is a shell script, which
    would cost every build a shell's start and which valgrind would count instead)."""
    try:
        found = subprocess.run([name, "-c", "import sys; print(sys.executable)"],
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"{name}: not a Python interpreter ({e})") from None
    return found.stdout.strip()


def run_build(python: str, vault: Path, out: Path, force: bool, code: Path,
              sample: bool = False) -> tuple[float, int, float]:
    """Wall seconds of one build process (``python`` running the flashgen in ``code``), (with
    ``sample``) the peak resident memory in KiB of the build and its workers together,
    sampled every 10 ms, and the CPU seconds (user and system) of the build and its
    workers. Sampling reads /proc in this process while the build runs, which costs the
    build about a tenth of its speed on two cores: timed runs do not sample."""
    cmd = [python, "-m", "flashgen", "build", str(vault), "--out", str(out),
           "--format", "apkg", "--no-generate", "-q"]
    if force:
        cmd.append("--force")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers count once waited for
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(code), cwd=out.parent)  # not here: -m puts cwd first
    peak = 0
    if sample:
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.01)
    proc.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode}): {' '.join(cmd)}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, peak, cpu


_PYCACHE = Path(tempfile.gettempdir()) / f"flashgen-bench-pycache-{os.getpid()}"


def _env(code: Path) -> dict[str, str]:
    """Run the flashgen in ``code`` with its bytecode cached (see the module's docstring)."""
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONPYCACHEPREFIX": str(_PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_code(python: str, code: Path) -> None:
    """Compile ``code``'s flashgen into the bytecode cache, as an install would."""
    subprocess.run([python, "-m", "compileall", "-q", str(code / "flashgen")],
                   env=_env(code), check=True)


def start_time(python: str, code: str = "pass") -> float:
    """Seconds of one `python -c CODE` in the builds' environment."""
    start = time.perf_counter()
    subprocess.run([python, "-c", code], env=_env(ROOT), check=True)
    return time.perf_counter() - start


FLOOR = "import click"
"""The least any build does before its work: start the interpreter and import the CLI's
framework (click, which the brief fixes). Timed between the builds, in the same runs."""


def count_build(python: str, vault: Path, out: Path, code: Path) -> list[int]:
    """Instructions of each process of one full build (the build first), by callgrind."""
    with tempfile.TemporaryDirectory(prefix="flashgen-callgrind-") as tmp:
        # a forked worker starts with the counts of the build process so far: dumping them
        # just before each fork (in parts of the build's own count) starts each worker at 0
        cmd = ["valgrind", "--tool=callgrind", "--dump-before=fork",
               f"--callgrind-out-file={tmp}/%p.out", python,
               "-m", "flashgen", "build", str(vault), "--out", str(out), "--format", "apkg",
               "--no-generate", "-q", "--force"]
        subprocess.run(cmd, env=_env(code), cwd=out.parent, check=True, capture_output=True)
        counts: dict[int, int] = {}
        for f in Path(tmp).glob("*.out*"):  # PID.out, and PID.out.1, ... for the parts
            found = re.search(r"^(?:summary|totals): (\d+)", f.read_text(), re.MULTILINE)
            if found:
                pid = int(f.name.split(".")[0])
                counts[pid] = counts.get(pid, 0) + int(found.group(1))
    return [counts[pid] for pid in sorted(counts)]  # the build started first: lowest pid


@contextlib.contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A temporary git worktree of ``rev`` (to run an older flashgen side by side)."""
    folder = Path(tempfile.mkdtemp(prefix="flashgen-baseline-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder),
                    rev], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)],
                       check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV",
                        help="also time this git revision, alternating with the working tree")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind instead of timing")
    parser.add_argument("--python", metavar="PATH", default=sys.executable,
                        help="the interpreter that runs the builds (default: this one)")
    args = parser.parse_args()
    python = interpreter(args.python)
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with contextlib.ExitStack() as stack:
        codes = {"now": ROOT}
        if args.baseline:
            codes[args.baseline] = stack.enter_context(checkout(args.baseline))
        stack.callback(shutil.rmtree, _PYCACHE, ignore_errors=True)
        for code in codes.values():
            compile_code(python, code)
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="flashgen-vault-")))
        medians = []
        sizes = [int(x) for x in args.sizes.split(",")]
        for n in sizes:
            vault = root / f"vault-{n}"
            make_vault(vault, n)
            if n == sizes[0]:
                for name, code in codes.items():  # warm-up: fills the bytecode cache
                    run_build(python, vault, root / f"out-{n}-{name}", True, code)
            if args.instructions:
                for name, code in codes.items():
                    build, *workers = count_build(python, vault, root / f"out-{n}-{name}", code)
                    total = build + sum(workers)
                    print(f"{name:>8} {n:>5} notes: {total / 1e9:6.2f} G instructions "
                          f"({total / n / 1e6:5.1f} M per note; build {build / 1e9:.2f} G, "
                          f"workers {sum(workers) / 1e9:.2f} G)", flush=True)
                continue
            full: dict[str, list[float]] = {k: [] for k in codes}
            cpu: dict[str, list[float]] = {k: [] for k in codes}
            again: dict[str, list[float]] = {k: [] for k in codes}
            peaks: dict[str, list[int]] = {k: [] for k in codes}
            floors: list[float] = []
            for run in range(args.runs):
                floors.append(start_time(python, FLOOR))
                # alternate, so drift hits both alike; which goes first alternates too (ABBA):
                # an A/A run (--baseline HEAD) with a fixed order gave a ratio of 0.90
                order = list(codes.items())
                for name, code in order if run % 2 == 0 else order[::-1]:
                    out = root / f"out-{n}-{name}"
                    wall, _, seconds = run_build(python, vault, out, True, code)
                    full[name].append(wall)
                    cpu[name].append(seconds)
                    again[name].append(run_build(python, vault, out, False, code)[0])
            for name, code in codes.items():  # memory: one more full build each, sampled
                peaks[name].append(run_build(python, vault, root / f"out-{n}-{name}", True, code,
                                             sample=True)[1])
            for name in codes:
                med = statistics.median(full[name])
                rebuild = statistics.median(again[name])
                if name == "now":
                    medians.append((n, med))
                print(f"{name:>8} {n:>5} notes: full build {med:6.2f} s ({n / med:4.0f} notes/s, "
                      f"{statistics.median(cpu[name]):5.2f} CPU s), peak RSS "
                      f"{max(peaks[name]) / 1024:5.0f} MiB, no-change rebuild "
                      f"{rebuild:5.2f} s ({100 * rebuild / med:4.1f} %)", flush=True)
            floor = statistics.median(floors)
            print(f"{'':>8} {n:>5} notes: `python -c '{FLOOR}'` {1000 * floor:4.0f} ms "
                  f"({100 * floor / statistics.median(full['now']):4.1f} % of the full build)",
                  flush=True)
            if args.baseline:
                # each pair of builds ran back to back: the median of their ratios is less
                # moved by the VM's drift than the ratio of the medians
                pairs = zip(full[args.baseline], full["now"], strict=True)
                ratios = sorted(b / a for b, a in pairs)
                print(f"         {n:>5} notes: {args.baseline} / now = "
                      f"{statistics.median(ratios):.2f} (median of paired ratios; they ranged "
                      f"{ratios[0]:.2f}-{ratios[-1]:.2f})", flush=True)
        for n, med in medians[1:]:
            print(f"time ratio {n}/{medians[0][0]} notes: {med / medians[0][1]:.2f} "
                  f"(linear would be {n / medians[0][0]:.2f})")
        for (n0, t0), (n1, t1) in itertools.pairwise(medians):
            print(f"from {n0} to {n1} notes: {n1 - n0} notes more in {t1 - t0:.2f} s more "
                  f"({(n1 - n0) / (t1 - t0):.0f} notes/s)")
        if medians:
            start = statistics.median(start_time(python) for _ in range(max(args.runs, 11)))
            print(f"{python} -c pass: {1000 * start:.0f} ms (the start and exit of an "
                  "interpreter that does nothing)")


if __name__ == "__main__":
    main()
