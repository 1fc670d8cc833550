from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from flashgen.cards import derive
from flashgen.export.render import body_html, body_lines
from flashgen.model import Card, Options, Paragraph, SourceRef, Span, plain
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
    # the passage that answers best comes first: that of the section on needing less data
    assert qs["Kenapa pre-trained model bisa lebih hemat data?"].splitlines()[:3] == [
        "Dari catatan ini:",
        "Manfaat Pre-trained Models dalam AI Engineering › Tidak Perlu Banyak Data",
        "• Pre-trained models sudah belajar dari dataset besar seperti ImageNet, Common Crawl, dll.",
    ]
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
        assert set(map(plain, opts.options)) == {"NLP", "Computer Vision", "Speech Processing",
                                                 "Multimodal"}
    first = cards[0]
    assert plain(first.back[0].options[first.back[0].answer]) == "NLP"


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
        assert sorted(map(plain, options.options)) == sorted(expected)
        assert plain(options.options[options.answer]) == key


def test_cells_that_name_their_row_do_not_ask_for_it():
    """ "Which Method matches: Adds x at the end; xs.append(4)?" named its own answer, as did
    "Which Field matches: Speech-to-text?" for Speech: such cells are left out of the
    multiple choice and the reverse card, and a row with no other cell gets neither."""
    doc = parse("# Lists\n\n| Method | What it does | Example |\n|---|---|---|\n"
                "| `append(x)` | Adds `x` at the end | `xs.append(4)` |\n"
                "| `pop()` | Removes and returns the last item | `xs.pop()` |\n"
                "| `sort()` | Sorts the list in place | `xs.sort()` |\n"
                "| `index(x)` | Position of the first `x` | `xs.index(2)` |\n", "t.md")
    cards = derive(doc, reverse=True)
    assert [c.prompt for c in cards if c.kind == "mcq"] == [
        "Which Method matches: Adds x at the end?",
        "Which Method matches: Removes and returns the last item?",
        "Which Method matches: Position of the first x?"]
    table = [c for c in cards if c.kind == "table"]
    assert [plain(c.reverse[0][0].text) if c.reverse else None for c in table] == [
        "Which Method: Adds x at the end?", "Which Method: Removes and returns the last item?",
        None, "Which Method: Position of the first x?"]
    assert "xs.sort()" in back_text(table[2])  # the card asked by the row's first cell
    # a word inside another is no name: "cat" is not named by "education"
    doc = parse("# T\n\n| Word | Use |\n|---|---|\n| cat | education |\n| dog | walks |\n"
                "| owl | night |\n", "t.md")
    assert len([c for c in derive(doc) if c.kind == "mcq"]) == 3


def test_rows_with_the_same_cells_are_not_asked_by_their_cells():
    """Asked "which factor: rises; levels off?", two rows would both be right: such rows get
    no multiple choice and no reverse card."""
    doc = parse("# T\n\n| Factor | Effect | Limit |\n|---|---|---|\n"
                "| Light | rises | levels off |\n| CO2 | rises | levels off |\n"
                "| Heat | rises, then falls | denatures |\n| Water | falls | none |\n", "t.md")
    cards = derive(doc, reverse=True)
    mcq = {c.prompt: c.back[0] for c in cards if c.kind == "mcq"}
    assert sorted(mcq) == ["Which Factor matches: falls; none?",
                           "Which Factor matches: rises, then falls; denatures?"]
    assert [plain(o.options[o.answer]) for o in mcq.values()] == ["Heat", "Water"]
    table = {plain(c.front[0].text): c for c in cards if c.kind == "table"}
    assert len(table) == 4  # each row is still asked by its first cell
    assert [k for k, c in table.items() if c.reverse is None] == [
        "Light (Factor): what is the Effect and Limit?",
        "CO2 (Factor): what is the Effect and Limit?"]


def test_timelines_ask_when_each_event_happened():
    text = ("# Rome\n\n## Timeline\n\n- 753 BC — Rome is **founded**\n- 509 BC: the Republic\n"
            "- 27 BC - Augustus becomes emperor\n- 4 September 476 – fall of the West\n")
    cards = _cards(text, "date", reverse=True)
    assert [(plain(c.front[0].text), plain(c.back[0].text)) for c in cards] == [
        ("Rome is founded", "753 BC"), ("the Republic", "509 BC"),
        ("Augustus becomes emperor", "27 BC"), ("fall of the West", "4 September 476")]
    first = cards[0]
    assert first.prompt == "When? Rome is founded"
    assert [plain(p.text) for p in first.front] == ["Rome is founded", "When?"]
    assert first.front[0].text[1].style == "strong"  # the event keeps its formatting
    assert plain(first.reverse[0][0].text) == "753 BC"
    # a timeline is no glossary: its dates are not asked as terms
    assert _cards(text, "term") == []
    indonesian = _cards(text.replace("# Rome", "---\nlang: id\n---\n# Roma"), "date")
    assert indonesian[0].prompt == "Kapan? Rome is founded"


# (note, table card's prompt, multiple choice's prompt, the hint of a section, a question
# written with the language's labels, the date card's prompt)
_LESSONS = {
    "nl": (("# Revolutie\n\n## Begrippen\n\n| Begrip | Betekenis |\n|---|---|\n"
           "| Derde stand | Het gewone volk |\n| Guillotine | Het toestel |\n"
           "| Jakobijnen | Een radicale club |\n\n## Tijdlijn\n\n- 1789 — Bestorming van de "
           "Bastille\n- 1799 — Staatsgreep van Napoleon\n\n## Oefenvragen\n\n"
           "V: Wie werd in 1793 geëxecuteerd?\nA: Koning Lodewijk XVI.\n"),
           "Derde stand (Begrip): Betekenis?", "Welk(e) Begrip past bij: Het gewone volk?",
           "3 punten", "Wie werd in 1793 geëxecuteerd?", "Wanneer? Bestorming van de Bastille"),
    "ru": (("# Фотосинтез\n\n## Термины\n\n| Термин | Значение |\n|---|---|\n"
           "| Хлорофилл | Зелёный пигмент |\n| Устьица | Поры на листьях |\n"
           "| Глюкоза | Сахар |\n\n## История\n\n- 1779 — опыты Ингенхауса\n"
           "- 1845 — работы Майера\n\n## Вопросы\n\n"
           "В: Где происходит фотосинтез?\nО: В хлоропластах.\n"),
           "Хлорофилл (Термин): Значение?",
           "Какой вариант (Термин) подходит: Зелёный пигмент?", "пунктов: 3",
           "Где происходит фотосинтез?", "Когда? опыты Ингенхауса"),
    "zh": (("# 光合作用\n\n## 术语\n\n| 术语 | 解释 |\n|---|---|\n| 叶绿素 | 吸收光的色素 |\n"
           "| 气孔 | 交换气体的小孔 |\n| 葡萄糖 | 植物制造的糖 |\n\n## 大事年表\n\n"
           "- 1779年 — 英格豪斯的实验\n- 1845年 — 迈尔的研究\n\n## 练习\n\n"
           "问：光合作用在哪里进行？\n答：在叶绿体中进行。\n"),
           "叶绿素（术语）：解释是什么？", "哪个术语对应：吸收光的色素？", "3个要点",
           "光合作用在哪里进行？", "什么时候？ 英格豪斯的实验"),
    "ja": (("# 光合成\n\n## 用語\n\n| 用語 | 意味 |\n|---|---|\n| 葉緑素 | 光を吸収する色素 |\n"
           "| 気孔 | 気体を交換する穴 |\n| ブドウ糖 | 植物が作る糖 |\n\n## 年表\n\n"
           "- 紀元前660年 — 神武天皇即位\n- 1868年 — 明治維新\n\n## 練習問題\n\n"
           "問：光合成はどこで行われますか？\n答：葉緑体で行われます。\n"),
           "葉緑素（用語）：意味は？", "光を吸収する色素に当てはまる用語は？", "3項目",
           "光合成はどこで行われますか？", "いつ？ 神武天皇即位"),
    "ko": (("# 광합성\n\n## 용어\n\n| 용어 | 뜻 |\n|---|---|\n| 엽록소 | 빛을 흡수하는 색소 |\n"
           "| 기공 | 기체를 교환하는 구멍 |\n| 포도당 | 식물이 만드는 당 |\n\n## 역사\n\n"
           "- 1779년 — 잉엔하우스의 실험\n- 1845년 — 마이어의 연구\n\n## 연습 문제\n\n"
           "질문: 광합성은 어디에서 일어나는가?\n답: 엽록체에서 일어난다.\n"),
           "엽록소 (용어): 뜻?", "빛을 흡수하는 색소에 해당하는 용어?", "3가지",
           "광합성은 어디에서 일어나는가?", "언제? 잉엔하우스의 실험"),
}

