"""Document -> cards, through an ordered list of small, named, pure rules.

Adding a card kind = writing a function ``(Note) -> Iterable[Card]`` and listing it in RULES.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property, partial
from typing import Any, TypeVar

from flashgen import i18n
from flashgen.model import (
    PATH_SEP,
    Block,
    Body,
    Card,
    Document,
    Inline,
    ListBlock,
    ListItem,
    Options,
    Paragraph,
    Point,
    Points,
    Section,
    SourceRef,
    Span,
    Table,
    Text,
    cut,
    has_content,
    merged,
    plain,
    value,
)
from flashgen.text import COLONS, collapse

log = logging.getLogger("flashgen")
T = TypeVar("T")


# --- the note as the rules see it -------------------------------------------


@value
class Place:
    """A section with what the rules need to know about where it sits."""

    section: Section
    """The section."""
    path: tuple[str, ...]
    """Titles from the top section down to this one."""
    resource: bool
    """Under a resources / reading-list heading."""
    quiz: bool
    """Titled as a quiz (or under one)."""


@dataclass(frozen=True)
class Note:
    """A parsed document plus derived facts shared by the rules."""

    doc: Document
    reverse: bool = False

    @cached_property
    def lang(self) -> i18n.Language:
        return i18n.get(self.doc.lang)

    @cached_property
    def places(self) -> tuple[Place, ...]:
        out: list[Place] = []

        def walk(s: Section, parent: tuple[str, ...], res: bool, quiz: bool) -> None:
            path = (*parent, s.title)
            res = res or i18n.has_word(s.title, self._resource_words)
            quiz = quiz or i18n.has_word(s.title, self._quiz_words)
            out.append(Place(s, path, res, quiz))
            for child in s.children:
                walk(child, path, res, quiz)

        for s in self.doc.sections:
            walk(s, (), False, False)
        return tuple(out)

    @cached_property
    def _resource_words(self) -> frozenset[str]:
        return self.lang.resource_words | i18n.EN.resource_words

    @cached_property
    def _quiz_words(self) -> frozenset[str]:
        return self.lang.quiz_words | i18n.EN.quiz_words

    @cached_property
    def labels(self) -> frozenset[str]:
        return self.lang.labels | i18n.EN.labels | self.definition_labels

    @cached_property
    def definition_labels(self) -> frozenset[str]:
        return self.lang.definition_labels | i18n.EN.definition_labels

    @cached_property
    def question_labels(self) -> tuple[str, ...]:
        return (*self.lang.question_labels, *i18n.EN.question_labels)

    @cached_property
    def answer_labels(self) -> tuple[str, ...]:
        return (*self.lang.answer_labels, *i18n.EN.answer_labels)

    @cached_property
    def written_question_label(self) -> re.Pattern[str]:
        return _written_labels(self.question_labels)

    @cached_property
    def written_answer_label(self) -> re.Pattern[str]:
        return _written_labels(self.answer_labels)

    @cached_property
    def section_cards(self) -> tuple[Card, ...]:
        """The `section` cards (computed once: the `list` rule needs them too)."""
        return tuple(_section_cards(self))

    @cached_property
    def _found(self) -> dict[tuple[str, int], Any]:
        """What the rules found of a block or an item, found once though several rules ask:
        by what and the object's id (blocks and items live as long as the note's document)."""
        return {}

    def _once(self, what: str, of: object, find: Callable[[], T]) -> T:
        key = (what, id(of))
        found = self._found
        if key not in found:
            found[key] = find()
        return found[key]

    def glossary(self, block: ListBlock) -> list[tuple[ListItem, Inline, Inline]] | None:
        """``glossary(block, self)``."""
        return self._once("glossary", block, lambda: glossary(block, self))

    def run_in(self, paragraph: Paragraph) -> tuple[Inline, Inline] | None:
        """``run_in(paragraph.text, self)``, unless the paragraph is a question's or a
        speaker's (asked both by the term rule, which makes its card, and by the cloze rule,
        which leaves its title to it)."""
        return self._once("run_in", paragraph, lambda: None if (
            id(paragraph) in self.speakers or _qa_pair(paragraph.text, self) is not None)
            else run_in(paragraph.text, self))

    @cached_property
    def speakers(self) -> frozenset[int]:
        """The paragraphs and points (by id) of a dialogue or an interview: a run of them that
        each open with a title in bold (``_bold_title``), in which a title comes again
        (``**Client:** ...``, ``**Baker:** ...``, ``**Client:** ...``). Their titles are who
        speaks, not terms to learn or to hide."""
        out: set[int] = set()
        asked = {*self.question_labels, *self.answer_labels}  # **Q:** and **A:** are asked

        def lines(blocks: Iterable[Block | ListItem]) -> None:
            titles: list[str] = []  # of the run so far, and the ids of its blocks
            ids: list[int] = []
            for b in blocks:
                text = getattr(b, "text", None)  # a paragraph's or a point's
                if text and text[0].style == "strong":
                    found = _bold_title(text)
                    if found is not None and found[0].casefold() not in asked:
                        titles.append(found[0].casefold())
                        ids.append(id(b))
                        continue
                if titles:
                    if len(set(titles)) < len(titles):
                        out.update(ids)
                    titles, ids = [], []
                if type(b) is ListBlock:
                    lines(b.items)
            if len(set(titles)) < len(titles):
                out.update(ids)

        lines(self.doc.blocks)
        for p in self.places:
            lines(p.section.blocks)
        return frozenset(out)

    def rows(self, table: Table) -> _Rows:
        """``_Rows.of(table)``."""
        return self._once("rows", table, lambda: _Rows.of(table))

    def asks(self, item: ListItem) -> bool:
        """True when a list item is a question (ends in `?`, or a `**Q:**` pair), unless it
        is a line of a dialogue (``speakers``), or a flashcard written out."""
        return self._once("asks", item, lambda: bool(item.card) or (
            id(item) not in self.speakers and (_is_question(plain(item.text))
                                               or _qa_pair(item.text, self) is not None)))

    def heading_path(self, path: tuple[str, ...]) -> str:
        """``parent › heading``; the note's title is the parent of a top-level section."""
        return PATH_SEP.join((self.doc.title, *path)[-2:])

    def study_blocks(self) -> Iterator[tuple[tuple[str, ...], Block]]:
        """Blocks that hold study material (not resources, not quizzes), with their path."""
        for b in self.doc.blocks:
            yield (), b
        for p in self.places:
            if not (p.resource or p.quiz):
                for b in p.section.blocks:
                    yield p.path, b

    def card(self, kind: str, prompt: str, front: Body, back: Body,
             path: tuple[str, ...], ref: SourceRef, **kw: object) -> Card:
        return Card(kind=kind, prompt=prompt, front=front, back=back, context=path, ref=ref,
                    tags=self.doc.tags, **kw)  # type: ignore[arg-type]


