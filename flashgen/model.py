"""The typed document and card model. Plain values, no I/O, no flashgen imports."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable

    from typing_extensions import dataclass_transform
else:  # it only tells type checkers that `value` makes dataclasses

    def dataclass_transform(**_: object):
        return lambda decorator: decorator


T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True, slots=True)`, with an `__init__` that fills the slots directly.

    The frozen dataclass `__init__` sets each field through `object.__setattr__`, which costs
    about 0.3 µs a field; a note makes hundreds of these values, and that was a tenth of
    deriving its cards. This `__init__`, made instead of the dataclass's, takes the same
    parameters and defaults but calls each slot's own descriptor (as fast as a plain class).
    Assignment after `__init__` still raises `FrozenInstanceError`; equality, hashing,
    `replace` and `fields` are the dataclass's.
    """
    made: Any = dataclass(frozen=True, slots=True, init=False)(cls)
    # what this __init__ does not do, refused rather than silently skipped
    unsupported = [f.name for f in fields(made) if not f.init or f.kw_only is True]
    if unsupported or hasattr(made, "__post_init__"):
        raise TypeError(f"@value supports plain fields only, without __post_init__: "
                        f"{made.__qualname__} {unsupported or '__post_init__'}")
    names: dict[str, Any] = {"MISSING": MISSING, "__name__": made.__module__}
    params, lines = ["self"], []
    for f in fields(made):
        names[f"set_{f.name}"] = getattr(made, f.name).__set__
        if f.default is not MISSING:
            names[f"default_{f.name}"] = f.default
            params.append(f"{f.name}=default_{f.name}")
        elif f.default_factory is not MISSING:
            names[f"factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=MISSING")
            lines.append(f" if {f.name} is MISSING: {f.name} = factory_{f.name}()")
        else:
            params.append(f.name)
        lines.append(f" set_{f.name}(self, {f.name})")
    exec(f"def __init__({', '.join(params)}):\n" + "\n".join(lines), names)  # noqa: S102
    names["__init__"].__qualname__ = f"{made.__qualname__}.__init__"
    made.__init__ = names["__init__"]
    return made


