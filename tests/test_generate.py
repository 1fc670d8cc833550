"""Question generation: filters and answer picking (pure), and the real transformers path on
tiny models the tests train themselves (no network)."""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashgen.cli import cli
from flashgen.errors import GenerationError, UsageError
from flashgen.generate import Request, get_generator
from flashgen.generate.answers import pick_answers
from flashgen.generate.filters import answers_agree, clean, reject_reason
from flashgen.parse import parse
from flashgen.pipeline import BuildOptions, build
from flashgen.sources import read_note

from .conftest import FIXTURES, SEED
from .tinymodels import QUESTION

ENGLISH = FIXTURES / "notes" / "photosynthesis.md"
HAS_TORCH = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "tokenizers"))
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs the [generate] extra")

REQ = Request("ImageNet", "Pre-trained models learned from ImageNet and Common Crawl.", "en",
              "section")
NOTE = "Pre-trained models learned from **ImageNet** and Common Crawl."


# --- pure parts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Question: What dataset did they use?\nExtra line", "What dataset did they use?"),
        ('"Which dataset is large?" Because...', "Which dataset is large?"),
        ("**Pertanyaan:** Apa itu ImageNet?", "Apa itu ImageNet?"),
        ("\n\n  ", ""),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Which dataset did pre-trained models learn from?", None),
        ("", "empty output"),
        ("Why?", "too short"),
        ("Which dataset did pre-trained models learn from", "not a question"),
        ("Did they learn from ImageNet?", "contains its answer"),
        ("What " + "very " * 45 + "long?", "too long"),
        ("Which 1234 5678 9999 #### $$$$ ?", "garbled"),
        ("What is the the the dataset?", "garbled"),
        ("Which data does this data does this data use?", "garbled"),
        ("Welche Daten hat das Modell gelernt, und wo ist der Datensatz?", "wrong language"),
        ("Which dataset did the pre-trained models learn from?", "near-duplicate"),
        ("What is the capital city of France today?", "off-topic"),
        ("Which dataset did pre-trained models learn, Imagenets or others?",
         "contains its answer"),
    ],
)
def test_reject_reasons(question, reason):
    others = ["Which dataset did pre-trained models learn from?"] if reason == "near-duplicate" \
        else []
    assert reject_reason(question, REQ, NOTE, others) == reason


ZH_REQ = Request("叶绿体", "光合作用在叶绿体中进行，叶绿素吸收光能。", "zh", "section")
ZH_NOTE = "光合作用在**叶绿体**中进行，叶绿素吸收光能。"


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("光合作用在哪里进行？", None),  # ten letters: as long as a question of twenty
        ("在哪里？", "too short"),
        ("光合作用在叶绿体中进行吗？", "contains its answer"),  # no word ends in it
        ("光合作用はどこで行われますか？", "wrong language"),  # Japanese, for a Chinese note
        ("Where does 光合作用 take place in the cell?", "wrong language"),
        ("今天北京的天气怎么样？", "off-topic"),
        ("光合作用在哪里进行？", "near-duplicate"),
    ],
)
def test_reject_reasons_in_chinese(question, reason):
    """Chinese writes no spaces: before, every question it was asked was "too short" (a
    question was one word), so no generated item ever reached a Chinese or Japanese note."""
    others = ["光合作用在哪里进行？"] if reason == "near-duplicate" else []
    assert reject_reason(question, ZH_REQ, ZH_NOTE, others) == reason


AR_REQ = Request("الميتوكوندريا", "تنتج الميتوكوندريا الطاقة للخلية.", "ar", "section")
HI_REQ = Request("केंद्रक", "केंद्रक में आनुवंशिक पदार्थ होता है।", "hi", "section")


@pytest.mark.parametrize(
    ("question", "req", "reason"),
    [
        ("ما الذي ينتج الطاقة في الخلية؟", AR_REQ, None),  # an Arabic question mark
        ("ما الذي ينتج الطاقة في الخلية", AR_REQ, "not a question"),
        # vowel signs are letters: this was "garbled" (a third of it "not letters")
        ("आनुवंशिक पदार्थ कोशिका के किस भाग में होता है?", HI_REQ, None),
        ("केंद्रक में क्या होता है?", HI_REQ, "contains its answer"),
    ],
)
def test_reject_reasons_in_arabic_and_hindi(question, req, reason):
    note = f"# Note\n\n- **{req.answer}** {req.context}"
    assert reject_reason(question, req, note, []) == reason
    assert clean(f"{question} {req.answer}") == question or reason == "not a question"