def _not_studied(block: ListBlock) -> bool:
    """A list of no study points: a reading list (half its items or more hold a link to an
    address, or are links to notes alone, ``- [[Meiosis]]``), or a to-do list (``- [ ] read
    chapter 2``)."""
    if block.todo:
        return True
    linked = sum(1 for it in block.items if _linked(it.text))
    return linked * 2 >= len(block.items)


def _linked(text: Inline) -> bool:
    """Whether a point holds a link to an address, or holds links to notes (wiki links, which
    have none) and nothing else but punctuation."""
    to_notes = False
    for s in text:
        if s.style == "link":
            if s.href:
                return True
            to_notes = True
    return to_notes and not any(c.isalnum() for s in text if s.style != "link" for c in s.text)


def _is_question(text: str) -> bool:
    return text.rstrip(" \t*_)»\"'”").endswith(i18n.QUESTION_MARKS)


def _is_question_list(block: ListBlock) -> bool:
    asked = sum(1 for it in block.items if _is_question(plain(it.text)))
    return asked * 2 > len(block.items)


def _to_point(item: ListItem) -> Point:
    kids = tuple(_to_point(k) for lst in item.children for k in lst.items)
    return Point(item.text, kids)


def _row_point(row: tuple[Inline, ...]) -> Point:
    rest = [c for c in row[1:] if plain(c)]
    if not rest:
        return Point(row[0])
    return Point((*row[0], Span(" — "), *_join(rest, "; ")))


def _span_text(text: str) -> Inline:
    return (Span(text),)


def _join(parts: Iterable[Inline], sep: str) -> Inline:
    """Inlines one after the other, ``sep`` between them, their styles kept."""
    out: list[Span] = []
    for i, part in enumerate(parts):
        if i:
            out.append(Span(sep))
        out.extend(part)
    return tuple(out)


_FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, **fields: str | Inline) -> Inline:
    """``template.format(**fields)`` with each field's styles kept (a cell's formula, code or
    bold): its plain text is the formatted string, which makes the card's prompt."""
    out: list[Span] = []
    at = 0
    for m in _FIELD.finditer(template):
        out.append(Span(template[at:m.start()]))
        value = fields[m.group(1)]
        out.extend(_span_text(value) if isinstance(value, str) else value)
        at = m.end()
    out.append(Span(template[at:]))
    return merged(out)


# --- rules -----------------------------------------------------------------


def section_cards(note: Note) -> Iterator[Card]:
    """A heading whose own content is a list of points: name its points."""
    return iter(note.section_cards)


def _section_cards(note: Note) -> Iterator[Card]:
    doc = note.doc
    # a heading written as a flashcard's front has its first block for the card's back
    groups = [(p.path, p.section.blocks[1:] if p.section.card else p.section.blocks,
               p.section.ref) for p in note.places if not (p.resource or p.quiz)]
    if doc.blocks and not (i18n.has_word(doc.title, note._resource_words)
                           or i18n.has_word(doc.title, note._quiz_words)):
        # the points before any section heading (a note that is a title and a list) are the
        # note's own: named by its title
        groups.insert(0, ((), doc.blocks, doc.blocks[0].ref))
    for path, blocks, ref in groups:
        parts: list[Text | Points] = []
        count = 0
        for b in blocks:
            if isinstance(b, ListBlock) and not (_not_studied(b) or _is_question_list(b)):
                pts = tuple(_to_point(it) for it in b.items
                            if (has_content(it.text) or it.children) and not note.asks(it))
                if not pts:
                    continue
                parts.append(Points(pts, b.ordered))
                count += len(pts)
            elif isinstance(b, Table) and b.rows and not note.rows(b).questions:
                pts = tuple(_row_point(r) for r in b.rows if plain(r[0]))
                parts.append(Points(pts))
                count += len(pts)
            elif isinstance(b, Paragraph):
                parts.append(Text(b.text))
        if not count:
            continue
        prompt = note.heading_path(path)
        lists = [p for p in parts if isinstance(p, Points)]
        if count == 1:
            hint = note.lang.section_hint_one
        elif len(lists) == 1 and lists[0].ordered:  # steps: their order is to be learnt too
            hint = note.lang.section_hint_ordered.format(n=count)
        else:
            hint = note.lang.section_hint.format(n=count)
        front = (Text(_span_text(prompt)), Text(_span_text(hint), "hint"))
        yield note.card("section", prompt, front, tuple(parts), path, ref)


def list_cards(note: Note) -> Iterator[Card]:
    """A heading with two or more point sections under it: recall them all."""
    with_points = {c.ref for c in note.section_cards}
    for p in note.places:
        if p.resource or p.quiz:
            continue
        kids = [c for c in p.section.children if c.ref in with_points]
        if len(kids) < 2:
            continue
        prompt = note.lang.list_prompt.format(n=len(kids), topic=p.section.title)
        back = (Points(tuple(Point(_span_text(c.title)) for c in kids), ordered=True),)
        yield note.card("list", prompt, (Text(_span_text(prompt)),), back, p.path, p.section.ref)


def _tables(note: Note) -> Iterator[tuple[tuple[str, ...], Table]]:
    """The tables the table rules ask by their first cells (a table of questions is the
    question rule's)."""
    for path, b in note.study_blocks():
        if isinstance(b, Table) and not note.rows(b).questions:
            yield path, b


def _row_back(asked: list[tuple[str, Inline]]) -> Body:
    """A row's other cells as a card's back: one as text, more as points headed by their
    column's title."""
    if len(asked) == 1:
        return (Text(asked[0][1]),)
    return (Points(tuple(Point((Span(h + ": ", "strong"), *c)) for h, c in asked)),)


@dataclass(frozen=True)
class _Row:
    """What the table rules ask of a row."""

    key: str
    """Its first cell, as text."""
    asked: list[tuple[str, Inline]]
    """Its other cells that hold something, with their column's title."""
    clues: list[Inline]
    """Those of them that do not name the first cell: what asks for it (``xs.append(4)``
    gives ``append(x)`` away)."""
    clue: str
    """The clues as one text (``""`` for none)."""
    styled: bool
    """Whether its first cell or its other cells hold a style (a formula, code, bold)."""


@dataclass(frozen=True)
class _Rows:
    """A table's rows as the table rules ask them, found once per table."""

    rows: list[_Row]
    shared: frozenset[str]
    """Clues that more than one row has: asked for its first cell, such a row has more than
    one right answer."""
    questions: bool
    """Whether most first cells ask (``| Question | Answer |``): the rows are questions and
    their answers, the question rule's, not keys for the table rules to ask by."""

    @classmethod
    def of(cls, table: Table) -> _Rows:
        rows = []
        for row in table.rows:
            asked = [(plain(h), c) for h, c in zip(table.header[1:], row[1:], strict=False)
                     if plain(c)]
            styled = any(s.style for cell in (row[0], *(c for _, c in asked)) for s in cell)
            key = plain(row[0])
            word = _name_word(key)
            clues = [c for _, c in asked if not (word and _names(plain(c), word))]
            rows.append(_Row(key, asked, clues, "; ".join(map(plain, clues)), styled))
        counts = Counter(r.clue for r in rows)
        asking = sum(1 for r in rows if _is_question(r.key))
        return cls(rows, frozenset(c for c, n in counts.items() if n > 1),
                   asking * 2 > len(rows) and len(table.header) >= 2)


