"""Markdown text -> Document, through markdown-it-py's tokens. No regexes over Markdown."""

from __future__ import annotations

import html
import itertools
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from flashgen import i18n
from flashgen.media import IMAGE_SUFFIXES
from flashgen.model import (
    CLOZE_MAX,
    PATH_SEP,
    Block,
    Document,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Section,
    SourceRef,
    Span,
    Table,
    cut,
    has_content,
    merged,
    plain,
)
from flashgen.text import COLONS, clean_inline, clean_label, collapse, deck_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

log = logging.getLogger("flashgen")

_TRIGGERS: dict[str, tuple[str, ...]] = {
    "table": ("|",), "fence": ("`", "~"), "blockquote": (">",), "reference": ("[",),
    "html_block": ("<",), "html_inline": ("<",), "autolink": ("<",), "entity": ("&",),
    "backticks": ("`",), "link": ("[",), "image": ("[",), "strikethrough": ("~",),
    # the core rule that joins escaped characters and entities into the text beside them
    "text_join": ("\\", "&"),
    # indented code needs four columns of blank: four spaces or a tab
    "code": ("    ", "\t"),
    # footnotes: [^1] and its definition [^1]: ..., Pandoc's inline ^[note]
    "footnote_def": ("[^",), "footnote_ref": ("[^",), "footnote_inline": ("^[",),
    "footnote_tail": ("[^", "^["),
    # TeX between dollars: $x$, $$x$$
    "math_inline": ("$",), "math_block": ("$$",),
}
"""Rules that cannot match unless the text after the front matter holds one of these
strings. A note without them is parsed with those rules off: the same tokens (a property
test compares with a stock parser), and much less time in a vault of plain notes, where
markdown-it is most of the cost."""
_NEEDLES = tuple(dict.fromkeys(n for needles in _TRIGGERS.values() for n in needles))

_LINE_TRIGGERS: dict[str, re.Pattern[str]] = {
    # three of one marker with only blanks between and after: ---, * * *, ___
    "hr": re.compile(r"([-*_])[ \t]*\1[ \t]*\1[ \t]*$", re.MULTILINE),
    # a setext underline: a run of = or - after blanks and quote markers only
    "lheading": re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE),
    # a definition: ``:`` or ``~`` and a blank, after blanks and quote or list markers only
    # (searched from a line break, which the text is given first: a pattern that starts with
    # a literal is found four times faster than one that starts with ^)
    "deflist": re.compile(r"\n[ \t>*+\-\d.)]*[:~][ \t]"),
}
"""Block rules that need a line of their own shape (searched in the text after a line
break)."""


_OPTIONAL = ("tasklists", "inline_definitions", "alerts", "store_labels",
             "strikethrough_single_tilde")
"""markdown-it options that its rules read with a default of False."""


@cache
def markdown(off: frozenset[str] = frozenset()) -> MarkdownIt:
    """The configured parser: CommonMark + tables + strikethrough + definition lists,
    footnotes and TeX math (mdit-py-plugins', Pandoc's syntax), with the rules in ``off``
    switched off.
    (Text reaches it through ``tokens``, normalised and with its front matter split off.)"""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    # raw HTML is tokenised so <img> can be found; everything else in it stays text. The
    # options rules look up with .get() are given their defaults: a missing one costs a
    # KeyError inside markdown-it's options mapping on every list item (about 5 % of parsing)
    md = MarkdownIt("commonmark", {"html": True, **dict.fromkeys(_OPTIONAL, False)})
    md.enable(["table", "strikethrough"])
    md.use(deflist_plugin).use(footnote_plugin)
    md.use(dollarmath_plugin, **MATH)
    md.disable("normalize")  # ``tokens`` normalises the text before it splits it
    md.core.ruler.at("inline", _inline)
    _report_depth(md)
    if _token_maker() is not None:
        md.core.ruler.at("block", _block)
    if off:
        md.disable(sorted(off))
    return md


MATH = {"allow_labels": False, "allow_space": False, "allow_digits": False,
        "double_inline": True}
"""How TeX between dollars is found: as Pandoc and Obsidian find it, no blank just inside
the dollars and no digit after the closing one (so "$5 and $10" is money)."""

TOO_DEEP = "flashgen.too_deep"
"""Key of the parse environment that holds the first line markdown-it left out for lying
deeper in lists and quotes than it nests (``maxNesting``, about ten lists deep)."""


def _report_depth(md: MarkdownIt) -> None:
    """Make ``md`` note in its environment (``TOO_DEEP``) where it first leaves lines out for
    their depth: markdown-it drops what lies deeper than it nests without a word."""
    block = md.block
    tokenize = block.tokenize
    limit = md.options["maxNesting"]

    def tokenize_noting_depth(state: StateBlock, start: int, end: int) -> None:
        if state.level >= limit:  # markdown-it's own test: the lines left are skipped
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env.setdefault(TOO_DEEP, line)
        tokenize(state, start, end)

    block.tokenize = tokenize_noting_depth  # type: ignore[method-assign,assignment]


_TOKEN_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content",
                 "markup", "info", "meta", "block", "hidden")


@cache
def _token_maker() -> Callable[..., Token] | None:
    """A function that makes markdown-it Tokens as ``Token(type, tag, nesting, ...)`` does,
    in half the time: their slots are set directly, without the dataclass's ``__init__`` and
    ``__post_init__`` (a note makes some 200 tokens; their making was a tenth of parsing).
    None when Token has other fields than the ones it sets (another markdown-it version)."""
    import dataclasses

    from markdown_it.token import Token

    if tuple(f.name for f in dataclasses.fields(Token)) != _TOKEN_FIELDS:
        return None
    new = object.__new__

    def make(kind: str, tag: str, nesting: int, level: int = 0, block: bool = False,
             content: str = "", markup: str = "") -> Token:
        token = new(Token)
        token.type = kind
        token.tag = tag
        token.nesting = nesting  # type: ignore[assignment]
        token.attrs = {}
        token.map = None
        token.level = level
        token.children = None
        token.content = content
        token.markup = markup
        token.info = ""
        token.meta = {}
        token.block = block
        token.hidden = False
        return token

    return make


@cache
def _block_state() -> type[StateBlock]:
    """markdown-it's StateBlock, whose ``push`` makes tokens with ``_token_maker``."""
    from markdown_it.rules_block import StateBlock

    maker = _token_maker()
    assert maker is not None  # only used with it
    make = maker  # not Optional inside the class (mypy does not narrow closures)

    class State(StateBlock):
        def push(self, ttype: str, tag: str, nesting: int) -> Token:  # type: ignore[override]
            if nesting < 0:
                self.level -= 1  # closing tag
            token = make(ttype, tag, nesting, self.level, True)
            if nesting > 0:
                self.level += 1  # opening tag
            self.tokens.append(token)
            return token

    return State


def _block(state: StateCore) -> None:
    """markdown-it's core ``block`` rule, with a StateBlock that makes tokens faster."""
    if state.inlineMode or not state.src:
        from markdown_it.rules_core import block

        block(state)
        return
    blocks = _block_state()(state.src, state.md, state.env, state.tokens)
    state.md.block.tokenize(blocks, blocks.line, blocks.lineMax)


_INLINE_SYNTAX = re.compile(r"[\n\\`~_\[<&$]")
"""Characters besides ``*`` that can start inline syntax (line break, escape, code,
strikethrough, emphasis, link or image, autolink or HTML, entity, math)."""

_STARS = re.compile(r"(\*+)")


