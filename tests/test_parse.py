from __future__ import annotations

import pytest

from flashgen.model import ListBlock, Paragraph, Span, Table, plain
from flashgen.parse import parse
from flashgen.text import clean_label


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("1. 🚀 Menghemat Waktu", "Menghemat Waktu"),
        ("✅ Manfaat", "Manfaat"),
        ("\U0001fbe0Performa", "Performa"),  # damaged emoji left by mojibake
        ("🧠Speech Processing", "Speech Processing"),
        ("2) Intro", "Intro"),
        ("1.2 Sub topic", "Sub topic"),
        ("Temperature in °C", "Temperature in °C"),
        ("Arrows → stay", "Arrows → stay"),
        ("📷 Computer Vision", "Computer Vision"),
        ("2024 results", "2024 results"),
        # a joiner inside a word stays (Sinhala, a Devanagari half form); in an emoji it goes
        ("ශ්\u200dරී ලංකාව", "ශ්\u200dරී ලංකාව"),
        ("क्\u200dष", "क्\u200dष"),
        ("👩\u200d🔬 Lab work", "Lab work"),
        ("Lab\u200d🔬 work", "Lab work"),
    ],
)
def test_clean_label(raw, clean):
    assert clean_label(raw) == clean


def test_title_from_front_matter_h1_or_file_name():
    assert parse("---\ntitle: FM\n---\n# H\n", "x.md").title == "FM"
    assert parse("# Heading *one*\n\ntext", "x.md").title == "Heading one"
    assert parse("## Only h2\n", "notes/my-first_note.md").title == "My first note"


def test_heading_tree_lines_and_blocks():
    doc = parse(
        "# Title\n\nIntro **bold**.\n\n## 1. ✅ **A**\n\n- one\n  - one.a\n* two\n\n"
        "### A.1\n\n1. x\n2. y\n\n## B\n\n| K | V |\n|---|---|\n| 🧠 k1 | v1 |\n| k2 |\n",
        "t.md",
    )
    assert doc.title == "Title"
    assert [s.title for s in doc.sections] == ["A", "B"]
    a, b = doc.sections
    assert a.ref.line == 5 and a.children[0].title == "A.1"
    lst = a.blocks[0]
    assert isinstance(lst, ListBlock) and not lst.ordered
    assert plain(lst.items[0].text) == "one"
    assert plain(lst.items[0].children[0].items[0].text) == "one.a"
    assert lst.items[0].ref.line == 7
    assert a.children[0].blocks[0].ordered
    table = b.blocks[0]
    assert isinstance(table, Table)
    assert [plain(c) for c in table.header] == ["K", "V"]
    assert [[plain(c) for c in r] for r in table.rows] == [["k1", "v1"], ["k2", ""]]
    assert [r.line for r in table.row_refs] == [20, 21]
    intro = doc.blocks[0]
    assert isinstance(intro, Paragraph)
    assert [(s.text, s.style) for s in intro.text] == [("Intro ", ""), ("bold", "strong"), (".", "")]


def test_front_matter_fields_and_language():
    doc = parse("---\ndeck: D::E\ntags: [a b, c]\nlang: de\n---\ntext\n", "x.md")
    assert (doc.deck, doc.tags, doc.lang) == ("D::E", ("a_b", "c"), "de")
    assert parse("Kamu tidak perlu melatih model dari awal dan ini sangat penting.", "x").lang == "id"
    assert parse("You do not need to train the model from scratch.", "x").lang == "en"
    assert parse("12345", "x").lang == "en"