@value
class SourceRef:
    """Where something came from."""

    path: str
    """The note's path as given to flashgen."""
    line: int
    """1-based line number in the note."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@value
class Span:
    """A run of inline text with one style."""

    text: str
    """The text, Markdown markers removed."""
    style: str = ""
    """"" plain, "strong", "em", "code", "pre" (a code block, its lines kept), "link", "image",
    "math" or "display_math" (TeX), or
    "cloze" (a hidden phrase)."""
    href: str = ""
    """Link target or image source, for "link" and "image"; the hint of an Anki cloze the
    writer numbered (``cloze``)."""
    line: int = 0
    """Source line of an image (0 when unknown or not an image)."""
    cloze: int = 0
    """The number the writer gave this phrase as an Anki cloze, ``{{c2::phrase::hint}}``
    (phrases of one number are hidden together, on a card of their own); 0 for none."""

    def with_text(self, text: str) -> Span:
        """This span with other text (part of it, or its blanks trimmed)."""
        return Span(text, self.style, self.href, self.line, self.cloze)


Inline = tuple[Span, ...]

CLOZE_MAX = 65535
"""The highest cloze number Anki reads (a card's ordinal is 16 bits): to Anki,
``{{c70000::x}}`` is text, and a card of that ordinal fails the import of its whole
package."""

PATH_SEP = " › "
"""Joins heading titles into a path."""


def plain(inline: Inline) -> str:
    """The inline's text without any styling."""
    if len(inline) == 1:  # most text is one run
        return inline[0].text if inline[0].style != "image" else ""
    return "".join([s.text for s in inline if s.style != "image"])


def has_content(inline: Inline) -> bool:
    """True when the inline has visible text or an image."""
    return any(s.style == "image" or s.text.strip() for s in inline)


def merged(spans: Iterable[Span]) -> Inline:
    """Spans with the empty ones dropped and neighbours of one style (and link, and cloze
    number) joined; pictures stay apart."""
    out: list[Span] = []
    for s in spans:
        if not s.text and s.style != "image":
            continue
        if (out and out[-1].style == s.style and out[-1].href == s.href
                and s.style != "image" and out[-1].cloze == s.cloze):
            out[-1] = out[-1].with_text(out[-1].text + s.text)
        else:
            out.append(s)
    return tuple(out)


def cut(text: Inline, start: int, stop: int | None = None) -> Inline:
    """The spans of ``text`` between two offsets of its plain text, styles kept, whitespace
    trimmed at the ends. An image, which has no plain text, is kept when it lies between the
    offsets, both included (a picture just before a separator is the part before it's)."""
    out: list[Span] = []
    at = 0
    for s in text:
        if s.style == "image":
            if at >= start and (stop is None or at <= stop):
                out.append(s)
            continue
        end = at + len(s.text)
        lo, hi = max(start, at), end if stop is None else min(stop, end)
        if lo < hi:
            out.append(s.with_text(s.text[lo - at:hi - at]))
        at = end
    if out and out[0].style != "image":
        out[0] = out[0].with_text(out[0].text.lstrip())
    if out and out[-1].style != "image":
        out[-1] = out[-1].with_text(out[-1].text.rstrip())
    return tuple(s for s in out if s.text or s.style == "image")


@value
class Paragraph:
    """A paragraph of text."""

    text: Inline
    """The paragraph's inline content."""
    ref: SourceRef
    """Where it starts."""


@value
class ListItem:
    """One point of a list, with its nested points."""

    text: Inline
    """The item's own text (its paragraphs joined)."""
    children: tuple[ListBlock, ...]
    """Nested lists, in order."""
    ref: SourceRef
    """Where the item starts."""
    term: Inline = ()
    """In a definition list (``Term`` then ``: definition``), the term: ``text`` then holds
    the term, a ``": "`` span and the definition."""
    card: int = 0
    """Written as a flashcard (``front::back``, a point tagged ``#card``, ...): 1, ``text``
    is its front and ``children`` its back; 2, the same and a reverse card; 0, a point."""


@value
class ListBlock:
    """A bullet or numbered list."""

    items: tuple[ListItem, ...]
    """The list's items."""
    ordered: bool
    """True for a numbered list."""
    ref: SourceRef
    """Where the list starts."""
    todo: bool = False
    """Every item is a task with its box (``- [ ] practise the graphs``): a to-do list."""


@value
class Table:
    """A table with a header row."""

    header: tuple[Inline, ...]
    """Header cells, cleaned of decoration."""
    rows: tuple[tuple[Inline, ...], ...]
    """Body rows; every row has as many cells as the header."""
    row_refs: tuple[SourceRef, ...]
    """Where each body row is."""
    ref: SourceRef
    """Where the table starts."""


Block = Paragraph | ListBlock | Table


@value
class Section:
    """A heading, the blocks directly under it, and its sub-sections."""

    title: str
    """Heading text, cleaned of numbering, emphasis and decoration."""
    level: int
    """1 for `#`, 2 for `##`, ..."""
    blocks: tuple[Block, ...]
    """Content before the first sub-heading."""
    children: tuple[Section, ...]
    """Sub-sections, in order."""
    ref: SourceRef
    """Where the heading is."""
    card: int = 0
    """A heading tagged ``#card`` (``#card-reverse``: 2) is a flashcard's front, the first
    of its ``blocks`` the back; 0 for other headings."""


@value
class Document:
    """One parsed note."""

    path: str
    """The note's path as given."""
    title: str
    """Front matter `title`, else the first H1, else the file name."""
    lang: str
    """Language code (front matter `lang`, else detected)."""
    deck: str
    """Deck name (front matter `deck`, else the title)."""
    tags: tuple[str, ...]
    """Tags from front matter."""
    blocks: tuple[Block, ...]
    """Content before the first heading."""
    sections: tuple[Section, ...]
    """Top-level sections (an H1 used as title is unwrapped)."""
    meta: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    """The whole front matter."""


# --- cards -----------------------------------------------------------------


@value
class Point:
    """A point on a card, possibly with sub-points."""

    text: Inline
    """The point's text."""
    children: tuple[Point, ...] = ()
    """Nested points."""


@value
class Text:
    """A paragraph on a card."""

    text: Inline
    """Its inline content."""
    role: str = ""
    """Styling hint: "" body, "context" (heading path), "where" (a passage's section), "hint"."""


@value
class Points:
    """A list of points on a card."""

    points: tuple[Point, ...]
    """The points."""
    ordered: bool = False
    """Numbered when True."""


@value
class Options:
    """Lettered multiple-choice options."""

    options: tuple[Inline, ...]
    """The options, in display order, styled as written (a formula, code)."""
    answer: int = -1
    """Index of the right option to highlight, -1 to show none."""


Part = Text | Points | Options
Body = tuple[Part, ...]


@value
class Card:
    """One study item (one Anki note)."""

    kind: str
    """The rule that made it: section, list, table, term, flashcard,
    question, cloze, mcq, generated."""
    prompt: str
    """Plain text that identifies the card in its deck; the GUID is made from it."""
    front: Body
    """What the learner sees first. For cloze cards, a Text holding "cloze" spans."""
    back: Body
    """The answer."""
    context: tuple[str, ...]
    """Heading path from the top section to the card's own heading."""
    ref: SourceRef
    """Where the card's material starts."""
    tags: tuple[str, ...] = ()
    """Tags besides the flashgen ones."""
    reverse: tuple[Body, Body] | None = None
    """Front and back of an extra reverse card (table rows and terms, when asked for)."""
    generator: str = ""
    """The model that wrote it, for generated items."""
    source_kind: str = ""
    """For generated items: the kind of material the answer came from."""
    guid: str = ""
    """The Anki note's GUID when it is not the card's own (``ids.note_guid``): that of the
    card it continues, its prompt edited since (``identity.follow``)."""


@value
class Deck:
    """All cards made from one note."""

    name: str
    """Anki deck name; cards go to sub-decks `name::section`."""
    source: str
    """The note's path."""
    lang: str
    """The note's language."""
    cards: tuple[Card, ...]
    """The cards, in note order."""
    stem: str
    """Output file stem."""
    shown: str = ""
    """What its cards call the note, when not ``source`` (a note given by an absolute path
    is named from the folder built)."""
