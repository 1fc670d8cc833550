"""Hostile input, interruptions, media safety, reproducibility, incremental builds."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashgen.cli import cli
from flashgen.errors import OutputError
from flashgen.export import files
from flashgen.pipeline import BuildOptions, build

from .conftest import SEED

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"\x8d\x94\x89\x00\x00\x00\x00IEND\xaeB`\x82")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def note(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "notes" / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- bad input: one line, named file, documented exit code, never a traceback -----------

@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        ("", 0, "the note is empty"),
        ("  \n\t\n", 0, "the note is empty"),
        (b"\x00\x01\x02binary\xff", 1, "looks like a binary file"),
        (b"# ok\n\xc3\x28 broken", 1, "not valid UTF-8 at byte 5"),
        ("## Empty\n\n## Also empty\n", 0, "no cards"),
    ],
)
def test_bad_notes(tmp_path, content, code, message):
    path = note(tmp_path, "bad.md", content)
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output
    assert str(path) in result.output
    assert not (tmp_path / "out" / "bad.apkg").exists()


def test_20_mb_note_is_refused_quickly(tmp_path):
    path = note(tmp_path, "huge.md", "## Log\n\n" + "- line of a log file\n" * 1_100_000)
    assert path.stat().st_size > 20_000_000
    start = time.perf_counter()
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert time.perf_counter() - start < 5
    assert result.exit_code == 1
    assert "larger than the 5 MB limit for one note; split it" in result.output


def test_utf16_note_builds(tmp_path):
    path = note(tmp_path, "u16.md", "## Tiere\n\n- Hund\n- Katze\n".encode("utf-16"))
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert result.exit_code == 0 and "1 card (1 section)" in result.output


def test_file_names_that_are_not_utf8(tmp_path, anki):
    """A Linux file name may be any bytes. What flashgen writes (cards, CSV, file names) shows
    U+FFFD where a name's bytes are not UTF-8, so that Anki can open it; the manifest keeps
    the real name, so a rebuild finds the note unchanged."""
    folder = os.fsencode(tmp_path) + b"/notes-\xe9"
    try:
        os.mkdir(folder)
        with open(folder + b"/plants-\xff.md", "w", encoding="utf-8") as f:
            f.write("## Parts\n\n- **leaf** makes sugar\n- root takes water\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    (Path(os.fsdecode(folder)) / "plain.md").write_text("## Soil\n\n- sand\n- clay\n")
    out = tmp_path / "out"
    for args in ([], ["--package", "note"]):
        result = run("build", os.fsdecode(folder), "--out", str(out), "--format",
                     "apkg,csv,pdf", *args)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        assert "plants-\ufffd.md: 2 cards" in result.output
    again = run("build", os.fsdecode(folder), "--out", str(out), "--format", "apkg,csv,pdf",
                "--package", "note")
    assert "2 notes unchanged (" in again.output, again.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "notes-\ufffd.apkg", "plain.apkg", "plain.csv", "plain.pdf", "plants-\ufffd.apkg",
        "plants-\ufffd.csv", "plants-\ufffd.pdf"]
    assert "notes-\ufffd/plants-\ufffd.md:3" in (out / "plants-\ufffd.csv").read_text()
    anki.import_apkg(out / "notes-\ufffd.apkg")
    assert "Plants \ufffd::Parts" in anki.deck_names()
    sources = {n["Source"] for n in anki.notes()}
    assert any(s.endswith("notes-\ufffd/plants-\ufffd.md:3") for s in sources), sources


def test_notes_of_the_same_name_keep_their_own_files(tmp_path):
    """A folder's notes are written in its layout: an index.md in every subfolder keeps its
    own CSV. Two notes given by name whose files would share a name are not written over
    each other: the second fails, with a message naming both. Two folders of one name
    (whose packages would share it) are refused."""
    for unit, term in (("unit-1", "cell"), ("unit-2", "atom")):
        (tmp_path / "notes" / unit).mkdir(parents=True)
        (tmp_path / "notes" / unit / "index.md").write_text(f"## {unit}\n\n- **{term}** a\n- b\n")
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "notes"), "--out", str(out), "--format", "apkg,csv")
    assert result.exit_code == 0, result.output
    assert "cell" in (out / "unit-1" / "index.csv").read_text()
    assert "atom" in (out / "unit-2" / "index.csv").read_text()
    assert not (out / "index.csv").exists()
    again = run("build", str(tmp_path / "notes"), "--out", str(out), "--format", "apkg,csv")
    assert "2 notes unchanged (" in again.output, again.output
    first, second = (tmp_path / "notes" / u / "index.md" for u in ("unit-1", "unit-2"))
    both = run("build", str(first), str(second), "--out", str(tmp_path / "flat"))
    assert both.exit_code == 1 and "Traceback" not in both.output
    assert f"{second}: its files would replace those of {first}" in both.output
    assert "cell" in (tmp_path / "flat" / "index.csv").read_text()
    assert "atom" not in (tmp_path / "flat" / "index.csv").read_text()
    # two folders of one name: their packages would share a name; refused before any work
    for side in ("a", "b"):
        (tmp_path / side / "notes").mkdir(parents=True)
        (tmp_path / side / "notes" / f"{side}.md").write_text("## T\n\n- **x** y\n- z\n")
    twins = run("build", str(tmp_path / "a" / "notes"), str(tmp_path / "b" / "notes"),
                "--out", str(tmp_path / "twins"))
    assert twins.exit_code == 2 and "Traceback" not in twins.output
    assert "would both be packaged as" in twins.output
    assert not (tmp_path / "twins").exists()


def test_big_and_deep_inputs(tmp_path):
    big = "# Big\n\n" + "".join(f"## Topic {i}\n\n- point **{i}** one\n- point two\n\n"
                                  for i in range(25_000))
    assert len(big.encode()) > 1_000_000
    deep = ("## Deep\n\n" + "".join("  " * i + "- level\n" for i in range(900))
            + "- " * 5000 + "innermost\n")
    quotes = "## Quotes\n\n" + ">" * 5000 + " quoted\n"
    line = "## Line\n\n- " + "word " * 200_000 + "\n"
    ragged = ("## Table\n\n| A | B \\| C | D |\n|---|---|---|\n| 1 | 2 \\| 3 |\n| x |\n"
              "| y | z | w | extra |\n")
    dup = "## Same\n\n- a\n- b\n\n## Same\n\n- c\n- d\n\n### \n\n## Nothing\n"
    paths = [note(tmp_path, n, c) for n, c in [("big.md", big), ("deep.md", deep),
                                                 ("quotes.md", quotes), ("line.md", line),
                                                 ("ragged.md", ragged), ("dup.md", dup)]]
    start = time.perf_counter()
    results = build(BuildOptions(paths=tuple(paths), out_dir=tmp_path / "out",
                                 formats=("apkg", "csv")))
    assert time.perf_counter() - start < 120
    by_name = {r.path.name: r for r in results}
    assert len(by_name["big.md"].deck.cards) == 25_000 + 25_000 - 10  # 1-letter bold: no cloze
    table = [c for c in by_name["ragged.md"].deck.cards if c.kind == "table"]
    assert table[0].prompt.startswith("1 (A)")
    assert {c.prompt for c in by_name["dup.md"].deck.cards if c.kind == "section"} == {
        "Dup › Same", "Dup › Same (2)"}


def test_folder_without_notes_and_missing_path(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("build", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "no Markdown notes" in result.output
    result = run("build", str(tmp_path / "missing"))
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_unwritable_output(tmp_path):
    path = note(tmp_path, "n.md", "## A\n\n- x\n- y\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("build", str(path), "--out", str(blocker / "sub"), "--format", "apkg")
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "Traceback" not in result.output


def test_full_disk_keeps_previous_output(tmp_path, monkeypatch):
    path = note(tmp_path, "n.md", "## A\n\n- x\n- y\n")
    out = tmp_path / "out"
    build(BuildOptions(paths=(path,), out_dir=out, formats=("apkg",)))
    before = (out / "n.apkg").read_bytes()
    path.write_text("## A\n\n- x changed\n- y\n")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    result = run("build", str(path), "--out", str(out), "--format", "apkg")
    assert result.exit_code == 1
    assert "no space left on device; the previous file is unchanged" in result.output
    assert (out / "n.apkg").read_bytes() == before
    assert list((out / files.TEMP_DIR).iterdir()) == []


def test_write_bytes_error_is_output_error(tmp_path):
    (tmp_path / "x").write_text("a file, not a folder")
    with pytest.raises(OutputError, match="cannot write"):
        files.write_bytes(tmp_path / "x" / "y", b"")


# --- media ---------------------------------------------------------------------------

def test_images_are_embedded_by_hash_and_outside_refs_refused(tmp_path, caplog, anki):
    folder = tmp_path / "vault"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "leaf café.png").write_bytes(PNG)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"SECRET" + PNG)
    (folder / "link.png").symlink_to(secret)
    (folder / "loop-a.png").symlink_to(folder / "loop-b.png")
    (folder / "loop-b.png").symlink_to(folder / "loop-a.png")
    (folder / "folder.png").mkdir()
    path = folder / "n.md"
    path.write_text(
        "## Leaf\n\n- ![a leaf](img/leaf%20café.png) green\n"
        '- <img src="img/leaf café.png" alt="again"> twice\n'
        "- ![x](../secret.png) up\n- ![x](/etc/passwd) absolute\n"
        "- ![x](link.png) symlink\n- ![x](missing.png) missing\n"
        f"- ![x](loop-a.png) loop\n- ![x](folder.png) folder\n- ![x]({'n' * 300}.png) long\n"
        "- ![[img/leaf café.png|200]] as Obsidian embeds it\n- ![[../elsewhere.png]] up\n",
        encoding="utf-8")
    build(BuildOptions(paths=(path,), out_dir=tmp_path / "out", formats=("apkg",)))
    apkg = tmp_path / "out" / "n.apkg"
    with zipfile.ZipFile(apkg) as z:
        media = z.read("media").decode()
        blobs = [z.read(n) for n in z.namelist() if n.isdigit()]
    digest = hashlib.sha256(PNG).hexdigest()[:16]
    assert media == f'{{"0": "fg-{digest}.png"}}'
    assert blobs == [PNG]  # once, though referenced twice; nothing from outside
    warnings = caplog.text
    assert "n.md:5: image '../secret.png' is outside the note's folder" in warnings
    assert "'/etc/passwd' is outside" in warnings
    assert "'link.png' is outside" in warnings
    assert "'missing.png' not found" in warnings
    # what cannot be read is a warning, not a traceback
    assert "n.md:9: image 'loop-a.png' cannot be read (a loop of symbolic links)" in warnings
    assert "n.md:10: image 'folder.png' not found" in warnings
    assert "n.md:11: image 'nnnn" in warnings and "cannot be read (File name too long)" in warnings
    anki.import_apkg(apkg)
    assert "n.md:13: image '../elsewhere.png' is outside the note's folder" in warnings
    back = anki.notes("tag:flashgen::section")[0]["Back"]
    assert back.count(f'src="fg-{digest}.png"') == 3
    assert "secret" not in back and "passwd" not in back


# --- no live markup ---------------------------------------------------------------------

EVIL = ('## X\n\n- <script>alert(1)</script> **bold**\n- <b onclick="alert(2)">hi</b>\n'
        '- [link](javascript:alert(3)) and <a href="javascript:alert(4)">a</a>\n'
        '- ![i](javascript:alert(5)) <img src=x onerror=alert(6)>\n'
        "\n| K | V |\n|---|---|\n| <i onmouseover=x>k</i> | <svg onload=alert(7)> |\n")


def test_no_live_markup_in_any_exporter(tmp_path):
    path = note(tmp_path, "evil.md", EVIL)
    build(BuildOptions(paths=(path,), out_dir=tmp_path / "out"))
    with zipfile.ZipFile(tmp_path / "out" / "evil.apkg") as z:
        z.extract("collection.anki2", tmp_path)
    import sqlite3

    fields = " ".join(r[0] for r in sqlite3.connect(tmp_path / "collection.anki2").execute(
        "select flds from notes"))
    csv_text = (tmp_path / "out" / "evil.csv").read_text()
    for text in (fields, csv_text):
        for bad in ("<script", "<b onclick", "<svg", "<i onmouseover", '<a href="javascript',
                    '<img src="javascript', "<img src=x"):
            assert bad not in text, bad
        assert "&lt;script&gt;" in text


# --- all or nothing ------------------------------------------------------------------------

def _write_vault(folder: Path, n: int, word: str) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"n{i:03}.md").write_text(f"## Topic {i}\n\n- **{word}** {i}\n- other\n" * 20)


def _build_cmd(folder: Path, out: Path) -> list[str]:
    """A per-note .apkg + CSV build: workers write files all through it."""
    return [sys.executable, "-m", "flashgen", "build", str(folder), "--out", str(out),
            "--format", "apkg,csv", "--package", "note", "-q"]


def _assert_whole(out: Path) -> None:
    """Every output is complete (temp files of a killed process wait in TEMP_DIR for the
    next build to sweep them)."""
    for p in out.iterdir():
        if p.suffix == ".apkg":
            with zipfile.ZipFile(p) as z:
                assert z.testzip() is None
        elif p.suffix == ".csv":
            assert p.read_bytes().endswith(b"\n")


def _wait_for_group_exit(pgid: int) -> None:
    """No process of the build's group is left within 5 s (workers may take a moment)."""
    for _ in range(100):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("worker processes still running 5 s after the build exited")


