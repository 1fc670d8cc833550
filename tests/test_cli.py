from __future__ import annotations

import atexit
import gc
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashgen import __version__
from flashgen.cli import cli


def invoke(*args: str, cwd=None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_help_and_version():
    result = invoke("--help")
    assert result.exit_code == 0 and "build" in result.output
    result = invoke("build", "--help")
    assert "--out" in result.output and "--pdf-layout" in result.output
    assert invoke("--version").output.strip() == f"flashgen, version {__version__}"


def test_build_prints_one_summary_line_per_note(seed_note, tmp_path):
    other = seed_note.parent / "second.md"
    other.write_text("## Points\n\n- one **bold** point\n- two\n", encoding="utf-8")
    result = invoke("build", str(seed_note.parent), "--out", str(tmp_path / "out"),
                    "--package", "note")
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "cards (" in ln]
    assert len(lines) == 2
    assert "5 section, 1 list, 4 table, 3 question" in lines[0]
    for ext in ("apkg", "csv", "pdf"):
        assert (tmp_path / "out" / f"{seed_note.stem}.{ext}").exists()
        assert (tmp_path / "out" / f"second.{ext}").exists()


def test_default_is_every_note_under_source(tmp_path, monkeypatch):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "n.md").write_text("## A\n\n- x\n- y\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "decks" / "source.apkg").exists()  # a folder gives one package
    # each note's line says where its cards went
    assert f"n.md: 1 card (1 section) -> {Path('decks', 'source.apkg')}" in result.output


def test_no_notes_and_no_source_folder_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("build")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        ("error: no notes given, and no source/ folder here to build by default; name notes or "
         "folders (flashgen build notes/), or run it where source/ is")]
    assert not (tmp_path / "decks").exists()


def test_quiet_and_verbose(seed_note, tmp_path):
    quiet = invoke("build", str(seed_note), "--out", str(tmp_path), "--format", "csv", "-q",
                   "--force")
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = invoke("build", str(seed_note), "--out", str(tmp_path), "--format", "csv", "-v",
                     "--force")
    assert verbose.exit_code == 0 and "24 cards" in verbose.output


def test_missing_path_is_one_line_error(tmp_path):
    result = invoke("build", str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'nope.md'}: no such file or folder"]


def test_bad_note_fails_but_others_are_built(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("## A\n\n- x\n- y\n")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"## A\n\n- \xff\n")
    result = invoke("build", str(tmp_path), "--out", str(tmp_path / "out"), "--format", "apkg",
                    "--package", "note")
    assert result.exit_code == 1
    assert "FAILED" in result.output and "bad.md: not valid UTF-8 at byte 8" in result.output
    assert "error: 1 of 2 notes failed" in result.output
    assert (tmp_path / "out" / "good.apkg").exists()
    assert not (tmp_path / "out" / "bad.apkg").exists()


def test_strict_fails_on_warnings(tmp_path):
    note = tmp_path / "w.md"
    note.write_text("---\ntitle: [broken\n---\n## A\n\n- x\n")
    ok = invoke("build", str(note), "--out", str(tmp_path / "a"), "--format", "apkg")
    assert ok.exit_code == 0 and "1 warning" in ok.output
    strict = invoke("build", str(note), "--out", str(tmp_path / "b"), "--format", "apkg",
                    "--strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "b" / "w.apkg").exists()


def test_bad_format_option(tmp_path):
    result = invoke("build", "--format", "docx")
    assert result.exit_code == 2 and "--format must be among apkg, csv, pdf" in result.output


def test_out_is_a_file(seed_note, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = invoke("build", str(seed_note), "--out", str(target))
    assert result.exit_code == 2 and "output path is a file" in result.output


def test_cli_import_stays_light():
    code = ("import sys, flashgen.cli; heavy = {'torch', 'transformers', 'genanki', 'fpdf', "
            "'markdown_it', 'ftfy'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "flashgen", "--version"], capture_output=True,
                         text=True, check=True)
    assert __version__ in out.stdout


def test_ctrl_c_while_the_program_loads_is_no_traceback(monkeypatch, capsys):
    import flashgen.__main__ as program

    class Interrupting:
        """An import of flashgen.cli that Ctrl-C stops."""

        def find_spec(self, name, path=None, target=None):
            if name == "flashgen.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "flashgen.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    with pytest.raises(SystemExit) as exited:
        program.run()
    assert exited.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_the_program_leaves_shutdown_nothing_to_collect(monkeypatch, capsys):
    """The console script runs `main`, which freezes what is left at exit (see its docstring)
    and then the same commands as `cli`."""
    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(sys, "argv", ["flashgen", "--version"])
    (script,) = entry_points(group="console_scripts", name="flashgen")
    with pytest.raises(SystemExit) as exited:
        script.load()()
    assert exited.value.code == 0 and __version__ in capsys.readouterr().out
    assert registered == [gc.freeze]
