"""Benchmark question generation with a real model.

    python bench/bench_generate.py --model PATH.gguf [--runs 3] [--first-load]

Reports, as medians:
- model load time: cached (converted GGUF / local folder) and, with --first-load, the one-off
  GGUF conversion (the converted copy is removed first);
- seconds per kept item for the seed note and an English note;
- the pipeline's overhead over bare ``model.generate`` on the same tokenised prompts
  (prompt building, tokenising, decoding, filtering, caching), measured side by side, apart
  from the round trip (the model answering the questions it wrote), which is timed alone;
- a rebuild of an unchanged note with the model configured vs a build without a model, as
  whole `flashgen build` commands.
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
sys.path.insert(0, str(ROOT))

NOTES = {
    "seed (id)": ROOT / "source" / "manfaat-pre-trained-models.md",
    "english": ROOT / "tests" / "fixtures" / "notes" / "photosynthesis.md",
    "seed-en": ROOT / "tests" / "fixtures" / "notes" / "pretrained-benefits.md",
}


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_load(model: str, runs: int, first: bool) -> None:
    from flashgen.generate.hf import TransformersGenerator, converted_dir

    if first:
        gen = TransformersGenerator(model)
        shutil.rmtree(converted_dir(gen.ref), ignore_errors=True)
        gen.load()
        print(f"load, first (GGUF conversion + save): {gen.load_seconds:7.1f} s")
    times = []
    for _ in range(runs):
        gen = TransformersGenerator(model)
        gen.load()
        times.append(gen.load_seconds)
    print(f"load, cached:                        {median(times):7.1f} s  (median of {runs})")


def bench_pipeline(model: str, runs: int, names: list[str]) -> None:
    import torch

    from flashgen.cards import derive
    from flashgen.generate.answers import pick_answers
    from flashgen.generate.hf import TransformersGenerator
    from flashgen.generate.stage import GenerateOptions, Stage
    from flashgen.parse import parse
    from flashgen.sources import read_note

    gen = TransformersGenerator(model)
    gen.load()
    for label in names:
        path = NOTES[label]
        text = read_note(path)
        doc = parse(text, str(path))
        cards = derive(doc)
        reqs = [c.request for c in pick_answers(doc, 12)]
        batches = [gen.encode([gen.prompt(r) for r in reqs[i : i + gen.batch_size]])
                   for i in range(0, len(reqs), gen.batch_size)]
        bare, full, trip, kept = [], [], [], 0
        answer = gen.answer

        def timed_answer(*args, _answer=answer, _trip=trip, **kwargs):
            """The round trip's model calls, timed apart."""
            start = time.perf_counter()
            try:
                return _answer(*args, **kwargs)
            finally:
                _trip[-1] += time.perf_counter() - start

        gen.answer = timed_answer  # type: ignore[method-assign]
        for _ in range(runs):
            trip.append(0.0)
            start = time.perf_counter()
            for b in batches:
                with torch.inference_mode():
                    gen._model.generate(**b, do_sample=False, num_beams=1,
                                        max_new_tokens=gen.max_new_tokens,
                                        pad_token_id=gen._tokenizer.pad_token_id)
            bare.append(time.perf_counter() - start)
            with tempfile.TemporaryDirectory() as cache:
                stage = Stage(GenerateOptions(mode="on", model=model, cache_dir=Path(cache)))
                stage._generators[model] = gen  # the loaded model: time generation only
                start = time.perf_counter()
                outcome = stage.run(doc, cards, path, text)
                full.append(time.perf_counter() - start)
                kept = len(outcome.cards)
        gen.answer = answer  # type: ignore[method-assign]
        b, f, t = median(bare), median(full), median(trip)
        print(f"{label:<10} {len(reqs)} prompts: bare generate {b:6.1f} s, pipeline {f:6.1f} s "
              f"(round trip {t:5.1f} s), overhead {100 * (f - t - b) / b:5.1f} %, kept {kept}, "
              f"{f / max(kept, 1):5.1f} s per kept item")
        print(f"           rejected: {dict(outcome.rejected)}")
        for c in outcome.cards:
            print(f"           kept: {c.prompt}  ->  {c.back[0].text[0].text}")


def bench_rebuild(model: str, runs: int) -> None:
    note = NOTES["english"]
    out = Path(tempfile.mkdtemp(prefix="flashgen-bench-"))
    base = [sys.executable, "-m", "flashgen", "build", str(note), "--out", str(out), "-q"]
    with_model = [*base, "--model", model]
    without = [*base, "--no-generate"]
    subprocess.run(with_model, check=True)  # fill the cache
    a, b = [], []
    for _ in range(runs):
        for cmd, into in ((with_model, a), (without, b)):
            start = time.perf_counter()
            subprocess.run(cmd, check=True)
            into.append(time.perf_counter() - start)
    shutil.rmtree(out, ignore_errors=True)
    print(f"rebuild unchanged note: with model {median(a):.2f} s, without {median(b):.2f} s, "
          f"ratio {median(a) / median(b):.2f} (median of {runs}, alternating)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model folder, .gguf file or cached id")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", default=",".join(NOTES),
                        help=f"which notes to generate for (of {', '.join(NOTES)})")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--first-load", action="store_true",
                        help="also time the one-off GGUF conversion (slow)")
    args = parser.parse_args()
    bench_load(args.model, args.runs, args.first_load)
    bench_pipeline(args.model, args.runs, args.notes.split(","))
    if not args.skip_rebuild:
        bench_rebuild(args.model, max(args.runs, 5))


if __name__ == "__main__":
    main()
