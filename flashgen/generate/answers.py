"""Pick what to ask about: bold phrases, glossary terms, table rows' first cells, key terms of
points."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from flashgen.cards import Note
from flashgen.generate import Request
from flashgen.model import Document, ListBlock, ListItem, Paragraph, SourceRef, Table, plain
from flashgen.text import collapse


@dataclass(frozen=True, slots=True)
class Candidate:
    """A request plus where its answer sits in the note."""

    request: Request
    """What the model is asked."""
    path: tuple[str, ...]
    """Heading path of the passage."""
    ref: SourceRef
    """Where the passage is."""

# Proper nouns and acronyms inside a sentence: "GPT", "ImageNet", "Common Crawl", "CLIP".
_TERM = re.compile(r"(?<=[\s(,;:])([A-Z][\w]*[A-Z0-9][\w]*|[A-Z][a-z]+(?: [A-Z][a-z]+)+)")


def _bold(note: Note) -> Iterator[Candidate]:
    """Bold phrases, but not who speaks in a dialogue (``Note.speakers``)."""
    lang = note.doc.lang
    for path, block in note.study_blocks():
        if isinstance(block, Paragraph):
            found: list[Paragraph | ListItem] = [block]
        elif isinstance(block, ListBlock):
            found = []
            stack = list(block.items)
            while stack:
                it = stack.pop(0)
                found.append(it)
                stack.extend(k for lst in it.children for k in lst.items)
        else:
            continue
        for b in found:
            text, ref = b.text, b.ref
            context = collapse(plain(text))
            if id(b) in note.speakers:
                text = text[1:]
            for span in text:
                phrase = collapse(span.text)
                if (span.style == "strong" and len(phrase) >= 3 and not phrase.endswith(":")
                        and len(phrase) < 0.8 * len(context)):
                    yield Candidate(Request(phrase, context, lang, "cloze"), path, ref)


def _glossary_terms(note: Note) -> Iterator[Candidate]:
    """A glossary's terms, asked by their definitions (their own cards ask the other way)."""
    for path, block in note.study_blocks():
        if isinstance(block, ListBlock):
            for item, term, definition in note.glossary(block) or ():
                # a term defined by the points under it (``**Treatment**:``) by those
                defined = (plain(definition) if definition else
                           "; ".join(plain(k.text) for lst in item.children for k in lst.items))
                context = f"{collapse(plain(term))}: {collapse(defined)}"
                yield Candidate(Request(collapse(plain(term)), context, note.doc.lang, "term"),
                                path, item.ref)


def _rows(note: Note) -> Iterator[Candidate]:
    for path, block in note.study_blocks():
        if not isinstance(block, Table) or len(block.header) < 2:
            continue
        for row, ref in zip(block.rows, block.row_refs, strict=True):
            key = plain(row[0])
            cells = [f"{plain(h)}: {plain(c)}"
                     for h, c in zip(block.header[1:], row[1:], strict=True) if plain(c)]
            if key and cells:
                context = f"{plain(block.header[0])}: {key}. " + ". ".join(cells) + "."
                yield Candidate(Request(key, context, note.doc.lang, "table"), path, ref)


def _terms(note: Note) -> Iterator[Candidate]:
    for path, block in note.study_blocks():
        if not isinstance(block, ListBlock):
            continue
        for item in block.items:
            context = collapse(plain(item.text))
            for m in _TERM.finditer(context):
                req = Request(m.group(1), context, note.doc.lang, "section")
                yield Candidate(req, path, item.ref)


def pick_answers(doc: Document, limit: int) -> list[Candidate]:
    """Up to ``limit`` answers, bold phrases first, then glossary terms, table rows, and key
    terms; each answer asked once."""
    note = Note(doc)
    seen: set[str] = set()
    out: list[Candidate] = []
    for source in (_bold(note), _glossary_terms(note), _rows(note), _terms(note)):
        for cand in source:
            key = cand.request.answer.casefold()
            if key in seen:
                continue
            seen.add(key)
            out.append(cand)
            if len(out) >= limit:
                return out
    return out