def _inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, except that text holding no inline syntax becomes
    its one text token, and text whose only syntax is simple ``*em*`` and ``**strong**`` runs
    becomes its tokens, without going through the inline parser (the same tokens: a property
    test compares with a stock parser). Most points of a note are such text."""
    from markdown_it.token import Token

    make = _token_maker() or Token
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        if _INLINE_SYNTAX.search(content) is None:
            if "*" not in content:
                if content:
                    token.children.append(make("text", "", 0, content=content))
                continue
            if _emphasis(content, token.children, make):
                continue
        state.md.inline.parse(content, state.md, state.env, token.children)


def _emphasis(content: str, out: list[Token], token: Callable[..., Token]) -> bool:
    """Append the tokens of ``content`` to ``out`` when its only syntax is ``*em*`` and
    ``**strong**`` that do not nest: runs of one or two ``*``, where a run opens when a
    letter or digit follows it, and closes the open run (of the same length) when a letter
    or digit precedes it. False (``out`` untouched) for anything else.

    Before a letter or digit a run can open (it is left-flanking), after one it can close
    (right-flanking), and pairs of equal length of one or two never meet CommonMark's rule
    of three: so these are the pairs markdown-it's emphasis rule finds. The tokens are
    markdown-it's too: a ``**`` run leaves an empty text token on its outer side, which
    joins the text beside it if there is any."""
    parts = _STARS.split(content)
    made: list[Token] = []
    pending: str | None = parts[0] or None  # outer text not yet made into a token
    opened = ""
    for i in range(1, len(parts), 2):
        run, after = parts[i], parts[i + 1]
        last = parts[i - 1][-1:]
        following = after[:1]
        strong = len(run) == 2
        if not opened and len(run) <= 2 and following.isalnum():
            if pending is not None or strong:
                made.append(token("text", "", 0, content=pending or ""))
            made.append(token("strong_open", "strong", 1, markup=run) if strong
                        else token("em_open", "em", 1, markup=run))
            opened = run
        elif opened == run and last.isalnum():
            made.append(token("text", "", 0, content=parts[i - 1], level=1))
            made.append(token("strong_close", "strong", -1, markup=run) if strong
                        else token("em_close", "em", -1, markup=run))
            opened = ""
            pending = after if strong or after else None
        else:
            return False
    if opened:
        return False
    if pending is not None:
        made.append(token("text", "", 0, content=pending))
    out.extend(made)
    return True


_COMMENT_BLOCK = re.compile(r"%%(?:(?!%%).)*%%\s*$", re.DOTALL)
"""A paragraph that is an Obsidian comment (it may span lines)."""
_CALLOUT = re.compile(r"\[!\w[\w-]*\][+-]?[ \t]*")
"""The marker that opens an Obsidian callout (a quote): ``[!note]``, ``[!tip]-``."""
_DETAILS = re.compile(r"\s*<details\b[^>]*>\s*<summary\b[^>]*>(.*?)</summary>(.*)",
                      re.DOTALL | re.IGNORECASE)
"""HTML's disclosure, which notes use to hide an answer: its summary, and what follows."""
_NOT_CODE = frozenset(["mermaid", "dataview", "dataviewjs", "query", "tasks", "math",
                       "plantuml", "dot", "graphviz", "chart", "tikz", "abc"])
"""Fenced blocks that a note app draws or runs: a diagram, a query, a chart."""
_TASK = re.compile(r"\[[ xX]\][ \t]+")
"""A task list item's box."""


def _code(node: _Node) -> Inline:
    """A code block's text (its lines kept), as a programming note writes an answer (a
    question, then the command); nothing for an empty one, or for a diagram or query that
    the writer's app draws (``_NOT_CODE``)."""
    info = node.token.info.split()
    code = node.token.content.rstrip("\n")
    if not code.strip() or (info and info[0].lower() in _NOT_CODE):
        return ()
    return (Span(code, "pre"),)


_BOLD = ("**", "__")


def _labelled(line: Inline) -> bool:
    """Whether a line opens with a label in bold ended by a colon, inside the bold or just
    after it."""
    if not line or line[0].style != "strong" or not line[0].text.strip():
        return False
    if line[0].text.rstrip().endswith(COLONS):
        return True
    return len(line) > 1 and not line[1].style and line[1].text.lstrip().startswith(COLONS)


def _text_token(content: str) -> Token:
    from markdown_it.token import Token

    return Token("text", "", 0, content=content)


_IMAGE_SYNTAX = re.compile(r"!\[|<img", re.IGNORECASE)


def may_hold_images(text: str) -> bool:
    """False when ``text`` cannot give an image span (no ``![``, no ``<img``): its cards then
    need no media pass."""
    return _IMAGE_SYNTAX.search(text) is not None


def parser_for(body: str) -> MarkdownIt:
    """The parser for ``body`` (a note's text after its front matter, normalised): rules it
    has no trigger for are off."""
    found = {n: n in body for n in _NEEDLES}  # each looked for once
    off = {rule for rule, needles in _TRIGGERS.items() if not any(found[n] for n in needles)}
    lines = "\n" + body
    off.update(rule for rule, shape in _LINE_TRIGGERS.items() if not shape.search(lines))
    return markdown(frozenset(off))


def tokens(text: str, env: dict[str, object] | None = None) -> tuple[str | None, list[Token]]:
    """The note's front matter (None without one) and markdown-it's tokens for the rest
    (``env``: markdown-it's environment for the parse, to read what it noted).

    These are the tokens of mdit-py-plugins' front matter rule and markdown-it (a property
    test compares them with a stock parser that has the plugin), made with less work: the
    front matter is split off here and its lines left blank, so that line numbers stay, and
    the rule is not tried again at the start of every later block. Its YAML then turns on
    no rule either (``[`` in a list of tags, ``|`` in a block scalar)."""
    from markdown_it.rules_core.normalize import NEWLINES_RE, NULL_RE

    # markdown-it's own normalisation (its rule is off in ``markdown``), done first so that
    # the front matter is found in the text markdown-it sees
    text = NULL_RE.sub("\ufffd", NEWLINES_RE.sub("\n", text))
    span = _front_matter_span(text)
    if span is None:
        return None, parser_for(text).parse(text, env)
    start, stop, body = span
    blank = "\n" * text.count("\n", 0, body)
    rest = text[body:]
    return text[start:stop], parser_for(rest).parse(blank + rest, env)


def _front_matter_span(text: str) -> tuple[int, int, int] | None:
    """Where the front matter's YAML starts and stops and where the text after it starts, as
    the front matter rule of mdit-py-plugins decides it; None without front matter. Line 0
    opens with three dashes or more; the first later line that closes it (``_closes``) ends
    it; unclosed, there is none."""
    if not text.startswith("---"):
        return None
    first_end = text.find("\n")
    if first_end < 0:
        return None
    markers = first_end - len(text[:first_end].lstrip("-"))
    pos = first_end + 1
    while pos < len(text):
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        if _closes(text[pos:end], markers):
            return first_end + 1, pos - 1, end + 1  # an empty YAML when they cross
        pos = end + 1
    return None


def _closes(line: str, markers: int) -> bool:
    """A line that closes front matter opened by ``markers`` dashes: ``...`` then only
    blanks, or as many dashes or more, indented less than four columns, then only blanks."""
    if line.startswith("...") and not line[3:].strip(" \t"):
        return True
    rest = line.lstrip(" \t")
    indent = len(line[: len(line) - len(rest)].expandtabs(4))  # tab stops every 4 columns
    dashes = len(rest) - len(rest.lstrip("-"))
    return indent < 4 and dashes >= markers and not rest[dashes:].strip(" \t")


class _Node:
    """One node of the token tree: an open/close token pair (``token`` is the opening one)
    with what lies between, or a single token. (markdown-it's own SyntaxTreeNode does the
    same with far more overhead, which shows in a vault of thousands of notes.) An inline
    token keeps its children as markdown-it's flat token list: spans are read from it with a
    style stack."""

    __slots__ = ("children", "token", "type")

    def __init__(self, token: Token, kind: str, children: list[_Node]) -> None:
        self.token = token
        self.type = kind
        self.children = children


def _tree(tokens: list[Token]) -> list[_Node]:
    """Nest a flat block-level token stream into nodes."""
    top: list[_Node] = []
    stack = [top]
    for token in tokens:
        nesting = token.nesting
        if nesting == 1:
            kids: list[_Node] = []
            stack[-1].append(_Node(token, token.type[:-5], kids))  # "xxx_open" -> "xxx"
            stack.append(kids)
        elif nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append(_Node(token, token.type, []))
    return top


def parse(text: str, path: str, *, lang: str | None = None) -> Document:
    """Parse a note's text into a Document. ``path`` is only used for references."""
    builder = _Builder(path, _marked if any(m in text for m in _MARKERS) else _tagged,
                       _may_hold_cards(text))
    env: dict[str, object] = {}
    front, found = tokens(text, env)
    deep = env.get(TOO_DEEP)
    if isinstance(deep, int):
        log.warning("%s:%d: lists or quotes nested too deep to read (about ten levels); "
                    "this line and the deeper ones under it are left out", path, deep + 1)
    meta = _front_matter(front, path) if front is not None else {}
    for node in _tree(found):
        builder.block(node)
    return builder.document(meta, lang, text)