_LESSONS.update({
    "ar": (("# التمثيل الضوئي\n\n## المصطلحات\n\n| المصطلح | المعنى |\n|---|---|\n"
           "| الكلوروفيل | صبغة خضراء تمتص الضوء |\n| الثغور | فتحات في الورقة |\n"
           "| الجلوكوز | سكر يصنعه النبات |\n\n## تاريخ\n\n- 1779 — تجارب إنجنهاوس\n"
           "- 1845 — أبحاث ماير\n\n## أسئلة\n\n"
           "س: أين يحدث التمثيل الضوئي؟\nج: في البلاستيدات الخضراء.\n"),
           "الكلوروفيل (المصطلح): ما المعنى؟", "أي المصطلح يطابق: صبغة خضراء تمتص الضوء؟",
           "عدد النقاط: 3", "أين يحدث التمثيل الضوئي؟", "متى؟ تجارب إنجنهاوس"),
    "he": (("# פוטוסינתזה\n\n## מושגים\n\n| מושג | הסבר |\n|---|---|\n"
           "| כלורופיל | צבען ירוק |\n| פיוניות | פתחים בעלה |\n| גלוקוז | סוכר |\n\n"
           "## היסטוריה\n\n- 1779 — הניסויים של אינגנהאוז\n- 1845 — המחקר של מאייר\n\n"
           "## שאלות\n\nש: איפה מתרחשת הפוטוסינתזה?\nת: בכלורופלסטים.\n"),
           "כלורופיל (מושג): מה הסבר?", "איזה מושג מתאים: צבען ירוק?", "3 נקודות",
           "איפה מתרחשת הפוטוסינתזה?", "מתי? הניסויים של אינגנהאוז"),
    "fa": (("# فتوسنتز\n\n## اصطلاحات\n\n| اصطلاح | معنی |\n|---|---|\n"
           "| کلروفیل | رنگدانه سبز |\n| روزنه | منفذ برگ |\n| گلوکز | قند گیاه |\n\n"
           "## تاریخچه\n\n- 1779 — آزمایش اینگنهوس\n- 1845 — پژوهش مایر\n\n"
           "## پرسش‌ها\n\nس: فتوسنتز در کجا انجام می‌شود؟\nج: در کلروپلاست.\n"),
           "کلروفیل (اصطلاح): معنی چیست؟", "کدام اصطلاح با این می‌خواند: رنگدانه سبز؟",
           "3 نکته", "فتوسنتز در کجا انجام می‌شود؟", "چه زمانی؟ آزمایش اینگنهوس"),
    "hi": (("# प्रकाश संश्लेषण\n\n## शब्दावली\n\n| शब्द | अर्थ |\n|---|---|\n"
           "| क्लोरोफिल | हरा वर्णक |\n| रंध्र | पत्ती के छिद्र |\n| ग्लूकोज़ | पौधे की शर्करा |\n\n"
           "## इतिहास\n\n- 1779 — इंगेनहाउज़ के प्रयोग\n- 1845 — मेयर का शोध\n\n"
           "## अभ्यास प्रश्न\n\nप्र: प्रकाश संश्लेषण कहाँ होता है?\nउ: हरितलवक में।\n"),
           "क्लोरोफिल (शब्द): अर्थ क्या है?", "कौन-सा शब्द मेल खाता है: हरा वर्णक?", "3 बिंदु",
           "प्रकाश संश्लेषण कहाँ होता है?", "कब? इंगेनहाउज़ के प्रयोग"),
})


@pytest.mark.parametrize("lang", list(_LESSONS))
def test_prompts_and_labels_in_more_languages(lang):
    """A note in Dutch, Russian, Chinese, Japanese, Korean, Arabic, Hebrew, Persian or Hindi
    is asked in its language, and its own Q/A labels make question cards (before: Spanish or
    English prompts, and no question card for `В:`, `问：`, `問：`, `질문:`, `س:` ...)."""
    text, table, mcq, hint, question, date = _LESSONS[lang]
    doc = parse(text, "n.md")
    assert doc.lang == lang
    cards = derive(doc)
    by_kind: dict[str, list[Card]] = {}
    for c in cards:
        by_kind.setdefault(c.kind, []).append(c)
    assert by_kind["table"][0].prompt == table
    assert by_kind["mcq"][0].prompt == mcq
    assert plain(by_kind["section"][0].front[-1].text) == hint
    assert [c.prompt for c in by_kind["question"]] == [question]
    assert back_text(by_kind["question"][0]) == text.rstrip("\n").rpartition("\n")[2][2:].strip()
    assert by_kind["date"][0].prompt == date


def test_chinese_and_japanese_glossaries_timelines_and_headings():
    """A full-width colon with no space after it parts a term from its definition; eras are
    read in Chinese and Japanese; headings that name a quiz or references are known by the
    words they hold, though no space parts them."""
    zh = ("# 中国近代史\n\n## 名词解释\n\n- 洋务运动：学习西方技术的运动\n- 戊戌变法：1898年的改革\n\n"
          "## 思考题\n\n- 辛亥革命推翻了哪个王朝？\n\n## 参考资料\n\n- 《中国近代史》，人民出版社\n"
          "- 《辛亥革命史》，中华书局\n")
    cards = derive(parse(zh, "n.md"))
    assert [(c.prompt, back_text(c)) for c in cards if c.kind == "term"] == [
        ("洋务运动", "学习西方技术的运动"), ("戊戌变法", "1898年的改革")]
    assert not [c for c in cards if "出版社" in back_text(c)]  # references make no card
    ja = ("# 日本史\n\n## 年表\n\n- 紀元前660年 — 神武天皇即位\n- 794年 — 平安京に遷都\n\n"
          "## 環境問題\n\n- 公害が**社会問題**になった。\n")
    dates = _cards(ja, "date", reverse=True)
    assert [plain(c.reverse[0][0].text) for c in dates] == ["紀元前660年", "794年"]
    # 問題 ("problem") in a heading is no quiz: its point is studied
    assert [c.context[-1] for c in _cards(ja, "cloze")] == ["環境問題"]