def test_every_language_has_a_worked_example_in_its_own_words():
    """Without one, the model was shown an English example and wrote English questions, all
    rejected for a note in another language."""
    from flashgen import i18n
    from flashgen.generate.hf import EXAMPLES

    assert set(EXAMPLES) == set(i18n.LANGUAGES)
    for lang, (context, answer, question) in EXAMPLES.items():
        assert i18n.detect(f"{context} {question}") == lang
        assert answer.lower() in context.lower() and question.endswith(i18n.QUESTION_MARKS)


def test_clean_and_answer_labels_in_more_languages():
    assert clean("问题：光合作用在哪里进行？答：叶绿体") == "光合作用在哪里进行？"
    assert clean("Вопрос: Где происходит фотосинтез?") == "Где происходит фотосинтез?"
    assert answers_agree("叶绿体", "答案：叶绿体")
    assert answers_agree("хлоропласты", "Ответ: хлоропласты")
    assert not answers_agree("叶绿体", "答案：线粒体")


def test_copies_of_the_worked_example_are_rejected():
    from flashgen.generate.hf import example_for

    example = " ".join(example_for("en"))
    question = "Which part of the cell produces most of the energy for models?"
    assert reject_reason(question, REQ, NOTE, [], example) == "copies the example"
    # borrowing the example's form is fine when the question is about the note
    form = "Which part of pre-trained models learned from a large crawled dataset?"
    assert reject_reason(form, REQ, NOTE, [], example) is None
    assert reject_reason("Which dataset did pre-trained models learn from?", REQ, NOTE, [],
                         example) is None


@pytest.mark.parametrize(
    ("expected", "raw", "agree"),
    [  # from the eval model's round trips on ten notes, labelled by hand
        ("Mitochondria", "Mitochondria", True),
        ("American Revolution", "The American Revolution", True),
        ("14 July 1789", "1789", True),  # a year for a date
        ("equilibrium price", "Equilibrium price\nThe price where supply meets demand.", True),
        ("Golgi-Apparat", "Answer: Golgi-Apparat", True),
        ("roots", "rots", True),  # a small model's spelling
        ("phospholipid bilayer", "Selective permeability", False),  # asked for a function
        ("Social inequality", "clergy and nobility", False),
        ("Computer Vision", "Deteksi wajah", False),
        ("BERT", "GPU", False),
        ("Zellkern", "DNA", False),
        ("DNA", "", False),  # no answer at all
    ],
)
def test_round_trip_answers_agree(expected, raw, agree):
    assert answers_agree(expected, raw) is agree