def test_an_outline_without_headings_has_its_titles_for_headings():
    """A Logseq (or Workflowy) page is one nested list: its points that have points under
    them and read as titles are its headings; one point on top names the page."""
    page = ("- Photosynthesis\n\t- Inputs\n\t\t- Light from the sun\n\t\t- Water\n"
            "\t- Outputs:\n\t\t- Glucose\n\t- What does chlorophyll absorb?\n"
            "\t\t- Red and blue light\n\t- Plants make sugar from light.\n\t\t- in leaves\n")
    doc = parse(page, "logseq-page.md")
    assert doc.title == "Photosynthesis"
    assert [(s.title, s.ref.line) for s in doc.sections] == [("Inputs", 2), ("Outputs", 5)]
    assert [plain(it.text) for it in doc.sections[0].blocks[0].items] == [
        "Light from the sun", "Water"]
    # a question, and a sentence, with points under them stay points
    (rest,) = doc.blocks
    assert [plain(it.text) for it in rest.items] == [
        "What does chlorophyll absorb?", "Plants make sugar from light."]
    # several points on top: each a heading, the file names the note
    two = parse("- Mitochondria\n  - make ATP\n- Ribosome\n  - make proteins\n", "cells.md")
    assert doc.title and two.title == "Cells"
    assert [(s.title, s.level) for s in two.sections] == [("Mitochondria", 2), ("Ribosome", 2)]
    # under a title alone too; a note with sections, or a flat list, is left as written
    titled = parse("# Cells\n\n- Mitochondria\n  - make ATP\n", "t.md")
    assert (titled.title, [s.title for s in titled.sections]) == ("Cells", ["Mitochondria"])
    assert parse("## T\n\n- A\n  - a\n", "t.md").sections[0].blocks[0].items[0].children
    assert parse("- A\n- B\n", "t.md").sections == ()


def test_a_column_that_numbers_the_rows_is_dropped():
    """``No | Istilah | Arti`` with rows 1, 2, 3: asking "1 (No): what is the Istilah?" or
    "which No: Router?" teaches nothing. Numbers that mean something stay."""
    def first_column(text: str) -> list[str]:
        table, = parse(text, "t.md").blocks
        return [plain(table.header[0]), *(plain(r[0]) for r in table.rows)]

    rows = "| 1 | Router | forwards packets |\n| 2. | Switch | joins devices |\n"
    for head in ("No", "#", "Nr.", "N°", ""):
        assert first_column(f"| {head} | Istilah | Arti |\n|---|---|---|\n{rows}") == [
            "Istilah", "Router", "Switch"]
    assert first_column("| Z | Element |\n|---|---|\n| 1 | H |\n| 2 | He |\n") == [
        "Z", "1", "2"]  # atomic numbers: a key
    assert first_column("| No | Kota |\n|---|---|\n| 1 | Jakarta |\n| 3 | Bandung |\n") == [
        "No", "1", "3"]  # not the rows' numbers


@pytest.mark.parametrize(("text", "lang"), [
    ("O Sistema Solar tem oito planetas que orbitam o Sol. A Terra é o único com vida.", "pt"),
    (("Il Sistema solare ha otto pianeti che orbitano intorno al Sole. La Terra è l'unico "
     "con la vita."), "it"),
    (("El Sistema Solar tiene ocho planetas que orbitan alrededor del Sol. La Tierra es el "
     "único con vida."), "es"),
    (("Le Système solaire a huit planètes qui tournent autour du Soleil. La Terre est la "
     "seule avec de la vie."), "fr"),
])
def test_romance_languages_are_told_apart(text, lang):
    """Portuguese and Italian have their own prompts; before, a Portuguese note was taken
    for Spanish (its cards said "4 puntos", "De esta nota:")."""
    assert parse(text, "x").lang == lang


