"""Shared fixtures: isolated user state, real-Anki helpers, the seed note."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SEED = ROOT / "source" / "manfaat-pre-trained-models.md"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """No test sees the user's cache, config, model settings or network."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for var in ("FLASHGEN_MODEL", "FLASHGEN_PDF_FONT", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)
    logger = logging.getLogger("flashgen")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.propagate = True
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def seed_note(tmp_path) -> Path:
    """A private copy of the seed note (tests may edit it)."""
    target = tmp_path / "notes" / SEED.name
    target.parent.mkdir()
    target.write_bytes(SEED.read_bytes())
    return target


class AnkiCollection:
    """A fresh collection of the official Anki backend, with import helpers."""

    def __init__(self, folder: Path) -> None:
        from anki.collection import Collection

        self.col = Collection(str(folder / "collection.anki2"))

    def import_apkg(self, path: Path):
        from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        request = ImportAnkiPackageRequest(
            package_path=str(path),
            options=ImportAnkiPackageOptions(with_scheduling=False),
        )
        return self.col.import_anki_package(request).log

    def import_csv(self, path: Path):
        from anki.import_export_pb2 import ImportCsvRequest

        metadata = self.col.get_csv_metadata(str(path), None)
        return self.col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log

    def notes(self, query: str = ""):
        return [self.col.get_note(nid) for nid in self.col.find_notes(query)]

    def sides(self, query: str = "") -> list[tuple[str, str]]:
        """Each card's question and answer, as Anki renders them for review."""
        cards = [self.col.get_card(cid) for cid in self.col.find_cards(query)]
        return [(c.question(), c.answer()) for c in cards]

    def count(self, query: str = "") -> int:
        return len(self.col.find_notes(query))

    def deck_names(self) -> set[str]:
        return {d.name for d in self.col.decks.all_names_and_ids()}

    def close(self) -> None:
        self.col.close()


@pytest.fixture
def anki(tmp_path):
    col = AnkiCollection(tmp_path)
    yield col
    col.close()