def _name_word(key: str) -> str:
    """What names a row's first cell in its other cells: its longest word of three letters
    or more, lower case (``Sorts the list`` names ``sort()``), or, in Chinese or Japanese,
    the whole cell; ``""`` for none."""
    if not key.isascii() and i18n.cjk_letters(key) >= 2:
        return key
    word = max(i18n.words(key), key=len, default="")
    return word if len(word) >= 3 else ""


def _names(cell: str, word: str) -> bool:
    """Whether ``cell`` holds ``word`` (``_name_word``) at the start of a word (anywhere, for
    Chinese or Japanese, which part no words)."""
    low = cell.lower()
    at = low.find(word)
    while at != -1:
        if at == 0 or not i18n.in_word(low[at - 1]) or not word.isascii() and i18n.cjk_letters(word):
            return True
        at = low.find(word, at + 1)
    return False


def table_cards(note: Note) -> Iterator[Card]:
    """One card per table row: its other columns, asked by its first cell (and, with
    ``reverse``, the other way round, unless another row has the same cells). A first cell
    that asks a question is the front as it is written; so is every first cell of a table of
    two columns where one does (Cornell notes: ``| Cue | Notes |``, the cues prompts)."""
    lang = note.lang
    for path, table in _tables(note):
        key_header = plain(table.header[0])
        found = note.rows(table)
        prompts = len(table.header) == 2 and any(_is_question(r.key) for r in found.rows)
        for row, ref, r in zip(table.rows, table.row_refs, found.rows, strict=False):
            if not r.key or not r.asked:
                continue
            back = _row_back(r.asked)
            asks = _is_question(r.key)
            reverse = None
            if note.reverse and r.clue and r.clue not in found.shared and not asks:
                ask = _fill(lang.table_reverse, key_header=key_header,
                            values=_join(r.clues, "; ") if r.styled else r.clue)
                reverse = ((Text(ask),), (Text(row[0]),))
            if prompts or asks:
                yield note.card("table", r.key, (Text(row[0]),), back, path, ref,
                                reverse=reverse)
                continue
            columns = i18n.join_names([h for h, _ in r.asked], lang)
            prompt = lang.table_prompt.format(key=r.key, key_header=key_header, columns=columns)
            front = (_fill(lang.table_prompt, key=row[0], key_header=key_header, columns=columns)
                     if r.styled else _span_text(prompt))
            yield note.card("table", prompt, (Text(front),), back, path, ref, reverse=reverse)


_TERM_SEPARATOR = re.compile(r":[ \t]+|：[ \t]*|[ \t]+(?:--?|[–—=→]|->|=>)[ \t]+")
"""Between a term and its definition: ``term: definition``, ``term - definition`` (or an
en or em dash, ``=``, an arrow), as vocabularies and glossaries are written; Chinese and
Japanese write a full-width colon, without a space (``叶绿素：绿色色素``)."""
_SENTENCE_MARK = re.compile(r"[.!?;。？！؟।۔]")
MAX_TERM_WORDS = 6
MAX_TERM_CHARS = 60


def _in_formula(text: Inline, at: int) -> bool:
    """Whether letter ``at`` of ``plain(text)`` is inside a formula or code (``$v = u +
    at$`` is an equation, not the term ``v`` and its definition)."""
    for s in text:
        if s.style == "image":
            continue  # no letters in plain()
        if at < len(s.text):
            return s.style in ("math", "display_math", "code", "pre")
        at -= len(s.text)
    return False


def _term_split(item: ListItem) -> tuple[Inline, Inline] | None:
    """``(term, definition)`` of a point written ``term: definition`` (or with a dash, ``=``
    or an arrow), where the term is a short name (a few words, no sentence in it, or one
    short sentence before a dash: a phrasebook's phrase); else None. A definition list's item
    knows its term. A point ``term:`` with points under it is defined by them (an empty
    definition): ``**Treatment**:`` then the treatments."""
    if item.term:
        return item.term, item.text[len(item.term) + 1:]
    text = plain(item.text)
    if item.children and text.rstrip().endswith(COLONS):
        found = _TERM_SEPARATOR.search(text)
        if found is None or not text[found.end():].strip():
            term = text.rstrip()[:-1].strip(" \t*_")
            if (term and len(term) <= MAX_TERM_CHARS and len(term.split()) <= MAX_TERM_WORDS
                    and _SENTENCE_MARK.search(term) is None and any(c.isalpha() for c in term)):
                return cut(item.text, 0, text.rstrip().rindex(term) + len(term)), ()
            return None
    found = _TERM_SEPARATOR.search(text)
    if found is None or _in_formula(item.text, found.start()):
        return None
    term = text[: found.start()].strip(" \t*_")
    rest = text[found.end():]
    mark = _SENTENCE_MARK.search(term)
    if mark is not None and mark.end() == len(term) and ":" not in found.group():
        mark = None  # a phrase and its translation: "Tengo hambre. — I'm hungry."
    if (not term or term.endswith(":") or len(term) > MAX_TERM_CHARS
            or len(term.split()) > MAX_TERM_WORDS
            or mark is not None or not any(c.isalpha() for c in term)
            or not any(c.isalnum() for c in rest)):
        return None
    return cut(item.text, 0, found.start()), cut(item.text, found.end())


_YEAR = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
_BEFORE_ERA = re.compile(r"\b(?:BCE?|B\.C\.|SM|v\.\s?Chr\.|a\.\s?C\.|av\.\s?J\.-C\.|до\s?н\.\s?э\.)"
                         r"|紀元前|公元前|기원전", re.IGNORECASE)
"""Before the common era: ``BC``, ``BCE``, Indonesian ``SM``, German and Dutch ``v. Chr.``,
Spanish ``a. C.``, French ``av. J.-C.``, Russian ``до н. э.``, Japanese ``紀元前``, Chinese
``公元前``, Korean ``기원전``."""
_ERA = re.compile(r"\b(?:AD|A\.D\.|CE|n\.\s?Chr\.|d\.\s?C\.|apr\.\s?J\.-C\.|н\.\s?э\.)|西暦|公元|서기")
"""The common era, written out: ``AD 79``, ``79 CE``, ``79 n. Chr.``, ``79 d. C.``, ``79 н. э.``,
``西暦79年``, ``公元79年``, ``서기 79년``."""
_UNIT = re.compile(r"[°%‰$€£¥×]|\b(?:[kcmµn]?[mgslJWVAKL]|Hz|Pa|atm|bar|mol|kcal|min|rpm)\b")
"""A quantity's unit: ``100 °C``, ``1500 m``, ``250 kg`` are no dates."""
MAX_DATE_CHARS = 30
MAX_NAME_CHARS = 40
_DIGIT = re.compile(r"\d")
_NAMED_DATE = re.compile(rf"(?P<name>[^()]{{1,{MAX_NAME_CHARS}}}?)\s*\((?P<date>[^()]+)\)")
"""An event named, then dated in brackets: ``Berlin Blockade (1948–1949)``."""