@pytest.mark.parametrize(("text", "lang"), [
    (("De Franse Revolutie was een periode van omwenteling in Frankrijk. Het volk kwam in "
     "opstand tegen de koning."), "nl"),
    (("Фотосинтез — это процесс, при котором растения превращают свет в энергию и он "
     "является основой жизни."), "ru"),
    ("光合作用是植物利用光能把二氧化碳和水转化为葡萄糖的过程。", "zh"),
    ("光合成とは、植物が光エネルギーを使ってブドウ糖を作るはたらきです。", "ja"),
    ("광합성은 식물이 빛 에너지를 이용하여 포도당을 만드는 과정이다.", "ko"),
    # a note about Japanese written in English or German is not Japanese
    (("# Greetings\n\nIn Japan you say おはよう in the morning and こんにちは during the day; "
     "the word for thanks is ありがとう."), "en"),
    ("# 日本語\n\n## Tiere\n\n- **Katze** heißt 猫.\n- Hund heißt 犬.\n", "en"),
])
def test_more_languages_are_told_apart(text, lang):
    """Dutch was taken for Spanish ("3 puntos", "¿Cuándo?"); Russian, Chinese, Japanese and
    Korean got English prompts. Chinese, Japanese and Korean are told by their letters."""
    assert parse(text, "x").lang == lang


@pytest.mark.parametrize(("text", "lang"), [
    ("الخلية هي وحدة بناء الكائن الحي. تحتوي النواة على المادة الوراثية.", "ar"),
    ("מערכת השמש היא אוסף של כוכבי לכת שסובבים את השמש.", "he"),
    ("فتوسنتز فرایندی است که در آن گیاهان از نور خورشید غذا می سازند.", "fa"),
    ("प्रकाश संश्लेषण वह प्रक्रिया है जिसमें पौधे सूर्य के प्रकाश का उपयोग करते हैं।", "hi"),
    # a glossary without function words is told by its script
    ("# מערכת השמש\n\n- כוכב חמה\n- נוגה\n- כדור הארץ\n", "he"),
    ("# الخلية\n\n- **النواة**: المادة الوراثية\n- **الغشاء**: يحيط بالخلية\n", "ar"),
    ("# گیاه‌شناسی\n\n- برگ\n- ریشه\n- گل\n", "fa"),
    ("# कोशिका\n\n- केंद्रक\n- माइटोकॉन्ड्रिया\n", "hi"),
    ("# خلیہ\n\n- مرکزہ\n- جھلی\n- سائٹوپلازم\n", "en"),  # Urdu: none of its own
])
def test_right_to_left_and_indic_languages_are_told_apart(text, lang):
    """Arabic, Hebrew, Persian and Hindi notes got English prompts."""
    assert parse(text, "x").lang == lang


def test_words_keep_their_combining_marks():
    """Python's \\w leaves out combining marks, the vowel signs and viramas of the Indic
    scripts and Thai's vowels: a Hindi word was cut into "words" of a letter or two, so no
    term of three letters was left to match a question with the point that answers it."""
    from flashgen import i18n

    assert i18n.words("प्रकाश संश्लेषण में") == ["प्रकाश", "संश्लेषण", "में"]
    assert i18n.words("การสังเคราะห์แสง") == ["การสังเคราะห์แสง"]
    assert i18n.words("שָׁלוֹם, עוֹלָם") == ["שָׁלוֹם", "עוֹלָם"]  # with its vowel points
    # a term has three letters or more, its marks aside
    assert i18n.terms("प्रकाश में पौधे करते", frozenset()) == {"प्रक", "करते"}
    assert i18n.words("naïve — l'école") == ["naïve", "l'école"]  # as before


