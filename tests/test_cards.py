from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from flashgen.cards import derive
from flashgen.export.render import body_lines
from flashgen.model import Card, Options, plain
from flashgen.parse import parse
from flashgen.sources import read_note

from .conftest import FIXTURES, SEED

NOTES = sorted((FIXTURES / "notes").glob("*.md"))


def cards_of(path: Path) -> tuple[Card, ...]:
    return derive(parse(read_note(path), str(path)))


def back_text(card: Card) -> str:
    return "\n".join(body_lines(card.back))


@pytest.mark.parametrize("note", NOTES, ids=[n.stem for n in NOTES])
def test_fixture_notes(note):
    expected = json.loads(note.with_suffix(".expected.json").read_text())
    doc = parse(read_note(note), str(note))
    cards = derive(doc)
    assert doc.title == expected["title"]
    assert doc.lang == expected["lang"]
    if "deck" in expected:
        assert doc.deck == expected["deck"]
    if "tags" in expected:
        assert list(doc.tags) == expected["tags"]
        assert all(c.tags == doc.tags for c in cards)
    counts = Counter(c.kind for c in cards)
    assert {k: counts.get(k, 0) for k in expected["counts"]} == expected["counts"]
    prompts = {c.prompt for c in cards}
    for prompt in expected["prompts"]:
        assert prompt in prompts
    everything = "\n".join(c.prompt + "\n" + back_text(c) for c in cards)
    for text in expected["absent"]:
        assert text not in everything
    for prompt, back in expected.get("backs", {}).items():
        card = next(c for c in cards if c.prompt == prompt)
        assert back_text(card) == back
    for card in cards:
        assert card.prompt.strip()
        assert back_text(card).strip() or card.kind == "cloze"
        assert card.ref.line >= 1


def test_seed_note_cards():
    cards = cards_of(SEED)
    counts = Counter(c.kind for c in cards)
    assert counts["section"] == 5 and counts["list"] == 1 and counts["table"] == 4
    assert counts["question"] == 3 and counts["cloze"] >= 3 and counts["mcq"] == 4
    sections = [c for c in cards if c.kind == "section"]
    assert sections[0].prompt == (
        "Manfaat Pre-trained Models dalam AI Engineering › Menghemat Waktu Pengembangan")
    # nested points stay nested
    perf = next(c for c in sections if c.prompt.endswith("Performa Lebih Tinggi"))
    assert "  • Akurasi lebih baik" in body_lines(perf.back)
    # the fifth benefit's points are its table rows
    domain = next(c for c in sections if c.prompt.endswith("Banyak Domain"))
    assert "• Multimodal — Gabungan teks + gambar (seperti CLIP)" in body_lines(domain.back)
    lst = next(c for c in cards if c.kind == "list")
    assert lst.prompt == "Sebutkan 5 poin dari: Manfaat Pre-trained Models dalam AI Engineering"
    # table cells are cleaned of emoji, damaged ones included
    tables = [c.prompt for c in cards if c.kind == "table"]
    assert tables[2] == "Speech Processing (Bidang): apa Contoh Penggunaan-nya?"
    # unanswered quiz questions get passages of this note, with their section
    qs = {c.prompt: back_text(c) for c in cards if c.kind == "question"}
    assert "Dari catatan ini:" in qs["Kenapa pre-trained model bisa lebih hemat data?"]
    assert "dataset besar" in qs["Kenapa pre-trained model bisa lebih hemat data?"]
    assert "fine-tuning" in qs['Apa perbedaan antara "training from scratch" dan "fine-tuning"?']
    assert "gambar" in qs["Sebutkan contoh 1 model pre-trained untuk teks dan 1 untuk gambar."]
    # nothing from the reading list, the YouTube list or the closing chit-chat
    everything = "\n".join(c.prompt + back_text(c) + "\n".join(body_lines(c.front))
                           for c in cards)
    for text in ("Hugging Face Course", "TensorFlow Hub", "DeepLearningAI", "Sentdex",
                 "Mau coba", "quiz interaktif", "Rekomendasi"):
        assert text not in everything


def test_unanswered_questions_find_passages_by_rare_words_and_section_titles():
    points = "".join(f"- The river carries sediment number {i} downstream.\n" for i in range(300))
    doc = parse("# Rivers\n\n## Flow\n\n" + points
                + "- Glaciers carve valleys slowly.\n\n## Deltas\n\n- Mud settles at the mouth.\n\n"
                + "## Review questions\n\n- How do glaciers shape the land?\n"
                + "- What happens in deltas?\n", "r.md")
    qs = {c.prompt: back_text(c) for c in derive(doc) if c.kind == "question"}
    glaciers = qs["How do glaciers shape the land?"]
    assert glaciers.startswith("From this note:") and "Glaciers carve valleys" in glaciers
    assert "sediment" not in glaciers  # a word every point shares weighs next to nothing
    # a word of the section's title counts for the section's points
    assert "Mud settles at the mouth" in qs["What happens in deltas?"]