def _front_matter(source: str, path: str) -> dict[str, object]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
    try:
        data = yaml.load(source, Loader=loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        log.warning("%s:%d: front matter is not valid YAML; ignored", path, line)
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        log.warning("%s:1: front matter is not a mapping of keys to values; ignored", path)
        return {}
    return {str(k): v for k, v in data.items()}


@dataclass
class _Open:
    title: str
    level: int
    ref: SourceRef
    card: int = 0
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def close(self) -> Section:
        return Section(self.title, self.level, tuple(self.blocks), tuple(self.children), self.ref,
                       self.card)


class _Builder:
    """Turns top-level syntax nodes into blocks and a heading tree."""

    def __init__(self, path: str, marked: Callable[[str], bool], cards: bool = True) -> None:
        self.path = path
        self.marked = marked  # whether a text may hold what _MARKS finds
        self.cards = cards  # whether the note may hold flashcards written out
        self.preamble: list[Block] = []
        self.top: list[Section] = []
        self.stack: list[_Open] = []
        self.refs: dict[int, SourceRef] = {}  # one per line: a list item and its text share it
        self.tags: list[str] = []  # #tags written in the text, the note's as in Obsidian
        self.hidden: tuple[Inline, SourceRef, list[Block]] | None = None  # an open <details>
        # a flashcard's front whose answer may be the list on the next line: the front, where
        # it is, 1 or 2 (a reverse card too), and the line (0-based) the list must start on
        self.asking: tuple[Inline, SourceRef, int, int] | None = None
        # an Obsidian_to_Anki note whose END is in a later paragraph: its note type, where it
        # starts, and its lines so far
        self.note: tuple[str, SourceRef, list[Inline]] | None = None

    def ref(self, node: _Node) -> SourceRef:
        where = node.token.map
        return self.line_ref((where[0] + 1) if where else 1)

    def line_ref(self, line: int) -> SourceRef:
        ref = self.refs.get(line)
        if ref is None:
            ref = self.refs[line] = SourceRef(self.path, line)
        return ref

    # -- tree of headings ---------------------------------------------------

    def _close_to(self, level: int) -> None:
        while self.stack and self.stack[-1].level >= level:
            done = self.stack.pop().close()
            (self.stack[-1].children if self.stack else self.top).append(done)

    def block(self, node: _Node) -> None:
        if self.note is not None and self._note_goes_on(node):
            return
        if self.asking is not None and self._answers(node):
            return
        if self.hidden is not None or (node.type == "html_block"
                                       and _DETAILS.match(node.token.content)):
            self.spoiler(node)
            return
        if node.type == "heading":
            level = int(node.token.tag[1])
            found = len(self.tags)
            title = clean_label(plain(self.inline(node.children[0]))) if node.children else ""
            if not title:
                log.warning("%s: heading without text; its content joins the section above",
                            self.ref(node))
                return
            self._close_to(level)
            self.stack.append(_Open(title, level, self.ref(node), self._card_marker(found, title)))
            return
        self._add(self.blocks(node, top=True))

    def _add(self, blocks: list[Block]) -> None:
        (self.stack[-1].blocks if self.stack else self.preamble).extend(blocks)

    def spoiler(self, node: _Node) -> None:
        """``<details><summary>Question?</summary> answer </details>``, the answer hidden
        until opened (on one line, or with Markdown between the tags): a point, its summary,
        with the answer's points under it, so that a question asks and is answered as a
        point with sub-points is. A heading or the note's end closes it."""
        if self.hidden is None:
            opened = _DETAILS.match(node.token.content)
            assert opened is not None
            summary = _html_text(opened.group(1).strip())
            self.hidden = (summary, self.ref(node), [])
            rest = opened.group(2)
        elif node.type == "heading":
            self._end_spoiler()
            self.block(node)
            return
        elif node.type == "html_block":
            rest = node.token.content
        else:
            self.hidden[2].extend(self.blocks(node))
            return
        inside, closed, _ = rest.partition("</details>")
        answer = _html_text(inside.strip())
        if answer:
            self.hidden[2].append(Paragraph(answer, self.ref(node)))
        if closed:
            self._end_spoiler()

    def _end_spoiler(self) -> None:
        if self.hidden is None:
            return
        summary, ref, blocks = self.hidden
        self.hidden = None
        answer: list[ListItem] = []
        for b in blocks:
            if isinstance(b, Paragraph):
                answer.append(ListItem(b.text, (), b.ref))
            elif isinstance(b, ListBlock):
                answer.extend(b.items)
        kids = (ListBlock(tuple(answer), False, ref),) if answer else ()
        if has_content(summary) or kids:
            self._add([ListBlock((ListItem(summary, kids, ref),), False, ref)])

    # -- flashcards written out ----------------------------------------------

    def lines(self, node: _Node) -> list[tuple[Inline, SourceRef, int]]:
        """A paragraph's lines: each one's spans, where it is, and the card marker it ends
        with (``_card_marker``). Property lines (``key:: value``, as Logseq and Dataview
        write them) are left out; ``tags:: a, b`` gives the note tags."""
        tokens = node.children[0].token.children or []
        parts: list[list[Token]] = [[]]
        for t in tokens:
            if t.type in ("softbreak", "hardbreak"):
                parts.append([])
            else:
                parts[-1].append(t)
        first = self.ref(node).line
        out = []
        for i, part in enumerate(parts):
            found = len(self.tags)
            spans = _trim_end(self.spans(part, first + i))
            text = plain(spans)
            if spans and not spans[0].style:
                prop = _PROPERTY.match(text)
                if prop is not None:
                    if prop.group(1) == "tags":
                        self.tags.extend(t.strip().lstrip("#") for t in prop.group(2).split(","))
                    continue
            marker = self._card_marker(found, text)
            if spans or marker:
                out.append((spans, self.line_ref(first + i), marker))
        return out

    def _card_marker(self, found: int, text: str) -> int:
        """1 when the text just read (its tags are those from ``found`` on) ended with the tag
        ``#card`` (Logseq's and Obsidian's Flashcards plugin's mark of a flashcard), 2 for
        ``#card-reverse`` or ``#card/reverse`` (a reverse card too), else 0. Such a tag is no
        tag of the note."""
        new = self.tags[found:]
        if not new or not any(t in _CARD_TAGS for t in new):
            return 0
        ways = 0
        for tag in new:
            if tag in _CARD_TAGS and "#" + tag not in text:  # it ended the text
                ways = max(ways, _CARD_TAGS[tag])
                self.tags.remove(tag)
        return ways

    def labelled_lines(self, node: _Node) -> list[Block]:
        """A paragraph of two lines or more that each open with a label in bold and a colon
        (``**Cause:** ...``, ``**Client** : ...``), as a record or a dialogue is written
        without bullets: each line as a paragraph of its own. Nothing for other paragraphs."""
        lines = self.lines(node)
        if len(lines) < 2 or not all(_labelled(spans) for spans, _, _ in lines):
            return []
        return [Paragraph(spans, ref) for spans, ref, _ in lines]

    def card_lines(self, node: _Node, top: bool) -> list[Block]:
        """A paragraph that may hold flashcards: its lines of text as paragraphs, its cards
        as lists of card points (front, and the back under it). Cards are written as

        - ``front::back``, or ``front:::back`` for a card and its reverse (Obsidian's Spaced
          Repetition and Flashcards plugins);
        - the front's lines, a line ``?`` (``??``: and its reverse), then the back's lines;
        - a line ending with ``#card`` (``#card-reverse``), then the back's lines;
        - Obsidian_to_Anki's notes: a line ``START``, the note type, the front's lines, a line
          ``Back: …`` and the back's, a line ``END`` (``_note``).

        A front whose back is not in the paragraph takes the list that starts on the next
        line (``top``: the paragraph is not inside a quote), else it stays text; a ``START``
        whose ``END`` is not in the paragraph takes the paragraphs up to it."""
        pieces: list[tuple[Inline, SourceRef] | ListItem | Paragraph] = []
        lines = self.lines(node)
        if (top and lines and lines[0][2] and not has_content(lines[0][0]) and self.stack
                and not self.stack[-1].blocks and not self.stack[-1].card):
            # "#card" alone on the line after a heading: the heading is the card's front, and
            # the rest of the paragraph (the section's first block) its back
            self.stack[-1].card = lines[0][2]
            lines = lines[1:]
        i = -1
        while i + 1 < len(lines):
            i += 1
            spans, ref, marker = lines[i]
            word = plain(spans) if len(spans) == 1 and not spans[0].style else ""
            if word == "START" and i + 1 < len(lines) and (top or any(
                    plain(line[0]) == "END" for line in lines[i + 1:])):
                kind = plain(lines[i + 1][0]).strip()
                body: list[Inline] = []
                j = i + 2
                while j < len(lines) and plain(lines[j][0]) != "END":
                    body.append(lines[j][0])
                    j += 1
                if j == len(lines):  # its END is in a paragraph to come
                    self.note = (kind, ref, body)
                    break
                pieces.extend(self._note(kind, ref, body))
                i = j
                continue
            text = word or plain(spans)
            inline = _INLINE_NOTE.fullmatch(text) if "STARTI" in text else None
            if inline is not None:  # STARTI [Basic] front Back: back ENDI, on one line
                content = cut(spans, inline.start(2), inline.end(2))
                label = _INLINE_BACK.search(plain(content))
                fields = ([content] if label is None else
                          [cut(content, 0, label.start()), cut(content, label.start() + 1)])
                pieces.extend(self._note(inline.group(1) or "Basic", ref, fields))
                continue
            ways = _MULTILINE.get(word, 0)
            if ways or marker:
                if marker:
                    front = spans
                else:
                    asked: list[tuple[Inline, SourceRef]] = []
                    while pieces and isinstance(last := pieces[-1], tuple):
                        asked.append(last)
                        pieces.pop()
                    if not asked:  # a "?" with nothing before it is text
                        pieces.append((spans, ref))
                        continue
                    asked.reverse()
                    front, ref = _joined([a[0] for a in asked]), asked[0][1]
                back = _joined([line[0] for line in lines[i + 1:]])
                if back:
                    pieces.append(_card(front, back, marker or ways, ref))
                elif top and node.token.map:
                    self.asking = (front, ref, marker or ways, node.token.map[1])
                else:
                    self._no_answer(front, ref, pieces)
                break
            split = _split_card(spans)
            if split is None:
                pieces.append((spans, ref))
                continue
            pieces.append(_card(*split, ref))
        out: list[Block] = []
        for made, group in itertools.groupby(pieces, type):
            if made is ListItem:
                cards = tuple(p for p in group if isinstance(p, ListItem))
                out.append(ListBlock(cards, False, cards[0].ref))
            elif made is Paragraph:
                out.extend(p for p in group if isinstance(p, Paragraph))
            else:
                texts = [p for p in group if isinstance(p, tuple)]
                out.append(Paragraph(_joined([t[0] for t in texts]), texts[0][1]))
        return out

    def _note(self, kind: str, ref: SourceRef, lines: list[Inline]) -> list[ListItem | Paragraph]:
        """An Obsidian_to_Anki note of type ``kind`` (``Basic``, ``Basic (and reversed
        card)``, ``Cloze``, ...) from its lines: the first field's (``Front:`` or ``Text:``
        may label it), then ``Back:`` (``Back Extra:``, ``Extra:``) and the back's; a line
        ``Tags: a b`` gives tags. A cloze note is its text, whose ``{{c1::…}}`` make cloze
        cards; another, a flashcard (both ways when its type says reversed)."""
        front: list[Inline] = []
        back: list[Inline] = []
        field = front
        for spans in lines:
            label = _NOTE_FIELD.match(plain(spans))
            if label is not None:
                name = label.group(1).lower()
                if name == "tags":
                    self.tags.extend(label.group(2).split())
                    continue
                field = front if name in ("front", "text") else back
                spans = cut(spans, label.start(2))
            field.append(spans)
        text, answer = _joined(front), _joined(back)
        if "cloze" in kind.lower():
            return [Paragraph(text, ref)] if has_content(text) else []
        if has_content(text) and has_content(answer):
            return [_card(text, answer, 2 if "revers" in kind.lower() else 1, ref)]
        log.warning("%s: Obsidian_to_Anki note (START … END) without a front and a Back: "
                    "field; kept as text", ref)
        return [Paragraph(_joined([text, answer]), ref)] if has_content(text) else []

    def _note_goes_on(self, node: _Node) -> bool:
        """Add ``node`` to the open START … END note when it belongs to it (a paragraph or a
        list before END; the note ends at its END line, or before a heading)."""
        assert self.note is not None
        if node.type == "heading":
            self._add(self._end_note())
            return False
        kind, ref, body = self.note
        if node.type in ("bullet_list", "ordered_list"):
            for point in _points(self.list_block(node)):
                text = plain(point.text)
                if text == "END" or text.endswith(" END"):  # END continues the last point
                    end = cut(point.text, 0, len(text) - 3)
                    if has_content(end):
                        body.append(end)
                    self.note = None
                    self._add(self._finish_note(kind, ref, body))
                    return True
                body.append(point.text)
            return True
        if node.type != "paragraph" or not node.children:
            return True  # code, tables, rules inside a note are not read
        lines = self.lines(node)
        for i, (spans, _, _) in enumerate(lines):
            if plain(spans) == "END":
                self.note = None
                self._add(self._finish_note(kind, ref, body))
                rest = [line[0] for line in lines[i + 1:]]
                if rest:
                    self._add([Paragraph(_joined(rest), lines[i + 1][1])])
                return True
            body.append(spans)
        return True

    def _end_note(self) -> list[Block]:
        """The open note, ended without its END line (a heading or the note's end came)."""
        assert self.note is not None
        kind, ref, body = self.note
        self.note = None
        log.warning("%s: START without END; read up to the next heading or the note's end",
                    ref)
        return self._finish_note(kind, ref, body)

    def _finish_note(self, kind: str, ref: SourceRef, body: list[Inline]) -> list[Block]:
        made = self._note(kind, ref, body)
        return [ListBlock((m,), False, ref) if isinstance(m, ListItem) else m for m in made]

    def card_item(self, node: _Node) -> tuple[Inline, Inline, int]:
        """A list item's first paragraph, which may make the item a flashcard: its text (the
        card's front), the back written in it, and 1 or 2 (``ListItem.card``; 0: no card)."""
        lines = self.lines(node)
        if not lines:
            return (), (), 0
        spans, _, marker = lines[0]
        rest = [line[0] for line in lines[1:]]
        split = None if marker else _split_card(spans)
        if split is not None:
            front, back, ways = split
            return front, _joined([back, *rest]), ways
        if marker:
            return spans, _joined(rest), marker
        return _joined([spans, *rest]), (), 0

    def _answers(self, node: _Node) -> bool:
        """Whether ``node`` is the list that answers the flashcard front before it (it is
        then added as the card's back); else that front is text."""
        assert self.asking is not None
        front, ref, ways, line = self.asking
        self.asking = None
        if node.type in ("bullet_list", "ordered_list") and node.token.map \
                and node.token.map[0] == line:
            answer = self.list_block(node)
            if any(has_content(it.text) or it.children for it in answer.items):
                self._add([ListBlock((ListItem(front, (answer,), ref, card=ways),), False, ref)])
            else:  # a list of empty points answers nothing
                self._no_answer(front, ref)
                self._add([answer])
            return True
        self._no_answer(front, ref)
        return False

    def _unanswered(self) -> None:
        if self.asking is not None:
            front, ref, _, _ = self.asking
            self.asking = None
            self._no_answer(front, ref)

    def _no_answer(self, front: Inline, ref: SourceRef,
                   pieces: list[tuple[Inline, SourceRef] | ListItem | Paragraph] | None = None
                   ) -> None:
        """A flashcard's front with no back: kept as text, with a warning."""
        log.warning("%s: flashcard %r has no answer (nothing after its \"?\" or #card line); "
                    "kept as text", ref, collapse(plain(front)))
        if pieces is None:
            self._add([Paragraph(front, ref)])
        else:
            pieces.append((front, ref))

    def document(self, meta: dict[str, object], lang: str | None, text: str) -> Document:
        if self.note is not None:
            self._add(self._end_note())
        self._unanswered()
        self._end_spoiler()
        self._close_to(0)
        sections = list(self.top)
        preamble = list(self.preamble)
        title = str(meta.get("title") or "").strip()
        first_h1 = next((s for s in sections if s.level == 1), None)
        if first_h1 is not None and (not title or clean_label(title) == first_h1.title):
            # the H1 names the note: its sections become the note's top-level sections
            title = title or first_h1.title
            i = sections.index(first_h1)
            sections[i : i + 1] = list(first_h1.children)
            preamble.extend(first_h1.blocks)
        sections = [_sub_outlines(sec) for sec in sections]
        if not sections:  # no heading but a title: an outline's points may be its headings
            preamble, sections = _outline(preamble, 2)
            if len(sections) == 1 and not title:  # one point on top names the page (Logseq)
                title = sections[0].title
                preamble.extend(sections[0].blocks)
                sections = list(sections[0].children)
        if not title:
            stem = Path(self.path).stem.replace("_", " ").replace("-", " ")
            title = collapse(stem)
            title = title[:1].upper() + title[1:]
        code = str(meta.get("lang") or lang or i18n.detect(text))
        deck = deck_name(str(meta.get("deck") or "")) or deck_name(title) or "flashgen"
        return Document(
            path=self.path,
            title=title,
            lang=code,
            deck=deck,
            tags=tuple(dict.fromkeys((*_tags(meta.get("tags")), *_tags(self.tags)))),
            blocks=tuple(preamble),
            sections=tuple(sections),
            meta=meta,
        )

    # -- blocks ---------------------------------------------------------------

    def blocks(self, node: _Node, top: bool = False) -> list[Block]:
        """The blocks of a syntax node (``top``: it is not inside a quote or a list, so a
        flashcard's front may take its back from the blocks that follow)."""
        kind = node.type
        if kind == "paragraph":
            if not node.children or _COMMENT_BLOCK.match(node.children[0].token.content):
                return []  # an Obsidian comment is for the writer alone
            content = node.children[0].token.content
            if self.cards and _may_hold_cards(content):
                return self.card_lines(node, top)
            if content.startswith(_BOLD) and "\n" in content:
                labelled = self.labelled_lines(node)
                if labelled:
                    return labelled
            text = self.inline(node.children[0], self.ref(node).line)
            return [Paragraph(text, self.ref(node))] if has_content(text) else []
        if kind in ("bullet_list", "ordered_list"):
            return [self.list_block(node)]
        if kind == "table":
            table = self.table(node)
            return [table] if table is not None else []
        if kind == "dl":
            terms = self.definitions(node)
            return [terms] if terms is not None else []
        if kind == "math_block":
            tex = node.token.content.strip()
            return [Paragraph((Span(tex, "display_math"),), self.ref(node))] if tex else []
        if kind == "html_block":
            raw = node.token.content.strip()
            if raw[:1] == "<" and "<table" in raw.lower():
                table = self.html_table(node)
                if table is not None:
                    return [table]
            if raw[:3].lower() in ("<ul", "<ol"):
                listed = self.html_list(node)
                if listed is not None:
                    return [listed]
            text = self.html_inline(raw, self.ref(node).line)
            return [Paragraph(text, self.ref(node))] if has_content(text) else []
        if kind == "blockquote":
            out: list[Block] = []
            for i, child in enumerate(node.children):
                callout = self.callout(child) if i == 0 else None
                out.extend(callout if callout is not None else self.blocks(child))
            return out
        if kind in ("fence", "code_block") and top:
            code = _code(node)
            return [Paragraph(code, self.ref(node))] if code else []
        # hr, code blocks in quotes, and headings inside containers carry no cards
        return []

    def callout(self, node: _Node) -> list[Block] | None:
        """An Obsidian callout's first paragraph (``[!tip] Title`` and its text on the next
        lines): its title (in bold) and its text as two paragraphs, the marker dropped; None
        when the paragraph is no callout's."""
        if node.type != "paragraph" or not node.children:
            return None
        inline = node.children[0].token
        tokens = inline.children or []
        marker = _CALLOUT.match(tokens[0].content) if tokens and tokens[0].type == "text" else None
        if marker is None:
            return None
        rest = tokens[0].content[marker.end():]
        first = [_text_token(rest)] if rest else []
        breaks = [i for i, t in enumerate(tokens) if t.type in ("softbreak", "hardbreak")]
        cut = breaks[0] if breaks else len(tokens)
        out: list[Block] = []
        ref = self.ref(node)
        for part, line in (([*first, *tokens[1:cut]], ref.line), (tokens[cut + 1:], ref.line + 1)):
            text = self.spans(part, line)
            if line == ref.line:  # the title, in bold as Obsidian shows it
                text = merged(Span(s.text, "strong", "", s.line)
                               if s.style in ("", "em", "link") else s for s in text)
            if has_content(text):
                out.append(Paragraph(text, ref if line == ref.line else SourceRef(ref.path, line)))
        return out

    def list_block(self, node: _Node) -> ListBlock:
        items = []
        boxes = 0
        for child in node.children:
            text, lists, card = self.item(child)
            items.append(ListItem(text, lists, self.ref(child), card=card) if card else
                         ListItem(text, lists, self.ref(child)))
            first = child.children[0] if child.children else None
            if (first is not None and first.type == "paragraph" and first.children
                    and _TASK.match(first.children[0].token.content) is not None):
                boxes += 1
        todo = bool(items) and boxes == len(items)
        return ListBlock(tuple(items), node.type == "ordered_list", self.ref(node), todo)

    def item(self, node: _Node, cards: bool = True) -> tuple[Inline, tuple[ListBlock, ...], int]:
        """A list item's (or a definition's) text, its paragraphs joined, and its lists; and
        1 or 2 when it is written as a flashcard (``ListItem.card``: the text is the card's
        front, the lists its back; ``cards``: whether it may be), else 0."""
        texts: list[Inline] = []
        children: list[ListBlock] = []
        card = 0
        for child in node.children:
            if child.type == "paragraph" and child.children:
                if (cards and self.cards and not texts
                        and _may_hold_cards(child.children[0].token.content)):
                    front, back, card = self.card_item(child)
                    if card and back:
                        ref = self.ref(child)
                        children.append(ListBlock((ListItem(back, (), ref),), False, ref))
                    if front:
                        texts.append(front)
                    continue
                texts.append(self.inline(child.children[0], self.ref(child).line))
            elif child.type in ("bullet_list", "ordered_list"):
                children.append(self.list_block(child))
            elif child.type in ("fence", "code_block"):
                # under a point, as a programming note answers the question it asks; the
                # point's text when it has none
                code = _code(child)
                if code and not texts and not children:
                    texts.append(code)
                elif code:
                    ref = self.ref(child)
                    children.append(ListBlock((ListItem(code, (), ref),), False, ref))
            elif child.type in ("blockquote", "html_block"):
                for b in self.blocks(child):
                    if isinstance(b, Paragraph):
                        texts.append(b.text)
        if card and not children:
            log.warning("%s: flashcard %r has no answer (a line after it, or points under it); "
                        "kept as a point", self.ref(node), collapse(plain(_joined(texts))))
            card = 0
        joined = texts[0] if len(texts) == 1 else _joined(texts)
        if joined and not joined[0].style and joined[0].text.startswith("["):
            task = _TASK.match(joined[0].text)  # a task list's box: [ ] or [x]
            if task is not None:
                joined = (Span(joined[0].text[task.end():]), *joined[1:])
        return joined, tuple(children), card

    def definitions(self, node: _Node) -> ListBlock | None:
        """A definition list as a list of ``term: definition`` points, each knowing its term
        (a term's several definitions are joined with ``; ``, a definition's paragraphs with
        a space); None when no term has a definition."""
        items: list[ListItem] = []
        term: Inline = ()
        term_node = node
        defined: list[Inline] = []
        children: list[ListBlock] = []

        def close() -> None:
            if term and defined:
                text: list[Span] = [*term, Span(": ")]
                for i, d in enumerate(defined):
                    text.extend(((Span("; "),) if i else ()) + d)
                items.append(ListItem(tuple(text), tuple(children), self.ref(term_node), term))

        for part in node.children:
            if part.type == "dt":
                close()
                term = self.inline(part.children[0]) if part.children else ()
                term_node, defined, children = part, [], []
            elif part.type == "dd" and term:
                text, lists, _ = self.item(part, cards=False)
                if has_content(text):
                    defined.append(text)
                children.extend(lists)
        close()
        return ListBlock(tuple(items), False, self.ref(node)) if items else None

    def table(self, node: _Node) -> Table | None:
        header: tuple[Inline, ...] = ()
        rows: list[tuple[Inline, ...]] = []
        refs: list[SourceRef] = []
        for part in node.children:
            for tr in part.children:
                cells = tuple(
                    clean_inline(self.inline(c.children[0]) if c.children else ())
                    for c in tr.children
                )
                if part.type == "thead":
                    header = cells
                else:
                    rows.append(cells)
                    refs.append(self.ref(tr))
        if not header:
            return None
        return _table(header, rows, refs, self.ref(node))

    def html_table(self, node: _Node) -> Table | None:
        """A table written in HTML (``<table>``, its header row of ``<th>`` cells or in
        ``<thead>``), as ``table`` reads one written in Markdown; None for HTML that holds
        more than one table, or a table without a header row (nothing names its columns)."""
        found = _html_rows(node.token.content)
        if not found or not found[0][1]:
            return None
        first = self.ref(node).line
        rows = [(self.line_ref(first + at), tuple(clean_inline(self.html_inline(c, first + at))
                                                  for c in cells)) for at, _, cells in found]
        return _table(rows[0][1], [r for _, r in rows[1:]], [ref for ref, _ in rows[1:]],
                      self.ref(node))

    def html_list(self, node: _Node) -> ListBlock | None:
        """A list written in HTML (``<ul>`` or ``<ol>``, lists in its items), as ``list_block``
        reads one written in Markdown; None for HTML that is not one list."""
        found = _html_list(node.token.content)
        if found is None:
            return None
        first = self.ref(node).line

        def block(ordered: bool, items: list[_HtmlItem], ref: SourceRef) -> ListBlock:
            made = []
            for it in items:
                at = self.line_ref(first + it.line)
                kids = tuple(block(o, sub, at) for o, sub in it.lists)
                text = self.html_inline("".join(it.pieces), first + it.line)
                if has_content(text) or kids:
                    made.append(ListItem(text, kids, at))
            return ListBlock(tuple(made), ordered, ref)

        listed = block(*found, self.ref(node))
        return listed if listed.items else None

    def html_inline(self, raw: str, line: int) -> Inline:
        """A piece of HTML as text: its styles, images and line breaks read (``_html_tokens``),
        else (another tag in it) as written."""
        raw = raw.strip()
        found = _html_tokens(raw)
        if found is None:
            return tuple(_html_spans(raw, "", ""))
        spans = self.spans(found, line)
        return cut(tuple(s.with_text(_BLANKS.sub(" ", s.text)) if s.style != "image" else s
                         for s in spans), 0)

    # -- inline ---------------------------------------------------------------

    def inline(self, node: _Node, line: int = 0) -> Inline:
        tokens = node.token.children or []
        if len(tokens) == 1 and tokens[0].type == "text":
            content = tokens[0].content  # most points: one plain run
            if not self.marked(content) and "^" not in content:
                return (Span(content),) if content else ()
        return _trim_end(self.spans(tokens, line))

    def spans(self, tokens: list[Token], line: int = 0) -> Inline:
        """The spans of an inline token's children (``line``: where images are)."""
        spans = _spans(tokens, self.tags, self.marked)
        if line:
            spans = [Span(s.text, s.style, s.href, line) if s.style == "image" else s
                     for s in spans]
        return merged(spans)


MAX_OUTLINE_TITLE = 60
"""Letters of an outline's point that is a heading, at most (more is a sentence)."""
_NO_TITLE_ENDS = (".", "。", "।", *i18n.QUESTION_MARKS)
"""How sentences and questions end, which titles do not."""


def _outline_title(item: ListItem) -> str:
    """The title of a point that reads as one and has points under it (short, no full stop,
    no question, no flashcard, no definition), else ``""``."""
    if not item.children or item.card or item.term:
        return ""
    title = clean_label(plain(item.text)).removesuffix(":").strip()
    if len(title) > MAX_OUTLINE_TITLE or title.endswith(_NO_TITLE_ENDS):
        return ""
    return title


def _sub_outlines(section: Section) -> Section:
    """``section`` with, when its points are all titles of points under them (``- Causes``,
    then its causes, ``- Consequences``, then its consequences), those made its sub-sections
    (as ``_outline`` makes them of a note without headings), down its sub-sections."""
    children = section.children
    if children:
        children = tuple([_sub_outlines(c) for c in children])
    lists = [b for b in section.blocks if isinstance(b, ListBlock)]
    # most points have no points under them: told at the first, without a call
    if (lists and lists[0].items[0].children and not section.card
            and sum([len(b.items) for b in lists]) >= 2
            and all(_outline_title(it) for b in lists for it in b.items)):
        kept, subs = _outline(list(section.blocks), section.level + 1)
        return Section(section.title, section.level, tuple(kept), (*subs, *children),
                       section.ref, section.card)
    if children == section.children:  # the same sections (compared by identity first)
        return section
    return Section(section.title, section.level, section.blocks, children, section.ref,
                   section.card)


def _outline(blocks: list[Block], level: int) -> tuple[list[Block], list[Section]]:
    """The blocks of a note without headings, its outline's headings made sections: a point
    with points under it that reads as a title (short, no full stop, no question, no
    flashcard) is a heading, and its points are that section's, down the outline (as Logseq
    and Workflowy write pages: one nested list). Other points stay in their list."""
    kept: list[Block] = []
    sections: list[Section] = []
    for b in blocks:
        if not isinstance(b, ListBlock):
            kept.append(b)
            continue
        rest: list[ListItem] = []
        for it in b.items:
            title = _outline_title(it)
            if title:
                inner, subs = _outline(list(it.children), level + 1)
                sections.append(Section(title, level, tuple(inner), tuple(subs), it.ref))
            else:
                rest.append(it)
        if len(rest) == len(b.items):
            kept.append(b)
        elif rest:
            kept.append(ListBlock(tuple(rest), b.ordered, rest[0].ref))
    return kept, sections


_INDEX_HEADERS = frozenset(["", "#", "no", "no.", "nr", "nr.", "nº", "n°", "n.º", "num",
                            "num.", "nomor", "s/n", "sl. no.", "sr. no.", "№", "№ п/п",
                            "序号", "番号", "번호"])
"""Headings of a column that numbers a table's rows: ``#``, ``No.`` (Indonesian ``No``,
``Nomor``), German and Dutch ``Nr.``, Spanish and French ``Nº``, ``N°``, Russian ``№``,
Chinese ``序号``, Japanese ``番号``, Korean ``번호``."""


def _table(header: tuple[Inline, ...], rows: list[tuple[Inline, ...]], refs: list[SourceRef],
           ref: SourceRef) -> Table:
    """A table of these cells, each row as wide as the header (cut, or filled with empty
    cells); a first column that only numbers the rows is left out."""
    width = len(header)
    rows = [tuple(r[:width]) + ((),) * (width - len(r)) for r in rows]
    if _numbers_rows(header, rows):  # the rows' numbers are nothing to learn
        header, rows = header[1:], [r[1:] for r in rows]
    return Table(header, tuple(rows), tuple(refs), ref)


def _numbers_rows(header: tuple[Inline, ...], rows: list[tuple[Inline, ...]]) -> bool:
    """Whether a table's first column only numbers its rows, 1, 2, 3 …, under a heading such
    as ``No.`` or none (a column of atomic numbers, headed ``Z``, is a key to ask by)."""
    if len(header) < 2 or not rows or plain(header[0]).strip().lower() not in _INDEX_HEADERS:
        return False
    return all(plain(r[0]).strip().rstrip(".)") == str(i) for i, r in enumerate(rows, 1))


def _may_hold_cards(content: str) -> bool:
    """Whether a paragraph's source may hold a flashcard written out, or a property line."""
    return "::" in content or "#card" in content or "\n?" in content or "START" in content


_INLINE_NOTE = re.compile(r"STARTI[ \t]*(?:\[([^\]]*)\])?[ \t]*(.*?)[ \t]*ENDI")
"""An Obsidian_to_Anki note on one line, its note type in brackets (default Basic)."""
_INLINE_BACK = re.compile(r"\s(?:Back|Back Extra|Extra):")
"""Where the back of an Obsidian_to_Anki note on one line starts."""
_NOTE_FIELD = re.compile(r"(Front|Text|Back|Back Extra|Extra|Tags):[ \t]*(.*)", re.DOTALL)
"""A field's label in an Obsidian_to_Anki note."""


def _points(block: ListBlock) -> list[ListItem]:
    """A list's points, those under them too, in order."""
    out = []
    for it in block.items:
        out.append(it)
        for lst in it.children:
            out.extend(_points(lst))
    return out


_CARD_SEPARATOR = re.compile(r"(?<!:):{2,3}(?!:)")
"""Between a flashcard's front and back on one line: ``::``, or ``:::`` for a reverse card."""
_MULTILINE = {"?": 1, "??": 2}
"""A line between a flashcard's front and back (Obsidian's Spaced Repetition plugin)."""
_CARD_TAGS = {"card": 1, "card-reverse": 2, "card/reverse": 2}
"""Tags that make the line they end a flashcard's front."""
_PROPERTY = re.compile(r"([a-z][a-z0-9_-]*)::[ \t]+(.*)", re.DOTALL)
"""A property line, ``key:: value`` (Logseq's, Dataview's): a lower-case key, no blank
before the colons, one after."""


def _card(front: Inline, back: Inline, ways: int, ref: SourceRef) -> ListItem:
    """A flashcard as a point: its front, and its back as the one point under it; ``ways``
    as ``ListItem.card``."""
    return ListItem(front, (ListBlock((ListItem(back, (), ref),), False, ref),), ref, card=ways)


def _split_card(line: Inline) -> tuple[Inline, Inline, int] | None:
    """``(front, back, 1)`` of a line ``front::back`` (2: ``front:::back``), styles kept;
    None for other lines, and for a line with more than one separator (``a::b::c``) or with
    nothing on one side. Colons in code, links and math are not separators."""
    found: list[tuple[int, int]] = []
    at = 0
    for s in line:
        if s.style == "image":
            continue
        if s.style in ("", "strong", "em") and "::" in s.text:
            found.extend((at + m.start(), at + m.end()) for m in _CARD_SEPARATOR.finditer(s.text))
        at += len(s.text)
    if len(found) != 1:
        return None
    start, end = found[0]
    if end - start == 2 and _code_like(plain(line), start, end):
        return None
    front, back = cut(line, 0, start), cut(line, end)
    if not (has_content(front) and has_content(back)):
        return None
    return front, back, end - start - 1


_NAME = re.compile(r"[A-Za-z_]\w*")
_NAME_BEFORE = re.compile(r"(?<![\w.])[A-Za-z_]\w*$")


def _code_like(text: str, start: int, end: int) -> bool:
    """Whether the ``::`` at ``text[start:end]`` joins two names as code does rather than a
    front and a back: glued to names on both sides, and the second is called or generic
    (``Foo::bar()``, ``Vec::<u8>``), or is lower-case in the middle of a sentence
    (``Use std::vector for arrays.``)."""
    left = _NAME_BEFORE.search(text, 0, start)
    right = _NAME.match(text, end)
    if left is None or right is None:
        return False
    if text[right.end():right.end() + 1] in ("(", "<", "!"):
        return True
    back = text[end:].rstrip()
    return (right.group()[0].islower() and left.start() > 0 and " " in back
            and back.endswith("."))


def _joined(texts: list[Inline]) -> Inline:
    """Texts (lines, paragraphs) as one, a blank between each two (plain runs that meet are
    one run, as in a paragraph's spans)."""
    out: list[Span] = []
    plain_run: list[str] = []  # plain text not yet made a span (joined once: linear)
    for t in texts:
        if not t:
            continue
        if out or plain_run:
            plain_run.append(" ")
        for s in t:
            if not s.style:
                plain_run.append(s.text)
                continue
            if plain_run:
                out.append(Span("".join(plain_run)))
                plain_run = []
            out.append(s)
    if plain_run:
        out.append(Span("".join(plain_run)))
    return tuple(out)


_BLOCK_ID = re.compile(r"(?:^|\s+)\^[A-Za-z0-9-]+\s*$")
"""An Obsidian block ID, ``^id`` at the end of a paragraph or point (what links to it use)."""


def _trim_end(text: Inline) -> Inline:
    """``text`` without a block ID or blanks at its end (what a dropped comment or tag
    leaves)."""
    last = text[-1] if text else None
    if last is None or last.style:
        return text
    kept = last.text
    if "^" in kept:
        found = _BLOCK_ID.search(kept)
        if found is not None:
            kept = kept[:found.start()]
    kept = kept.rstrip()
    if kept == last.text:
        return text
    return (*text[:-1], last.with_text(kept)) if kept else text[:-1]


_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s[^<>]*?)?)\s*/?>\Z")
"""One HTML tag: whether it closes, its name, its attributes."""
_HTML_STYLES = {
    "b": "strong", "strong": "strong", "mark": "strong", "i": "em", "em": "em", "cite": "em",
    "code": "code", "kbd": "code", "samp": "code", "tt": "code", "a": "link", "sub": "sub",
    "sup": "sup", "u": "", "ins": "", "s": "", "del": "", "strike": "", "span": "", "font": "",
    "small": "", "big": "", "abbr": "", "q": "", "br": "", "wbr": "",
}
"""Inline HTML that notes use for formatting (as Anki's own fields do), by the style its text
takes: bold (and a highlight, a cloze's mark) and italics as in Markdown, keyboard keys as
code, ``sub`` and ``sup`` as Unicode sub- and superscripts where the text has them (H₂O,
mc²); the other tags are dropped and their text kept. Other HTML stays text."""
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.IGNORECASE)
_SCRIPTS = {
    "sub": str.maketrans("0123456789+-=()aehijklmnoprstuvx",
                         "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"),
    "sup": str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ"),
}