def test_every_combining_mark_is_known_to_the_word_patterns():
    """The marks' pattern is built from blocks, and text is sent to it by the UTF-8 lead
    bytes of those blocks: a mark outside them, or a block the bytes miss, would cut words
    again."""
    import unicodedata

    from flashgen import i18n

    blocks = i18n._MARK_BLOCKS
    for cp in range(0x300, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue  # surrogates
        inside = any(first <= cp < stop for first, stop in blocks)
        if unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me"):
            assert inside, hex(cp)
        if inside:
            assert i18n._MAY_HOLD_MARKS.search(chr(cp).encode()), hex(cp)


def test_chinese_japanese_and_korean_words_are_pairs_of_letters():
    from flashgen import i18n

    assert i18n.words("DNA复制的过程") == ["dna", "复制", "制的", "的过", "过程"]
    assert i18n.words("水 is water") == ["水", "is", "water"]
    # the pairs of hiragana of Japanese (its particles and endings) match nothing
    assert i18n.terms("葉緑体で行われます", frozenset()) == {"葉緑", "緑体", "体で", "で行", "行わ"}
    assert i18n.terms("The mitochondria", i18n.EN.stopwords) == {"mito"}
    assert i18n.join_names(["叶绿素", "气孔", "葡萄糖"], i18n.ZH) == "叶绿素、气孔和葡萄糖"
    assert i18n.join_names(["a", "b", "c"], i18n.NL) == "a, b en c"


def test_bad_front_matter_warns(caplog):
    doc = parse("---\ntitle: [unclosed\n---\n# T\n", "x.md")
    assert doc.title == "T"
    assert "front matter" in caplog.text and "x.md" in caplog.text


def test_links_and_html_are_text():
    doc = parse("See [site](https://e.org) and <script>alert(1)</script>.\n", "x.md")
    spans = doc.blocks[0].text
    assert ("site", "link", "https://e.org") in [(s.text, s.style, s.href) for s in spans]
    assert "<script>alert(1)</script>" in plain(spans)


def test_an_obsidian_comment_holding_card_syntax_stays_hidden():
    # the comment test comes first, at the top of the note as inside a quote
    doc = parse("# T\n\n%%\nfront::back is private\n%%\n\n> %%\n> q::a\n> %%\n\n- a\n- b\n",
                "c.md")
    assert [type(b).__name__ for b in doc.blocks] == ["ListBlock"]
    assert not any(it.card for it in doc.blocks[0].items)


def test_html_comments_and_block_ids_are_not_text():
    doc = parse("<!-- TODO: a diagram\nof the cell -->\n\n"
                "- The **nucleus** holds DNA <!-- check -->\n"
                "- Ribosomes make proteins ^ribo-1\n\n"
                "ATP stores energy<!--SR:!2024-05-01,3,250-->\n\n"
                "| a | b |\n|---|---|\n| 1 | 2 |\n\n^table-id\n\n"
                "Exponents: 2 ^ 3, x^2\n\n<!-- a comment left open\n\nruns to the end\n", "c.md")
    points, atp, table, maths = doc.blocks
    assert [plain(it.text) for it in points.items] == [
        "The nucleus holds DNA", "Ribosomes make proteins"]
    assert points.items[0].text[-1] == Span(" holds DNA")
    assert plain(atp.text) == "ATP stores energy" and table.rows == (((Span("1"),), (Span("2"),)),)
    assert plain(maths.text) == "Exponents: 2 ^ 3, x^2"


def test_inline_html_that_formats_text_styles_it():
    doc = parse("- Water is H<sub>2</sub>O, E = mc<sup>2</sup>, x<sub>max</sub>, "
                "C<sub>6</sub>H<sub>12</sub>O<sub>6</sub> but x<sup>y/z</sup>\n"
                "- <b onclick=\"alert(1)\">Bold</b>, <mark>marked</mark>, <i>it</i>, "
                "<kbd>Ctrl</kbd><br>next <u>line</u></b>\n"
                "- <a href=\"https://e.org\">site</a> and <a href='javascript:alert(2)'>bad</a>\n"
                "- Run <script>alert(3)</script> and <SPAN style=\"color:red\">red</span>\n\n"
                "<aside>\n💡 Water <b>expands</b> when it freezes &amp; floats.\n</aside>\n\n"
                "<div>\n<p>One</p><p>Two</p>\n</div>\n\n"
                "<div>\n<table><tr><td>cell</td></tr></table>\n</div>\n", "h.md")
    points, aside, paragraphs, table = doc.blocks
    chem, styled, links, other = [it.text for it in points.items]
    assert plain(chem) == "Water is H₂O, E = mc², xₘₐₓ, C₆H₁₂O₆ but xy/z"
    assert styled == (Span("Bold", "strong"), Span(", "), Span("marked", "strong"), Span(", "),
                      Span("it", "em"), Span(", "), Span("Ctrl", "code"), Span(" next line"))
    assert links == (Span("site", "link", "https://e.org"), Span(" and "),
                     Span("bad", "link", "javascript:alert(2)"))
    # other HTML stays text, as written
    assert plain(other) == "Run <script>alert(3)</script> and red"
    assert aside.text == (Span("💡 Water "), Span("expands", "strong"),
                          Span(" when it freezes & floats."))
    assert plain(paragraphs.text) == "One Two"
    assert plain(table.text) == "<div>\n<table><tr><td>cell</td></tr></table>\n</div>"


def _items(blocks) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, ListBlock):
            for item in b.items:
                out.append(plain(item.text))
                out.extend(_items(item.children))
    return out


