from __future__ import annotations

import codecs
import logging
import unicodedata

import pytest

from flashgen.errors import NoteReadError, UsageError
from flashgen.sources import find_notes, read_note

TEXT = "# Café\n\n- **naïve** résumé\n- 🚀 Rocket\n"


def test_utf8_bom_crlf_is_normalised(tmp_path):
    note = tmp_path / "a.md"
    note.write_bytes(codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode())
    assert read_note(note) == TEXT


def test_nfd_becomes_nfc(tmp_path):
    note = tmp_path / "a.md"
    note.write_text(unicodedata.normalize("NFD", TEXT), encoding="utf-8")
    assert read_note(note) == TEXT


def test_utf16_with_bom(tmp_path):
    note = tmp_path / "a.md"
    note.write_bytes(TEXT.encode("utf-16"))
    assert read_note(note) == TEXT


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_mojibake_is_repaired_with_a_warning(tmp_path, caplog, codepage):
    note = tmp_path / "broken.md"
    damaged = TEXT.encode("utf-8").decode(codepage, errors="ignore")
    note.write_text(damaged, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="flashgen"):
        text = read_note(note)
    assert "Café" in text and "naïve" in text and "résumé" in text
    assert any("broken.md" in r.getMessage() and "mojibake" in r.getMessage()
               for r in caplog.records)


def test_clean_text_gives_no_warning(tmp_path, caplog):
    note = tmp_path / "ok.md"
    note.write_text(TEXT + "“quotes” — dash, 1–2, Größe\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="flashgen"):
        assert "“quotes”" in read_note(note)
    assert not caplog.records


def test_invalid_utf8_names_file_and_offset(tmp_path):
    note = tmp_path / "bad.md"
    note.write_bytes(b"# ok\n\nabc \xff\xfe def")
    with pytest.raises(NoteReadError, match=r"bad\.md: not valid UTF-8 at byte 10"):
        read_note(note)


def test_binary_file_is_refused(tmp_path):
    note = tmp_path / "img.md"
    note.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NoteReadError, match="binary"):
        read_note(note)


def test_find_notes_in_folders_sorted_and_unique(tmp_path):
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.md").write_text("x")
    found = find_notes([tmp_path, tmp_path / "b.md"])
    assert found == [tmp_path / "b.md", tmp_path / "sub" / "a.md"]


def test_find_notes_errors(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        find_notes([tmp_path / "missing.md"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no Markdown notes"):
        find_notes([tmp_path / "empty"])
