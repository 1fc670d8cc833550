"""Card bodies as escaped HTML (Anki, CSV) or plain text (PDF, spreadsheets)."""

from __future__ import annotations

import html
import re
import string
from typing import NamedTuple

from flashgen.model import Body, Inline, Options, Point, Points, Text
from flashgen.text import right_to_left

MEDIA_NAME = re.compile(r"^fg-[0-9a-f]{16}\.[a-z0-9]{1,5}$")

SAFE_SCHEMES = ("http://", "https://", "mailto:")
LETTERS = string.ascii_uppercase
OPTION_LETTER = re.compile(rf"[{LETTERS}]\. ")
"""An option's letter as ``body_lines`` writes it (``A. Paris``)."""


def _escape(text: str) -> str:
    """``text`` as HTML text. Two braces in a row are split by a character reference (shown
    the same): in a cloze field, ``{{c1::`` written as text (in code, say) would otherwise be
    a cloze deletion to Anki, and one that its cloze parser reads across the real ones."""
    escaped = html.escape(text, quote=False)
    return escaped.replace("{{", "{&#123;") if "{{" in escaped else escaped


def inline_html(text: Inline, cloze_start: int = 1) -> str:
    """Escaped HTML; ``cloze`` spans become ``{{cN::...}}``, numbered as the writer numbered
    them, else from ``cloze_start``."""
    if len(text) == 1 and not text[0].style:  # most text is one plain run
        return _escape(text[0].text)
    out = []
    n = cloze_start
    for s in text:
        t = _escape(s.text)
        if not s.style:
            out.append(t)
        elif s.style == "strong":
            out.append(f"<b>{t}</b>")
        elif s.style == "em":
            out.append(f"<i>{t}</i>")
        elif s.style == "code":
            out.append(f"<code>{t}</code>")
        elif s.style == "pre":  # a code block, its lines kept
            out.append(f"<pre><code>{t}</code></pre>")
        elif s.style == "math":  # typeset by Anki's MathJax
            out.append(f"\\({t}\\)")
        elif s.style == "display_math":
            out.append(f"\\[{t}\\]")
        elif s.style == "link":
            href = s.href.strip()
            if href.lower().startswith(SAFE_SCHEMES):
                out.append(f'<a href="{html.escape(href, quote=True)}">{t}</a>')
            else:
                out.append(t)
        elif s.style == "cloze":
            # `}}` inside the phrase would end the cloze early; Anki has no escape for it
            phrase = t.replace("}}", "} }")
            if s.cloze:  # the writer's number, and hint
                hint = _escape(s.href).replace("}}", "} }")
                out.append(f"{{{{c{s.cloze}::{phrase}{'::' + hint if hint else ''}}}}}")
            else:
                out.append(f"{{{{c{n}::{phrase}}}}}")
                n += 1
        elif s.style == "image":
            # only embedded media (fg-<hash>.ext) and web addresses become images
            src = s.href.strip()
            if MEDIA_NAME.match(src) or src.lower().startswith(("http://", "https://")):
                out.append(f'<img src="{html.escape(src, quote=True)}" '
                           f'alt="{html.escape(s.text, quote=True)}">')
        else:
            out.append(t)
    return "".join(out)


def _points_html(points: tuple[Point, ...], ordered: bool, direction: str = "") -> str:
    tag = "ol" if ordered else "ul"
    items = []
    for p in points:
        kids = _points_html(p.children, False) if p.children else ""
        items.append(f"<li>{inline_html(p.text)}{kids}</li>")
    return f"<{tag}{direction}>{''.join(items)}</{tag}>"


RTL = ' dir="rtl"'
"""The attribute of a block that reads right to left. Left-to-right blocks have none: a
browser's default, and the HTML that decks written before it have."""