def _script(text: str, kind: str) -> str:
    """``text`` in Unicode sub- or superscript (``kind``), or as it is when a letter of it has
    none."""
    shifted = text.translate(_SCRIPTS[kind])
    return (text if any(a == b and not b.isspace() for a, b in zip(text, shifted, strict=True))
            else shifted)


def _inside(style: str, href: str, kind: str, target: str = "") -> tuple[str, str]:
    """The style and link target of text inside a Markdown or HTML element of ``kind``
    ("link" to ``target``, "strong", "em", "code"; others keep both) when the text around
    it has ``style`` and ``href``: the outermost style wins, except that strong beats em."""
    if kind == "link":
        return style or "link", href or target
    if kind in ("strong", "em"):
        return style if style in ("strong", "link") else kind, href
    if kind == "code":
        return style or "code", href
    return style, href


def _spans(tokens: list[Token], tags: list[str], marked: Callable[[str], bool]) -> list[Span]:
    """Styled runs of an inline token's children. Styles nest: the outermost emphasis wins,
    except that strong beats em; a link keeps the style around it and its own target. The
    #tags found are added to ``tags``. Inline HTML of ``_HTML_STYLES`` styles its text."""
    out: list[Span] = []
    stack: list[tuple[str, str]] = [("", "")]
    opened: list[tuple[str, int]] = []  # HTML tags open: name, depth of the stack they made
    scripts: list[str] = []  # sub or sup, the innermost last
    for token in tokens:
        style, href = stack[-1]
        kind = token.type
        if kind == "text":
            content = _script(token.content, scripts[-1]) if scripts else token.content
            if marked(content):
                out.extend(_marked_spans(content, style, href, tags))
            else:
                out.append(Span(content, style, href))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span(" ", style, href))
        elif kind == "code_inline":
            out.append(Span(token.content, style or "code", href))
        elif kind in ("math_inline", "math_inline_double"):
            out.append(Span(token.content, "math" if kind == "math_inline" else "display_math"))
        elif kind == "image":
            out.append(Span(token.content or "", "image", str(token.attrs.get("src", ""))))
        elif kind == "html_inline":
            tag = _HTML_TAG.match(token.content)
            name = tag.group(2).lower() if tag is not None else ""
            effect = _HTML_STYLES.get(name)
            if tag is None or effect is None:
                out.extend(_html_spans(token.content, style, href))
            elif name in ("br", "wbr"):
                if name == "br":
                    out.append(Span(" ", style, href))
            elif tag.group(1):  # a closing tag: it ends what its opening tag began
                if opened and opened[-1][0] == name and opened[-1][1] == len(stack):
                    opened.pop()
                    stack.pop()
                    if name in _SCRIPTS:
                        scripts.pop()
            else:
                target = ""
                if effect == "link":
                    found = _HREF.search(tag.group(3))
                    target = next((g for g in found.groups() if g is not None), "") if found else ""
                stack.append(_inside(style, href, effect, html.unescape(target)))
                if effect in _SCRIPTS:
                    scripts.append(effect)
                opened.append((name, len(stack)))
        elif token.nesting == 1:
            kind = kind[:-5]  # "xxx_open" -> "xxx"; strikethrough and others keep the style
            stack.append(_inside(style, href, kind, str(token.attrs.get("href", ""))))
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        elif token.content:
            out.append(Span(token.content, style, href))
    return out