def test_unanswered_chinese_question_finds_its_passage():
    """Chinese has no spaces: its text is matched by pairs of letters, so a question the note
    leaves unanswered finds the point that answers it (before: nothing matched)."""
    text = ("# 中国近代史\n\n## 大事年表\n\n- 1840年 — 鸦片战争爆发\n- 1911年 — 辛亥革命\n"
            "- 1949年 — 中华人民共和国成立\n\n## 思考题\n\n1. 辛亥革命推翻了哪个王朝？\n")
    [card] = _cards(text, "question")
    assert back_text(card).splitlines()[0] == "本笔记中："
    assert "1911年 — 辛亥革命" in back_text(card)
    assert "鸦片战争" not in back_text(card)


def test_arabic_and_hindi_questions_find_their_passages():
    """An Arabic question ends in ``؟``: a list of them made no card (the question was cut at
    a Latin ``?`` it does not have, leaving nothing). A Hindi question found no passage: its
    words were cut at every vowel sign."""
    ar = ("# الخلية\n\n## أجزاء الخلية\n\n- **النواة**: تحتوي على المادة الوراثية\n"
          "- **الميتوكوندريا**: تنتج الطاقة للخلية\n\n## أسئلة\n\n1. ما وظيفة النواة؟\n"
          "2. ما الذي ينتج الطاقة للخلية؟ الميتوكوندريا\n")
    asked = _cards(ar, "question")
    assert [c.prompt for c in asked] == ["ما وظيفة النواة؟", "ما الذي ينتج الطاقة للخلية؟"]
    assert back_text(asked[0]).splitlines()[0] == "من هذه الملاحظات:"
    assert "تحتوي على المادة الوراثية" in back_text(asked[0])
    assert "الطاقة" not in back_text(asked[0])
    assert back_text(asked[1]) == "الميتوكوندريا"  # answered on its line
    hi = ("# कोशिका\n\n## भाग\n\n- केंद्रक में आनुवंशिक पदार्थ होता है\n"
          "- माइटोकॉन्ड्रिया ऊर्जा बनाते हैं\n\n## प्रश्न\n\n1. आनुवंशिक पदार्थ कहाँ होता है?\n")
    [card] = _cards(hi, "question")
    assert back_text(card).splitlines()[0] == "इस नोट से:"
    assert "केंद्रक" in back_text(card) and "ऊर्जा" not in back_text(card)


def test_named_events_are_asked_when_and_what():
    """``**Berlin Blockade** (1948–1949): ...`` asked "When?" with the whole "Berlin Blockade
    (1948–1949)" as its answer: the name is the event, the bracket its date, and the text
    after it what happened (a term card, by the name)."""
    text = ("# The Cold War\n\n## Key events\n\n"
            "1. **Berlin Blockade** (1948–1949): the Soviets blocked West Berlin.\n"
            "2. **Cuban Missile Crisis** (1962): a standoff over missiles in Cuba.\n"
            "3. **Fall of the Berlin Wall** (1989): the border opened.\n")
    cards = derive(parse(text, "n.md"), reverse=True)
    dates = [c for c in cards if c.kind == "date"]
    assert [(plain(c.front[0].text), back_text(c)) for c in dates] == [
        ("Berlin Blockade", "1948–1949"), ("Cuban Missile Crisis", "1962"),
        ("Fall of the Berlin Wall", "1989")]
    terms = [c for c in cards if c.kind == "term"]
    assert [(c.prompt, back_text(c)) for c in terms] == [
        ("Berlin Blockade", "the Soviets blocked West Berlin."),
        ("Cuban Missile Crisis", "a standoff over missiles in Cuba."),
        ("Fall of the Berlin Wall", "the border opened.")]
    assert not [c for c in cards if c.kind == "cloze"]  # the names are asked already
    # a name with a number in it is still a name; a list out of order is no timeline
    assert [plain(c.front[0].text) for c in _cards(
        "# T\n\n- Apollo 11 (1969): the Moon\n- Apollo 13 (1970): the accident\n", "date")] == [
        "Apollo 11", "Apollo 13"]
    assert _cards("# T\n\n- Apollo 13 (1970): x\n- Apollo 11 (1969): y\n", "date") == []


def test_theorems_laws_and_definitions_set_off_in_bold():
    """Textbook paragraphs that open with a title in bold made no card: the title, all bold,
    hid a whole sentence. A named one is a term card; a label (Note, Proof, Definition) names
    nothing, but a definition's terms in italics are hidden as bold ones are."""
    text = ("# Number theory\n\n"
            "**Definition.** A *prime* is a natural number greater than 1 whose only divisors "
            "are 1 and itself.\n\n"
            "**Theorem (Euclid).** There are infinitely many primes.\n\n"
            "**Newton's first law**: an object at rest stays at rest.\n\n"
            "**Note.** This is *not* a definition.\n\n**Proof.** Suppose finitely many.\n\n"
            "**Q:** Is 1 prime?\n\n**A:** No.\n")
    cards = derive(parse(text, "n.md"), reverse=True)
    terms = [c for c in cards if c.kind == "term"]
    assert [(c.prompt, back_text(c)) for c in terms] == [
        ("Theorem (Euclid)", "There are infinitely many primes."),
        ("Newton's first law", "an object at rest stays at rest.")]
    assert plain(terms[0].reverse[0][0].text) == "There are infinitely many primes."
    assert [c.prompt for c in cards if c.kind == "cloze"] == [
        "A […] is a natural number greater than 1 whose only divisors are 1 and itself."]
    assert [c.prompt for c in cards if c.kind == "question"] == ["Is 1 prime?"]
    indonesian = ("---\nlang: id\n---\n# Bilangan\n\n**Definisi.** *Bilangan prima* adalah "
                  "bilangan yang hanya habis dibagi 1 dan dirinya sendiri.\n")
    assert [(c.kind, c.prompt) for c in derive(parse(indonesian, "n.md"))] == [
        ("cloze", "[…] adalah bilangan yang hanya habis dibagi 1 dan dirinya sendiri.")]
    # the full stop may follow the bold, as it may after a theorem's title
    outside = text.replace("**Definition.**", "**Definition**.")
    assert [c.prompt for c in derive(parse(outside, "n.md")) if c.kind == "cloze"] == [
        "A […] is a natural number greater than 1 whose only divisors are 1 and itself."]


def test_points_that_title_points_under_a_heading_are_its_sections():
    """``- Causes`` with the causes under it, ``- Consequences`` with the consequences: one
    section card held both lists; each is now a section of its own, as an outline's are."""
    text = ("# World War I\n\n## Overview\n\n- Causes\n  - Militarism\n  - Alliances\n"
            "- Consequences\n  - Treaty of Versailles\n  - League of Nations\n  - Collapse\n")
    cards = derive(parse(text, "n.md"))
    assert [(c.kind, plain(c.front[0].text)) for c in cards] == [
        ("section", "Overview › Causes"), ("section", "Overview › Consequences"),
        ("list", "Name the 2 points of: Overview")]
    # a list with a point that is no title stays one list
    mixed = text.replace("- Consequences\n", "- It ended in 1918.\n")
    assert [c.kind for c in derive(parse(mixed, "n.md"))] == ["section"]


def test_a_table_of_questions_asks_them():
    """A ``| Question | Answer |`` table in a quiz section made no card at all (a quiz's
    blocks are no study material, and only its points were asked); elsewhere it made table
    cards, ``What is ...? (Question): what is the Answer?``, and multiple choices."""
    rows = ("| Question | Answer | Page |\n|---|---|---|\n"
            "| What is the powerhouse of the **cell**? | The mitochondrion | 12 |\n"
            "| Where does photosynthesis happen? | In the chloroplast | 14 |\n"
            "| What carries genetic information? | DNA | |\n")
    for heading in ("Quiz", "Cells"):
        cards = derive(parse(f"# Biology\n\n## {heading}\n\n{rows}", "n.md"))
        assert [c.kind for c in cards] == ["question"] * 3
        first, _, last = cards
        assert first.prompt == "What is the powerhouse of the cell?"
        assert first.front[0].text[1].style == "strong"
        assert back_text(first) == "• Answer: The mitochondrion\n• Page: 12"
        assert back_text(last) == "DNA"
        assert first.ref.line == 7


