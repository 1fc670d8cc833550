"""Property-based tests: reading, parsing and card rules never fail and never emit live HTML."""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flashgen.cards import derive
from flashgen.export.anki import card_ords, note_fields
from flashgen.export.render import body_html, body_lines
from flashgen.model import Span, Text
from flashgen.parse import parse
from flashgen.sources import decode, normalize

MD_ATOMS = st.sampled_from([
    "# ", "## ", "### ", "- ", "* ", "1. ", "  - ", "> ", "**", "*", "_", "`", "|", "---",
    "\n", "\n\n", "?", ":", "Q:", "**Q:**", "**A:**", "<script>", "<img src=x>", "![a](b.png)",
    "[l](javascript:x)", "🚀", "\u00e2\u0153\u2026", "é", "\U0001fbe0", "\t", "\\|", "{{c1::", "}}",
    "::", ":::", "\n?\n", "\n??\n", " #card", " #card-reverse", "tags:: ", "<!--", "-->", " ^id",
    "{{cloze ", "<sub>", "</sub>", "<b>", "</b>", "<br>", "<aside>\n", "<a href='javascript:x'>",
    "</a>", "<mark onclick=x>", "START\n", "\nEND\n", "Back: ", "Basic\n", "STARTI ", " ENDI",
    "{{c2::", "::<b>h</b>}}", "{{c70000::", "{{c0::",
    # code blocks, under points too; labelled lines, a dialogue's among them
    "```", "\n  ```\n", "\n- ", "\n  - ", "**Client**: ", "\n**Baker** : ",
    # tables written in HTML
    "<table>", "</table>", "<tr>", "<th>", "<td>", "</td>", "<thead>", "<caption>",
    "<ul>", "</ul>", "<ol>", "<li>", "</li>",
])
MARKDOWN = st.lists(st.one_of(MD_ATOMS, st.text(max_size=12)), max_size=60).map("".join)
LIVE = re.compile(r"<(?!/?(?:b|i|code|pre|ul|ol|li|div|span|a href=\"https?:|img src=\"fg-)[ >])",
                  re.IGNORECASE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_decoding_never_crashes_unexpectedly(data):
    from flashgen.errors import NoteReadError

    try:
        text = decode(data, "x.md")
    except NoteReadError as e:
        assert str(e).startswith("x.md: ")
        return
    normalize(text, "x.md")


def _shown(side, cloze: str = "show") -> bool:
    """A card side shows something: text, or a picture (a flashcard's back may be one)."""
    pictures = [s for part in side if isinstance(part, Text) for s in part.text
                if s.style == "image" and s.href]
    return bool("".join(body_lines(side, cloze=cloze)).strip() or pictures)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_any_markdown_gives_valid_cards(text):
    doc = parse(normalize(text, "p.md"), "p.md")
    for card in derive(doc):
        assert card.prompt.strip()
        assert _shown(card.front, cloze="hide")
        if card.kind != "cloze":
            assert _shown(card.back)
        else:  # and Anki makes a card of it: a cloze number it reads
            kind, fields = note_fields(card)
            assert card_ords(kind, fields), fields[0]
        for side in card.reverse or ():
            assert _shown(side)
        for side in (card.front, card.back, *(card.reverse or ())):
            rendered = body_html(side)
            assert not LIVE.search(rendered), rendered
            assert 'href="javascript' not in rendered.lower()


OUR_TAGS = re.compile(r'</?(?:ul|ol|li|div|b|i|code|span)(?: class="[a-z-]+")?(?: dir="rtl")?>|</a>|'
                      r'<a href="https?:[^"<>]*">|<img src="(?:https?:|fg-)[^"<>]*" alt="[^"<>]*">')


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_text_is_escaped(text):
    doc = parse(f"## T\n\n- {text}\n- second\n", "e.md")
    for card in derive(doc):
        for side in (card.front,) if card.kind == "cloze" else (card.front, card.back):
            left = OUR_TAGS.sub("", body_html(side))
            # whatever the note said, only the tags flashgen writes are markup
            assert "<" not in left and ">" not in left, left
            assert html.unescape(left).replace("{{c1::", "").replace("}}", "")


TRIGGER_TEXT = st.lists(st.one_of(MD_ATOMS, st.sampled_from(
    ["```", "~~~", "~~x~~", "&amp;", "&#35;", "<b>", "<http://a.b>", "[x]: /u", "[x]", "| a | b |",
     "|---|---|", "`c`", "    code", "\\[", "-->", "a|b", "![i][x]", "---", "----", "...",
     "- - -", "***", "_ _ _", "===", "--", "   ", "\t", "\r\n", "\r", "\n---\n", "---\n",
     "\n...\n", "a: b\n", "**a**", "*b*", "***", "é", "2", "(", ").", "\u00a0", "\u0301", "😀",
     "\x00", "t: [a]\n", "d: |\n", "\n: ", "\n~ ", ": ", "~\t", "\n  : ", "> : ", "- : ", "[^1]", "[^1]: ", "^[", "]", "$", "$$", "$x$", "\n$$\n", "$5"]),
    st.text(max_size=8)),
    max_size=40).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRIGGER_TEXT)