def _direction(text: Inline) -> str:
    """``RTL`` when ``text`` reads right to left (``right_to_left``), else nothing."""
    words = text[0].text if len(text) == 1 else "".join(  # most text is one run
        [s.text for s in text if s.style != "image"])
    return RTL if not words.isascii() and right_to_left(words) else ""  # no call for ASCII


def body_html(body: Body) -> str:
    """A card side as HTML with classes the note type's CSS styles (no inline colours). A
    block that reads right to left (Hebrew, Arabic, Persian) says so (``dir="rtl"``), so
    that its punctuation and bullets fall on its reading side, and the note type's CSS sets
    it flush right; a list takes the direction of its first point, an option its own."""
    out = []
    for part in body:
        if isinstance(part, Text):
            cls = f' class="{part.role}"' if part.role else ""
            out.append(f"<div{cls}{_direction(part.text)}>{inline_html(part.text)}</div>")
        elif isinstance(part, Points):
            first = part.points[0].text if part.points else ()
            out.append(_points_html(part.points, part.ordered, _direction(first)))
        elif isinstance(part, Options):
            items = "".join(
                f'<li class="{"correct" if i == part.answer else "option"}"{_direction(o)}>'
                f'<span class="letter">{LETTERS[i]}.</span> {inline_html(o)}</li>'
                for i, o in enumerate(part.options)
            )
            out.append(f'<ol class="options">{items}</ol>')
    return "".join(out)


def inline_text(text: Inline, cloze: str = "show") -> str:
    """Plain text; cloze phrases shown, blanked (``hide``) or [bracketed] (``mark``)."""
    out = []
    for s in text:
        if s.style == "image":
            continue
        if s.style == "cloze":
            hidden = f"[{s.href}]" if s.cloze and s.href else "_____"  # as Anki shows a hint
            out.append({"hide": hidden, "mark": f"[{s.text}]"}.get(cloze, s.text))
        elif s.style in ("math", "display_math"):  # TeX as written
            out.append(f"${s.text}$" if s.style == "math" else f"$${s.text}$$")
        else:
            out.append(s.text)
    return "".join(out)


class Line(NamedTuple):
    """A line of a card side as plain text (``side_lines``)."""

    text: str
    code: bool = False
    """It is a code block's (to be set in a monospace font, where a writer can)."""


def _is_code(text: Inline) -> bool:
    """Whether ``text`` is a code block (its spans, pictures aside, all ``pre``)."""
    shown = [s for s in text if s.style != "image"]
    return bool(shown) and all(s.style == "pre" for s in shown)


def _points_lines(points: tuple[Point, ...], ordered: bool, depth: int) -> list[Line]:
    lines = []
    for i, p in enumerate(points, 1):
        lead = "  " * depth + (f"{i}. " if ordered else "• ")
        text = inline_text(p.text)
        if "\n" in text:  # a code block's lines: under the point's first, not its bullet
            text = text.replace("\n", "\n" + " " * len(lead))
        lines.append(Line(lead + text, _is_code(p.text)))
        lines.extend(_points_lines(p.children, False, depth + 1))
    return lines


def side_lines(body: Body, cloze: str = "show") -> list[Line]:
    """A card side as plain-text lines (for PDF and spreadsheets), each knowing whether it
    is code."""
    lines: list[Line] = []
    for part in body:
        if isinstance(part, Text):
            lines.append(Line(inline_text(part.text, cloze), _is_code(part.text)))
        elif isinstance(part, Points):
            lines.extend(_points_lines(part.points, part.ordered, 0))
        elif isinstance(part, Options):
            for i, o in enumerate(part.options):
                mark = " ✓" if i == part.answer else ""
                lines.append(Line(f"{LETTERS[i]}. {inline_text(o, cloze)}{mark}"))
    return [ln for ln in lines if ln.text.strip()]


def body_lines(body: Body, cloze: str = "show") -> list[str]:
    """A card side as plain-text lines (for PDF and spreadsheets)."""
    return [line.text for line in side_lines(body, cloze)]