def test_a_table_in_a_quiz_asks_every_row():
    """A quiz's table (``## Review``, a Cornell table) made no card unless most of its first
    cells asked: a quiz's blocks are not the table rules', and the question rule took only
    tables of questions. In a quiz, every row now asks by its first cell."""
    text = ("# Diabetes\n\n## Review\n\n| Cue | Notes |\n|---|---|\n"
            "| What does insulin do? | It lets cells take up glucose |\n"
            "| Polyuria | Passing large amounts of urine |\n")
    assert [(c.prompt, back_text(c)) for c in _cards(text, "question")] == [
        ("What does insulin do?", "It lets cells take up glucose"),
        ("Polyuria", "Passing large amounts of urine")]
    assert _cards(text, "table") == [] and _cards(text, "mcq") == []


def test_a_cue_that_asks_is_its_card_front_as_written():
    """Cornell notes (``| Cue | Notes |``, some cues questions) made ``Where does it
    happen? (Cue): what is the Notes?``: the cue column holds prompts, not keys to ask by.
    A table of two columns where a first cell asks takes every first cell as its card's
    front; in a wider table, a row whose first cell asks does. Other tables are asked as
    before."""
    text = ("# Photosynthesis\n\n| Cue | Notes |\n|---|---|\n"
            "| Where does it happen? | In the chloroplasts |\n| Inputs | CO₂, water, light |\n"
            "| Outputs | Glucose and oxygen |\n\n## Organs\n\n| Organ | Role | Site |\n"
            "|---|---|---|\n| Which organ pumps blood? | Circulation | Chest |\n"
            "| Lung | Gas exchange | Chest |\n")
    cards = _cards(text, "table", reverse=True)
    assert [(c.prompt, back_text(c)) for c in cards] == [
        ("Where does it happen?", "In the chloroplasts"), ("Inputs", "CO₂, water, light"),
        ("Outputs", "Glucose and oxygen"),
        ("Which organ pumps blood?", "• Role: Circulation\n• Site: Chest"),
        ("Lung (Organ): what is the Role and Site?", "• Role: Gas exchange\n• Site: Chest")]
    # a question is not asked the other way round (by its answer); a cue is
    assert [c.reverse is not None for c in cards] == [False, True, True, False, True]


def test_equations_are_not_terms():
    """``1. $v = u + at$`` made a term card ``v`` / ``u + at``: the ``=`` of a formula (or of
    code) parts no term from its definition. ``Speed = distance / time`` in words still does."""
    text = ("# Kinematics\n\n## Equations\n\n1. $v = u + at$\n2. $v^2 = u^2 + 2as$\n\n"
            "## Code\n\n- `x = 1`\n- `y = 2`\n\n## Words\n\n- Speed = distance / time\n"
            "- Power = work / time\n")
    assert [c.prompt for c in _cards(text, "term")] == ["Speed", "Power"]


def test_a_code_block_answers_the_question_before_it():
    """A question in bold, then its answer as a code block (as programming notes write
    them): the block was dropped, so the question took a passage of another section as its
    answer, or made no card. The block is now the answer, its lines kept; a diagram's block
    (mermaid) is not read."""
    text = ("# Git\n\n## Commands\n\n**How do you undo the last commit?**\n\n"
            "```bash\ngit reset --soft HEAD~1\n# keeps <changes> & the index\n```\n\n"
            "**How do you see the history as a graph?**\n\n```\ngit log --graph\n```\n\n"
            "```mermaid\ngraph TD; A-->B\n```\n\n## Terms\n\n- Branch: a pointer to a commit\n"
            "- Tag: a fixed name for a commit\n")
    asked = {c.prompt: c for c in _cards(text, "question")}
    undo = asked["How do you undo the last commit?"]
    assert body_html(undo.back) == ("<div><pre><code>git reset --soft HEAD~1\n# keeps "
                                    "&lt;changes&gt; &amp; the index</code></pre></div>")
    assert back_text(asked["How do you see the history as a graph?"]) == "git log --graph"
    assert "graph TD" not in "".join(back_text(c) for c in derive(parse(text, "n.md")))


def test_a_code_block_under_a_point_answers_it():
    """``- How do you reverse a list?`` with the command in a code block under it made no
    card ("no answer in the note"): code blocks in lists were dropped. The block is now the
    point's answer, its lines kept; a point that is only a code block shows it; a diagram's
    block is still not read."""
    text = ("# Python\n\n## Lists\n\n- How do you reverse a list?\n  ```python\n  xs[::-1]\n"
            "  ```\n- How do you define a doubling function?\n\n  ```\n  def double(x):\n"
            "      return 2 * x\n  ```\n\n## Steps\n\n- Install it:\n  ```\n  pip install x\n"
            "  ```\n-     flashgen build\n- Draw it:\n  ```mermaid\n  graph TD; A-->B\n  ```\n")
    asked = {c.prompt: c for c in _cards(text, "question")}
    assert body_html(asked["How do you reverse a list?"].back) == (
        "<ul><li><pre><code>xs[::-1]</code></pre></li></ul>")
    assert back_text(asked["How do you define a doubling function?"]) == (
        "• def double(x):\n      return 2 * x")
    [steps] = _cards(text, "section")
    assert body_html(steps.back).startswith(
        "<ul><li>Install it:<ul><li><pre><code>pip install x</code></pre></li></ul></li>"
        "<li><pre><code>flashgen build</code></pre></li><li>Draw it:</li></ul>")


def test_a_picture_in_a_question_answered_by_its_points_stays_on_its_front():
    """``- What is shown here? ![heart](heart.png)`` with the answer in the points under it
    showed the picture on neither side: split off as the answer, which its points replace."""
    text = ("# Heart\n\n## Identify\n\n- What is shown here? ![heart](heart.png)\n"
            "  - The four chambers\n- Which valve is this? ![](valve.png)\n")
    shown, bare = _cards(text, "question")
    assert [s.style for s in shown.front[0].text] == ["", "image"]
    assert back_text(shown) == "• The four chambers"
    # without points under it, the picture is the answer, as before
    assert [s.style for s in bare.back[0].text] == ["image"]


def test_a_to_do_list_makes_no_cards():
    """``- [ ] Practise the graphs`` made a section card "3 points" of the writer's tasks. A
    list whose points all have a task's box is a to-do list, as a list of links is a reading
    list; a list where only some points have one is studied."""
    text = ("# Economics\n\n## Before the exam\n\n- [x] Read chapter 1\n"
            "- [ ] Practise the **graphs**\n- [ ] Review the key terms\n\n"
            "## Demand\n\n- [x] Demand falls as the price rises\n- Supply rises with it\n")
    cards = derive(parse(text, "n.md"))
    assert [(c.kind, plain(c.front[0].text)) for c in cards] == [
        ("section", "Economics › Demand")]
    assert back_text(cards[0]) == "• Demand falls as the price rises\n• Supply rises with it"


