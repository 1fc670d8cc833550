"""The ``none`` backend: asks nothing. Useful to switch generation off by configuration."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flashgen.generate import Request


class NoGenerator:
    """Returns no questions."""

    name = "none"
    revision = ""
    answers = False

    def __init__(self, **_: object) -> None:
        pass

    def generate(self, requests: Sequence[Request],
                 progress: Callable[[int], None] | None = None) -> list[str]:
        if progress is not None:
            progress(len(requests))
        return ["" for _ in requests]

    def answer(self, asked: Sequence[tuple[Request, str]],
               progress: Callable[[int], None] | None = None) -> list[str]:
        return ["" for _ in asked]
