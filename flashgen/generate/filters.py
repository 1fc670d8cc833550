"""Keep a generated question only if it is grounded, well formed and new. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flashgen import i18n
from flashgen.generate import Request
from flashgen.text import collapse

MIN_CHARS, MAX_CHARS, MAX_WORDS = 12, 200, 40
DUPLICATE_SCORE = 85.0

def _labels(kind: str) -> str:
    """The labels of questions or answers in every language (of two letters or more, or in
    another script than Latin: 问, в), as a regex alternation, longest first."""
    found = {label for lang in i18n.LANGUAGES.values() for label in getattr(lang, kind)
             if len(label) > 1 or label == "q" or not label.isascii()}
    return "|".join(map(re.escape, sorted(found, key=len, reverse=True)))


_PREFIX = re.compile(rf"^(?:generated question|{_labels('question_labels')})\s*[:：.-]\s*",
                     re.IGNORECASE)


def clean(raw: str) -> str:
    """The model's output as one question: first non-empty line, labels and quotes removed."""
    for line in raw.replace("\r", "\n").split("\n"):
        line = collapse(line.replace("**", "").replace("<hl>", " "))
        if line:
            break
    else:
        return ""
    line = _PREFIX.sub("", line).strip(" \"'“”‘’`")
    cut = min((i for i in map(line.find, i18n.QUESTION_MARKS) if i != -1), default=-1)
    if cut != -1:
        line = line[: cut + 1]
    return line.strip()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return collapse(re.sub(r"[^\w]+", " ", text))


def reject_reason(question: str, req: Request, note_text: str,
                  others: Iterable[str], example: str = "") -> str | None:
    """Why ``question`` must be dropped, or None to keep it. ``example`` is the text of any
    worked example the model was shown; questions that borrow from it are copies. The answer
    must be in the note as written, or as flashgen reads it: in its passage (the text of
    ``H<sub>2</sub>O`` is H₂O, of ``[[Note|shown]]`` its shown words)."""
    if not question:
        return "empty output"
    answer = _norm(req.answer)
    if answer not in _norm(note_text) and answer not in _norm(req.context):
        return "answer not in note"
    # Chinese and Japanese leave no space between words: their pairs of letters count as
    # words, and a letter as two of other scripts' (a question of ten letters is no shorter
    # than one of twenty in English)
    cjk = i18n.cjk_letters(question)
    words = i18n.words(question) if cjk else question.split()
    if len(question) + cjk < MIN_CHARS or len(words) < 3:
        return "too short"
    if len(question) > MAX_CHARS or len(words) > MAX_WORDS:
        return "too long"
    if not question.endswith(i18n.QUESTION_MARKS):
        return "not a question"
    letters = sum(i18n.in_word(c) for c in question)  # marks count: हिन्दी is all letters
    if letters < 0.6 * len(question.replace(" ", "")) or "\ufffd" in question:
        return "garbled"
    lowered = [w.lower() for w in words]
    trigrams = [tuple(lowered[i : i + 3]) for i in range(len(lowered) - 2)]
    if len(set(trigrams)) < len(trigrams) or any(
            a == b == c for a, b, c in trigrams):
        return "garbled"  # the model repeats itself
    answer = _norm(req.answer)
    if (len(answer) >= 3 and re.search(rf"\b{re.escape(answer)}\b", _norm(question))
            or (i18n.cjk_letters(answer) >= 2 and answer in _norm(question))):
        return "contains its answer"  # (no word ends inside Chinese or Japanese text)
    from rapidfuzz import fuzz

    if len(answer) >= 5 and fuzz.partial_ratio(answer, _norm(question)) >= 88:
        return "contains its answer"  # spelled a little differently ("komputer vision")
    answer_terms = _stems(req.answer)
    question_terms = _stems(question)
    if len(answer_terms) >= 2 and len(answer_terms & question_terms) >= 0.75 * len(answer_terms):
        return "contains its answer"  # most of a long answer, reworded
    grounded = len((_stems(req.context) - answer_terms) & question_terms)
    if not grounded:
        return "off-topic"  # shares nothing with its passage besides the answer
    if example:
        borrowed = len((_stems(example) - _stems(note_text)) & question_terms)
        if borrowed >= 2 and borrowed > grounded:
            return "copies the example"  # more words from the example than from the note
    if _wrong_language(question, req.lang):
        return "wrong language"
    if near_duplicate(question, others):
        return "near-duplicate"
    return None


def near_duplicate(question: str, others: Iterable[str]) -> bool:
    """Whether ``question`` asks what one of ``others`` asks, in nearly the same words."""
    from rapidfuzz import fuzz

    q = _norm(question)
    return any(fuzz.token_set_ratio(q, _norm(other)) >= DUPLICATE_SCORE for other in others)


AGREE_SCORE = 80.0
"""How alike (rapidfuzz, 0-100) the model's answer to its own question and the answer the
question was written for must be. Measured on 31 questions the eval model kept for 10 notes
(en, id, de, es), labelled by hand: at 80 the 7 it turned away were all wrong questions, and
every right one stayed."""


def answers_agree(expected: str, raw: str) -> bool:
    """Whether the model, answering its own question from the passage (``raw``: its output),
    gave the answer the question was written for: the round trip that catches a question
    that asks for something else ("What is the function of the membrane?" written for
    "phospholipid bilayer"). A shorter answer inside a longer one agrees (a year for a date,
    a name and its title)."""
    from rapidfuzz import fuzz

    first = next((line for line in raw.splitlines() if line.strip()), "")
    got = _norm(_ANSWER_LABEL.sub("", first))
    want = _norm(expected)
    if not got or not want:
        return False
    if fuzz.token_set_ratio(want, got) >= AGREE_SCORE:
        return True
    return min(len(want), len(got)) >= 3 and fuzz.partial_ratio(want, got) >= AGREE_SCORE


_ANSWER_LABEL = re.compile(rf"^\s*(?:{_labels('answer_labels')})\s*[:：]\s*", re.IGNORECASE)


def _stems(text: str) -> frozenset[str]:
    return i18n.terms(text, i18n.ALL_STOPWORDS)


def _wrong_language(question: str, lang: str) -> bool:
    """True when the question is clearly in another known language than the note."""
    if lang.split("-")[0] not in i18n.LANGUAGES:
        return False
    if lang.split("-")[0] in i18n.CJK or i18n.cjk_letters(question):
        return i18n.detect(question) != lang.split("-")[0]  # told by their letters
    tokens = i18n.words(question)
    own = sum(t in i18n.get(lang).stopwords for t in tokens)
    best = max(
        (sum(t in other.stopwords for t in tokens), code)
        for code, other in i18n.LANGUAGES.items()
    )
    return own == 0 and best[0] >= 2 and best[1] != lang