def test_a_phrasebook_asks_each_phrase():
    """A list of phrases and their translations, a sentence each, gave no card but the
    section's, and asked ``¿Qué quieres comer? — What do you want to eat?`` as one question
    without an answer."""
    text = ("# Spanish\n\n## Phrases\n\n- ¿Qué quieres comer? — What do you want to eat?\n"
            "- Tengo hambre. — I'm hungry.\n- La cuenta, por favor. — The bill, please.\n")
    cards = derive(parse(text, "n.md"))
    assert [(c.kind, c.prompt, back_text(c)) for c in cards if c.kind in ("term", "question")] == [
        ("term", "Tengo hambre.", "I'm hungry."),
        ("term", "La cuenta, por favor.", "The bill, please."),
        ("question", "¿Qué quieres comer?", "What do you want to eat?")]
    # sentences before a colon, or with a full stop inside, are still no terms
    assert _cards("# T\n\n- It rains. Then: wet\n- Dry. Now - sunny\n", "term") == []
    assert _cards("# T\n\n- Note.: a\n- Also.: b\n", "term") == []


@pytest.mark.parametrize("points", [
    ["100 - water boils", "0 - water freezes"],  # quantities, not in time order
    ["100 °C: water boils", "1538 °C: iron melts"],  # quantities, in order
    ["500 m - a hill", "8849 m - Everest"],
    ["1 - prepare the sample", "2 - heat it"],  # steps: no years
    ["1789 - the Bastille", "the Terror followed"],  # not every point is dated
    ["1789 - the Bastille"],  # one date is no timeline
    ["1789 - 1799", "1804 - 1815"],  # no event
])
def test_lists_that_are_no_timeline(points):
    text = "# T\n\n## Dates\n\n" + "".join(f"- {p}\n" for p in points)
    assert _cards(text, "date") == []


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


def _cards(text: str, kind: str, **kw) -> list[Card]:
    return [c for c in derive(parse(text, "n.md"), **kw) if c.kind == kind]


def test_glossary_points_make_a_card_per_term():
    text = ("# Spanish\n\n## Words\n\n- el perro - the dog\n- la casa – the house\n"
            "- **comer**: to eat\n- hablar = to speak\n- la biblioteca → the library\n"
            "- el gato -> the cat\n  - also: a jack\n")
    terms = _cards(text, "term")
    assert [(c.prompt, back_text(c)) for c in terms] == [
        ("el perro", "the dog"), ("la casa", "the house"), ("comer", "to eat"),
        ("hablar", "to speak"), ("la biblioteca", "the library"),
        ("el gato", "the cat\n• also: a jack")]
    assert all(c.context == ("Words",) for c in terms) and terms[0].ref.line == 5
    assert [s.style for s in terms[2].front[0].text] == ["strong"]  # the term keeps its style
    assert terms[0].reverse is None
    # the list is still a section to recall whole
    assert [c.prompt for c in _cards(text, "section")] == ["Spanish › Words"]
    # --reverse: definition -> term too
    flipped = _cards(text, "term", reverse=True)[0].reverse
    assert flipped is not None
    assert [body_lines(side) for side in flipped] == [["the dog"], ["el perro"]]


@pytest.mark.parametrize("points", [
    # one labelled point among sentences: a list of points (as in the seed note)
    "- You need no training from scratch.\n- Result: faster releases.\n",
    # a long label, or one holding a sentence, is no term
    "- This is a whole sentence that runs on and on: yes\n- Short: ok\n",
    "- Done. Next: more\n- Short: ok\n",
    # nothing after the separator (and no points under it), or no letter before it
    "- Lead-in:\n- Short: ok\n",
    "- 10: ten\n- 20: twenty\n",
    # Logseq's properties (key:: value) are no terms
    "- tags:: biology\n- alias:: cells\n",
    # a reading list of linked names is no glossary
    "- [Course](https://x.org): free\n- [Docs](https://y.org): reference\n",
    # one point alone is no glossary; questions are asked, not defined
    "- Capital: Paris\n",
    "- Q: What is it?\n- Frage: nothing\n",
])
def test_points_that_are_not_a_glossary_make_no_term_cards(points):
    assert _cards(f"# N\n\n## S\n\n{points}", "term") == []


def test_a_label_over_points_is_a_term_they_define():
    """A record of labelled points, as medical and history notes write them (``**Cause**:
    ...``, ``**Treatment**:`` and the treatments under it): the label over points was no
    term, so the list was no glossary, and its bold labels became clozes that hide a label
    and show nothing else (``Type 1 diabetes: _____:``). The label is now a term, its points
    its definition (and the front of its reverse card); a label alone over points in a list
    that is no glossary is hidden in no cloze."""
    text = ("# Diabetes\n\n## Type 1\n\n- **Cause**: autoimmune destruction of beta cells\n"
            "- **Treatment**:\n  - Insulin injections\n  - Glucose monitoring\n\n"
            "## Type 2\n\n- It is the **most common** form.\n- **Risk factors**:\n"
            "  - Obesity\n  - Inactivity\n")
    terms = {c.prompt: c for c in derive(parse(text, "n.md"), reverse=True) if c.kind == "term"}
    assert list(terms) == ["Cause", "Treatment"]
    assert back_text(terms["Treatment"]) == "• Insulin injections\n• Glucose monitoring"
    assert terms["Treatment"].context == ("Type 1",)
    assert body_lines(terms["Treatment"].reverse[0]) == ["• Insulin injections",
                                                         "• Glucose monitoring"]
    assert [c.prompt for c in _cards(text, "cloze")] == ["It is the […] form."]


def test_a_record_makes_a_term_card_per_line_and_a_dialogue_none():
    """Labelled lines without bullets made one term card of the first label, its answer
    every other line (``Date`` / ``14 October 1066 Winner: William ...``). Each line is now a
    term. A dialogue, whose labels come again (who speaks), makes no term or cloze of them
    (``Client`` / ``Bonjour``, ``_____ : Voilà.``), and its questions are not the note's to
    ask (they warned of no answer); its lines are a section's points. **Q:** and **A:**
    pairs are still asked."""
    text = ("# Notes\n\n## Hastings\n\n**Date:** 14 October 1066\n**Winner:** William\n\n"
            "## Dialogue\n\n**Client** : Je voudrais une **baguette**.\n**Baker** : Voilà.\n"
            "**Client** : C'est combien ?\n\n## Interview\n\n- **Reporter**: What happened?\n"
            "- **Witness**: The king fell.\n- **Reporter**: Where?\n- **Witness**: On the hill.\n"
            "\n## Check\n\n**Q:** Who won?\n**A:** William\n\n**Q:** When?\n**A:** 1066\n")
    cards = derive(parse(text, "n.md"))
    assert [(c.prompt, back_text(c)) for c in cards if c.kind == "term"] == [
        ("Date", "14 October 1066"), ("Winner", "William")]
    assert [c.prompt for c in cards if c.kind == "cloze"] == ["Client : Je voudrais une […]."]
    assert [(c.prompt, back_text(c)) for c in cards if c.kind == "question"] == [
        ("Who won?", "William"), ("When?", "1066")]
    [interview] = [c for c in cards if c.kind == "section" and c.context == ("Interview",)]
    assert back_text(interview).count("Reporter") == 2


def test_definition_lists_make_term_cards():
    text = ("# Economics\n\n## Terms\n\nOpportunity cost\n: The value of the next best "
            "alternative given up.\n\nA term of more than six words in all\n: still a term, "
            "since the list says so\n")
    terms = _cards(text, "term")
    assert [(c.prompt, back_text(c), c.ref.line) for c in terms] == [
        ("Opportunity cost", "The value of the next best alternative given up.", 5),
        ("A term of more than six words in all", "still a term, since the list says so", 8)]
    # a single definition is a term too
    assert len(_cards("Entropy\n: disorder\n", "term")) == 1