@pytest.mark.parametrize("depth", [9, 12])
def test_lists_nested_too_deep_to_read_are_reported(caplog, depth):
    front = "---\ntitle: Deep\n---\n"  # line numbers count the front matter
    text = front + "## Deep\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(depth))
    doc = parse(text, "d.md")
    kept = [text for text in _items(doc.sections[0].blocks) if text]
    assert kept == [f"level {i}" for i in range(min(depth, 9))]
    if depth > 9:  # markdown-it nests lists nine deep: the first one left out is named
        assert "d.md:15: lists or quotes nested too deep" in caplog.text
    else:
        assert "too deep" not in caplog.text


def test_quotes_nested_too_deep_to_read_are_reported(caplog):
    parse("# Q\n\n" + "".join(">" * i + f" quote {i}\n\n" for i in range(1, 30)), "q.md")
    assert "q.md:41: lists or quotes nested too deep" in caplog.text


def test_wiki_links_show_their_words_and_embed_pictures():
    doc = parse("## Plants\n\n- See [[Photosynthesis]] and **[[Light|light energy]]**.\n"
                "- ![[leaf diagram.png|300]] shows a [[Leaf#Veins]] leaf\n"
                "- [[Note#^a1b2c3]] and ![[Other note]], `[[code]]` kept\n", "p.md")
    items = doc.sections[0].blocks[0].items
    assert [plain(i.text) for i in items] == [
        "See Photosynthesis and light energy.", " shows a Leaf › Veins leaf",
        "Note and Other note, [[code]] kept"]
    # a link to a note, without an address; in bold, bold (a term to hide)
    assert [(s.style, s.href) for s in items[0].text] == [
        ("", ""), ("link", ""), ("", ""), ("strong", ""), ("", "")]
    image = items[1].text[0]
    assert (image.style, image.href, image.line) == ("image", "leaf%20diagram.png", 4)


def test_definition_lists_become_points_that_know_their_term():
    doc = parse("# G\n\n*Opportunity cost*\n: The value of the next best alternative.\n\n"
                "Term two\n~ first meaning\n~ second meaning\n\n  more of it\n\n"
                "  - a nested point\n\nNo definition here\n\nAfter\n", "g.md")
    (block, *rest), = [doc.blocks]
    assert isinstance(block, ListBlock) and not block.ordered and block.ref.line == 3
    first, second = block.items
    assert first.term == (Span("Opportunity cost", "em"),) and first.ref.line == 3
    assert plain(first.text) == "Opportunity cost: The value of the next best alternative."
    assert second.term == (Span("Term two"),) and second.ref.line == 6
    assert plain(second.text) == "Term two: first meaning; second meaning more of it"
    assert [plain(p.text) for p in second.children[0].items] == ["a nested point"]
    # the lines around it stay paragraphs; an ordinary list knows no terms
    assert [plain(b.text) for b in rest] == ["No definition here", "After"]
    items = parse("- a: b\n- c: d\n", "l.md").blocks[0].items
    assert [it.term for it in items] == [(), ()]