def _year(date: str) -> int | None:
    """The year a short date names (``1789``, ``14 July 1789``, ``1914–1918``, ``44 BC``:
    the first year written, negative before the common era), or None. A number of one or
    two digits is a year only with its era written."""
    if (len(date) > MAX_DATE_CHARS or len(date.split()) > MAX_TERM_WORDS
            or _UNIT.search(date)):
        return None
    numbers = _YEAR.findall(date)
    before, era = _BEFORE_ERA.search(date), _ERA.search(date)
    years = [n for n in numbers if len(n) >= 3] or (numbers if before or era else [])
    if not years:
        return None
    return -int(years[0]) if before else int(years[0])


def timeline(block: ListBlock) -> list[tuple[ListItem, Inline, Inline]] | None:
    """``(point, date, event)`` of a list of two or more points that are all ``date -
    event`` (or ``date: event``, as ``_TERM_SEPARATOR``), or ``event (date): what
    happened``, their dates in time order (a list of quantities, ``100 - boiling point``,
    seldom is); else None."""
    dated: list[tuple[int, ListItem, Inline, Inline]] = []
    for it in block.items:
        if not has_content(it.text):
            continue
        text = plain(it.text)
        # a date is short and holds a digit: most lists are told apart here, unsearched
        found = (_TERM_SEPARATOR.search(text)
                 if _DIGIT.search(text, 0, MAX_DATE_CHARS + MAX_NAME_CHARS) else None)
        if found is None or not any(c.isalpha() for c in text[found.end():]):
            return None
        head = text[: found.start()].strip(" \t*_")
        named = _NAMED_DATE.match(head) if head.endswith(")") else None
        if named is not None and _year(named["name"]) is None:
            # "**Berlin Blockade** (1948–1949): ...": the name is the event, asked when
            year = _year(named["date"])
            start = text.index(named["date"], len(named["name"]))
            date, event = cut(it.text, start, start + len(named["date"])), cut(
                it.text, 0, text.index(named["name"]) + len(named["name"]))
        else:
            year = _year(head) if len(head) <= MAX_DATE_CHARS else None
            date, event = cut(it.text, 0, found.start()), cut(it.text, found.end())
        if year is None:
            return None
        dated.append((year, it, date, event))
    years = [year for year, *_ in dated]
    if len(years) < 2 or years != sorted(years):
        return None
    return [(it, date, event) for _, it, date, event in dated]


def glossary(block: ListBlock, note: Note) -> list[tuple[ListItem, Inline, Inline]] | None:
    """The terms of a definition list, or of a list of two or more points that are all
    ``term: definition``; else None (a list where only some points have a label is a list
    of points, and a list of links is a reading list). Questions among the points are not
    terms (``Q: …`` is asked)."""
    terms = []
    for it in block.items:
        if not has_content(it.text):
            continue
        split = _term_split(it)
        if split is None:
            if _is_question(plain(it.text)):
                continue
            return None
        if not it.term and note.asks(it):
            continue
        if id(it) in note.speakers:
            return None  # a dialogue written as points
        terms.append((it, *split))
    if not (len(terms) >= 2 or (terms and terms[0][0].term)) or _not_studied(block):
        return None  # most lists are no glossary: known at their first point, before this
    if timeline(block) is not None:
        # dated events ("14 July 1789 - ..."): the date rule's; named ones ("Berlin Blockade
        # (1948–1949): ...") are terms as well, by their names (the date rule asks the dates)
        names = [_NAMED_DATE.fullmatch(plain(term)) for _, term, _ in terms]
        if not all(names):
            return None
        return [(it, cut(term, 0, len(name["name"])), definition)  # type: ignore[index]
                for (it, term, definition), name in zip(terms, names, strict=True)]
    return terms


_RUN_IN_END = (".", ":", "：", "。")


def _bold_title(text: Inline) -> tuple[str, Inline] | None:
    """``(title, the rest)`` of a paragraph that opens with words in bold ended by a full stop
    or a colon, inside the bold or right after it (``**Theorem (Euclid).** There are ...``,
    ``**Definition**. A *prime* is ...``); else None."""
    if len(text) < 2 or text[0].style != "strong":
        return None
    title = text[0].text.strip()
    rest = text[1:]
    if title.endswith(_RUN_IN_END):
        title = title[:-1].rstrip()
    elif not rest[0].style and rest[0].text.lstrip().startswith(_RUN_IN_END):
        head = rest[0].text.lstrip()[1:]
        rest = ((Span(head),) if head else ()) + rest[1:]
    else:
        return None
    rest = _strip_colon(rest)
    if rest and not rest[0].style:
        rest = ((Span(rest[0].text.lstrip()),) if rest[0].text.strip() else ()) + rest[1:]
    return title, rest


def run_in(text: Inline, note: Note) -> tuple[Inline, Inline] | None:
    """``(title, statement)`` of a paragraph that opens with a title in bold (``_bold_title``),
    as textbooks set theorems and laws (``**Theorem (Euclid).** There are infinitely many
    primes.``, ``**Newton's first law:** ...``); None when no such title opens it, or when the
    title is a label (``**Note.**``, ``**Definition.**``: a label with a name in brackets,
    ``**Theorem (Euclid)**``, names what follows) or a question's or an answer's."""
    found = _bold_title(text)
    if found is None:
        return None
    title, rest = found
    if (not title or len(title) > MAX_TERM_CHARS or len(title.split()) > MAX_TERM_WORDS
            or _is_question(title) or not has_content(rest)
            or ("(" not in title and title.casefold() in note.labels)
            or title.casefold() in note.answer_labels or title.casefold() in note.question_labels):
        return None
    return (Span(title),), rest


def term_cards(note: Note) -> Iterator[Card]:
    """One card per term of a glossary or vocabulary list: the term, then its definition
    (``--reverse`` adds definition -> term); and one per theorem, law or term that opens a
    paragraph as its title in bold (``run_in``)."""
    for path, b in note.study_blocks():
        if isinstance(b, Paragraph):
            found = note.run_in(b)
            if found is not None:
                title, statement = found
                reverse = ((Text(statement),), (Text(title),)) if note.reverse else None
                yield note.card("term", plain(title), (Text(title),), (Text(statement),), path,
                                b.ref, reverse=reverse)
            continue
        if not isinstance(b, ListBlock):
            continue
        for item, term, definition in note.glossary(b) or ():
            back: Body = (Text(definition),) if definition else ()
            if item.children:
                back += (Points(tuple(_to_point(k) for lst in item.children
                                      for k in lst.items)),)
            # asked the other way by its definition, or (defined by its points) by them
            flipped: tuple[Body, Body] | None = (back[:1], (Text(term),)) if note.reverse else None
            yield note.card("term", collapse(plain(term)), (Text(term),), back, path, item.ref,
                            reverse=flipped)