def test_questions_with_plain_labels():
    text = ("# Cells\n\nQ: What is the powerhouse of the cell?\nA: The mitochondrion.\n\n"
            "Question: Which organelle stores water?\n\nAnswer: The vacuole.\n\n"
            "- Q: What is osmosis? A: Diffusion of water.\n"
            "- Q: What is vitamin a: a nutrient? Answer: Yes.\n\n"
            "Q: Why do cells divide?\n\n## Growth\n\n- Cells divide to grow and repair.\n")
    qs = {c.prompt: back_text(c) for c in _cards(text, "question")}
    assert qs["What is the powerhouse of the cell?"] == "The mitochondrion."
    assert qs["Which organelle stores water?"] == "The vacuole."
    assert qs["What is osmosis?"] == "Diffusion of water."
    # a lower-case "a:" inside the question is not the answer's label
    assert qs["What is vitamin a: a nutrient?"] == "Yes."
    # unanswered: the passages that answer it
    assert "Cells divide to grow and repair." in qs["Why do cells divide?"]
    assert len(qs) == 5
    # the note's language's labels; a label is one only at the start, followed by a colon
    de = {c.prompt: back_text(c) for c in _cards("Frage: Was ist ein Gen?\nAntwort: Ein "
                                                  "Abschnitt der DNA.\n", "question")}
    assert de == {"Was ist ein Gen?": "Ein Abschnitt der DNA."}
    assert _cards("The Q: factor matters?\n\nQ without a colon?\n", "question") == []


def test_questions_in_bold_take_the_answer_after_them():
    text = ("# Revolution\n\n## Q&A\n\n**What did the Declaration proclaim?**\nLiberty and "
            "equality.\n\n**Who led the Committee?** Maximilien **Robespierre**.\n\n"
            "**Why did the monarchy fall?**\n\nThe king fled to **Varennes**.\n\n"
            "**What was the Third Estate?**\n\n**What was the Terror?**\n\n"
            "## Causes\n\nThe state was bankrupt after the war.\n\n"
            "- **What is a tithe?** A tax paid to the Church.\n- The **Estates** were three.\n")
    qs = {c.prompt: back_text(c) for c in _cards(text, "question")}
    assert qs["What did the Declaration proclaim?"] == "Liberty and equality."
    assert qs["Who led the Committee?"] == "Maximilien Robespierre."
    assert qs["Why did the monarchy fall?"] == "The king fled to Varennes."  # the next paragraph
    assert qs["What is a tithe?"] == "A tax paid to the Church."
    # a question is no answer (the passages are), and neither is the next section's text
    assert qs["What was the Third Estate?"].startswith("From this note:")
    assert "What was the Terror?" not in qs  # no answer, no passage: warned, no card
    assert len(qs) == 5
    # the questions are no clozes; bold in an answer of its own paragraph is
    assert [c.prompt for c in _cards(text, "cloze")] == ["The king fled to […].",
                                                         "The […] were three."]


def test_a_heading_that_asks_is_answered_by_its_paragraphs():
    """An FAQ: ``## What is osmosis?`` and a paragraph under it. A heading that asks and has
    points under it is asked by its section card already."""
    text = ("# Cells\n\n## What is osmosis?\n\nThe diffusion of **water**.\n\nAcross a "
            "membrane.\n\n## Why do cells divide?\n\n- to grow\n- to repair\n\n"
            "## Membrane\n\nA lipid bilayer.\n")
    qs = {c.prompt: (back_text(c), c.context, c.ref.line) for c in _cards(text, "question")}
    assert qs == {"What is osmosis?": ("The diffusion of water.\nAcross a membrane.", (), 3)}
    assert [c.prompt for c in _cards(text, "section")] == ["Cells › Why do cells divide?"]


def test_obsidian_notes_related_notes_and_callout_questions():
    text = ("# Mitosis\n\n## Phases\n\n- The [[Cell|cell]] copies its **DNA** first\n"
            "- [[Spindle]] fibres pull the **chromatids** apart\n- Two nuclei form\n\n"
            "> [!question]- Why is [[Mitosis|mitosis]] important?\n> For growth and repair.\n\n"
            "> [!tip] Remember\n> Cells divide.\n\n**A line in bold.**\n\n"
            "## See also\n\n- [[Meiosis]]\n- [[Cell cycle]], [[Interphase]]\n")
    cards = derive(parse(text, "m.md"))
    # links to other notes alone are a reading list; points that link in a sentence are not
    assert [c.prompt for c in cards if c.kind == "section"] == ["Mitosis › Phases"]
    assert [c.prompt for c in cards if c.kind == "cloze"] == [
        "The cell copies its […] first", "Spindle fibres pull the […] apart"]
    # a callout titled with a question is asked, its text the answer
    qs = {c.prompt: back_text(c) for c in cards if c.kind == "question"}
    assert qs == {"Why is mitosis important?": "For growth and repair."}


def test_a_glossary_term_in_bold_is_not_hidden_again():
    """Its term card asks it (and, with --reverse, the other way): a cloze hiding it would
    ask the same again. Bold in its definition is still hidden."""
    text = ("# Mitosis\n\n## Phases\n\n- **Prophase** — chromosomes **condense**\n"
            "- **Meta**phase: chromosomes line up\n\n**Anaphase**\n: chromatids part\n")
    cards = derive(parse(text, "m.md"), reverse=True)
    assert [c.prompt for c in cards if c.kind == "term"] == ["Prophase", "Metaphase",
                                                             "Anaphase"]
    assert [c.prompt for c in cards if c.kind == "cloze"] == ["Prophase — chromosomes […]"]


def test_formulas_and_code_keep_their_style_on_fronts():
    """A formula in a table cell or a question is typeset on the card (Anki's MathJax), as
    in the note, instead of showing its TeX; the prompt (and so the GUID) stays plain."""
    text = ("# Derivatives\n\n## Rules\n\n| Rule | Derivative |\n|---|---|\n"
            "| Power | $n x^{n-1}$ |\n| Sine | $\\cos x$ |\n| Exponential | `exp(x)` |\n\n"
            "## Practice\n\n- What is the derivative of $x^3$? $3x^2$\n"
            "- **Q:** Why is `len()` O(1)? **A:** The size is stored.\n")
    cards = derive(parse(text, "d.md"), reverse=True)
    html = {c.prompt: body_html(c.front) for c in cards}
    assert r"Which Rule matches: \(n x^{n-1}\)?" in html["Which Rule matches: n x^{n-1}?"]
    table = next(c for c in cards if c.kind == "table")
    assert "\\(n x^{n-1}\\)" in body_html(table.reverse[0])
    assert "Which Rule matches: <code>exp(x)</code>?" in html["Which Rule matches: exp(x)?"]
    assert "Power — \\(n x^{n-1}\\)" in body_html(cards[0].back)  # the section's rows
    asked = {c.prompt: c for c in cards if c.kind == "question"}
    assert list(asked) == ["What is the derivative of x^3?", "Why is len() O(1)?"]
    first, second = asked.values()
    assert body_html(first.front) == "<div>What is the derivative of \\(x^3\\)?</div>"
    assert body_html(first.back) == "<div>\\(3x^2\\)</div>"
    assert body_html(second.front) == "<div>Why is <code>len()</code> O(1)?</div>"


