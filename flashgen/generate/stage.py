"""The generation stage: answers -> cached model questions -> filters -> generated cards."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashgen import config, i18n
from flashgen.errors import GenerationError
from flashgen.export.files import write_bytes
from flashgen.generate import (
    PROMPT_VERSION,
    GenerateOptions,
    Generator,
    Progress,
    Request,
    get_generator,
)
from flashgen.generate.answers import Candidate, pick_answers
from flashgen.generate.filters import answers_agree, clean, near_duplicate, reject_reason
from flashgen.model import Card, Document, Point, Points, Span, Text

log = logging.getLogger("flashgen")

@dataclass
class Outcome:
    """What generation did for one note."""

    cards: tuple[Card, ...] = ()
    rejected: Counter[str] = field(default_factory=Counter)
    model_calls: int = 0
    skipped: str = ""


class QuestionCache:
    """Raw model outputs on disk, one JSON file per model revision."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._data: dict[str, dict[str, str]] = {}
        self._dirty: set[str] = set()

    @staticmethod
    def key(gen: Generator, req: Request, question: str | None = None) -> str:
        """The key of the model's question for ``req``, or of its answer to ``question``."""
        parts = [PROMPT_VERSION, gen.name, gen.revision, req.answer, req.context, req.lang]
        if question is not None:
            parts += ["answer", question]
        text = json.dumps(parts, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def _file(self, gen: Generator) -> Path:
        ident = hashlib.sha256(f"{gen.name}@{gen.revision}".encode()).hexdigest()[:20]
        return self.folder / f"{ident}.json"

    def _table(self, gen: Generator) -> dict[str, str]:
        path = self._file(gen)
        if str(path) not in self._data:
            try:
                self._data[str(path)] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._data[str(path)] = {}
        return self._data[str(path)]

    def get(self, gen: Generator, req: Request, question: str | None = None) -> str | None:
        return self._table(gen).get(self.key(gen, req, question))

    def put(self, gen: Generator, req: Request, raw: str, question: str | None = None) -> None:
        self._table(gen)[self.key(gen, req, question)] = raw
        self._dirty.add(str(self._file(gen)))

    def save(self) -> None:
        for name in sorted(self._dirty):
            data = json.dumps(self._data[name], ensure_ascii=False, sort_keys=True, indent=0)
            write_bytes(Path(name), data.encode("utf-8"))
        self._dirty.clear()


def _missing_extra() -> str:
    for module in ("torch", "transformers"):
        if importlib.util.find_spec(module) is None:
            return module
    return ""


class Stage:
    """Runs generation for each note of a build, sharing models and the cache."""

    def __init__(self, options: GenerateOptions, progress: Progress | None = None) -> None:
        self.options = options
        self.progress = progress
        from platformdirs import user_cache_dir

        folder = options.cache_dir or Path(user_cache_dir("flashgen")) / "questions"
        self.cache = QuestionCache(folder)
        self._generators: dict[str, Generator | GenerationError] = {}
        self.reported: set[str] = set()

    def _generator(self, spec: str) -> Generator:
        if spec not in self._generators:
            try:
                missing = _missing_extra() if self.options.backend == "hf" else ""
                if missing:
                    from flashgen.generate.hf import EXTRA_HINT

                    raise GenerationError(f"{missing} is not installed; {EXTRA_HINT}")
                self._generators[spec] = get_generator(
                    self.options.backend, model=spec, batch_size=self.options.batch_size)
            except GenerationError as e:
                self._generators[spec] = e
        gen = self._generators[spec]
        if isinstance(gen, GenerationError):
            raise gen
        return gen

    def run(self, doc: Document, authored: tuple[Card, ...], note: Path, text: str) -> Outcome:
        """Generated cards for one note (never raises in auto mode)."""
        mode = self.options.mode
        if mode == "auto":
            mode = str(config.settings_for(note.parent).get("generate", "auto"))
        if mode == "off":
            return Outcome()
        candidates = pick_answers(doc, self.options.max_items)
        if not candidates:
            return Outcome()
        spec = config.model_for(note, doc.lang, self.options.model)
        try:
            gen = self._generator(spec)
            rejected: Counter[str] = Counter()
            raws, calls = self._questions(gen, [c.request for c in candidates], str(note))
            kept = self._filter(doc, authored, text, gen, candidates, raws, rejected)
            if gen.answers and kept:
                kept, checked = self._round_trip(gen, kept, rejected, str(note))
                calls += checked
            kept = self._new(kept, rejected)
        except GenerationError as e:
            if mode == "on":
                raise
            return Outcome(skipped=f"question generation skipped: {e}")
        if rejected:
            log.debug("%s: generated %d kept, %d rejected (%s)", doc.path, len(kept),
                      sum(rejected.values()),
                      ", ".join(f"{r}: {n}" for r, n in rejected.most_common()))
        return Outcome(tuple(card for card, _ in kept), rejected, calls)

    @staticmethod
    def _new(kept: list[tuple[Card, Request]],
             rejected: Counter[str]) -> list[tuple[Card, Request]]:
        """``kept`` without questions that ask what an earlier one of them asks (those that
        ask what the note's own cards ask were left out by ``_filter``)."""
        asked: list[str] = []
        new = []
        for card, req in kept:
            if near_duplicate(card.prompt, asked):
                rejected["near-duplicate"] += 1
                log.debug("%s: generated question rejected (near-duplicate): %r -> answer %r",
                          card.ref, card.prompt, req.answer)
                continue
            asked.append(card.prompt)
            new.append((card, req))
        return new

    def _round_trip(self, gen: Generator, kept: list[tuple[Card, Request]],
                    rejected: Counter[str], label: str) -> tuple[list[tuple[Card, Request]], int]:
        """The cards whose question the model, asked it about the passage alone, answers
        with the answer it was written for (``answers_agree``); and 1 when the model was
        called. A question it answers otherwise asks for something else, or for nothing the
        passage says."""
        raws, calls = self._answers(gen, [(req, card.prompt) for card, req in kept], label)
        agreed = []
        for (card, req), raw in zip(kept, raws, strict=True):
            if answers_agree(req.answer, raw):
                agreed.append((card, req))
                continue
            rejected["answered differently"] += 1
            log.debug("%s: generated question rejected (answered differently): %r -> answer "
                      "%r, but the model answers %r", card.ref, card.prompt, req.answer,
                      raw.strip()[:80])
        return agreed, calls

    def _questions(self, gen: Generator, requests: list[Request],
                   label: str) -> tuple[list[str], int]:
        return self._outputs(gen, [(r, None) for r in requests], label,
                             lambda todo, step: gen.generate([r for r, _ in todo], step))

    def _answers(self, gen: Generator, asked: list[tuple[Request, str]],
                 label: str) -> tuple[list[str], int]:
        return self._outputs(gen, asked, f"{label} (checking answers)", gen.answer)

    def _outputs(self, gen: Generator, items: Sequence[tuple[Request, str | None]], label: str,
                 call: Callable[[Any, Callable[[int], None]], list[str]]) -> tuple[list[str], int]:
        """The model's output for each item (a request, and the question to answer or None
        to ask one), from the cache or from ``call`` on those not cached; and 1 when the
        model was called, else 0."""
        cached = [self.cache.get(gen, req, q) for req, q in items]
        todo = [item for item, c in zip(items, cached, strict=True) if c is None]
        if not todo:
            return [c or "" for c in cached], 0
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if self.progress is not None:
                self.progress(label, done, len(todo))

        if self.progress is not None:
            self.progress(label, 0, len(todo))
        fresh = iter(call(todo, step))
        out = []
        for (req, question), hit in zip(items, cached, strict=True):
            if hit is None:
                hit = next(fresh)
                self.cache.put(gen, req, hit, question)
            out.append(hit)
        self.cache.save()
        return out, 1

    def _filter(self, doc: Document, authored: tuple[Card, ...], text: str, gen: Generator,
                candidates: list[Candidate], raws: list[str],
                rejected: Counter[str]) -> list[tuple[Card, Request]]:
        """The generated cards that pass the filters (``reject_reason``), each with what it
        was asked for; the reasons of the others are counted in ``rejected``. Questions
        alike are all kept here: the round trip may turn the first away (``_new``)."""
        lang = i18n.get(doc.lang)
        others = [c.prompt for c in authored  # what the note's own cards ask
                  if c.kind in ("question", "flashcard", "table", "mcq")]
        kept: list[tuple[Card, Request]] = []
        for cand, raw in zip(candidates, raws, strict=True):
            question = clean(raw)
            example = getattr(gen, "example", None)
            reason = reject_reason(question, cand.request, text, others,
                                   example(cand.request) if example else "")
            if reason:
                rejected[reason] += 1
                log.debug("%s: generated question rejected (%s): %r -> answer %r", cand.ref,
                          reason, raw.strip()[:120], cand.request.answer)
                continue
            back = (
                Text((Span(cand.request.answer, "strong"),)),
                Text((Span(lang.passages_hint),), "hint"),
                Points((Point((Span(cand.request.context),)),)),
            )
            kept.append((Card(kind="generated", prompt=question,
                              front=(Text((Span(question),)),), back=back, context=cand.path,
                              ref=cand.ref, tags=doc.tags, generator=gen.name,
                              source_kind=cand.request.source_kind), cand.request))
        return kept