def date_cards(note: Note) -> Iterator[Card]:
    """One card per event of a timeline (a list of points that are all ``date - event``, in
    time order): the event, asked when (``--reverse`` adds date -> event)."""
    when = note.lang.when_hint
    for path, b in note.study_blocks():
        if not isinstance(b, ListBlock):
            continue
        for item, date, event in timeline(b) or ():
            front = (Text(event), Text(_span_text(when), "hint"))
            reverse = ((Text(date),), (Text(event),)) if note.reverse else None
            yield note.card("date", f"{when} {collapse(plain(event))}", front, (Text(date),),
                            path, item.ref, reverse=reverse)


def _answer(lists: tuple[ListBlock, ...]) -> Body:
    """A flashcard's back from the points under its front: one point as text, more as
    points; nothing when no point has text or a picture."""
    items = [it for lst in lists for it in lst.items if has_content(it.text) or it.children]
    if not items:
        return ()
    if len(items) == 1 and not items[0].children:
        return (Text(items[0].text),)
    return (Points(tuple(_to_point(it) for it in items), len(lists) == 1 and lists[0].ordered),)


def _blocks_body(blocks: tuple[Block, ...]) -> Body:
    """Blocks as a card shows them: paragraphs as text, lists and table rows as points
    (points without text or a picture left out)."""
    parts: list[Text | Points] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            parts.append(Text(b.text))
        elif isinstance(b, ListBlock):
            points = tuple(_to_point(it) for it in b.items if has_content(it.text) or it.children)
            if points:
                parts.append(Points(points, b.ordered))
        elif b.rows:
            parts.append(Points(tuple(_row_point(r) for r in b.rows if plain(r[0]))))
    return tuple(parts)


def flashcard_cards(note: Note) -> Iterator[Card]:
    """Flashcards the note writes out (``front::back``, ``?`` between front and back, a point
    or heading tagged ``#card``, as flashcard apps have them; see ``parse``), wherever they
    are: the front as written, the back its answer; ``:::``, ``??`` and ``#card-reverse``
    add the reverse card."""

    out: list[Card] = []

    def add(front: Inline, back: Body, ways: int, path: tuple[str, ...],
            ref: SourceRef) -> None:
        prompt = collapse(plain(front)) or " ".join(s.href for s in front if s.style == "image")
        if prompt and back:
            reverse = (back, (Text(front),)) if ways == 2 else None
            out.append(note.card("flashcard", prompt, (Text(front),), back, path, ref,
                                 reverse=reverse))

    def walk(items: tuple[ListItem, ...], path: tuple[str, ...]) -> None:
        for it in items:
            if it.card:
                add(it.text, _answer(it.children), it.card, path, it.ref)
            elif it.children:
                for lst in it.children:
                    walk(lst.items, path)

    for b in note.doc.blocks:
        if isinstance(b, ListBlock):
            walk(b.items, ())
    for p in note.places:
        section = p.section
        if section.card:  # the back is the block under the heading (Flashcards plugin)
            add(_span_text(section.title), _blocks_body(section.blocks[:1]), section.card,
                p.path[:-1], section.ref)
        for b in section.blocks:
            if isinstance(b, ListBlock):
                walk(b.items, p.path)
    return iter(out)


def mcq_cards(note: Note) -> Iterator[Card]:
    """Which row matches these cells? Distractors come from the same column. A row whose
    cells another row has too gets none: both rows' first cells would be right. Cells that
    name the row's first cell are left out of the question, which they would answer."""
    lang = note.lang
    for path, table in _tables(note):
        found = note.rows(table)
        keys = [r.key for r in found.rows]
        distinct = list(dict.fromkeys(k for k in keys if k))
        if len(distinct) < 3:
            continue
        at = {k: j for j, k in enumerate(distinct)}
        cells: dict[str, Inline] = {}  # each key as written: its first cell, styles kept
        for row, r in zip(table.rows, found.rows, strict=False):
            styled = r.styled and not any(s.style == "image" for s in row[0])
            cells.setdefault(r.key, row[0] if styled else _span_text(r.key))
        n = len(distinct) - 1  # a row's distractors: the other keys, from the row's place on
        key_header = plain(table.header[0])
        for i, (ref, r) in enumerate(zip(table.row_refs, found.rows, strict=False)):
            if not r.key or not r.clue or r.clue in found.shared:
                continue
            prompt = lang.mcq_prompt.format(key_header=key_header, values=r.clue)
            skip = at[r.key]  # the keys after the row's own key move up one place
            options = [r.key, *(distinct[j + (j >= skip)]
                                for j in ((i + t) % n for t in range(min(3, n))))]
            seed = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
            options.sort(key=lambda o: hashlib.sha256(f"{seed}:{o}".encode()).digest())
            answer = options.index(r.key)
            asked = (_fill(lang.mcq_prompt, key_header=key_header, values=_join(r.clues, "; "))
                     if r.styled else _span_text(prompt))
            shown = tuple(cells[o] for o in options)
            front = (Text(asked), Options(shown))
            back = (Options(shown, answer),)
            yield note.card("mcq", prompt, front, back, path, ref)


# questions ------------------------------------------------------------------

_ANSWER_SPLIT = re.compile(r"^\s*(?:[-–—:→=]+|\b)\s*")


def _label(span: Span, labels: Iterable[str]) -> bool:
    """A bold ``Q:`` / ``A:`` style label (the colon may sit outside the bold)."""
    return span.style == "strong" and span.text.strip().rstrip(":").strip().lower() in labels


def _strip_colon(text: Inline) -> Inline:
    if text and text[0].style == "":
        head = text[0].text.lstrip().removeprefix(":").lstrip()
        return ((Span(head),) if head else ()) + text[1:]
    return text


def _written_labels(labels: tuple[str, ...]) -> re.Pattern[str]:
    """Plain-text labels as people write them at the start of a line: capitalised or in
    capitals, then a colon (``Q:``, ``Question:``, ``ANSWER:``); the whitespace before is
    kept out of the match."""
    written = sorted({w for label in labels for w in (label.capitalize(), label.upper())},
                     key=len, reverse=True)
    return re.compile(rf"(?<!\S)(?:{'|'.join(map(re.escape, written))})[ \t]*[:：][ \t]*")