_WIKI_LINK = re.compile(r"(!?)\[\[([^\[\]|#^\n]*)"  # ! for an embed, the note or file
                        r"(?:#(\^?)([^\[\]|\n]*))?"  # a heading, or ^ and a block's ID
                        r"(?:\|([^\[\]\n]*))?\]\]")  # the text shown (an image's width)
"""A wiki link as Obsidian, Foam and Logseq write them: ``[[Note]]``, ``[[Note#Heading]]``,
``[[Note#^block]]``, ``[[Note|shown text]]``, and the embed ``![[picture.png|300]]``."""

_MARKS = re.compile(
    _WIKI_LINK.pattern
    # Obsidian's, Typora's and Bear's ==highlight==, no blank just inside the marks (a == b)
    + r"|==(?=[^\s=])([^=\n]*?[^\s=])=="
    # Anki's own cloze, {{c1::answer}} or {{c1::answer::hint}}, written into the note, and
    # Logseq's, {{cloze answer}}
    + r"|\{\{(?:c(\d+)::|cloze[ \t]+)(.+?)(?:::([^{}]*))?\}\}"
    # an Obsidian comment, %%hidden%%
    + r"|(%%.*?%%)"
    # an Obsidian #tag, nested ones with /, not all digits (#1 is a number) and no colour
    # (#fff, #ff8800), after a blank
    + r"|(?<!\S)#(?![0-9a-fA-F]{3,4}\b|[0-9a-fA-F]{6}\b|[0-9a-fA-F]{8}\b)"
    + r"([\w/-]*[^\W\d][\w/-]*)(?=[\s.,;:!?)]|$)")