def test_kill_9_during_build_leaves_previous_outputs(tmp_path):
    folder, out = tmp_path / "vault", tmp_path / "out"
    _write_vault(folder, 400, "point")
    cmd = _build_cmd(folder, out)
    subprocess.run(cmd, check=True)
    before = {p.name for p in out.iterdir() if p.is_file()}
    _write_vault(folder, 400, "changed")
    for delay in (0.8, 1.6, 2.4):
        proc = subprocess.Popen(cmd, start_new_session=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)  # the build process alone, as the OOM killer would
        proc.wait()
        _wait_for_group_exit(proc.pid)  # its workers stop at their next note
        assert {p.name for p in out.iterdir() if p.is_file()} == before  # no partial files
        _assert_whole(out)
    subprocess.run(cmd, check=True)
    assert b"changed" in (out / "n000.csv").read_bytes()
    assert not list((out / files.TEMP_DIR).iterdir())  # swept


def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    from flashgen import manifest, pipeline

    folder, out = tmp_path / "vault", tmp_path / "out"
    _write_vault(folder, 3, "point")
    (out / manifest.FOLDER).mkdir(parents=True)
    with open(out / manifest.FOLDER / pipeline.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a build in progress holds it
        cmd = [arg for arg in _build_cmd(folder, out) if arg != "-q"]
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert b"another flashgen build is writing here; waiting for it to finish" in line
        time.sleep(0.5)
        assert proc.poll() is None and not list(out.glob("*.csv"))  # nothing written yet
    _, err = proc.communicate(timeout=60)  # the first build is over: the second goes on
    assert proc.returncode == 0, err
    assert len(list(out.glob("*.csv"))) == 3


def test_ctrl_c_stops_a_parallel_build_cleanly(tmp_path):
    folder, out = tmp_path / "vault", tmp_path / "out"
    _write_vault(folder, 600, "point")
    # as from a terminal: a shell's background job (a CI runner may start one) ignores Ctrl-C,
    # and so do its children, flashgen too; a handled signal is a default one after exec
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(_build_cmd(folder, out), start_new_session=True,
                                stderr=subprocess.PIPE)
    finally:
        signal.signal(signal.SIGINT, ignored)
    deadline = time.monotonic() + 60
    while not list(out.glob("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the workers are writing (a loaded machine starts slowly)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: parent and workers
    start = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.monotonic() - start < 10
    assert b"interrupted" in err and b"Traceback" not in err
    assert len(list(out.glob("*.csv"))) < 600  # stopped part way
    _wait_for_group_exit(proc.pid)
    _assert_whole(out)
    assert not list((out / files.TEMP_DIR).iterdir())  # an interrupted build cleans up


def test_one_failure_does_not_stop_the_others(tmp_path):
    good = note(tmp_path, "good.md", "## A\n\n- x\n- y\n")
    note(tmp_path, "bad.md", b"\xff\xfe\xfa")
    result = run("build", str(good.parent), "--out", str(tmp_path / "out"), "--format", "csv")
    assert result.exit_code == 1 and "error: 1 of" in result.output
    assert (tmp_path / "out" / "good.csv").exists()


@pytest.mark.parametrize("count", [3, 60])  # built here; built in worker processes
def test_a_bug_on_one_note_fails_that_note_only(tmp_path, monkeypatch, count):
    folder = tmp_path / "v"
    folder.mkdir()
    for i in range(count):
        (folder / f"n{i:02d}.md").write_text(f"## Topic {i}\n\n- a **bold** point\n- more\n")
    from flashgen import cards

    derive = cards.derive

    def buggy(doc, **kwargs):
        if doc.path.endswith("n01.md"):
            raise ZeroDivisionError("simulated bug")
        return derive(doc, **kwargs)

    monkeypatch.setattr(cards, "derive", buggy)  # forked workers inherit it
    out = tmp_path / "out"
    result = run("build", str(folder), "--out", str(out), "--format", "apkg,csv", "-v")
    assert result.exit_code == 1 and f"error: 1 of {count} notes failed" in result.output
    assert ("n01.md: flashgen failed on this note (ZeroDivisionError: simulated bug); "
            "please report it") in result.output
    assert "Traceback" in result.output and "simulated bug" in result.output  # -v: where
    assert len(list(out.glob("*.csv"))) == count - 1 and not (out / "n01.csv").exists()
    quiet = run("build", str(folder), "--out", str(tmp_path / "quiet"), "--format", "csv")
    assert quiet.exit_code == 1 and "Traceback" not in quiet.output


# --- reproducible ----------------------------------------------------------------------------

def test_same_input_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outs = []
    for run_dir in ("a", "b"):
        build(BuildOptions(paths=(SEED,), out_dir=tmp_path / run_dir, formats=("apkg", "csv"),
                           incremental=False))
        outs.append({p.name: p.read_bytes() for p in (tmp_path / run_dir).iterdir()
                     if p.is_file()})
        time.sleep(1.1)
    assert outs[0] == outs[1]


def test_same_bytes_whatever_the_hash_seed(tmp_path):
    """Python orders sets of strings differently in every process: nothing written may depend
    on that order (card rules score passages by sums over words, for one)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "seed.md").write_bytes(SEED.read_bytes())
    fixtures = list((Path(__file__).parent / "fixtures" / "notes").glob("*.md"))
    for fixture in fixtures:
        (notes / fixture.name).write_bytes(fixture.read_bytes())
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
        subprocess.run([sys.executable, "-m", "flashgen", "build", str(notes), "--out", str(out),
                        "--format", "apkg,csv", "--no-generate", "-q"], env=env, check=True)
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.*")
                     if p.suffix in (".apkg", ".csv")})
    assert len(outs[0]) == len(fixtures) + 2  # a CSV per note, and the folder's .apkg
    assert outs[0] == outs[1]


# --- vault packages and incremental rebuilds ------------------------------------------

def test_folder_builds_one_vault_package(tmp_path, anki):
    folder = tmp_path / "biology"
    folder.mkdir()
    (folder / "a.md").write_text("---\ndeck: Bio::Cells\n---\n## Parts\n\n- nucleus\n- wall\n")
    (folder / "b.md").write_text("## Plants\n\n- leaf\n- root\n")
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.apkg")) == ["biology.apkg"]
    anki.import_apkg(tmp_path / "out" / "biology.apkg")
    assert {"Bio::Cells::Parts", "B::Plants"} <= anki.deck_names()
    per_note = run("build", str(folder), "--out", str(tmp_path / "notes"), "--format", "apkg",
                   "--package", "note")
    assert per_note.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "notes").glob("*.apkg")) == ["a.apkg", "b.apkg"]
    # same GUIDs either way: importing the per-note packages adds nothing
    log = anki.import_apkg(tmp_path / "notes" / "a.apkg")
    assert not log.new


def test_anki_field_separators_in_a_note_or_its_name_do_not_fail_the_import(tmp_path, anki):
    """U+001F separates a note's fields in Anki's database: one in a note's text or file
    name (a Linux name may hold any character) made Anki refuse the whole package ("note has
    8 fields, expected 7")."""
    path = note(tmp_path, "n\x1fx.md", "## Parts\n\n- a\x1fb point, **bold**\n- wall\n")
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert result.exit_code == 0, result.output
    log = anki.import_apkg(tmp_path / "out" / "n\x1fx.apkg")
    assert len(log.new) == anki.count() == 2
    assert all("\x1f" not in "".join(n.fields[:2]) for n in anki.notes())
    assert "ab point" in anki.notes("tag:flashgen::section")[0]["Back"]


def test_deck_names_are_written_as_anki_keeps_them(tmp_path, anki):
    """Anki trims each ``::`` part and names an empty one "blank": flashgen writes the name
    Anki will show, so that no "blank" decks appear."""
    path = note(tmp_path, "n.md", "---\ndeck: ' Bio ::  ::\tCells '\n---\n## Parts\n\n"
                                 "- nucleus\n- wall\n")
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "apkg,csv")
    assert result.exit_code == 0, result.output
    anki.import_apkg(tmp_path / "out" / "n.apkg")
    assert anki.deck_names() == {"Default", "Bio", "Bio::Cells", "Bio::Cells::Parts"}
    assert '"Bio::Cells::Parts"' in (tmp_path / "out" / "n.csv").read_text()
    blank = run("build", str(path), "--deck", " :: ", "--out", str(tmp_path / "blank"))
    assert blank.exit_code == 2 and "a deck name needs a part that is not blank" in blank.output
    assert not (tmp_path / "blank").exists()


def _vault(tmp_path: Path, notes: int) -> Path:
    """A folder ``v`` of ``notes`` small notes, ``n0.md`` … (a section card each)."""
    folder = tmp_path / "v"
    folder.mkdir()
    for i in range(notes):
        (folder / f"n{i}.md").write_text(f"## T{i}\n\n- a **b**\n- c\n")
    return folder


def test_unchanged_rebuild_reprocesses_nothing(tmp_path, monkeypatch):
    folder = _vault(tmp_path, 3)
    out = tmp_path / "out"
    first = run("build", str(folder), "--out", str(out))
    assert first.exit_code == 0
    from flashgen import pipeline

    calls = []
    real = pipeline.load_deck
    monkeypatch.setattr(pipeline, "load_deck", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    again = run("build", str(folder), "--out", str(out))
    assert again.exit_code == 0 and calls == []
    assert "3 notes unchanged (" in again.output
    assert "v.apkg" not in again.output  # nor is the folder's package written again
    (folder / "n1.md").write_text("## T1\n\n- a **changed**\n- c\n")
    third = run("build", str(folder), "--out", str(out))
    assert calls == [folder / "n1.md"]
    assert "v.apkg" in third.output
    # the same notes and outputs named from another folder are the same manifest entries
    monkeypatch.chdir(folder)
    fourth = run("build", ".", "--out", "../out")
    assert fourth.exit_code == 0 and calls == [folder / "n1.md"], fourth.output
    assert "3 notes unchanged (" in fourth.output
    data = json.loads((out / ".flashgen" / "manifest.json").read_text())
    assert sorted(data["notes"]) == [str(folder.resolve() / f"n{i}.md") for i in range(3)]
    forced = run("build", str(folder), "--out", str(out), "--force")
    assert len(calls) == 4 and forced.exit_code == 0


def test_unchanged_notes_are_one_line_unless_verbose(tmp_path):
    """A vault's rebuild would otherwise print a line per note (4,000 for a big vault)."""
    folder = _vault(tmp_path, 3)
    out = tmp_path / "out"
    assert run("build", str(folder), "--out", str(out)).exit_code == 0
    (folder / "n1.md").write_text("## T1\n\n- a **changed**\n- c\n- d\n")
    again = run("build", str(folder), "--out", str(out))
    lines = again.output.splitlines()
    assert lines[-1] == "2 notes unchanged (2 cards); --force builds them again", lines
    assert "n1.md: 2 cards" in again.output and ": unchanged" not in again.output
    verbose = run("build", str(folder), "--out", str(out), "-v")
    assert verbose.output.count(": unchanged (") == 3
    assert "notes unchanged" not in verbose.output
    assert run("build", str(folder), "--out", str(out), "-q").output == ""


def test_a_vault_counts_its_cards_by_kind_in_the_rules_order(tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nThe **cell** divides.\n")
    (folder / "b.md").write_text("## T\n\n| K | V |\n|---|---|\n| x | 1 |\n| y | 2 |\n| z | 3 |\n")
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "v: 8 cards (1 section, 3 table, 1 cloze, 3 mcq) -> " in result.output, result.output


def test_other_flashgen_code_rebuilds_every_note(tmp_path, monkeypatch):
    """Outputs are up to date only for the code that made them: after an upgrade (or an edit
    of flashgen) an unchanged note is built again, though the version number is the same."""
    from flashgen import manifest, pipeline
    from flashgen.manifest import source_hash

    folder = _vault(tmp_path, 2)
    out = tmp_path / "out"
    assert run("build", str(folder), "--out", str(out)).exit_code == 0
    calls = []
    real = pipeline.load_deck
    monkeypatch.setattr(pipeline, "load_deck", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    assert "2 notes unchanged (" in run("build", str(folder), "--out", str(out)).output
    monkeypatch.setattr(manifest, "code_fingerprint", lambda: "other code")
    again = run("build", str(folder), "--out", str(out))
    assert again.exit_code == 0 and sorted(calls) == [folder / "n0.md", folder / "n1.md"]
    assert "unchanged" not in again.output and "v.apkg" in again.output
    # the hash is of the source files' place, names, sizes and times, caches left out
    code = tmp_path / "code"
    (code / "sub" / "__pycache__").mkdir(parents=True)
    (code / "a.py").write_text("A = 1\n")
    (code / "sub" / "b.py").write_text("B = 2\n")
    before = source_hash(str(code))
    (code / "sub" / "__pycache__" / "b.py").write_text("cached")
    (code / "notes.txt").write_text("not code")
    assert source_hash(str(code)) == before
    os.utime(code / "sub" / "b.py", ns=(0, 10**18))  # rewritten: another time
    assert source_hash(str(code)) != before
    shutil.copytree(code, tmp_path / "elsewhere")  # another copy: another place
    assert source_hash(str(tmp_path / "elsewhere")) != source_hash(str(code))
    # when this flashgen was installed or edited: the newest of its own source files
    package = Path(manifest.__file__).parent
    newest = max(p.stat().st_mtime_ns for p in package.rglob("*.py")
                 if "__pycache__" not in p.parts)
    assert manifest.code_time() == newest


def test_unwritten_vault_package_is_not_recorded(tmp_path, monkeypatch):
    """The manifest is written after the packages it records: a package that could not be
    written is written by the next build, not taken as up to date."""
    from flashgen import pipeline

    folder = _vault(tmp_path, 2)
    out = tmp_path / "out"
    assert run("build", str(folder), "--out", str(out), "--format", "apkg").exit_code == 0
    manifest = (out / ".flashgen" / "manifest.json").read_bytes()
    (folder / "n1.md").write_text("## T1\n\n- a **changed**\n- c\n")

    def fail(self, data):
        raise OutputError(f"{self.target}: cannot write (disk full)")

    with monkeypatch.context() as m:
        m.setattr(pipeline._VaultPackage, "write", fail)
        failed = run("build", str(folder), "--out", str(out), "--format", "apkg")
    assert failed.exit_code == OutputError.exit_code and "disk full" in failed.output
    assert (out / ".flashgen" / "manifest.json").read_bytes() == manifest
    again = run("build", str(folder), "--out", str(out), "--format", "apkg")
    assert again.exit_code == 0 and "v.apkg" in again.output
    with zipfile.ZipFile(out / "v.apkg") as z:
        assert b"changed" in z.read("collection.anki2")


def test_note_edited_during_its_build_is_built_again(tmp_path, monkeypatch):
    from flashgen import pipeline

    folder = tmp_path / "v"
    folder.mkdir()
    edited = folder / "n.md"
    edited.write_text("## T\n\n- first **version**\n- c\n")
    real = pipeline.load_deck

    def edit_while_building(path, *a, **k):
        built = real(path, *a, **k)
        path.write_text("## T\n\n- second, longer **version**\n- c\n")  # saved meanwhile
        return built

    monkeypatch.setattr(pipeline, "load_deck", edit_while_building)
    build(BuildOptions(paths=(folder,), out_dir=tmp_path / "out", formats=("apkg",)))
    monkeypatch.setattr(pipeline, "load_deck", real)
    again = build(BuildOptions(paths=(folder,), out_dir=tmp_path / "out", formats=("apkg",)))
    assert not again[0].unchanged  # the manifest holds the file as it was read, not as saved
    assert "second, longer" in _apkg_text(tmp_path / "out" / "v.apkg")[0]


def test_stale_temp_files_are_swept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / files.TEMP_DIR).mkdir()
    (out / files.TEMP_DIR / "n.apkg-dead.tmp").write_bytes(b"partial")
    path = note(tmp_path, "n.md", "## A\n\n- x\n- y\n")
    build(BuildOptions(paths=(path,), out_dir=out, formats=("csv",)))
    assert list((out / files.TEMP_DIR).iterdir()) == []


def test_anonymous_temp_files_are_used_when_possible(tmp_path, monkeypatch):
    created = []
    real_open = os.open

    def spy(path, flags, *a):
        created.append(bool(flags & getattr(os, "O_TMPFILE", 0)))
        return real_open(path, flags, *a)

    monkeypatch.setattr(files.os, "open", spy)
    monkeypatch.setattr(files, "_NO_LINK", set())
    files.write_bytes(tmp_path / "f.txt", b"data")
    assert (tmp_path / "f.txt").read_bytes() == b"data"
    if hasattr(os, "O_TMPFILE"):
        assert created[0] is True  # tried first; a named temp file only if linking is refused
        refused = created == [True, False]
        created.clear()
        files.write_bytes(tmp_path / "g.txt", b"more")
        # a file system that refused once is not asked again (each write is done once)
        assert created == ([False] if refused else [True])
    assert list((tmp_path / files.TEMP_DIR).iterdir()) == []


def test_parallel_build_matches_sequential(tmp_path, monkeypatch, caplog):
    from flashgen import pipeline

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"n{i:02}.md").write_text(f"## T{i}\n\n- a **b{i}**\n- c\n\n## Quiz\n\n"
                                            f"1. Why zebra{i}?\n")
    (folder / "n30.md").write_bytes(b"\xff bad")
    results = {}
    for mode, threshold in (("parallel", 2), ("sequential", 10**9)):
        monkeypatch.setattr(pipeline, "PARALLEL_MIN_NOTES", threshold)
        caplog.clear()
        with pytest.raises(pipeline.BuildFailedError, match="1 of 60 notes failed"):
            build(BuildOptions(paths=(folder,), out_dir=tmp_path / mode, formats=("csv",),
                               package="note"))
        warned = sorted(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
        csvs = {p.name: p.read_bytes() for p in (tmp_path / mode).glob("*.csv")}
        results[mode] = (warned, csvs)
    assert len(results["parallel"][0]) == 59  # each worker's warning reaches the parent
    assert results["parallel"] == results["sequential"]


def _apkg_text(path: Path) -> tuple[str, list[str]]:
    """All note fields of a package, and its media names."""
    import json
    import sqlite3

    with zipfile.ZipFile(path) as z:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(z.read("collection.anki2"))
        text = " ".join(f for (f,) in conn.execute("SELECT flds FROM notes"))
        return text, sorted(json.loads(z.read("media")).values())


def test_vault_rebuild_keeps_unchanged_notes_from_the_cache(tmp_path, monkeypatch):
    from flashgen import manifest, pipeline

    folder = tmp_path / "v"
    folder.mkdir()
    for i in range(3):
        # the title's U+2028 (a YAML escape) is a line break to str.splitlines: the cache is
        # split on "\n" only
        (folder / f"n{i}.md").write_text(
            f'---\ntitle: "Note\\u2028{i}"\n---\n## T{i}\n\n- alpha{i} **beta{i}**\n- gamma{i}\n')
    out = tmp_path / "out"
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    calls = []
    real = pipeline.load_deck
    monkeypatch.setattr(pipeline, "load_deck", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    (folder / "n1.md").write_text("## T1\n\n- alpha1 **changed**\n- gamma1\n")
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert calls == [folder / "n1.md"]  # the others come from the cache
    text, _ = _apkg_text(out / "v.apkg")
    assert all(w in text for w in ("alpha0", "beta2", "changed", "gamma2"))
    assert "beta1" not in text
    # cache lost or damaged: the unchanged notes are derived again; the package is still whole
    cache = out / manifest.FOLDER / manifest.ROWS
    lines = cache.read_text().split("\n")
    assert len(lines) == 4 and lines[-1] == ""
    lines[0] = lines[0][: len(lines[0]) // 2]  # n0: cut short
    lines[1] = '["x", {}]\t[1, 2, 3]'  # a line for no note; n1 missing
    cache.write_text("\n".join(lines))
    (folder / "n2.md").write_text("## T2\n\n- alpha2 **renamed**\n- gamma2\n")
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert sorted(calls[1:]) == [folder / f"n{i}.md" for i in range(3)]
    text, _ = _apkg_text(out / "v.apkg")
    assert all(w in text for w in ("alpha0", "beta0", "changed", "renamed"))
    (out / manifest.FOLDER / manifest.ROWS).write_bytes(b"\xff\xfe not text")
    (folder / "n2.md").write_text("## T2\n\n- alpha2 **again**\n- gamma2\n")
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert sorted(calls[4:]) == [folder / f"n{i}.md" for i in range(3)]
    text, _ = _apkg_text(out / "v.apkg")
    assert all(w in text for w in ("alpha0", "beta0", "changed", "again"))
    # well-formed rows of a note type flashgen does not have: that note is derived again
    lines = cache.read_text().split("\n")
    assert len(lines) == 4  # the notes derived again are cached again
    n0 = next(i for i, line in enumerate(lines) if "n0.md" in line.partition("\t")[0])
    lines[n0] = lines[n0].replace('"basic"', '"nokind"').replace('"cloze"', '"nokind"')
    cache.write_text("\n".join(lines))
    (folder / "n2.md").write_text("## T2\n\n- alpha2 **third**\n- gamma2\n")
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert sorted(calls[7:]) == [folder / f"n{i}.md" for i in (0, 2)]
    text, _ = _apkg_text(out / "v.apkg")
    assert all(w in text for w in ("alpha0", "beta0", "changed", "third"))


def test_changed_image_rebuilds_its_note(tmp_path):
    folder = tmp_path / "v"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "a.png").write_bytes(b"\x89PNG first")
    (folder / "n.md").write_text("## Parts\n\n- cell ![a](img/a.png)\n- wall\n")
    (folder / "m.md").write_text("## Other\n\n- x\n- y\n")
    out = tmp_path / "out"
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    _, media = _apkg_text(out / "v.apkg")
    again = build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert all(r.unchanged for r in again)
    (folder / "img" / "a.png").write_bytes(b"\x89PNG second, longer")
    third = build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg",)))
    assert [r.path.name for r in third if not r.unchanged and not r.package] == ["n.md"]
    text, media2 = _apkg_text(out / "v.apkg")
    new = "fg-" + hashlib.sha256(b"\x89PNG second, longer").hexdigest()[:16] + ".png"
    assert media2 == [new] != media and new in text


def test_parallel_vault_package_matches_sequential(tmp_path, monkeypatch):
    from flashgen import pipeline

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"n{i:02}.md").write_text(f"## T{i}\n\n- a **b{i}**\n- c\n\n| K | V |\n|---|---|\n"
                                            f"| k{i} | v |\n| j | w |\n| l | x |\n")
    packages = {}
    for mode, threshold in (("parallel", 2), ("sequential", 10**9)):
        monkeypatch.setattr(pipeline, "PARALLEL_MIN_NOTES", threshold)
        results = build(BuildOptions(paths=(folder,), out_dir=tmp_path / mode,
                                     formats=("apkg",), timestamp=1_700_000_000))
        assert results[-1].package and sum(results[-1].counts.values()) == 60 * 8
        packages[mode] = (tmp_path / mode / "many.apkg").read_bytes()
    assert packages["parallel"] == packages["sequential"]


def test_deleted_note_leaves_the_manifest_the_package_and_its_files(tmp_path):
    import json

    from flashgen import manifest

    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "keep.md").write_text("## K\n\n- kept **one**\n- two\n")
    (folder / "gone.md").write_text("## G\n\n- removed **three**\n- four\n")
    out = tmp_path / "out"
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg", "csv")))
    assert (out / "gone.csv").is_file()
    (folder / "gone.md").unlink()
    build(BuildOptions(paths=(folder,), out_dir=out, formats=("apkg", "csv")))
    # the deleted note's own files go with it; the others' stay
    assert not (out / "gone.csv").exists() and (out / "keep.csv").is_file()
    data = json.loads((out / manifest.FOLDER / "manifest.json").read_text())
    lines = (out / manifest.FOLDER / manifest.ROWS).read_text().splitlines()
    cached = [json.loads(line.partition("\t")[0])[0] for line in lines]
    assert sorted(Path(k).name for k in data["notes"]) == ["keep.md"] == sorted(
        Path(k).name for k in cached)
    text, _ = _apkg_text(out / "v.apkg")
    assert "kept" in text and "removed" not in text


def test_vault_workers_never_import_genanki(tmp_path):
    """A vault build's workers start before the build process imports genanki (it opens the
    package while they get ready), so that they do not spend 50 ms each importing it: the
    worker's path (parse, cards, Anki rows with their GUIDs) must not need it."""
    note = tmp_path / "n.md"
    note.write_text("# T\n\n## A\n\n- one **bold** point\n- two\n\n1. Why does x need y?\n")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from flashgen import pipeline\n"
        "pipeline._worker_init(pipeline.BuildOptions(), (), True)\n"
        f"done = pipeline._worker((Path({str(note)!r}), 'n', '', b''))\n"
        "assert done.rows and not done.error, done\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'genanki'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_note_that_makes_no_card_says_so(tmp_path):
    path = note(tmp_path, "links.md", "# Reading\n\n- [A](https://a.example)\n"
                                      "- [B](https://b.example)\n\nJust some prose.\n")
    result = run("build", str(path), "--out", str(tmp_path / "out"), "--format", "csv")
    assert result.exit_code == 0
    assert ("links.md: no cards: nothing in it makes one (points, table rows, questions, bold "
            "terms; reading lists and lists of links do not); nothing written") in result.output
    assert not (tmp_path / "out" / "links.csv").exists()


def test_a_parallel_build_leaves_no_pool_running(tmp_path, monkeypatch):
    """The worker pool is ended, and waited for, before build() returns. Ended without
    waiting (shutdown(wait=False)), a pool drops what would join its thread, which could then
    be closing its pipe while Python exits: 'Exception ignored ... Bad file descriptor'
    followed some builds."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    waits = []
    shutdown = ProcessPoolExecutor.shutdown

    def recorded(self, wait=True, **kw):
        waits.append(wait)
        return shutdown(self, wait=wait, **kw)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", recorded)
    folder = tmp_path / "vault"
    _write_vault(folder, 60, "point")
    build(BuildOptions(paths=(folder,), out_dir=tmp_path / "out", formats=("apkg", "csv")))
    assert waits == [True]
    managers = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
    assert managers == []
