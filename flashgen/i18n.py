"""Per-language phrasing, stopwords and heading keywords; language detection.

Adding a language = adding one entry to ``LANGUAGES``. Unknown languages use English.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """Everything flashgen says or recognises in one language."""

    code: str
    """ISO 639-1 code."""
    list_prompt: str
    """Front of a `list` card; {n} and {topic}."""
    section_hint: str
    """Hint under a `section` front; {n} points (two or more)."""
    section_hint_one: str
    """The hint for a section of one point."""
    section_hint_ordered: str
    """The hint for a section of numbered points (steps); {n} points."""
    table_prompt: str
    """Front of a `table` card; {key}, {key_header}, {columns}."""
    table_reverse: str
    """Front of a reverse `table` card; {values}, {key_header}."""
    mcq_prompt: str
    """Front of an `mcq` card; {key_header}, {values}."""
    passages_hint: str
    """Shown above passages that answer an unanswered question."""
    and_word: str
    """Joins the last two column names."""
    stopwords: frozenset[str]
    """Frequent function words, for detection and text matching."""
    resource_words: frozenset[str]
    """Heading words that mark reading lists and resources."""
    quiz_words: frozenset[str]
    """Heading words that mark a quiz or self-test section."""
    question_labels: tuple[str, ...] = ("q", "question")
    """Labels of `**Q:**` pairs, lower case, without the colon."""
    answer_labels: tuple[str, ...] = ("a", "answer")
    """Labels of `**A:**` answers."""
    answer_key: str = "Answer key"
    """Heading of a study sheet's answers."""
    generated: str = "generated"
    """Marks a generated quiz item on paper."""
    when_hint: str = "When?"
    """Asks the date of a timeline's event (a `date` card)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN = Language(
    code="en",
    list_prompt="Name the {n} points of: {topic}",
    section_hint="{n} points",
    section_hint_one="1 point",
    section_hint_ordered="{n} points, in order",
    table_prompt="{key} ({key_header}): what is the {columns}?",
    table_reverse="Which {key_header}: {values}?",
    mcq_prompt="Which {key_header} matches: {values}?",
    passages_hint="From this note:",
    and_word="and",
    stopwords=_words(
        "the a an and or of to in on for with by from at as is are was were be been being it its"
        " this that these those what which who whom whose why how when where do does did can could"
        " will would should may might must not no yes you your we our they their he she his her i me"
        " my than then there here about into over under more most less very also just only so such"
        " if but because between both each few other some any all one two"
    ),
    resource_words=_words(
        "resources resource references reference reading readings links sources bibliography"
        " further recommended videos"
    ),
    quiz_words=_words("quiz quizzes test exercise exercises review questions self-check practice"
                      " understanding comprehension recap"),
)

ID = Language(
    code="id",
    answer_key="Kunci jawaban",
    generated="dibuat model",
    when_hint="Kapan?",
    list_prompt="Sebutkan {n} poin dari: {topic}",
    section_hint="{n} poin",
    section_hint_one="1 poin",
    section_hint_ordered="{n} poin, berurutan",
    table_prompt="{key} ({key_header}): apa {columns}-nya?",
    table_reverse="{key_header} mana: {values}?",
    mcq_prompt="{key_header} mana yang cocok: {values}?",
    passages_hint="Dari catatan ini:",
    and_word="dan",
    stopwords=_words(
        "yang dan di ke dari untuk dengan ini itu atau juga ada adalah akan pada tidak bisa dalam"
        " sudah saja lebih kamu aku kita kami mereka dia ia apa kenapa mengapa bagaimana siapa"
        " kapan mana seperti karena jadi agar supaya oleh sebagai antara hanya sangat banyak"
        " sedikit buat pakai ya tersebut para bahwa jika kalau lagi masih harus dapat tentang"
        " sebuah satu dua beberapa semua"
    ),
    resource_words=_words("sumber referensi bacaan rujukan tautan pustaka rekomendasi video"),
    quiz_words=_words("kuis quiz uji ujian latihan soal pertanyaan tes evaluasi"),
    question_labels=("q", "t", "tanya", "pertanyaan", "soal"),
    answer_labels=("a", "j", "jawab", "jawaban"),
)

DE = Language(
    code="de",
    answer_key="Lösungen",
    generated="generiert",
    when_hint="Wann?",
    list_prompt="Nenne die {n} Punkte zu: {topic}",
    section_hint="{n} Punkte",
    section_hint_one="1 Punkt",
    section_hint_ordered="{n} Punkte, der Reihe nach",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="Welche(r) {key_header}: {values}?",
    mcq_prompt="Welche(r) {key_header} passt zu: {values}?",
    passages_hint="Aus dieser Notiz:",
    and_word="und",
    stopwords=_words(
        "der die das und oder ist sind war nicht ein eine einer eines mit von zu im in auf für"
        " den dem des sich auch als wie was warum wer wo wann bei aus nach über unter es sie er"
        " wir ihr ich du man kann können wird werden"
    ),
    resource_words=_words("quellen ressourcen literatur links weiterführende lesen"),
    quiz_words=_words("quiz test übung übungen fragen selbsttest"),
    question_labels=("f", "frage", "q"),
    answer_labels=("a", "antwort"),
)

ES = Language(
    code="es",
    answer_key="Respuestas",
    generated="generada",
    when_hint="¿Cuándo?",
    list_prompt="Nombra los {n} puntos de: {topic}",
    section_hint="{n} puntos",
    section_hint_one="1 punto",
    section_hint_ordered="{n} puntos, en orden",
    table_prompt="{key} ({key_header}): ¿{columns}?",
    table_reverse="¿Qué {key_header}: {values}?",
    mcq_prompt="¿Qué {key_header} corresponde a: {values}?",
    passages_hint="De esta nota:",
    and_word="y",
    stopwords=_words(
        "el la los las y o de del en un una unos unas es son fue no que por para con como qué"
        " cuál por qué quién dónde cuándo se su sus al lo le más muy también pero"
    ),
    resource_words=_words("recursos referencias lecturas enlaces bibliografía fuentes"),
    quiz_words=_words("quiz cuestionario prueba ejercicios preguntas autoevaluación examen"),
    question_labels=("p", "pregunta", "q"),
    answer_labels=("r", "respuesta", "a"),
)

FR = Language(
    code="fr",
    answer_key="Corrigé",
    generated="générée",
    when_hint="Quand ?",
    list_prompt="Citez les {n} points de : {topic}",
    section_hint="{n} points",
    section_hint_one="1 point",
    section_hint_ordered="{n} points, dans l’ordre",
    table_prompt="{key} ({key_header}) : {columns} ?",
    table_reverse="Quel(le) {key_header} : {values} ?",
    mcq_prompt="Quel(le) {key_header} correspond à : {values} ?",
    passages_hint="Dans cette note :",
    and_word="et",
    stopwords=_words(
        "le la les et ou de des du un une est sont était ne pas que qui quoi pourquoi comment"
        " où quand en dans pour par avec sur au aux ce cette ces il elle ils nous vous on plus"
        " très aussi mais se sa son ses"
    ),
    resource_words=_words("ressources références lectures liens bibliographie sources"),
    quiz_words=_words("quiz test exercice exercices questions autoévaluation révision"),
    question_labels=("q", "question"),
    answer_labels=("r", "réponse", "a"),
)

PT = Language(
    code="pt",
    answer_key="Gabarito",
    generated="gerada",
    when_hint="Quando?",
    list_prompt="Cite os {n} pontos de: {topic}",
    section_hint="{n} pontos",
    section_hint_one="1 ponto",
    section_hint_ordered="{n} pontos, em ordem",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="Qual {key_header}: {values}?",
    mcq_prompt="Qual {key_header} corresponde a: {values}?",
    passages_hint="Desta nota:",
    and_word="e",
    stopwords=_words(
        "o a os as e ou de do da dos das em no na nos nas um uma uns umas é são foi não que por"
        " para com como qual quem onde quando se seu sua seus suas ao à mais muito também mas"
        " porque pelo pela"
    ),
    resource_words=_words("recursos referências leituras links bibliografia fontes"),
    quiz_words=_words("quiz questionário teste exercícios perguntas autoavaliação exame revisão"),
    question_labels=("p", "pergunta", "q"),
    answer_labels=("r", "resposta", "a"),
)

IT = Language(
    code="it",
    answer_key="Soluzioni",
    generated="generata",
    when_hint="Quando?",
    list_prompt="Elenca i {n} punti di: {topic}",
    section_hint="{n} punti",
    section_hint_one="1 punto",
    section_hint_ordered="{n} punti, in ordine",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="Quale {key_header}: {values}?",
    mcq_prompt="Quale {key_header} corrisponde a: {values}?",
    passages_hint="Da questa nota:",
    and_word="e",
    stopwords=_words(
        "il lo la i gli le e o di del della dei delle degli in un una è sono era non che per"
        " con come perché chi dove quando si suo sua suoi al alla più molto anche ma nel nella"
    ),
    resource_words=_words("risorse riferimenti letture link collegamenti bibliografia fonti"
                          " approfondimenti"),
    quiz_words=_words("quiz test esercizi esercizio domande autovalutazione verifica ripasso"),
    question_labels=("d", "domanda", "q"),
    answer_labels=("r", "risposta", "a"),
)

LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (EN, ID, DE, ES, FR, PT, IT)}

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_ASCII_WORD = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
"""``_WORD`` for lower-cased ASCII text: the same matches (a property test compares them), a
third faster without the Unicode letter class."""


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters, inner hyphens and apostrophes)."""
    low = text.lower()
    return (_ASCII_WORD if low.isascii() else _WORD).findall(low)


def get(code: str) -> Language:
    """The language for ``code`` (``en-US`` -> ``en``); English when unknown."""
    return LANGUAGES.get(code.lower().split("-")[0].split("_")[0], EN)


def detect(text: str) -> str:
    """Guess the language code of ``text`` by stopword share; "en" when unsure."""
    counts = Counter(words(text))
    if not counts:
        return "en"
    scores = {
        code: sum([counts[w] for w in lang.stopwords & counts.keys()])
        for code, lang in LANGUAGES.items()
    }
    best = max(scores, key=lambda c: (scores[c], c == "en"))
    return best if scores[best] >= 2 else "en"


def join_names(names: list[str], lang: Language) -> str:
    """``a, b and c`` in the language's words."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {lang.and_word} " + names[-1]
