"""Settings from `flashgen.toml` beside the notes or `[tool.flashgen]` in pyproject.toml.

The nearest file, searching from the note's folder upward, wins. Keys: ``model``,
``generate`` ("auto", "on", "off"), ``max_generated`` (per note). ``FLASHGEN_MODEL`` overrides
``model``; command-line options override both.
"""

from __future__ import annotations

import logging
import os
import sys
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("flashgen")

# Recommended defaults: a small answer-aware T5 for English (seq2seq, fast on a CPU), a small
# multilingual instruction model for everything else.
DEFAULT_MODEL_EN = "lmqg/t5-small-squad-qg"
DEFAULT_MODEL_OTHER = "Qwen/Qwen2.5-0.5B-Instruct"


def _load_toml(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        log.warning("%s: ignored (%s)", path, e)
        return {}


@lru_cache(maxsize=256)
def settings_for(folder: Path) -> dict[str, object]:
    """The settings that apply to notes in ``folder``."""
    for d in (folder.resolve(), *folder.resolve().parents):
        own = d / "flashgen.toml"
        if own.is_file():
            return _load_toml(own)
        project = d / "pyproject.toml"
        if project.is_file():
            tool = _load_toml(project).get("tool", {})
            if isinstance(tool, dict) and isinstance(tool.get("flashgen"), dict):
                return dict(tool["flashgen"])
    return {}


def model_for(note: Path, lang: str, cli_model: str | None) -> str:
    """The model to use for a note: --model, FLASHGEN_MODEL, config, else by language."""
    if cli_model:
        return cli_model
    if os.environ.get("FLASHGEN_MODEL"):
        return os.environ["FLASHGEN_MODEL"]
    configured = settings_for(note.parent).get("model")
    if configured:
        return str(configured)
    return DEFAULT_MODEL_EN if lang.split("-")[0] == "en" else DEFAULT_MODEL_OTHER