def test_highlights_and_anki_clozes_are_strong_text():
    doc = parse("- The capital of France is {{c1::Paris}}, of Peru {{c2::Lima::a city}}.\n"
                "- ==Madrid== is in [[Spain|Spain]]; if a == b then c == d\n"
                "- `{{c1::code}}` and ==x y==\n"
                "- {{c1::a}}{{c2::b}}{{c2::c}} {{cloze d}} {{c0::e}}\n", "m.md")
    first, second, third, fourth = doc.blocks[0].items
    # an Anki cloze keeps the writer's number, and hint
    assert first.text == (Span("The capital of France is "), Span("Paris", "strong", cloze=1),
                          Span(", of Peru "), Span("Lima", "strong", "a city", cloze=2),
                          Span("."))
    # clozes side by side stay apart unless one number joins them; Logseq's have none
    assert fourth.text == (Span("a", "strong", cloze=1), Span("bc", "strong", cloze=2),
                           Span(" "), Span("d", "strong"), Span(" "), Span("e", "strong"))
    # a == b is no highlight: blanks just inside the marks
    assert second.text == (Span("Madrid", "strong"), Span(" is in "), Span("Spain", "link"),
                           Span("; if a == b then c == d"))
    assert third.text == (Span("{{c1::code}}", "code"), Span(" and "), Span("x y", "strong"))


def test_obsidian_callouts_tasks_tags_comments_and_footnotes():
    doc = parse("---\ntags: [bio, cells/mitosis]\n---\n# Mitosis #draft\n\n"
                "> [!note]- Key idea\n> Mitosis makes two **identical** cells.\n\n"
                "- [x] Prophase: chromosomes condense #exam\n"
                "- [ ] Anaphase: chromatids separate[^1] %%check%%\n"
                "- C# is #important, not #1 or #fff #lang/csharp #2b\n\n"
                "%%\na hidden\nparagraph\n%%\n\n[^1]: Pulled by spindle fibres.\n", "o.md")
    assert doc.title == "Mitosis"
    # the note's tags, then those written in it, nested with Anki's ::
    assert doc.tags == ("bio", "cells::mitosis", "draft", "exam", "important", "lang::csharp",
                        "2b")
    title, text, points = doc.blocks
    assert title.text == (Span("Key idea", "strong"),) and title.ref.line == 6  # in bold
    assert plain(text.text) == "Mitosis makes two identical cells." and text.ref.line == 7
    assert [plain(it.text) for it in points.items] == [
        "Prophase: chromosomes condense", "Anaphase: chromatids separate",
        "C# is #important, not #1 or #fff"]
    # a quote that is no callout, and "[x]" inside a point, stay as written
    quote, = parse("> [x] marks the spot\n", "q.md").blocks
    assert plain(quote.text) == "[x] marks the spot"


def test_tex_between_dollars_is_math_and_money_is_not():
    doc = parse("- Area: $\\pi r^2$, costs $5 and $10\n\n$$\nE = mc^2\n$$\n", "m.md")
    (points, display) = doc.blocks
    assert points.items[0].text == (Span("Area: "), Span("\\pi r^2", "math"),
                                    Span(", costs $5 and $10"))
    assert display.text == (Span("E = mc^2", "display_math"),) and display.ref.line == 3


def test_lines_that_each_open_with_a_label_are_paragraphs_of_their_own():
    """A record or a dialogue written as lines without bullets (``**Date:** 1066`` then
    ``**Winner:** William``) was one paragraph: the first label took the rest as its text.
    Each such line is now a paragraph, where it is; a paragraph where a line has no label
    stays one."""
    doc = parse("# H\n\n## Hastings\n\n**Date:** 14 October 1066\n**Winner**: William\n"
                "__Result__ : the Norman conquest\n\n**Note:** one label\nthen a plain line\n",
                "n.md")
    blocks = doc.sections[0].blocks
    assert [(plain(b.text), b.ref.line) for b in blocks] == [
        ("Date: 14 October 1066", 5), ("Winner: William", 6),
        ("Result : the Norman conquest", 7), ("Note: one label then a plain line", 9)]