@example("a *b* c\nd")
@example("**a** b *c*, (**d**). **e**")  # simple emphasis: tokens made without the parser
@example("**a**b *c**")  # a run that both opens and closes; runs of unequal length
@example("**a** **b")  # unclosed
@example("***a***")  # three: nested
@example("1**,(1**")  # before punctuation a run does not open
@example("*a *")  # after a blank none closes
@example("\u00a0**a**\u00a0")  # a blank that is not a space
@example("plain text, no syntax: 1 - 2 = -1!")
@example("---\na: b\n   ---\nfoo\n---\n")  # a close indented three columns
@example("---\na: b\n...  \nfoo\n===\n---\n")  # a YAML end marker closes too
@example("---\n    ---\nfoo\n---\n")  # four columns: not a close
@example("----\na: b\n---\nx\n----\n* * *\n")  # a close as long as the opening
@example("> foo\n>---\n")  # an underline right after the quote marker
@example("- a\n  ***\n\n\tcode\n")
@example("---\r\nfoo\r\n---\r\nbar\r\n===\r\n")
@example("---\ntags: [a, b]\nd: |\n  x\n---\n[x]: /u\n\n| a | b |\n|---|---|\n")  # YAML's triggers
@example("---\n---\n# x\n")  # empty front matter
@example("---\na:\x00b\n--- \n  - y\n")  # a NUL; a close with a blank after it
@example("---\ta\n \t---\n")  # an indent of a blank and a tab: four columns, no close
@example("- * ---\n# ")  # dashes that open a list item on the first line
@example("---\na: b\n...x\n---\nc\n")  # "..." closes only with nothing after it
@example("---\ra\r---\rb\r")  # a lone CR ends a line
@example("Term\n: def\n\nT2\n~ a\n~ b\n")  # definition lists
@example("- Term\n  : def\n> T\n> : d\n")  # inside a list item and a quote
@example("1. T\n   ~\tdef\n")  # after a numbered item's indent, a tab after the marker
@example("A[^1] and ^[inline].\n\n[^1]: note\n    more\n")  # footnotes
@example("$x^2$ and $$y$$, $5 and $10\n\n$$\na=b\n$$\n")  # math, and money
def test_parser_shortcuts_change_no_token(text):
    """Front matter split off before parsing, rules switched off for want of their trigger
    character, the inline parser skipped for text without inline syntax or with only simple
    emphasis, options given their defaults: the tokens of a stock markdown-it parser with the
    definition list, footnote, math and front matter plugins, configured as flashgen's is."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.front_matter.index import _front_matter_rule

    from flashgen.parse import MATH, tokens

    stock = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    stock.use(deflist_plugin).use(footnote_plugin).use(front_matter_plugin)
    stock.use(dollarmath_plugin, **MATH)
    # the plugin's rule also fires inside a list or quote on the note's first line (their
    # first line is line 0 too: "- ---" gives a front matter token among list items); front
    # matter is only ever at the top, where flashgen looks for it
    stock.block.ruler.at("front_matter",
                         lambda state, *args: state.level == 0 and _front_matter_rule(state, *args),
                         {"alt": ["paragraph", "reference", "blockquote", "list"]})
    expected = stock.parse(text)
    front, found = tokens(text)
    if expected and expected[0].type == "front_matter":
        assert front == expected[0].content
        expected = expected[1:]
    else:
        assert front is None
    assert found == expected


def test_parser_without_the_token_shortcut_when_token_changes(monkeypatch):
    """Tokens are made by setting their slots only while markdown-it's Token has the fields
    flashgen knows; with any other fields, the stock constructor and block rule are used."""
    from markdown_it.token import Token

    from flashgen import parse

    text = "---\na: b\n---\n# T\n\n- x **y**\n- z\n\n| a | b |\n|---|---|\n| c | d |\n"
    fast = parse.tokens(text)
    assert parse._token_maker() is not None
    for cached in (parse.markdown, parse._token_maker, parse._block_state):
        cached.cache_clear()
    monkeypatch.setattr(parse, "_TOKEN_FIELDS", (*parse._TOKEN_FIELDS, "new"))
    made = []
    monkeypatch.setattr(Token, "__post_init__", lambda t: made.append(t) or setattr(t, "attrs", {}))
    try:
        assert parse.tokens(text) == fast
        assert parse._token_maker() is None
        assert len(made) == sum(1 + len(t.children or []) for t in fast[1])  # all by Token()
    finally:
        for cached in (parse.markdown, parse._token_maker, parse._block_state):
            cached.cache_clear()


def _doc_spans(doc):
    from flashgen.model import ListBlock, Paragraph, Table

    def items(lst):
        for it in lst.items:
            yield from it.text
            for child in it.children:
                yield from items(child)

    blocks = list(doc.blocks)
    todo = list(doc.sections)
    while todo:
        section = todo.pop()
        blocks += section.blocks
        todo += section.children
    for b in blocks:
        if isinstance(b, Paragraph):
            yield from b.text
        elif isinstance(b, ListBlock):
            yield from items(b)
        elif isinstance(b, Table):
            for row in (b.header, *b.rows):
                for cell in row:
                    yield from cell


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MD_ATOMS, st.sampled_from(
    ["![x](a.png)", "![", "[", "](b.gif)", "<IMG SRC=c.png>", "<img", " src=d.png>", "!"]),
    st.text(max_size=6)), max_size=30).map("".join))
@example("- a ![x](a.png)\n- <IMG SRC=c.png> b\n")
def test_notes_without_image_syntax_have_no_images(text):
    from flashgen.parse import may_hold_images

    if any(s.style == "image" for s in _doc_spans(parse(text, "i.md"))):
        assert may_hold_images(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["section", "cloze", "mcq"]), st.text(max_size=200))
@example("Deck::Sub", "cloze", "")
@example("D", "cloze", "67")  # a GUID of nine base-91 digits (an odd count)
def test_note_guids_are_genankis(deck, kind, prompt):
    """flashgen's faster GUID must stay genanki's: every existing note is matched by it."""
    import genanki

    from flashgen.export.ids import note_guid
    from flashgen.model import Card, Deck, SourceRef

    card = Card(kind, prompt, (), (), (), SourceRef("n.md", 1))
    assert note_guid(Deck(deck, "n.md", "en", (card,), "n"), card) == genanki.guid_for(
        deck, kind, prompt)


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=80))
@example("Don't re-use x_y 3d-print ab-- -a 'b' abc1def")
def test_ascii_word_patterns_match_the_unicode_ones(text):
    """The ASCII shortcuts of the word and term patterns find what the Unicode ones find."""
    from flashgen import i18n

    low = text.lower()
    assert i18n._ASCII_WORD.findall(low) == i18n._WORD.findall(low)
    assert i18n._ASCII_TERM.findall(low) == i18n._TERM.findall(low)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.sampled_from(["basic", "cloze", "mcq"]),
                          st.text(max_size=12), st.lists(st.text(max_size=40), max_size=7),
                          st.lists(st.text(max_size=10), max_size=3),
                          st.lists(st.integers(0, 30), max_size=3)), max_size=4))
@example([("D\u2028::S", "basic", "g\\\"", ["\t<b>é</b>\n", "\x1f\x00🚀"], ["t"], [0, 1])])
def test_encoded_rows_are_the_stdlib_json_and_fit_on_one_line(rows):
    """Rows encoded for the workers and the cache read back as they were, are the text the
    stdlib writes (so a cache written before orjson reads the same), and hold no tab or line
    break (the cache keeps a note per line, path and rows split by a tab)."""
    import json

    from flashgen.export.anki import NoteRow, encode_rows

    notes = [NoteRow(d, k, g, tuple(f), tuple(t), tuple(o)) for d, k, g, f, t, o in rows]
    text = encode_rows(notes)
    assert text == json.dumps(notes, ensure_ascii=False, separators=(",", ":"))
    assert "\t" not in text and "\n" not in text
    assert [NoteRow(d, k, g, tuple(f), tuple(t), tuple(o))
            for d, k, g, f, t, o in json.loads(text)] == notes


SENTENCE_PIECES = st.sampled_from([". ", "。", "! ", "? ", "e.g. ", "Fig. 3 ", "Mr. ", "dll. ",
                                   "।", "؟", "…", "3.5", "a", "B", "x y", " ", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.builds(Span, st.lists(st.one_of(SENTENCE_PIECES, st.text(max_size=4)),
                             max_size=6).map("".join)),
    st.builds(lambda t: Span(t, "strong"), st.lists(SENTENCE_PIECES, min_size=1,
                                                    max_size=3).map("".join)),
    st.just(Span("alt", "image", "x.png"))), max_size=8).map(tuple),
    st.sampled_from(["en", "id", "zh", "hi", "de", "", "xx"]))
def test_cloze_sentences_keep_every_letter_and_every_phrase_whole(text, lang):
    """Splitting a text into sentences loses no letter (only the blanks between sentences),
    never splits a bold phrase, and makes no sentence without letters. A text that skips
    the segmenter (no mark with text after it) is one sentence to the segmenter too, blank
    lines aside (where it ends a paragraph: a paragraph's text holds none)."""
    from sentencex import get_sentence_boundaries

    from flashgen.cards import _INNER_MARK, _sentences
    from flashgen.model import plain

    flat = plain(text)
    if _INNER_MARK.search(flat) is None and "\n\n" not in flat:
        assert len(get_sentence_boundaries(lang or "en", flat)) <= 1
    out = _sentences(text, lang)
    assert "".join("".join(plain(s) for s in out).split()) == "".join(plain(text).split())
    assert ([s.text.strip() for sentence in out for s in sentence if s.style == "strong"
             and s.text.strip()]
            == [s.text.strip() for s in text if s.style == "strong" and s.text.strip()])
    assert all(plain(sentence).strip() for sentence in out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
@example("{{c1::0\x1f0")  # Anki's field separator in a field: the whole import failed
def test_any_markdown_imports_into_anki_whole(text):
    """Whatever the note, the real Anki backend imports its package whole: every note, with
    the cards flashgen counted for it (a card Anki cannot hold fails the whole import)."""
    import tempfile
    from pathlib import Path

    from flashgen.export.anki import note_rows, render_apkg
    from flashgen.model import Deck

    from .conftest import AnkiCollection

    doc = parse(normalize(text, "p.md"), "p.md")
    rows = note_rows(Deck(doc.deck, "p.md", doc.lang, derive(doc, reverse=True), "p"))
    if not rows:
        return
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "p.apkg"
        package.write_bytes(render_apkg(rows, 1_700_000_000.0))
        anki = AnkiCollection(Path(folder))
        try:
            log = anki.import_apkg(package)
            assert len(log.new) == len(rows) == anki.count()
            assert len(anki.col.find_cards("")) == sum(len(r.ords) for r in rows)
        finally:
            anki.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_any_markdown_csv_imports_into_anki_whole(text):
    """The Anki-style CSV of any note imports into the real Anki backend without its import
    dialog: a note for every card."""
    import tempfile
    from pathlib import Path

    from flashgen.export.csv import write_csv
    from flashgen.model import Deck

    from .conftest import AnkiCollection

    doc = parse(normalize(text, "p.md"), "p.md")
    deck = Deck(doc.deck, "p.md", doc.lang, derive(doc), "p")
    if not deck.cards:
        return
    with tempfile.TemporaryDirectory() as folder:
        target = write_csv(deck, Path(folder) / "p.csv", style="anki")
        anki = AnkiCollection(Path(folder))
        try:
            assert len(anki.import_csv(target).new) == len(deck.cards) == anki.count()
        finally:
            anki.close()