def _plain_qa_pair(text: Inline, note: Note) -> tuple[Inline, Inline] | None:
    """Split ``Q: question`` (then, on the next line or after the question, ``A: answer``)
    written without bold; the answer may be empty (given later)."""
    first = text[0]
    start = note.written_question_label.match(first.text)
    if start is None:
        return None
    spans = [Span(first.text[start.end():]), *text[1:]]
    answer_label = note.written_answer_label
    for i, s in enumerate(spans):
        found = answer_label.search(s.text) if not s.style else None
        if found is not None and (i or found.start()):
            question = (*spans[:i], Span(s.text[:found.start()]))
            answer = (Span(s.text[found.end():]), *spans[i + 1:])
            break
    else:
        question, answer = tuple(spans), ()
    if not collapse(plain(question)):
        return None
    return cut(question, 0), tuple(a for a in answer if a.text or a.style == "image")


def _qa_pair(text: Inline, note: Note) -> tuple[Inline, Inline] | None:
    """Split ``**Q:** question **A:** answer`` (or ``Q: question A: answer`` in plain text,
    or ``**A question in bold?** answer``) into the question and the answer, their styles
    kept; the answer may be empty (given later)."""
    if not text:
        return None
    first = text[0]
    if first.style != "strong":
        if first.style or (first.text.find(":", 0, 24) < 0
                           and first.text.find("：", 0, 24) < 0):
            return None  # no label (most text), seen without a call or a pattern
        return _plain_qa_pair(text, note)
    qs = note.question_labels
    ans = note.answer_labels
    spans = list(text)
    if not _label(spans[0], qs):
        if _is_question(first.text):  # **A question in bold?** then its answer, if given
            return cut((Span(first.text),), 0), _strip_colon(text[1:])
        return None
    question: list[Span] = []
    answer: list[Span] = []
    target = question
    for s in spans[1:]:
        if target is question and s.style == "strong" and _label(s, ans):
            target = answer
            continue
        target.append(s)
    asked = _strip_colon(tuple(question))
    return (cut(asked, 0), _strip_colon(tuple(answer))) if collapse(plain(asked)) else None


def _answer_label(text: Inline, note: Note) -> Inline | None:
    """The answer of a paragraph that starts with an answer label (``**A:**`` or ``A:``)."""
    ans = note.answer_labels
    spans = [s for s in text if s.text.strip()]
    if spans and spans[0].style == "strong" and _label(spans[0], ans):
        rest = list(text)
        rest.remove(spans[0])
        return _strip_colon(tuple(rest))
    if text and not text[0].style:
        found = note.written_answer_label.match(text[0].text)
        if found is not None:
            head = text[0].text[found.end():]
            return ((Span(head),) if head else ()) + text[1:]
    return None


def _answers(text: Inline, note: Note) -> bool:
    """Whether a paragraph after a question not answered yet can be its answer: text or a
    picture, but no question itself."""
    words = plain(text)
    shown = words.strip() or any(s.style == "image" for s in text)
    return bool(shown) and not _is_question(words) and _qa_pair(text, note) is None


_ASKED_THEN_ANSWERED = re.compile(r"[?？؟][ \t]*(?:[-–—:→=]+)[ \t]*(?=\S)")


def _pictures_only(text: Inline) -> bool:
    """Whether ``text`` shows pictures and no words."""
    return (any(s.style == "image" for s in text)
            and not any(s.text.strip() for s in text if s.style != "image"))


def _split_inline_answer(item: ListItem) -> tuple[Inline, Inline]:
    """``What is X? It is Y`` -> ("What is X?", "It is Y"), their styles kept. A question mark
    that a dash or colon follows ends the question even when the answer asks too (a
    phrasebook's ``¿Qué quieres? — What do you want?``)."""
    text = plain(item.text)
    found = _ASKED_THEN_ANSWERED.search(text)
    mark = found.start() if found else max(text.rfind(m) for m in i18n.QUESTION_MARKS)
    lead = _ANSWER_SPLIT.match(text[mark + 1:])  # a dash or colon before the answer
    return cut(item.text, 0, mark + 1), cut(item.text, mark + 1 + (lead.end() if lead else 0))


def question_cards(note: Note) -> Iterator[Card]:
    """Every quiz question the note asks, with the note's answer or the passages that answer it."""
    index: list[_PassageIndex] = []  # built on first need: most notes answer their questions
    seen: set[str] = set()

    def emit(question: Inline, answer: Body, path: tuple[str, ...],
             ref: SourceRef) -> Iterator[Card]:
        q = collapse(plain(question))
        if not q or q in seen:
            return
        seen.add(q)
        if not answer:
            if not index:
                index.append(_PassageIndex(note))
            answer = index[0].answer(q)
        if not answer:
            log.warning("%s: question %r: no answer in the note and no passage matches it; "
                        "no card made", ref, q)
            return
        yield note.card("question", q, (Text(question),), answer, path, ref)

    blocks: list[tuple[tuple[str, ...], bool, Block]] = [((), False, b) for b in note.doc.blocks]
    for p in note.places:
        if not p.resource:
            blocks.extend((p.path, p.quiz, b) for b in p.section.blocks)
    for p in note.places:  # a heading that asks, its paragraphs the answer (an FAQ)
        section = p.section
        if (not p.resource and not section.card and _is_question(section.title)
                and section.blocks and all(isinstance(b, Paragraph) for b in section.blocks)):
            yield from emit(_span_text(section.title), _blocks_body(section.blocks),
                            p.path[:-1], section.ref)
    pending: tuple[Inline, tuple[str, ...], SourceRef] | None = None
    for path, quiz, b in blocks:
        if isinstance(b, Paragraph):
            if pending is not None:
                given = _answer_label(b.text, note)
                if given is None and pending[1] == path and _answers(b.text, note):
                    given = b.text  # the paragraph after a question, in its section
                if given is not None:
                    yield from emit(pending[0], (Text(given),), pending[1], pending[2])
                    pending = None
                    continue
                yield from emit(pending[0], (), pending[1], pending[2])
                pending = None
            pair = _qa_pair(b.text, note)
            if pair is not None:
                q, a = pair
                if a:
                    yield from emit(q, (Text(a),), path, b.ref)
                else:
                    pending = (q, path, b.ref)
            continue
        if pending is not None:
            yield from emit(pending[0], (), pending[1], pending[2])
            pending = None
        if isinstance(b, Table) and (quiz or note.rows(b).questions):
            # a table of questions; in a quiz, every row asks by its first cell (a quiz's
            # blocks are not the table rules' to ask)
            for row, ref, r in zip(b.rows, b.row_refs, note.rows(b).rows, strict=False):
                if quiz or _is_question(r.key):
                    yield from emit(row[0], _row_back(r.asked) if r.asked else (), path, ref)
            continue
        if not isinstance(b, ListBlock) or _not_studied(b):
            continue
        for item in b.items:
            if item.card or id(item) in note.speakers:
                continue  # the flashcard rule's; a dialogue's question is not the note's
            text = plain(item.text)
            pair = _qa_pair(item.text, note)
            if pair is not None:
                q, a = pair
            elif _is_question(text) or (quiz and any(m in text for m in i18n.QUESTION_MARKS)):
                q, a = _split_inline_answer(item)
                if item.children and _pictures_only(a):
                    # the points under it answer it: a picture after it is the question's
                    # (it was lost: neither side showed it)
                    q, a = item.text, ()
            elif quiz:
                q, a = item.text, ()
            else:
                continue
            back: Body = (Text(a),) if a else ()
            if item.children:
                back = (Points(tuple(_to_point(k) for lst in item.children for k in lst.items)),)
            yield from emit(q, back, path, item.ref)
    if pending is not None:
        yield from emit(pending[0], (), pending[1], pending[2])


