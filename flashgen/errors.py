"""Errors a caller can react to. Messages say what went wrong and how to fix it."""

from __future__ import annotations


class FlashgenError(Exception):
    """Base class: the CLI prints the message on one line and exits with ``exit_code``."""

    exit_code = 1


class UsageError(FlashgenError):
    """Bad paths or options given by the user."""

    exit_code = 2


class NoteReadError(FlashgenError):
    """A note cannot be read or decoded."""

    exit_code = 3


class OutputError(FlashgenError):
    """An output file cannot be written."""

    exit_code = 4


class GenerationError(FlashgenError):
    """Question generation was requested but cannot run."""

    exit_code = 5


class BuildFailedError(FlashgenError):
    """One or more notes failed (or warned, with --strict); the others were still written."""

    exit_code = 1