"""Syntax of other note apps in text tokens: wiki links, highlights, Anki clozes, comments,
tags."""
_TAGS_TO_END = re.compile(r"(?:\s+#(?![0-9a-fA-F]{3,4}\b|[0-9a-fA-F]{6}\b|[0-9a-fA-F]{8}\b)"
                          r"[\w/-]*[^\W\d][\w/-]*)*\s*$")


_MARKERS = ("[[", "==", "{{", "%%")
"""What ``_MARKS`` finds starts with one of these or with ``#``."""


def _marked(text: str) -> bool:
    """True when ``text`` may hold what ``_MARKS`` finds."""
    return "#" in text or "[[" in text or "==" in text or "{{" in text or "%%" in text


def _tagged(text: str) -> bool:
    """``_marked`` for the texts of a note that holds none of ``_MARKERS`` (most notes):
    one scan for a character instead of five."""
    return "#" in text


def _marked_spans(text: str, style: str, href: str, tags: list[str]) -> list[Span]:
    """``text`` (a text token's) with its wiki links as the words they show (the shown text,
    else the note's name and heading; an embedded picture becomes an image span), its
    highlights and Anki clozes as strong text, which cards treat as bold (a term to hide; an
    Anki cloze keeps its number and hint, ``Span.cloze`` and ``href``),
    its comments dropped, and its #tags added to ``tags``: tags that end the text are
    dropped from it, one inside a sentence stays as written."""
    out: list[Span] = []
    at = 0
    strong = style if style in ("strong", "link") else "strong"
    ends = False  # tags end the text: what follows them is blank
    for m in _MARKS.finditer(text):
        (bang, target, block, heading, shown, highlight, number, cloze, hint, _comment,
         tag) = m.groups()
        before = text[at:m.start()]
        at = m.end()
        if tag is not None:
            tags.append(tag)
            ends = _TAGS_TO_END.match(text, at) is not None
            before = before.rstrip() if ends else before + m.group(0)
        if before:
            out.append(Span(before, style, href))
        if target is None:
            if highlight:
                out.append(Span(highlight, strong, href))
            elif cloze:  # the writer's number and hint kept, for the cloze rule
                n = int(number or 0)
                out.append(Span(cloze, strong, href if strong == "link" else (hint or "").strip(),
                                0, n if n <= CLOZE_MAX else 0))  # else bold, as c0 is
            continue
        target = target.strip()
        if bang and target.lower().endswith(IMAGE_SUFFIXES):  # embedded notes show their name
            out.append(Span("", "image", quote(target)))  # |300 is a width, not words
            continue
        heading = "" if block else (heading or "").strip()  # a block's ID is not words
        words = (shown or "").strip() or PATH_SEP.join(p for p in (target, heading) if p)
        if words:  # a link to a note, shown as its words (no address: nothing to open)
            out.append(Span(words, style or "link", href))
    if at < len(text) and not ends:
        out.append(Span(text[at:], style, href))
    elif out and out[-1].style == style:  # what a comment or tags ended leaves no blank
        out[-1] = out[-1].with_text(out[-1].text.rstrip())
    return out