def _item_text(item: ListItem) -> str:
    """An item's text and its sub-items', as ``_to_point(item)`` shows them."""
    return " ".join([plain(item.text), *(_item_text(k) for lst in item.children
                                          for k in lst.items)])


class _PassageIndex:
    """Points, rows and paragraphs of the note, searchable by a question's words. Passage
    ``i`` is kept column-wise: ``points[i]`` makes its point (only for the passages an answer
    shows), ``paths[i]`` is its section, ``damping[i]`` how much its length damps its score.
    ``words[t]`` lists the passages that hold word ``t``, and ``titled[t]`` the passages whose
    section's title holds it: a question's scores are summed over its words' lists, so it
    touches only the passages it shares a word with (scoring every passage for every question
    made a note of thousands of questions and points take minutes)."""

    def __init__(self, note: Note) -> None:
        self.stop = stop = note.lang.stopwords | i18n.EN.stopwords
        self.hint = note.lang.passages_hint
        self.points: list[Callable[[], Point]] = []
        self.paths: list[tuple[str, ...]] = []
        self.words: defaultdict[str, list[int]] = defaultdict(list)
        lengths: list[int] = []
        sections: dict[tuple[str, ...], list[int]] = {}  # the passages of each section

        def add(point: Callable[[], Point], path: tuple[str, ...], text: str) -> None:
            terms = i18n.terms(text, stop)
            if terms:
                i = len(lengths)
                self.points.append(point)
                self.paths.append(path)
                lengths.append(len(terms))
                sections.setdefault(path, []).append(i)
                for t in terms:
                    self.words[t].append(i)

        def add_items(items: Iterable[ListItem], path: tuple[str, ...]) -> None:
            for it in items:
                text = plain(it.text)
                if _is_question(text):
                    continue
                if it.children and text.rstrip().endswith(":"):
                    # a lead-in: its sub-points are the passage
                    add(partial(_to_point, it), path, _item_text(it))
                    continue
                add(partial(Point, it.text), path, text)
                for lst in it.children:
                    add_items(lst.items, path)

        for path, b in note.study_blocks():
            if isinstance(b, Paragraph):
                text = plain(b.text)
                if not _is_question(text):
                    add(partial(Point, b.text), path, text)
            elif isinstance(b, ListBlock) and not _not_studied(b):
                add_items(b.items, path)
            elif isinstance(b, Table):
                for row in b.rows:
                    add(partial(_row_point, row), path, " ".join([plain(c) for c in row]))
        self.titled: defaultdict[str, list[int]] = defaultdict(list)
        for path, passages in sections.items():
            for t in i18n.terms(" ".join(path[-1:]), stop):
                self.titled[t].extend(passages)
        self.n = len(lengths) or 1
        avg = sum(lengths) / self.n
        self.damping = [0.75 + 0.25 * n / avg for n in lengths]
        self.weights: dict[str, float] = {}

    def weight(self, term: str) -> float:
        """Squared IDF of ``term`` over the passages (with their section titles)."""
        w = self.weights.get(term)
        if w is None:
            df = len(set(self.words.get(term, ())).union(self.titled.get(term, ())))
            w = self.weights[term] = math.log((self.n + 1) / df) ** 2 if df else 0.0
        return w

    def answer(self, question: str) -> Body:
        """The best-matching passages, the best first: rare shared words count most, long
        passages are damped."""
        # squared IDF favours the question's rare words over the note's topic words; a word in
        # the section title says the whole section is about it. The words are taken in one
        # order, so that each score is the same sum in every run (a set's order is not)
        sums: dict[int, float] = {}
        get = sums.get
        for t in sorted(i18n.terms(question, self.stop)):
            w = self.weight(t)
            for i in self.words.get(t, ()):
                sums[i] = get(i, 0.0) + w
            for i in self.titled.get(t, ()):
                sums[i] = get(i, 0.0) + w
        damping = self.damping
        scored = [(-s / damping[i], i) for i, s in sums.items() if s > 0]
        if not scored:
            return ()
        top = heapq.nsmallest(3, scored)
        best = -top[0][0]
        chosen = [i for s, i in top if -s >= 0.5 * best]  # the best first (ties: note order)
        parts: list[Text | Points] = [Text(_span_text(self.hint), "hint")]
        for i in chosen:
            path = self.paths[i]
            if path:
                parts.append(Text(_span_text(PATH_SEP.join(path[-2:])), "where"))
            parts.append(Points((self.points[i](),)))
        return tuple(parts)


# cloze ------------------------------------------------------------------------

def _sentence_ends(text: str, lang: str) -> list[int]:
    """Where the sentences of ``text`` end, but its last: as sentencex finds them in the
    note's language (which knows its abbreviations, so "Fig. 3", "e.g." and "Dr. Müller" end
    none, and its full stops: 。！？ and । end a sentence without a blank after them). An end
    before a lower-case letter is none: it follows an abbreviation sentencex does not know
    ("dll. sudah")."""
    if _INNER_MARK.search(text) is None:
        return []  # most points are one sentence, with a full stop at most at its end
    from sentencex import get_sentence_boundaries

    ends = [b["end_index"] for b in get_sentence_boundaries(lang or "en", text)[:-1]]
    return [e for e in ends if not text[e:e + 1].islower()]


_INNER_MARK = re.compile(r"[.!?…。．｡！？।॥؟۔։።፧](?=\s*\S)")
"""A mark that may end a sentence, with more text after it; text without one is one
sentence."""


