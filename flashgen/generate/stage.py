"""The generation stage: answers -> cached model questions -> filters -> generated cards."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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
from flashgen.generate.filters import clean, reject_reason
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
    def key(gen: Generator, req: Request) -> str:
        text = json.dumps([PROMPT_VERSION, gen.name, gen.revision, req.answer, req.context,
                           req.lang], ensure_ascii=False)
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

    def get(self, gen: Generator, req: Request) -> str | None:
        return self._table(gen).get(self.key(gen, req))

    def put(self, gen: Generator, req: Request, raw: str) -> None:
        self._table(gen)[self.key(gen, req)] = raw
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
            raws, calls = self._questions(gen, [c.request for c in candidates], str(note))
        except GenerationError as e:
            if mode == "on":
                raise
            return Outcome(skipped=f"question generation skipped: {e}")
        return self._filter(doc, authored, text, gen, candidates, raws, calls)

    def _questions(self, gen: Generator, requests: list[Request],
                   label: str) -> tuple[list[str], int]:
        cached = [self.cache.get(gen, r) for r in requests]
        todo = [r for r, c in zip(requests, cached, strict=True) if c is None]
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
        fresh = iter(gen.generate(todo, step))
        out = []
        for req, hit in zip(requests, cached, strict=True):
            if hit is None:
                hit = next(fresh)
                self.cache.put(gen, req, hit)
            out.append(hit)
        self.cache.save()
        return out, 1

    def _filter(self, doc: Document, authored: tuple[Card, ...], text: str, gen: Generator,
                candidates: list[Candidate], raws: list[str], calls: int) -> Outcome:
        lang = i18n.get(doc.lang)
        others = [c.prompt for c in authored
                  if c.kind in ("question", "flashcard", "table", "mcq")]
        kept: list[Card] = []
        rejected: Counter[str] = Counter()
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
            others.append(question)
            back = (
                Text((Span(cand.request.answer, "strong"),)),
                Text((Span(lang.passages_hint),), "hint"),
                Points((Point((Span(cand.request.context),)),)),
            )
            kept.append(Card(kind="generated", prompt=question, front=(Text((Span(question),)),),
                             back=back, context=cand.path, ref=cand.ref, tags=doc.tags,
                             generator=gen.name, source_kind=cand.request.source_kind))
        if rejected:
            log.debug("%s: generated %d kept, %d rejected (%s)", doc.path, len(kept),
                      sum(rejected.values()),
                      ", ".join(f"{r}: {n}" for r, n in rejected.most_common()))
        return Outcome(tuple(kept), rejected, calls)