def test_multiple_choice_options_keep_their_style():
    """Options that are formulas or code are typeset as the note writes them: they showed
    their TeX (``\\frac{1}{x}``) before. Study sheets and CSV keep the TeX as written."""
    text = ("# Derivatives\n\n| Derivative | Of |\n|---|---|\n| $\\frac{1}{x}$ | ln x |\n"
            "| $\\cos x$ | sin x |\n| $e^x$ | e to the x |\n| `1` | the identity |\n")
    [first, *_] = _cards(text, "mcq")
    html = body_html(first.back)
    assert "\\(\\frac{1}{x}\\)" in html and "\\(\\cos x\\)" in html and "<code>1</code>" in html
    assert "$\\frac{1}{x}$ ✓" in back_text(first)
    plain_keys = _cards("# T\n\n| K | V |\n|---|---|\n| a &amp; b < c | 1 |\n| b | 2 |\n| c | 3 |\n",
                        "mcq")
    assert "a &amp; b &lt; c" in body_html(plain_keys[0].back)  # escaped as before


def test_one_chinese_or_japanese_character_in_bold_is_a_term():
    text = "# 文法\n\n- **は** は主題を示す助詞です。\n- **a** is an article.\n- **注意：** 重要。\n"
    assert [c.prompt for c in _cards(text, "cloze")] == ["[…] は主題を示す助詞です。"]


def test_a_section_of_steps_says_in_order():
    text = ("# Cells\n\n## Mitosis\n\n1. Prophase\n2. Metaphase\n3. Anaphase\n\n"
            "## Parts\n\n- nucleus\n- membrane\n\n## Mixed\n\n1. one\n2. two\n\n- three\n")
    hints = {c.prompt: body_lines(c.front)[1] for c in _cards(text, "section")}
    assert hints == {"Cells › Mitosis": "3 points, in order", "Cells › Parts": "2 points",
                     "Cells › Mixed": "3 points"}
    german = _cards("---\nlang: de\n---\n## Schritte\n\n1. a\n2. b\n", "section")
    assert body_lines(german[0].front)[1] == "2 Punkte, der Reihe nach"


def test_a_section_of_one_point_says_point():
    hints = [body_lines(c.front)[1] for c in _cards("# T\n\n## One\n\n- only\n\n## Two\n\n"
                                                     "- a\n- b\n", "section")]
    assert hints == ["1 point", "2 points"]


def test_highlights_and_anki_clozes_in_a_note_make_cloze_cards():
    clozes = _cards("# Geo\n\n## Capitals\n\n- The capital of France is {{c1::Paris}}.\n"
                    "- ==Madrid== is the capital of Spain.\n", "cloze")
    assert [c.prompt for c in clozes] == ["The capital of France is […].",
                                          "[…] is the capital of Spain."]
    assert [s.text for s in clozes[0].front[0].text if s.style == "cloze"] == ["Paris"]


def test_cloze_sentences_end_where_their_language_ends_them():
    """A cloze hides a phrase in its sentence: abbreviations end none, full stops that take
    no blank after them end one, and a picture's description is no part of the prompt."""
    def prompts(text: str) -> list[str]:
        return [c.prompt for c in _cards(text, "cloze")]

    assert prompts("# Cells\n\n## Parts\n\nSee Fig. 3 for the **membrane**. The **nucleus** is "
                   "e.g. central. ![a drawing](cell.png) Mr. **Smith** found it.\n") == [
        "See Fig. 3 for the […].", "The […] is e.g. central.", "Mr. […] found it."]
    assert prompts("# 光合作用\n\n## 要点\n\n光合作用发生在**叶绿体**中。植物需要**阳光**和水！\n") == [
        "光合作用发生在[…]中。", "植物需要[…]和水！"]
    assert prompts("---\nlang: hi\n---\n# पौधे\n\n## धूप\n\n"
                   "पौधों को **धूप** चाहिए। **पानी** भी चाहिए।\n") == [
        "पौधों को […] चाहिए।", "[…] भी चाहिए।"]
    # an abbreviation the segmenter does not know ("dll.", and so on) ends no sentence
    # when a lower-case word follows it
    assert prompts("# Model\n\n## Biaya\n\nModel besar seperti GPT, BERT, dll. butuh **GPU "
                   "mahal**. Fine-tuning cukup pakai **laptop**.\n") == [
        "Model besar seperti GPT, BERT, dll. butuh […].", "Fine-tuning cukup pakai […]."]


def test_anki_clozes_keep_the_writers_numbers_and_hints():
    """A point or paragraph with numbered Anki clozes is one cloze note, as in Anki: the
    phrases of one number are hidden together, each number makes a card, hints are kept, and
    bold text beside them stays bold instead of being hidden too."""
    from flashgen.export.anki import note_rows
    from flashgen.model import Deck

    text = ("# Geo\n\n## Capitals\n\n"
            "- The capital of France is {{c1::Paris}}. Peru's is **{{c2::Lima::a city}}**, "
            "and {{c1::Rome}} is Italy's.\n"
            "- **Bern** is Switzerland's. ==Madrid== is Spain's.\n"
            "- {{c0::Oslo}} and {{c70000::Kyiv}} are no numbers Anki reads.\n")
    clozes = _cards(text, "cloze")
    assert [c.prompt for c in clozes] == [
        "The capital of France is […]. Peru's is [a city], and […] is Italy's.",
        "[…] is Switzerland's.", "[…] is Spain's.", "[…] and […] are no numbers Anki reads."]
    rows = note_rows(Deck("Geo", "n.md", "en", tuple(clozes), "n"))
    assert rows[0].fields[0] == ("<div>The capital of France is {{c1::Paris}}. Peru's is "
                                 "{{c2::Lima::a city}}, and {{c1::Rome}} is Italy's.</div>")
    assert rows[0].ords == (0, 1)
    # unnumbered: each sentence its own note, as before
    assert [r.fields[0] for r in rows[1:3]] == [
        "<div>{{c1::Bern}} is Switzerland's.</div>", "<div>{{c1::Madrid}} is Spain's.</div>"]
    assert rows[3].fields[0].startswith("<div>{{c1::Oslo}} and {{c2::Kyiv}}")
    # printed fronts show a hint where Anki would
    assert body_lines(clozes[0].front, cloze="hide") == [
        "The capital of France is _____. Peru's is [a city], and _____ is Italy's."]
    # bold text in a numbered point is not hidden
    numbered = _cards("# G\n\n## C\n\n- **Paris** is the capital of {{c1::France}}.\n",
                      "cloze")
    assert [c.prompt for c in numbered] == ["Paris is the capital of […]."]
    assert Span("Paris", "strong") in numbered[0].front[0].text


def test_details_hide_answers_that_question_cards_show():
    text = ("# Cells\n\n## Organelles\n\n- Mitochondria make ATP.\n- Ribosomes make proteins.\n\n"
            "<details>\n<summary>What makes <b>ATP</b>?</summary>\n\nMitochondria.\n\n"
            "- in every cell\n\n</details>\n\n"
            "<details><summary>Where is DNA?</summary>In the <i>nucleus</i>.</details>\n\n"
            "<details><summary>Left open?</summary>\n\nStill an answer.\n\n## Next\n\n- a\n- b\n")
    cards = derive(parse(text, "d.md"))
    qs = {c.prompt: (back_text(c), c.ref.line) for c in cards if c.kind == "question"}
    assert qs == {"What makes ATP?": ("• Mitochondria.\n• in every cell", 8),
                  "Where is DNA?": ("• In the nucleus.", 17),
                  "Left open?": ("• Still an answer.", 19)}
    # the answers are not points of the section, and no tag shows anywhere
    sections = {c.prompt: back_text(c) for c in cards if c.kind == "section"}
    assert sections == {"Cells › Organelles": "• Mitochondria make ATP.\n"
                                               "• Ribosomes make proteins.",
                        "Cells › Next": "• a\n• b"}
    assert not any("<" in c.prompt + back_text(c) for c in cards)