def test_a_table_written_in_html_is_a_table():
    """A table written in HTML (as notes do for what Markdown's tables cannot hold, and as
    some apps export them) made no card: its text was one paragraph. It is now a table, read
    as one written in Markdown: its header row in ``<thead>`` or of ``<th>`` cells, its cells'
    bold, breaks and pictures read, end tags that HTML lets one leave out left out, each
    row where it is written. One without a header row, or beside text, stays text."""
    doc = parse("# Planets\n\n<table>\n<thead><tr><th>Planet</th><th>Moons</th></tr></thead>\n"
                "<tr><td><b>Mars</b><td>2 <!-- Phobos, Deimos -->\n"
                "<tr><td>Jupiter</td><td>95<br>(most of them small)</td></tr>\n</table>\n\n"
                "<table><tr><td>no</td><td>header</td></tr></table>\n\n"
                "Text <table><tr><th>a</th></tr></table>\n", "n.md")
    table, *rest = doc.blocks
    assert isinstance(table, Table)
    assert [plain(h) for h in table.header] == ["Planet", "Moons"]
    assert [[plain(c) for c in r] for r in table.rows] == [["Mars", "2"],
                                                         ["Jupiter", "95 (most of them small)"]]
    assert [s.style for s in table.rows[0][0]] == ["strong"]
    assert [r.line for r in table.row_refs] == [5, 6]
    assert [type(b).__name__ for b in rest] == ["Paragraph", "Paragraph"]


def test_a_list_written_in_html_is_a_list():
    """A list written in HTML (``<ul>``, ``<ol>``, as apps export them) was a paragraph of
    its items' text. It is now a list, its items' styles read and its lists nested, each
    item where it is written; HTML that is not one list stays text."""
    doc = parse("# Revolution\n\n## Causes\n\n<ol>\n<li><b>Debt</b> from wars\n"
                "<li>Inequality:\n  <ul><li>taxes</li><li>privilege</li></ul>\n</li>\n</ol>\n\n"
                "<ul><li>one</li></ul> and text\n", "n.md")
    listed, rest = doc.sections[0].blocks
    assert isinstance(listed, ListBlock) and listed.ordered
    assert [plain(it.text) for it in listed.items] == ["Debt from wars", "Inequality:"]
    assert [s.style for s in listed.items[0].text] == ["strong", ""]
    (sub,) = listed.items[1].children
    assert [plain(it.text) for it in sub.items] == ["taxes", "privilege"]
    assert not sub.ordered
    assert [it.ref.line for it in listed.items] == [6, 7]
    assert isinstance(rest, Paragraph)


def test_a_cell_keeps_what_it_starts_with():
    """A cell that starts with a decimal number lost it, as a heading loses ``1.2``: ``2.5
    µm`` became ``µm``, and ``E. coli`` would have become ``coli``. A cell is data: it keeps
    its start. A column that only numbers the rows is still left out."""
    doc = parse("## Sizes\n\n| # | Organism | Size | Described by |\n|---|---|---|---|\n"
                "| 1 | E. coli | 2.5 µm | T. Escherich |\n| 2 | Yeast | 5 µm | 1.2 Ref |\n", "n.md")
    (table,) = doc.sections[0].blocks
    assert [plain(h) for h in table.header] == ["Organism", "Size", "Described by"]
    assert [[plain(c) for c in r] for r in table.rows] == [
        ["E. coli", "2.5 µm", "T. Escherich"], ["Yeast", "5 µm", "1.2 Ref"]]