class _ImgFinder(HTMLParser):
    """Splits raw HTML into its text and its <img> tags, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[Span] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            found = dict(attrs)
            if found.get("src"):
                self.parts.append(Span(found.get("alt") or "", "image", found["src"] or ""))
                self.images += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(Span(data))


def _html_text(raw: str) -> Inline:
    """The text and images of a piece of HTML, its tags dropped, blanks collapsed."""
    finder = _ImgFinder()
    finder.feed(raw)
    finder.close()
    parts = [p if p.style else Span(_BLANKS.sub(" ", p.text)) for p in finder.parts]
    text = "".join(p.text for p in parts if not p.style)
    if not text.strip():
        return tuple(p for p in parts if p.style)
    return tuple(p for p in parts if p.text or p.style)


_BLANKS = re.compile(r"\s+")


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
"""An HTML comment: hidden wherever the note is shown (a writer's to-do, the review dates
that Obsidian's Spaced Repetition plugin writes after a card, ``<!--SR:!2024-05-01,3,250-->``);
one left open runs to the end of the HTML."""


_HTML_PIECES = re.compile(r"<!--.*?(?:-->|\Z)|<[^<>]*>|[^<]+|<", re.DOTALL)
_HTML_BLOCKS = frozenset([
    "p", "div", "aside", "center", "section", "article", "header", "footer", "main", "figure",
    "figcaption", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr"])
"""HTML that lays text out in blocks (Notion writes its callouts as ``<aside>``): its text
is read, a blank between blocks."""


def _html_tokens(raw: str) -> list[Token] | None:
    """A block of raw HTML as inline tokens: its text, its tags of ``_HTML_STYLES`` and its
    images, a break for each block tag, comments dropped; None when it holds any other tag
    (it then stays text, as written)."""
    from markdown_it.token import Token

    out = []
    for piece in _HTML_PIECES.findall(raw):
        if piece.startswith("<!--"):
            continue
        if piece.startswith("<") and len(piece) > 1:
            tag = _HTML_TAG.match(piece)
            name = tag.group(2).lower() if tag is not None else ""
            if name in _HTML_BLOCKS:
                out.append(Token("softbreak", "br", 0))
            elif name in _HTML_STYLES or name == "img":
                out.append(Token("html_inline", "", 0, content=piece))
            else:
                return None
        else:
            out.append(_text_token(html.unescape(piece)))
    return out


_TABLE_PARTS = frozenset(["thead", "tbody", "tfoot", "colgroup", "col"])
"""Tags of a table that hold rows or describe columns: read through."""


def _html_rows(raw: str) -> list[tuple[int, bool, list[str]]] | None:
    """The rows of the one HTML table that ``raw`` is (blanks, comments and a caption
    around or in it aside): each row's line (counted from 0), whether it heads the table
    (in ``<thead>``, or all its cells ``<th>``), and its cells' HTML. None when ``raw`` holds
    anything else: text outside the table, a second table, one inside a cell."""
    rows: list[tuple[int, bool, list[str], list[bool]]] = []  # and whether each cell is a th
    cell: list[str] | None = None  # the open cell's pieces
    depth = line = 0
    in_head = skipping = False

    def close_cell() -> None:
        nonlocal cell
        if cell is not None:
            rows[-1][2].append("".join(cell))
        cell = None

    for piece in _HTML_PIECES.findall(raw):
        tag = _HTML_TAG.match(piece) if piece[:1] == "<" and len(piece) > 1 else None
        name = tag.group(2).lower() if tag is not None else ""
        closing = tag is not None and bool(tag.group(1))
        if name == "table":
            if closing:
                close_cell()
                depth = 0
            elif depth or rows:
                return None  # a table in a cell, or a second table
            else:
                depth = 1
        elif name == "caption" or skipping:
            skipping = not closing if name == "caption" else skipping
        elif not depth:
            if piece.strip() and not piece.startswith("<!--"):
                return None  # text beside the table
        elif name in _TABLE_PARTS:
            in_head = name == "thead" and not closing
        elif name == "tr":
            close_cell()
            if not closing:
                rows.append((line, in_head, [], []))
        elif name in ("td", "th"):
            close_cell()
            if not closing and rows:
                cell = []
                rows[-1][3].append(name == "th")
        elif cell is not None and not piece.startswith("<!--"):
            cell.append(piece)
        line += piece.count("\n")
    if depth:
        return None  # never closed
    found = [(at, head or all(ths), cells) for at, head, cells, ths in rows if cells]
    return found or None


@dataclass
class _HtmlItem:
    """An HTML list's item as it is read: its line (from 0), its text's pieces, its lists."""

    line: int
    pieces: list[str] = field(default_factory=list)
    lists: list[tuple[bool, list[_HtmlItem]]] = field(default_factory=list)


def _html_list(raw: str) -> tuple[bool, list[_HtmlItem]] | None:
    """The one HTML list that ``raw`` is (blanks and comments around it aside): whether it is
    ordered, and its items. None when ``raw`` holds anything else: text outside the list, a
    second list, a list left open."""
    top: tuple[bool, list[_HtmlItem]] | None = None
    stack: list[list[_HtmlItem]] = []  # the open lists' items, the innermost last
    line = 0
    for piece in _HTML_PIECES.findall(raw):
        tag = _HTML_TAG.match(piece) if piece[:1] == "<" and len(piece) > 1 else None
        name = tag.group(2).lower() if tag is not None else ""
        closing = tag is not None and bool(tag.group(1))
        if name in ("ul", "ol") and not closing:
            items: list[_HtmlItem] = []
            if not stack:
                if top is not None:
                    return None  # a second list
                top = (name == "ol", items)
            else:
                if not stack[-1]:
                    stack[-1].append(_HtmlItem(line))  # a list before any item
                stack[-1][-1].lists.append((name == "ol", items))
            stack.append(items)
        elif name in ("ul", "ol"):
            if not stack:
                return None
            stack.pop()
        elif name == "li" and stack:
            if not closing:
                stack[-1].append(_HtmlItem(line))
        elif not stack:
            if piece.strip() and not piece.startswith("<!--"):
                return None  # text beside the list
        elif stack[-1] and not piece.startswith("<!--"):
            stack[-1][-1].pieces.append(piece)
        line += piece.count("\n")
    return top if top is not None and not stack else None


def _html_spans(raw: str, style: str, href: str) -> list[Span]:
    """Raw HTML stays visible text, except that HTML holding images becomes its images and
    its text (never live markup either way), and comments are dropped."""
    if "<!--" in raw:
        raw = _HTML_COMMENT.sub("", raw)
        if not raw.strip():
            return []
    finder = _ImgFinder()
    finder.feed(raw)
    finder.close()
    if finder.images:
        return [p for p in finder.parts if p.text.strip() or p.style == "image"]
    return [Span(raw, style, href)] if raw else []


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    tags = []
    for item in items:
        tag = "_".join(str(item).split()).replace("/", "::")  # Obsidian's nesting, Anki's
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)