def _flashcards(text: str) -> dict[str, tuple[str, int, bool, tuple[str, ...]]]:
    """Each flashcard: prompt -> (back, line, has a reverse card, context)."""
    return {c.prompt: (back_text(c), c.ref.line, c.reverse is not None, c.context)
            for c in derive(parse(text, "f.md")) if c.kind == "flashcard"}


def test_flashcards_written_for_obsidian_spaced_repetition():
    text = ("---\ntags: [flashcards]\n---\n# Plants\n\nPlants are green.\n"
            "What gas do plants take in::Carbon dioxide\n"
            "**Chlorophyll**:::The green pigment<!--SR:!2024-05-01,3,250-->\n\n"
            "Where does the light reaction happen?\n?\nIn the thylakoid membranes\n"
            "of the chloroplast.\n\nCalvin cycle\n??\nThe reactions that fix carbon\n\n"
            "What are the stages?\n?\n1. Light reactions\n2. Calvin cycle\n\n"
            "## Terms\n\n- Stomata:: pores in the leaf\n- $\\int x\\,dx$::$x^2/2$\n\n"
            "Intro line.\nWhat is osmosis? #card-reverse\nWater crossing a membrane\n"
            "from low to high solute.\n")
    cards = derive(parse(text, "f.md"))
    assert _flashcards(text) == {
        "What gas do plants take in": ("Carbon dioxide", 7, False, ()),
        "Chlorophyll": ("The green pigment", 8, True, ()),
        "Where does the light reaction happen?": (
            "In the thylakoid membranes of the chloroplast.", 10, False, ()),
        "Calvin cycle": ("The reactions that fix carbon", 15, True, ()),
        "What are the stages?": ("1. Light reactions\n2. Calvin cycle", 19, False, ()),
        "Stomata": ("pores in the leaf", 26, False, ("Terms",)),
        "\\int x\\,dx": ("$x^2/2$", 27, False, ("Terms",)),
        "What is osmosis?": ("Water crossing a membrane from low to high solute.", 30, True,
                             ("Terms",)),
    }
    chlorophyll = next(c for c in cards if c.prompt == "Chlorophyll")
    assert chlorophyll.front[0].text == (Span("Chlorophyll", "strong"),)
    assert body_lines(chlorophyll.reverse[0]) == ["The green pigment"]
    assert body_lines(chlorophyll.reverse[1]) == ["Chlorophyll"]
    # the line of prose stays prose; the cards are no section's points and no clozes
    assert [c.kind for c in cards] == ["flashcard"] * 8
    assert parse(text, "f.md").blocks[0] == Paragraph((Span("Plants are green."),),
                                                      SourceRef("f.md", 6))


def test_flashcards_tagged_card_in_logseq_and_obsidian_flashcards():
    text = ("- tags:: biology, [[cell cycle]]\n- The cell cycle\n"
            "  - What is interphase? #card-reverse\n    card-last-interval:: 4\n"
            "    id:: 6501a2b3\n    - The phase between divisions\n"
            "  - {{cloze Cytokinesis}} splits the cytoplasm\n"
            "  - What ends mitosis? #card\n    - Telophase\n    - then cytokinesis\n\n"
            "## What does the spindle do? #card\nIt pulls the chromatids apart.\n\n"
            "- toward the poles\n- at anaphase\n\n## Where are chromosomes copied?\n#card\n"
            "In the S phase.\n\n## Other\n\n- a #card in a sentence stays\n- b\n")
    doc = parse(text, "l.md")
    # tags:: is read; a #card that ends a line marks a card and is no tag, while one inside
    # a sentence is a tag, as Obsidian counts them
    assert doc.tags == ("biology", "cell_cycle", "card")
    # a heading's card has the block under it for its back (what follows a blank line is not
    # the card's), as Obsidian's Flashcards plugin reads it; #card may stand on its own line
    assert _flashcards(text) == {
        "What is interphase?": ("The phase between divisions", 3, True, ()),
        "What ends mitosis?": ("• Telophase\n• then cytokinesis", 8, False, ()),
        "What does the spindle do?": ("It pulls the chromatids apart.", 12, False, ()),
        "Where are chromosomes copied?": ("In the S phase.", 18, False, ()),
    }
    cards = derive(doc)
    assert Counter(c.kind for c in cards) == {"flashcard": 4, "cloze": 1, "section": 3}
    sections = {c.prompt: back_text(c) for c in cards if c.kind == "section"}
    assert sections["L › What does the spindle do?"] == "• toward the poles\n• at anaphase"
    assert sections["L › Other"] == "• a #card in a sentence stays\n• b"
    assert "L › Where are chromosomes copied?" not in sections


def test_flashcard_lookalikes_are_not_cards(caplog):
    text = ("# C++\n\nUse std::vector for dynamic arrays in C++.\nCall Foo::bar() to start.\n"
            "a::b::c is a path\nA colon at the end::\n`x::y` is code\n\n"
            "A front with nothing after it\n?\n\nNext paragraph\n\n- Cytokinesis #card\n")
    assert _flashcards(text) == {}
    doc = parse(text, "c.md")
    assert [plain(b.text) for b in doc.blocks[:3]] == [
        ("Use std::vector for dynamic arrays in C++. Call Foo::bar() to start. a::b::c is a "
         "path A colon at the end:: x::y is code"), "A front with nothing after it",
        "Next paragraph"]
    assert "c.md:9: flashcard 'A front with nothing after it' has no answer" in caplog.text
    assert "c.md:14: flashcard 'Cytokinesis' has no answer" in caplog.text


def test_obsidian_to_anki_notes_between_start_and_end(caplog):
    text = ("# Cells\n\nSTART\nBasic\nWhat makes ATP?\nBack: Mitochondria.\nEND\n"
            "<!--ID: 1566052191670-->\n\nSTART\nBasic (and reversed card)\n"
            "Front: What is osmosis?\n\nBack: Water crossing a **membrane**.\n- by diffusion\n"
            "END\n\nSTART\nCloze\nThe capital of {{c1::France}} is {{c2::Paris}}.\n"
            "Tags: geo\nEND\n\nSTART\nBasic\nA front only\n\n## Next\n\n- a\n- b\n\n"
            "STARTI [Basic (and reversed card)] What is **ATP**? Back: Energy. ENDI\n"
            "STARTI What makes proteins? Back: Ribosomes ENDI\n")
    doc = parse(text, "o.md")
    assert doc.tags == ("geo",)
    assert _flashcards(text) == {
        "What makes ATP?": ("Mitochondria.", 3, False, ()),
        "What is osmosis?": ("Water crossing a membrane. by diffusion", 10, True, ()),
        # on one line: STARTI [note type] front Back: back ENDI
        "What is ATP?": ("Energy.", 33, True, ("Next",)),
        "What makes proteins?": ("Ribosomes", 34, False, ("Next",)),
    }
    cards = derive(doc)
    (cloze,) = [c for c in cards if c.kind == "cloze"]
    assert cloze.prompt == "The capital of […] is […]." and cloze.ref.line == 18
    # one left open ends at the next heading, with a warning, and stays text
    assert "o.md:24: START without END" in caplog.text
    assert "o.md:24: Obsidian_to_Anki note (START … END) without a front" in caplog.text
    assert Counter(c.kind for c in cards) == {"flashcard": 4, "cloze": 1, "section": 1}
    assert not any("START" in c.prompt or "END" in back_text(c) for c in cards)
