"""Question generation: a Generator protocol and backends chosen by name, loaded lazily.

flashgen picks the answers (answer-aware generation); a backend only writes questions.
Backends: ``none`` and ``hf`` (Hugging Face transformers, in the ``generate`` extra).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

PROMPT_VERSION = "3"
"""Bump when prompts or decoding change, so cached questions are regenerated."""


Progress = Callable[[str, int, int], None]
"""progress(label, done, total)."""


@dataclass(frozen=True)
class GenerateOptions:
    """How the build uses question generation."""

    mode: str = "auto"
    """auto: generate when a model is available, else skip with one line; on: a missing model
    is an error; off: never."""
    model: str | None = None
    """Model id, folder or .gguf file; None means config / FLASHGEN_MODEL / language default."""
    backend: str = "hf"
    """Generator backend name."""
    max_items: int = 12
    """Answers asked per note."""
    batch_size: int = 8
    """Prompts per model call."""
    cache_dir: Path | None = None
    """Where questions are cached; default: the user cache folder."""


@dataclass(frozen=True, slots=True)
class Request:
    """One thing to ask about: an answer span and the passage it sits in."""

    answer: str
    """The answer, verbatim from the note."""
    context: str
    """The passage containing the answer (plain text)."""
    lang: str
    """The note's language code."""
    source_kind: str
    """Where the answer came from: cloze (bold phrase), term (a glossary's term), table (cell),
    section (key term)."""


class Generator(Protocol):
    """Writes one question per request. Implementations may batch and must not sample."""

    name: str
    """Identifies the model in cards and caches (model id or file name)."""
    revision: str
    """Identifies the exact weights (commit hash, file size and time); part of cache keys."""
    answers: bool
    """Whether ``answer`` can answer questions (known without loading the model): a chat
    model can, a seq2seq question generator, trained to ask and nothing else, cannot."""

    def generate(self, requests: Sequence[Request],
                 progress: Callable[[int], None] | None = None) -> list[str]:
        """Raw model output for each request, in order. ``progress(n)`` after each batch."""
        ...

    def answer(self, asked: Sequence[tuple[Request, str]],
               progress: Callable[[int], None] | None = None) -> list[str]:
        """The model's own answer (raw output) to each question, from its request's passage
        alone, in order (when ``answers``): the round trip that checks that a question asks
        for the answer it was written for. ``progress(n)`` after each batch."""
        ...


BACKENDS: dict[str, str] = {
    "none": "flashgen.generate.none:NoGenerator",
    "hf": "flashgen.generate.hf:TransformersGenerator",
}


def get_generator(backend: str, **options: object) -> Generator:
    """Instantiate a backend by name; imports only that backend's module."""
    try:
        target = BACKENDS[backend]
    except KeyError:
        from flashgen.errors import UsageError

        raise UsageError(f"unknown generator {backend!r}; choose from "
                         f"{', '.join(sorted(BACKENDS))}") from None
    module, _, attr = target.partition(":")
    factory = getattr(importlib.import_module(module), attr)
    return factory(**options)  # type: ignore[no-any-return]