def test_which_models_can_answer_is_read_from_their_config(tmp_path):
    """The round trip needs a model that answers: a seq2seq question generator cannot. That
    is read from config.json, without loading the model, and a config that leaves out
    is_encoder_decoder is known by its model type."""
    from flashgen.generate.hf import ModelRef, _encoder_decoder

    for name, config, seq2seq in (("a", '{"is_encoder_decoder": true}', True),
                                  ("b", '{"model_type": "t5"}', True),
                                  ("c", '{"model_type": "qwen2"}', False),
                                  ("d", "not json", False)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(config)
        assert _encoder_decoder(ModelRef(name, tmp_path / name, "r")) is seq2seq
    assert not _encoder_decoder(ModelRef("m.gguf", tmp_path / "m.gguf", "r"))


def test_answer_must_be_in_note():
    req = Request("MNIST", "context", "en", "section")
    assert reject_reason("Which dataset has digits?", req, NOTE, []) == "answer not in note"
    # as flashgen reads the note: H<sub>2</sub>O is H₂O in the passage the answer came from
    water = Request("H₂O", "Water is H₂O and boils at 100 °C", "en", "section")
    assert reject_reason("What is the formula for water?", water,
                         "- Water is H<sub>2</sub>O and boils at 100 °C\n", []) is None


def test_pick_answers_from_seed():
    doc = parse(read_note(SEED), str(SEED))
    cands = pick_answers(doc, 50)
    answers = [c.request.answer for c in cands]
    assert answers[0] == "manfaat dari pre-trained models"  # bold phrases first
    assert "GPU mahal, waktu berhari-hari, dan listrik banyak" in answers
    assert {"NLP", "Computer Vision", "Speech Processing", "Multimodal"} <= set(answers)
    assert {"GPT", "BERT", "ResNet", "ImageNet", "Common Crawl"} <= set(answers)
    assert "DeepLearningAI" not in answers  # resources are never asked about
    assert len(answers) == len({a.casefold() for a in answers})
    assert all(c.request.lang == "id" and c.ref.line > 0 for c in cands)
    assert len(pick_answers(doc, 5)) == 5


def test_pick_answers_asks_glossary_terms_by_their_definitions():
    doc = parse("# Economics\n\n## Terms\n\n- **Inflation**: a general rise in prices\n"
                "- Deflation: a general fall in prices\n\n| Good | Price |\n|---|---|\n"
                "| Bread | 2 |\n", "e.md")
    requests = [c.request for c in pick_answers(doc, 10)]
    # the bold term first (as a bold phrase), then the glossary's others, then table rows
    assert [(r.answer, r.source_kind) for r in requests] == [
        ("Inflation", "cloze"), ("Deflation", "term"), ("Bread", "table")]
    assert requests[1].context == "Deflation: a general fall in prices"
    # who speaks in a dialogue is not asked for; a bold word of what is said is
    talk = parse("## At the baker's\n\n- **Client**: I would like a **baguette**.\n"
                 "- **Baker**: Here you are.\n- **Client**: How much is it?\n", "t.md")
    assert [c.request.answer for c in pick_answers(talk, 10)] == ["baguette"]
    # a term defined by the points under it is asked by them
    listed = parse("## Type 1\n\n- Cause: autoimmunity\n- Treatment:\n  - Insulin\n"
                   "  - Diet\n", "d.md")
    assert [c.request.context for c in pick_answers(listed, 10)
            if c.request.answer == "Treatment"] == ["Treatment: Insulin; Diet"]
    # a reading list is never asked about, even when written as names and descriptions
    links = parse("## Tools\n\n- [Course](https://x.org): free\n"
                  "- [Docs](https://y.org): reference\n", "r.md")
    assert pick_answers(links, 10) == []


def test_none_backend_and_unknown_backend():
    gen = get_generator("none")
    assert gen.generate([REQ]) == [""]
    with pytest.raises(UsageError, match="unknown generator"):
        get_generator("nope")


# --- offline behaviour ------------------------------------------------------------


def run_cli(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_missing_model_skips_with_one_line_and_exit_0(tmp_path, seed_note):
    result = run_cli("build", str(seed_note), str(ENGLISH), "--out", str(tmp_path),
                     "--format", "apkg")
    assert result.exit_code == 0, result.output
    skips = [ln for ln in result.output.splitlines() if "generation skipped" in ln]
    assert len(skips) == 2  # one per missing model (Indonesian and English defaults)
    assert "flashgen model pull" in skips[0] and "--model PATH" in skips[0]
    assert "5 section" in result.output


def test_explicit_generate_with_missing_model_fails(tmp_path):
    result = run_cli("build", str(ENGLISH), "--out", str(tmp_path), "--format", "apkg",
                     "--generate", "--model", str(tmp_path / "nope.gguf"))
    assert result.exit_code != 0
    assert "no such GGUF file" in result.output


def test_no_generate_is_silent(tmp_path):
    result = run_cli("build", str(ENGLISH), "--out", str(tmp_path), "--format", "apkg",
                     "--no-generate")
    assert result.exit_code == 0 and "skipped" not in result.output


def test_missing_extra_names_it(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))
    result = run_cli("build", str(ENGLISH), "--out", str(tmp_path), "--format", "apkg",
                     "--generate", "--model", str(tmp_path))
    assert result.exit_code != 0 and 'pip install "flashgen[generate]"' in result.output


def test_config_file_and_env_choose_the_model(tmp_path, monkeypatch):
    from flashgen import config

    note = tmp_path / "n.md"
    note.write_text("x")
    (tmp_path / "flashgen.toml").write_text('model = "org/from-toml"\n')
    config.settings_for.cache_clear()
    assert config.model_for(note, "en", None) == "org/from-toml"
    monkeypatch.setenv("FLASHGEN_MODEL", "org/from-env")
    assert config.model_for(note, "en", None) == "org/from-env"
    assert config.model_for(note, "en", "cli/model") == "cli/model"
    (tmp_path / "flashgen.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.flashgen]\nmodel = "org/from-pyproject"\n')
    monkeypatch.delenv("FLASHGEN_MODEL")
    config.settings_for.cache_clear()
    assert config.model_for(note, "en", None) == "org/from-pyproject"
    config.settings_for.cache_clear()


def test_hub_ids_resolve_from_the_local_cache_only(tmp_path, monkeypatch):
    from flashgen.generate.hf import ModelUnavailableError, resolve

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="flashgen model pull org/m"):
        resolve("org/m")
    snap = tmp_path / "models--org--m" / "snapshots" / "abc123"
    snap.mkdir(parents=True)
    (snap / "config.json").write_text("{}")
    (tmp_path / "models--org--m" / "refs").mkdir()
    (tmp_path / "models--org--m" / "refs" / "main").write_text("abc123")
    ref = resolve("org/m")
    assert ref.path == snap and ref.revision == "abc123"


# --- the real transformers path on tiny models -----------------------------------------


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    if not HAS_TORCH:
        pytest.skip("needs the [generate] extra")
    from .tinymodels import build_causal, build_seq2seq

    root = tmp_path_factory.mktemp("tiny")
    return {"seq2seq": build_seq2seq(root / "t5"), "causal": build_causal(root / "qwen2")}


def gen_build(note: Path, out: Path, model: Path, caplog=None, **kw):
    from flashgen.generate.stage import GenerateOptions

    opts = BuildOptions(paths=(note,), out_dir=out, formats=("apkg",),
                        generate=GenerateOptions(mode="on", model=str(model), **kw))
    return build(opts)[0]


@needs_torch
@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_tiny_model_generates_grounded_items(tiny_models, tmp_path, caplog, kind, anki):
    caplog.set_level(logging.DEBUG, logger="flashgen")
    result = gen_build(ENGLISH, tmp_path, tiny_models[kind])
    generated = [c for c in result.deck.cards if c.kind == "generated"]
    assert len(generated) == 1  # the tiny model asks one fixed question; repeats are dropped
    card = generated[0]
    assert card.prompt == QUESTION
    assert card.generator == tiny_models[kind].name
    assert card.source_kind in ("cloze", "table", "section")
    assert f"loaded {tiny_models[kind].name} ({kind})" in caplog.text
    assert "rejected (off-topic)" in caplog.text
    # the chat model answers the question it wrote (the round trip): the question is kept
    # for the answer it gives, roots, and turned away for the others it passed for; a
    # seq2seq question generator cannot answer, so its question stays with the first answer
    # it passed the filters for
    assert ("rejected (answered differently)" in caplog.text) is (kind == "causal")
    assert card.back[0].text[0].text == ("roots" if kind == "causal" else "photosynthesis")
    # into Anki like every other card
    anki.import_apkg(tmp_path / "photosynthesis.apkg")
    notes = anki.notes("tag:flashgen::generated")
    assert len(notes) == 1 and notes[0]["Generator"] == tiny_models[kind].name
    assert anki.count(f"tag:flashgen::{card.source_kind}") >= 1


@needs_torch
def test_batched_decoding_matches_one_by_one(tiny_models):
    from flashgen.generate.hf import TransformersGenerator

    doc = parse(read_note(ENGLISH), str(ENGLISH))
    reqs = [c.request for c in pick_answers(doc, 6)]
    batched = TransformersGenerator(str(tiny_models["causal"]), batch_size=4).generate(reqs)
    single = TransformersGenerator(str(tiny_models["causal"]), batch_size=1).generate(reqs)
    assert [clean(b) for b in batched] == [clean(s) for s in single]
    progress = []
    TransformersGenerator(str(tiny_models["seq2seq"]), batch_size=4).generate(
        reqs, progress.append)
    assert progress == [4, 2]


@needs_torch
def test_cache_makes_rebuilds_call_no_model(tiny_models, tmp_path, monkeypatch):
    from flashgen.generate import hf

    first = gen_build(ENGLISH, tmp_path / "a", tiny_models["seq2seq"])
    calls = Counter()
    monkeypatch.setattr(hf.TransformersGenerator, "load",
                        lambda self: calls.update(["load"]))
    second = gen_build(ENGLISH, tmp_path / "b", tiny_models["seq2seq"])
    assert calls["load"] == 0
    assert [c.prompt for c in first.deck.cards] == [c.prompt for c in second.deck.cards]
    # a changed note asks only about what changed
    edited = tmp_path / "edited.md"
    edited.write_text(ENGLISH.read_text().replace("Oxygen, released", "**Oxygen**, released"))
    asked = []
    monkeypatch.setattr(hf.TransformersGenerator, "load", lambda self: None)
    monkeypatch.setattr(hf.TransformersGenerator, "generate",
                        lambda self, reqs, progress=None: asked.extend(reqs) or
                        ["What gas leaves the leaf?"] * len(reqs))
    gen_build(edited, tmp_path / "c", tiny_models["seq2seq"])
    assert [r.answer for r in asked] == ["Oxygen"]


@needs_torch
def test_round_trip_answers_are_cached_and_asked_of_chat_models_only(tiny_models, tmp_path,
                                                                      monkeypatch):
    from flashgen.generate import hf

    assert hf.TransformersGenerator(str(tiny_models["causal"])).answers
    assert not hf.TransformersGenerator(str(tiny_models["seq2seq"])).answers
    first = gen_build(ENGLISH, tmp_path / "a", tiny_models["causal"])
    loads = Counter()
    monkeypatch.setattr(hf.TransformersGenerator, "load", lambda self: loads.update(["load"]))
    second = gen_build(ENGLISH, tmp_path / "b", tiny_models["causal"])
    assert loads["load"] == 0  # questions and answers both cached
    assert [c.prompt for c in first.deck.cards] == [c.prompt for c in second.deck.cards]


@needs_torch
def test_generated_cards_in_csv_and_pdf(tiny_models, tmp_path):
    from flashgen.generate.stage import GenerateOptions

    build(BuildOptions(paths=(ENGLISH,), out_dir=tmp_path, formats=("csv", "pdf"),
                       csv_style="plain", generate=GenerateOptions(
                           mode="on", model=str(tiny_models["seq2seq"]))))
    text = (tmp_path / "photosynthesis.csv").read_text()
    assert QUESTION in text and "generated " in text
    if shutil.which("pdftotext"):
        pdf = subprocess.run(["pdftotext", str(tmp_path / "photosynthesis.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
        assert "(generated)" in pdf


@needs_torch
def test_gguf_file_is_converted_once_and_cached(tiny_models, tmp_path, caplog):
    pytest.importorskip("gguf")
    pytest.importorskip("accelerate")
    from flashgen.generate.hf import TransformersGenerator, converted_dir

    from .tinymodels import build_gguf

    gguf_file = build_gguf(tiny_models["causal"], tmp_path / "tiny-qwen2.gguf")
    caplog.set_level(logging.DEBUG, logger="flashgen")
    result = gen_build(ENGLISH, tmp_path / "a", gguf_file)
    generated = [c for c in result.deck.cards if c.kind == "generated"]
    assert [c.prompt for c in generated] == [QUESTION]
    assert generated[0].generator == "tiny-qwen2.gguf"
    assert "converting tiny-qwen2.gguf once" in caplog.text
    gen = TransformersGenerator(str(gguf_file))
    assert (converted_dir(gen.ref) / "config.json").is_file()
    caplog.clear()
    gen.load()  # from the converted copy: no second conversion
    assert "converting" not in caplog.text and not gen.seq2seq
    # the converted weights behave exactly like the model the GGUF file was written from
    reqs = [c.request for c in pick_answers(parse(read_note(ENGLISH), str(ENGLISH)), 4)]
    original = TransformersGenerator(str(tiny_models["causal"]))
    assert gen.generate(reqs) == original.generate(reqs)


@pytest.mark.realmodel
@pytest.mark.skipif(not os.environ.get("FLASHGEN_EVAL_MODEL"),
                    reason="set FLASHGEN_EVAL_MODEL to a real model (../shared/tools/eval-model)")
def test_real_model_on_english_note(tmp_path):
    result = gen_build(ENGLISH, tmp_path, Path(os.environ["FLASHGEN_EVAL_MODEL"]))
    generated = [c for c in result.deck.cards if c.kind == "generated"]
    assert len(generated) >= 3
    assert all(c.prompt.endswith("?") for c in generated)


def test_cli_import_does_not_load_torch():
    code = "import flashgen.cli, flashgen.generate.stage, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert GenerationError.exit_code == 5