def _sentences(text: Inline, lang: str) -> list[Inline]:
    """Split an inline into sentences (``_sentence_ends``), keeping spans: a styled phrase
    never splits; the blanks between sentences are dropped."""
    flat = plain(text)
    ends = _sentence_ends(flat, lang)
    if not ends:
        return [text] if flat.strip() else []
    out: list[list[Span]] = [[]]
    at = 0  # offset in the plain text
    k = 0  # the first end not passed yet (ends ascend: one walk for all spans)
    for s in text:
        if s.style == "image":  # no plain text: it goes with the sentence it is in
            out[-1].append(s)
            continue
        end = at + len(s.text)
        cuts = []
        while k < len(ends) and ends[k] <= end:
            if ends[k] > at and (not s.style or ends[k] == end):
                cuts.append(ends[k] - at)  # a styled phrase is cut only where it ends
            k += 1
        start = 0
        for pos in cuts:
            if pos > start:
                out[-1].append(s.with_text(s.text[start:pos]))
            out.append([])
            start = pos
        if start < len(s.text):
            out[-1].append(s.with_text(s.text[start:]))
        at = end
    sentences = []
    for spans in out:
        if spans and not spans[0].style:
            spans[0] = spans[0].with_text(spans[0].text.lstrip())
        if spans and not spans[-1].style:
            spans[-1] = spans[-1].with_text(spans[-1].text.rstrip())
        sentence = tuple(x for x in spans if x.text or x.style == "image")
        if plain(sentence).strip():
            sentences.append(sentence)
    return sentences


def _term_like(phrase: str) -> bool:
    """Whether a bold phrase is a term to hide: two letters or more, or one of a script that
    writes a word in one (Chinese, Japanese: は, 水); no label ending in a colon."""
    return ((len(phrase) >= 2 or (phrase >= "\u2e80" and phrase.isalpha()))
            and not phrase.endswith(COLONS))


def _cloze(sentence: Inline, prefix: str, numbered: bool) -> tuple[Inline, str] | None:
    """The sentence with its phrases to hide as cloze spans, and its prompt. The phrases are
    its bold ones, or, where the writer ``numbered`` Anki clozes in it, those alone (bold text
    then stays bold), each keeping its number and hint."""
    if numbered:
        phrases = [s for s in sentence if s.cloze]
        spans = [Span(s.text, "cloze", s.href if s.style != "link" else "", 0, s.cloze)
                 if s.cloze else s for s in sentence]
    else:
        phrases = [s for s in sentence if s.style == "strong" and _term_like(s.text.strip())]
        spans = [Span(s.text, "cloze") if s in phrases else Span(s.text, "" if s.style == "strong"
                 else s.style, s.href) for s in sentence]
    if not phrases:
        return None
    if sentence[-1].text.rstrip().endswith(COLONS) and not any(
            c.isalnum() for s in sentence if s not in phrases for c in s.text):
        return None  # ``**Treatment**:``, a label of the points under it: nothing to recall
    letters = sum(len(s.text.strip()) for s in sentence)
    hidden = sum(len(s.text.strip()) for s in phrases)
    if hidden >= 0.8 * letters:
        if not prefix:
            return None
        spans.insert(0, Span(prefix.rstrip() + " "))
    spans[0] = spans[0].with_text(spans[0].text.lstrip())
    masked = collapse("".join(f"[{s.href or '…'}]" if s.style == "cloze"
                              else "" if s.style == "image" else s.text for s in spans))
    return tuple(spans), masked


def _unbold(text: Inline, size: int) -> Inline:
    """``text`` with the bold phrases that start in its first ``size`` letters plain."""
    out = []
    at = 0
    for s in text:
        out.append(Span(s.text, "", s.href, s.line) if s.style == "strong" and at < size else s)
        at += len(s.text)
    return tuple(out)


def _defined(text: Inline, note: Note) -> Inline:
    """A definition set off by its label (``**Definition.** A *prime* is ...``) with the
    terms it defines, in italics as textbooks set them, made bold: hidden as bold phrases
    are. Other text as it is (italics elsewhere are emphasis, titles, foreign words)."""
    found = _bold_title(text)
    if found is None or found[0].casefold() not in note.definition_labels:
        return text
    return tuple(Span(s.text, "strong", s.href, s.line, s.cloze) if s.style == "em" else s
                 for s in text)


def cloze_cards(note: Note) -> Iterator[Card]:
    """Bold phrases inside points and paragraphs, hidden in their sentence; Anki clozes that
    the writer numbered, hidden in their point or paragraph (one Anki note, whose numbers
    make its cards)."""

    def from_inline(text: Inline, prefix: str, path: tuple[str, ...], ref: SourceRef):
        numbered = any(s.cloze for s in text)
        if not numbered and not any(s.style == "strong" for s in text):
            return  # nothing bold, nothing to hide
        for sentence in [text] if numbered else _sentences(text, note.doc.lang):
            made = _cloze(sentence, prefix, numbered)
            if made is None:
                continue
            spans, masked = made
            yield note.card("cloze", masked, (Text(spans),), (), path, ref)

    def from_items(items: Iterable[ListItem], parent: str, path: tuple[str, ...],
                   terms: dict[int, int] | None = None):
        for it in items:
            if it.card:
                continue  # a flashcard written out is the writer's card already
            if not note.asks(it):  # a question is the question rule's
                size = terms.get(id(it), 0) if terms else 0
                if not size and id(it) in note.speakers:
                    size = 1  # who speaks: not hidden
                yield from from_inline(_unbold(it.text, size) if size else it.text, parent,
                                       path, it.ref)
            for lst in it.children:
                yield from from_items(lst.items, plain(it.text), path)

    for path, b in note.study_blocks():
        title = (path[-1] + ":") if path else ""
        if isinstance(b, Paragraph):
            # a question is the question rule's; a paragraph all in bold is a title (an
            # Obsidian callout's), hidden in no sentence: the section's title makes none
            if _qa_pair(b.text, note) is None:
                # a theorem's or a law's title is its own card's (run_in): not hidden
                text = (_unbold(b.text, 1) if note.run_in(b) or id(b) in note.speakers
                        else _defined(b.text, note))
                yield from from_inline(text, "", path, b.ref)
        elif isinstance(b, ListBlock) and not _not_studied(b):
            # a glossary's term is its own card's, asked both ways with --reverse: not hidden
            terms = {id(it): len(plain(term)) for it, term, _ in note.glossary(b) or ()}
            yield from from_items(b.items, title, path, terms)


RULES: list[tuple[str, Callable[[Note], Iterable[Card]]]] = [
    ("section", section_cards),
    ("list", list_cards),
    ("table", table_cards),
    ("term", term_cards),
    ("date", date_cards),
    ("flashcard", flashcard_cards),
    ("question", question_cards),
    ("cloze", cloze_cards),
    ("mcq", mcq_cards),
]
KINDS = tuple(name for name, _ in RULES)


def derive(doc: Document, *, reverse: bool = False,
           kinds: Iterable[str] | None = None) -> tuple[Card, ...]:
    """All cards for ``doc`` in rule order; prompts made unique within the note."""
    note = Note(doc, reverse=reverse)
    wanted = set(kinds) if kinds is not None else set(KINDS)
    cards: list[Card] = []
    seen: Counter[tuple[str, str]] = Counter()
    for name, rule in RULES:
        if name not in wanted:
            continue
        for card in rule(note):
            key = (card.kind, card.prompt)
            seen[key] += 1
            if seen[key] > 1:
                card = replace(card, prompt=f"{card.prompt} ({seen[key]})")
            cards.append(card)
    return tuple(cards)