def test_a_note_that_is_a_title_and_a_list_makes_a_section_card():
    doc = parse("# Capitals\n\nThe capitals of Europe.\n\n- France: Paris\n- Spain: Madrid\n\n"
                "## Asia\n\n- Japan: Tokyo\n", "c.md")
    sections = [c for c in derive(doc) if c.kind == "section"]
    assert [c.prompt for c in sections] == ["Capitals", "Capitals › Asia"]
    own = sections[0]
    assert own.context == () and own.ref.line == 3
    assert back_text(own).splitlines() == ["The capitals of Europe.", "• France: Paris",
                                           "• Spain: Madrid"]
    # without a title the file name names it; a note titled as a quiz asks, it does not list
    assert [c.prompt for c in derive(parse("- one point\n- two points\n", "my-list.md"))
            if c.kind == "section"] == ["My list"]
    quiz = derive(parse("# Quiz\n\n- What is the capital of France?\n- Paris or Rome\n",
                        "q.md"))
    assert not [c for c in quiz if c.kind == "section"]


def test_cloze_hides_bold_phrase_in_its_sentence():
    cards = [c for c in cards_of(SEED) if c.kind == "cloze"]
    fronts = {plain(c.front[0].text): c for c in cards}
    card = fronts["Melatih model besar (seperti GPT, BERT, ResNet) butuh GPU mahal, waktu "
                  "berhari-hari, dan listrik banyak."]
    hidden = [s.text for s in card.front[0].text if s.style == "cloze"]
    assert hidden == ["GPU mahal, waktu berhari-hari, dan listrik banyak"]
    assert card.prompt == "Melatih model besar (seperti GPT, BERT, ResNet) butuh […]."
    # a point that is all bold is hidden inside its parent's lead-in
    assert "Pre-trained models umumnya menunjukkan: Akurasi lebih baik" in fronts


def test_mcq_options_from_the_same_column():
    cards = [c for c in cards_of(SEED) if c.kind == "mcq"]
    for card in cards:
        opts = card.back[0]
        assert isinstance(opts, Options)
        assert len(opts.options) == 4 and len(set(opts.options)) == 4
        assert set(opts.options) == {"NLP", "Computer Vision", "Speech Processing", "Multimodal"}
    first = cards[0]
    assert first.back[0].options[first.back[0].answer] == "NLP"


def test_mcq_distractors_follow_the_row_and_skip_repeated_and_blank_keys():
    keys = ["k0", "k1", "k0", "", "k2", "k3", "k4", "k1"]
    rows = "".join(f"| {k} | value {i} |\n" for i, k in enumerate(keys))
    doc = parse(f"# T\n\n| Key | Value |\n|---|---|\n{rows}", "t.md")
    mcq = [c for c in derive(doc) if c.kind == "mcq"]
    distinct = ["k0", "k1", "k2", "k3", "k4"]
    asked = [(i, k) for i, k in enumerate(keys) if k]
    assert len(mcq) == len(asked)
    for card, (i, key) in zip(mcq, asked, strict=True):
        others = [k for k in distinct if k != key]  # the rule, spelled out
        start = i % len(others)
        expected = [key, *(others[start:] + others[:start])[:3]]
        options = card.back[0]
        assert isinstance(options, Options)
        assert sorted(options.options) == sorted(expected)
        assert options.options[options.answer] == key


def test_prompts_are_unique_and_stable():
    a, b = cards_of(SEED), cards_of(SEED)
    assert [c.prompt for c in a] == [c.prompt for c in b]
    assert len({(c.kind, c.prompt) for c in a}) == len(a)


def test_duplicate_headings_get_distinct_prompts():
    doc = parse("# T\n\n## A\n\n### Summary\n\n- the summary point\n\n## B\n\n### Summary\n\n- y\n\n"
                "## C\n\n- Summary?\n- Summary?\n", "d.md")
    cards = derive(doc)
    prompts = [c.prompt for c in cards if c.kind == "section"]
    assert prompts == ["A › Summary", "B › Summary"]
    assert [c.prompt for c in cards if c.kind == "question"] == ["Summary?"]  # asked once


def test_reverse_table_cards():
    doc = parse("| Word | Meaning |\n|---|---|\n| anjing | dog |\n| kucing | cat |\n", "v.md")
    card = next(c for c in derive(doc, reverse=True) if c.kind == "table")
    assert card.reverse is not None
    assert plain(card.reverse[1][0].text) == "anjing"
    assert all(c.reverse is None for c in derive(doc) if c.kind == "table")


def test_unanswerable_question_warns_and_makes_no_card(caplog):
    doc = parse("## Quiz\n\n1. Xylophones zebras?\n", "q.md")
    assert [c for c in derive(doc) if c.kind == "question"] == []
    assert "q.md:3" in caplog.text
