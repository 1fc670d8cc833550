"""Per-language phrasing, stopwords and heading keywords; language detection; words.

Adding a language = adding one entry to ``LANGUAGES``. Unknown languages use English.

Chinese and Japanese are written without spaces between words (and Korean puts particles on
its words), so their text is matched by overlapping pairs of characters (bigrams), as
search engines do for them: ``光合作用`` is ``光合 合作 作用``. Their stopwords and heading
keywords are written as such pairs, or as whole words that a heading holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple


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
    labels: frozenset[str] = frozenset()
    """Words that set off a paragraph without naming it (``**Note.**``, ``**Proof.**``),
    lower case: such a bold title makes no card."""
    definition_labels: frozenset[str] = frozenset()
    """Labels of those that set off a definition (``**Definition.**``), lower case: its
    terms in italics are hidden as bold ones are."""
    comma: str = ", "
    """Separates names in a list (Chinese and Japanese ``、``)."""
    space: str = " "
    """Around ``and_word`` (none in Chinese and Japanese)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _labels(text: str) -> frozenset[str]:
    return frozenset(text.split("|"))


EN = Language(
    code="en",
    definition_labels=_labels("definition|def|definitions"),
    labels=_labels("note|notes|tip|tips|hint|example|examples|definition|theorem|lemma|corollary|proof|remark|warning|caution|important|summary|recap|key idea|key point|remember|exercise|solution|answer|idea|observation|fact|rule|claim|proposition|axiom"),
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
    definition_labels=_labels("definisi|pengertian"),
    labels=_labels("catatan|contoh|definisi|teorema|lema|bukti|penting|ringkasan|ingat|tips|petunjuk|latihan|jawaban|perhatian|kesimpulan"),
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
    definition_labels=_labels("definition|def"),
    labels=_labels("hinweis|beispiel|definition|satz|lemma|korollar|beweis|bemerkung|achtung|wichtig|zusammenfassung|merke|tipp|übung|lösung|folgerung"),
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
    definition_labels=_labels("definición"),
    labels=_labels("nota|ejemplo|definición|teorema|lema|corolario|demostración|prueba|observación|importante|resumen|consejo|ejercicio|solución|atención"),
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
    definition_labels=_labels("définition"),
    labels=_labels("note|remarque|exemple|définition|théorème|lemme|corollaire|démonstration|preuve|attention|important|résumé|astuce|exercice|solution"),
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
    definition_labels=_labels("definição"),
    labels=_labels("nota|exemplo|definição|teorema|lema|corolário|demonstração|prova|observação|importante|resumo|dica|exercício|solução|atenção"),
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
    definition_labels=_labels("definizione"),
    labels=_labels("nota|esempio|definizione|teorema|lemma|corollario|dimostrazione|osservazione|attenzione|importante|riassunto|suggerimento|esercizio|soluzione"),
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

NL = Language(
    code="nl",
    definition_labels=_labels("definitie"),
    labels=_labels("opmerking|voorbeeld|definitie|stelling|lemma|gevolg|bewijs|let op|belangrijk|samenvatting|tip|oefening|oplossing"),
    answer_key="Antwoorden",
    generated="gegenereerd",
    when_hint="Wanneer?",
    list_prompt="Noem de {n} punten van: {topic}",
    section_hint="{n} punten",
    section_hint_one="1 punt",
    section_hint_ordered="{n} punten, op volgorde",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="Welk(e) {key_header}: {values}?",
    mcq_prompt="Welk(e) {key_header} past bij: {values}?",
    passages_hint="Uit deze notitie:",
    and_word="en",
    stopwords=_words(
        "de het een en of van in op te dat die dit deze is zijn was waren niet met voor aan er"
        " om ook als bij door naar maar wat hoe waarom wie waar wanneer welke zich ze hij zij"
        " wij we je jij ik u hun heeft hebben wordt worden kan kunnen uit over onder meer nog"
        " al geen wel dan tot"
    ),
    resource_words=_words("bronnen bron literatuur links referenties leesmateriaal lezen"),
    quiz_words=_words("quiz toets oefening oefeningen oefenvragen vragen zelftest herhaling"),
    question_labels=("v", "vraag", "q"),
    answer_labels=("a", "antwoord"),
)

RU = Language(
    code="ru",
    definition_labels=_labels("определение"),
    labels=_labels("примечание|пример|определение|теорема|лемма|следствие|доказательство|замечание|внимание|важно|итог|совет|упражнение|решение"),
    answer_key="Ответы",
    generated="создан моделью",
    when_hint="Когда?",
    # "N points" agrees with N in Russian (1 пункт, 2 пункта, 5 пунктов): a count after a
    # colon reads right for any N
    list_prompt="Назовите пункты ({n}): {topic}",
    section_hint="пунктов: {n}",
    section_hint_one="1 пункт",
    section_hint_ordered="пунктов: {n}, по порядку",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="Какой вариант ({key_header}): {values}?",
    mcq_prompt="Какой вариант ({key_header}) подходит: {values}?",
    passages_hint="Из этой заметки:",
    and_word="и",
    stopwords=_words(
        "и в во не что он она оно они на я с со как а то все всё так его её но да ты к у же вы"
        " за бы по только мне было вот от меня ещё нет о об из ему когда даже ли если уже или"
        " ни быть был была были до вас там где есть для мы тебя их чем сам чтобы без чего тоже"
        " себя под будет кто этот это эта эти того этого какой какая какие почему зачем при"
        " после над через про между который которая которые которое является"
    ),
    resource_words=_words("литература источники ссылки ресурсы материалы чтение"),
    quiz_words=_words("тест тесты вопросы упражнения упражнение самопроверка проверка"
                      " повторение задания викторина"),
    question_labels=("в", "вопрос", "q"),
    answer_labels=("о", "ответ", "a"),
)

ZH = Language(
    code="zh",
    definition_labels=_labels("定义"),
    labels=_labels("注意|注|例|例如|定义|定理|引理|推论|证明|提示|总结|练习|解答"),
    answer_key="答案",
    generated="模型生成",
    when_hint="什么时候？",
    list_prompt="列出{topic}的{n}个要点",
    section_hint="{n}个要点",
    section_hint_one="1个要点",
    section_hint_ordered="{n}个要点（按顺序）",
    table_prompt="{key}（{key_header}）：{columns}是什么？",
    table_reverse="哪个{key_header}：{values}？",
    mcq_prompt="哪个{key_header}对应：{values}？",
    passages_hint="本笔记中：",
    and_word="和",
    comma="、",
    space="",
    stopwords=_words(
        "的是 是一 一个 我们 他们 它们 这个 那个 这些 那些 什么 为什 什么 可以 因为 所以 但是 如果"
        " 没有 就是 还是 以及 或者 而且 进行 通过 一种 其中 之一"
    ),
    resource_words=_words("参考 资料 文献 链接 延伸阅读 推荐阅读 来源"),
    quiz_words=_words("练习 习题 测验 复习题 自测 思考题 小测"),
    question_labels=("问", "问题", "题", "q"),
    answer_labels=("答", "答案", "a"),
)

JA = Language(
    code="ja",
    definition_labels=_labels("定義"),
    labels=_labels("注意|注|例|定義|定理|補題|系|証明|ヒント|まとめ|練習|解答"),
    answer_key="解答",
    generated="モデル生成",
    when_hint="いつ？",
    list_prompt="{topic}の{n}つのポイントを挙げてください",
    section_hint="{n}項目",
    section_hint_one="1項目",
    section_hint_ordered="{n}項目（順番に）",
    table_prompt="{key}（{key_header}）：{columns}は？",
    table_reverse="どの{key_header}：{values}？",
    mcq_prompt="{values}に当てはまる{key_header}は？",
    passages_hint="このノートから：",
    and_word="と",
    comma="、",
    space="",
    stopwords=_words(
        "です ます した して する ある いる この その あの これ それ こと もの ため から まで"
        " など よう なる れる られ ない とは には では のは ので ても"
    ),
    resource_words=_words("参考 文献 資料 リンク 出典 関連 推薦図書 読書案内"),
    quiz_words=_words("練習 演習 クイズ 小テスト 確認問題 復習問題 問題集"),
    question_labels=("問", "質問", "問題", "q"),
    answer_labels=("答", "答え", "解答", "a"),
)

KO = Language(
    code="ko",
    definition_labels=_labels("정의"),
    labels=_labels("참고|예|예시|정의|정리|보조정리|따름정리|증명|주의|요약|힌트|연습|풀이"),
    answer_key="정답",
    generated="모델 생성",
    when_hint="언제?",
    list_prompt="{topic}: {n}가지 요점을 쓰시오",
    section_hint="{n}가지",
    section_hint_one="1가지",
    section_hint_ordered="{n}가지, 순서대로",
    table_prompt="{key} ({key_header}): {columns}?",
    table_reverse="어느 {key_header}: {values}?",
    mcq_prompt="{values}에 해당하는 {key_header}?",
    passages_hint="이 노트에서:",
    and_word="및",
    stopwords=_words(
        "있다 한다 하는 있는 것이 것은 에서 으로 이다 하고 그리 리고 또는 에게 니다 합니"
        " 하여 되는 된다 그러 러나 하지 지만"
    ),
    resource_words=_words("참고 문헌 링크 출처 읽을거리"),
    quiz_words=_words("연습 퀴즈 복습 확인문제 연습문제 자기점검"),
    question_labels=("질문", "문제", "문", "q"),
    answer_labels=("답", "정답", "a"),
)

AR = Language(
    code="ar",
    definition_labels=_labels("تعريف|التعريف"),
    labels=_labels("ملاحظة|مثال|أمثلة|تعريف|التعريف|نظرية|مبرهنة|برهان|البرهان|تنبيه|مهم|ملخص|الخلاصة|تذكر|تمرين|حل|الحل|قاعدة|فكرة"),
    answer_key="مفتاح الإجابات",
    generated="مولَّد آليًا",
    when_hint="متى؟",
    list_prompt="اذكر نقاط: {topic} ({n})",
    section_hint="عدد النقاط: {n}",
    section_hint_one="نقطة واحدة",
    section_hint_ordered="عدد النقاط: {n}، بالترتيب",
    table_prompt="{key} ({key_header}): ما {columns}؟",
    table_reverse="أي {key_header}: {values}؟",
    mcq_prompt="أي {key_header} يطابق: {values}؟",
    passages_hint="من هذه الملاحظات:",
    and_word="و",
    comma="، ",
    stopwords=_words(
        "في من على إلى عن مع هذا هذه ذلك تلك التي الذي الذين هو هي هم نحن أنت أن إن كان كانت"
        " يكون لا ما ماذا لماذا كيف متى أين هل كل بعض قد لم لن ثم أو بين عند حتى إذا لكن أيضا"
        " أيضًا غير بعد قبل فيها فيه منها منه به بها له لها عليه عليها هناك ذلك مثل أي وهو وهي"
    ),
    resource_words=_words("مصادر المصادر مراجع المراجع روابط الروابط قراءات مقترحة إضافية"
                          " للاستزادة"),
    quiz_words=_words("أسئلة الأسئلة اسئلة الاسئلة اختبار الاختبار اختبر تمارين التمارين تمرين"
                      " مراجعة المراجعة تدريبات التدريبات تقويم التقويم"),
    question_labels=("س", "سؤال", "السؤال", "q"),
    answer_labels=("ج", "جواب", "الجواب", "الإجابة", "إجابة", "a"),
)

HE = Language(
    code="he",
    definition_labels=_labels("הגדרה"),
    labels=_labels("הערה|דוגמה|דוגמא|הגדרה|משפט|למה|הוכחה|חשוב|סיכום|זכרו|תרגיל|פתרון|כלל|טיפ|שימו לב"),
    answer_key="תשובות",
    generated="נוצר אוטומטית",
    when_hint="מתי?",
    list_prompt="מנו את {n} הנקודות של: {topic}",
    section_hint="{n} נקודות",
    section_hint_one="נקודה אחת",
    section_hint_ordered="{n} נקודות, לפי הסדר",
    table_prompt="{key} ({key_header}): מה {columns}?",
    table_reverse="איזה {key_header}: {values}?",
    mcq_prompt="איזה {key_header} מתאים: {values}?",
    passages_hint="מתוך הסיכום:",
    and_word="וגם",
    stopwords=_words(
        "של את על עם זה זו זאת הוא היא הם הן אני אתה אנחנו לא כן גם או אם כי מה מי איך למה"
        " מתי איפה יש אין כל כמו אבל רק עוד בין אל הזה הזאת היה היו להיות אשר כדי לפי אחרי"
        " לפני בו בה להם שלו שלה"
    ),
    resource_words=_words("מקורות מקור קישורים קריאה ביבליוגרפיה הפניות לקריאה"),
    quiz_words=_words("שאלות חזרה תרגול תרגילים מבחן בוחן שאלות-חזרה"),
    question_labels=("ש", "שאלה", "q"),
    answer_labels=("ת", "תשובה", "a"),
)

FA = Language(
    code="fa",
    definition_labels=_labels("تعریف"),
    labels=_labels("نکته|مثال|تعریف|قضیه|اثبات|توجه|مهم|خلاصه|تمرین|حل|قاعده|یادآوری"),
    answer_key="پاسخنامه",
    generated="تولید خودکار",
    when_hint="چه زمانی؟",
    list_prompt="نکته‌های {topic} را نام ببرید ({n})",
    section_hint="{n} نکته",
    section_hint_one="یک نکته",
    section_hint_ordered="{n} نکته، به ترتیب",
    table_prompt="{key} ({key_header}): {columns} چیست؟",
    table_reverse="کدام {key_header}: {values}؟",
    mcq_prompt="کدام {key_header} با این می‌خواند: {values}؟",
    passages_hint="از این یادداشت:",
    and_word="و",
    comma="، ",
    stopwords=_words(
        "در به از که این آن را با برای است بود هم یا تا بر های شود کرد کند نیز اما اگر چه چرا"
        " چگونه کجا کدام هر همه یک دو بین پس می نمی هست نیست شده باشد خود ما شما آنها او"
    ),
    resource_words=_words("منابع منبع مراجع پیوندها مطالعه بیشتر"),
    quiz_words=_words("پرسش سؤالات سوالات سؤال سوال آزمون تمرین مرور خودآزمایی"),
    question_labels=("س", "سؤال", "سوال", "پرسش", "q"),
    answer_labels=("ج", "جواب", "پاسخ", "a"),
)

HI = Language(
    code="hi",
    definition_labels=_labels("परिभाषा"),
    labels=_labels("नोट|टिप्पणी|उदाहरण|परिभाषा|प्रमेय|प्रमाण|महत्वपूर्ण|सारांश|याद रखें|अभ्यास|हल|नियम|ध्यान दें"),
    answer_key="उत्तर कुंजी",
    generated="स्वचालित",
    when_hint="कब?",
    list_prompt="{topic} के {n} बिंदु बताइए",
    section_hint="{n} बिंदु",
    section_hint_one="1 बिंदु",
    section_hint_ordered="{n} बिंदु, क्रम से",
    table_prompt="{key} ({key_header}): {columns} क्या है?",
    table_reverse="कौन-सा {key_header}: {values}?",
    mcq_prompt="कौन-सा {key_header} मेल खाता है: {values}?",
    passages_hint="इस नोट से:",
    and_word="और",
    stopwords=_words(
        "का की के है हैं में से को पर और एक यह वह इस उस जो कि भी था थी थे हो होता होती होते"
        " ने लिए तक या नहीं क्या क्यों कैसे कब कहाँ कौन सभी कुछ इसे उसे इन उन जब तो द्वारा"
        " करता करती करते किया गया"
    ),
    resource_words=_words("संसाधन स्रोत संदर्भ लिंक पठन सामग्री"),
    quiz_words=_words("प्रश्न प्रश्नोत्तरी अभ्यास परीक्षा सवाल पुनरावृत्ति प्रश्नावली"),
    question_labels=("प्र", "प्रश्न", "q"),
    answer_labels=("उ", "उत्तर", "a"),
)

LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (EN, ID, DE, ES, FR, PT, IT, NL,
                                                               RU, ZH, JA, KO, AR, HE, FA, HI)}

QUESTION_MARKS = ("?", "？", "؟")
"""What ends a question: the Latin, full-width (Chinese, Japanese) and Arabic marks."""

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_ASCII_WORD = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
"""``_WORD`` for lower-cased ASCII text: the same matches (a property test compares them), a
third faster without the Unicode letter class."""
_LETTERS = re.compile(r"[^\W\d_]+")
_TERM = re.compile(r"[^\W\d_]{3,}")
_ASCII_TERM = re.compile(r"[a-z]{3,}")
"""``_TERM`` for lower-cased ASCII text: the same matches (a property test compares them)."""

_MARK_BLOCKS = ((0x0300, 0x0370), (0x0483, 0x048A), (0x0591, 0x2000), (0x20C0, 0x2100),
                (0x2CC0, 0x2E00), (0x3000, 0x30C0), (0xA000, 0xB000), (0xFB00, 0xFB40),
                (0xFE00, 0xFE40))
"""The blocks that hold the combining marks of living scripts (of the Basic Multilingual
Plane): Latin's, Cyrillic's, Hebrew to Mongolian (the Indic scripts, Thai, Tibetan,
Myanmar, Khmer ...), and a few more."""
_MAY_HOLD_MARKS = re.compile(rb"\xcc|\xcd[\x80-\xaf]|\xd2[\x83-\x89]|\xd6[\x91-\xbf]|[\xd7-\xdf]"
                             rb"|\xe0|\xe1|\xe2\x83|\xe2[\xb3-\xb7]|\xe3[\x80-\x82]|\xea"
                             rb"|\xef\xac|\xef\xb8")
"""The UTF-8 lead bytes of ``_MARK_BLOCKS``: text without them holds no combining mark, told
in C."""


class _WordPatterns(NamedTuple):
    word: re.Pattern[str]
    """Words (``words``)."""
    letters: re.Pattern[str]
    """Runs of letters (Chinese, Japanese and Korean ``terms``)."""
    term: re.Pattern[str]
    """Words of three letters or more (``terms``)."""


_PLAIN = _WordPatterns(_WORD, _LETTERS, _TERM)


@lru_cache(maxsize=1)
def _marked() -> _WordPatterns:
    """``_PLAIN``'s patterns for text that holds combining marks, which Python's ``\\w``
    leaves out: the vowel signs and viramas of Devanagari and the other Indic scripts, Thai's
    vowels and tones, Arabic's and Hebrew's vowel points. Without them, ``प्रकाश`` is the
    "words" ``प``, ``रक``, ``श``. A letter carries the marks after it; a term has three letters
    or more, as with ``_TERM``. Compiled on first use, from the Unicode database (2-6 ms)."""
    ranges: list[list[int]] = []
    for first, stop in _MARK_BLOCKS:
        for cp in range(first, stop):
            if unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me"):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
    marks = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    letter = rf"[^\W\d_][{marks}]*"  # a letter and the marks on it
    return _WordPatterns(re.compile(rf"(?:{letter})+(?:[-'](?:{letter})+)*"),
                         re.compile(rf"(?:{letter})+"), re.compile(rf"(?:{letter}){{3,}}"))


def in_word(char: str) -> bool:
    """Whether ``char`` is part of a word: a letter, or a mark on one (``ि`` in ``हिन्दी``)."""
    return char.isalpha() or unicodedata.category(char).startswith("M")


def _patterns(text: str) -> _WordPatterns:
    """The word patterns for ``text``: ``_marked()`` when it may hold combining marks."""
    if text.isascii() or max(text) < "\u0300" or _MAY_HOLD_MARKS.search(
            text.encode("utf-8", "surrogatepass")) is None:
        return _PLAIN
    return _marked()

_HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_HIRAGANA_PAIR = re.compile("[\u3040-\u309f]{2}")
_MAY_HOLD_CJK = re.compile(rb"[\xe3-\xed]|\xe1[\x84-\x87]|\xef[\xa4-\xab\xbd\xbe]|\xf0[\xa0-\xb1]")
"""The UTF-8 lead bytes of those letters' blocks (U+3000-U+D7FF, hangul jamo, compatibility
ideographs, half-width kana, the supplementary ideographs): text without them holds none,
told in C without compiling ``_Scripts``' patterns."""


class _Scripts:
    """Patterns of Chinese, Japanese and Korean letters, compiled on first use (``_scripts``):
    re compiles a class of tens of thousands of letters one letter at a time, 24 ms (170 M
    instructions) in every process that imports this module, notes in these scripts or not."""

    def __init__(self) -> None:
        self.cjk = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]")
        self.cjk_or_not = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]+|[^{_HAN}{_KANA}{_HANGUL}]+")
        self.han, self.kana, self.hangul = (re.compile(f"[{chars}]")
                                            for chars in (_HAN, _KANA, _HANGUL))


@lru_cache(maxsize=1)
def _scripts() -> _Scripts:
    return _Scripts()


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean letter."""
    return (not text.isascii()
            and _MAY_HOLD_CJK.search(text.encode("utf-8", "surrogatepass")) is not None
            and _scripts().cjk.search(text) is not None)


def _bigrams(found: list[str]) -> list[str]:
    """Words as found, with each run of Chinese, Japanese or Korean letters in them cut into
    overlapping pairs (a run of one letter stays whole)."""
    out: list[str] = []
    scripts = _scripts()
    for word in found:
        if scripts.cjk.search(word) is None:
            out.append(word)
            continue
        for run in scripts.cjk_or_not.findall(word):
            if scripts.cjk.match(run) is None:
                if run := run.strip("-'"):
                    out.append(run)
            elif len(run) == 1:
                out.append(run)
            else:
                out.extend([run[i:i + 2] for i in range(len(run) - 1)])
    return out


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters, inner hyphens and apostrophes); Chinese,
    Japanese and Korean as pairs of letters."""
    low = text.lower()
    if low.isascii():
        return _ASCII_WORD.findall(low)
    found = _patterns(low).word.findall(low)
    return _bigrams(found) if _has_cjk(low) else found


def terms(text: str, stop: frozenset[str]) -> frozenset[str]:
    """Content words, for matching across word forms: words of three letters or more that are
    not in ``stop``, crudely stemmed to their first four letters (parts of hyphenated words
    count alone); Chinese, Japanese and Korean as pairs of letters, without pairs of hiragana
    (the particles and endings of Japanese)."""
    low = text.lower()
    if low.isascii():
        found = _ASCII_TERM.findall(low)
    elif not _has_cjk(low):
        found = _patterns(low).term.findall(low)
    else:
        cjk = _scripts().cjk
        found = [w for w in _bigrams(_patterns(low).letters.findall(low)) if (
            len(w) >= 3 if cjk.match(w) is None else _HIRAGANA_PAIR.fullmatch(w) is None)]
    return frozenset([w[:4] for w in found if w not in stop])


def has_word(text: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``text`` holds a word of ``vocabulary``; in Chinese, Japanese or Korean text,
    or any of the vocabulary's words in those scripts."""
    if any(w in vocabulary for w in words(text)):
        return True
    if not _has_cjk(text):
        return False
    cjk = _scripts().cjk
    return any(len(v) > 2 and cjk.match(v) is not None and v in text for v in vocabulary)


def get(code: str) -> Language:
    """The language for ``code`` (``en-US`` -> ``en``); English when unknown."""
    return LANGUAGES.get(code.lower().split("-")[0].split("_")[0], EN)


CJK = frozenset({"zh", "ja", "ko"})
"""The languages told by their letters, and matched by pairs of letters."""


def _stopword_languages() -> dict[str, list[str]]:
    """The languages each stopword is one of."""
    found: dict[str, list[str]] = {}
    for code, lang in LANGUAGES.items():
        for w in lang.stopwords:
            found.setdefault(w, []).append(code)
    return found


_STOPWORD_LANGUAGES = _stopword_languages()
ALL_STOPWORDS = frozenset(_STOPWORD_LANGUAGES)
"""The stopwords of every language."""


def cjk_letters(text: str) -> int:
    """How many Chinese, Japanese and Korean letters ``text`` holds."""
    return len(_scripts().cjk.findall(text)) if _has_cjk(text) else 0


def detect(text: str) -> str:
    """Guess the language code of ``text``: Chinese, Japanese or Korean by their letters,
    other languages by their stopwords' share; "en" when unsure."""
    if _has_cjk(text):
        cjk = _cjk_language(text)
        if cjk is not None:
            return cjk
    counts = Counter(words(text))
    if not counts:
        return "en"
    scores = dict.fromkeys(LANGUAGES, 0)
    for w in counts.keys() & _STOPWORD_LANGUAGES.keys():  # one look-up a word, not one a language
        for code in _STOPWORD_LANGUAGES[w]:
            scores[code] += counts[w]
    script = None if text.isascii() else _by_script(text)
    if script in ("ar", "fa") and max(scores["ar"], scores["fa"]) >= 2:
        return "ar" if scores["ar"] >= scores["fa"] else "fa"  # one script, two languages
    if script is not None:
        return script
    best = max(scores, key=lambda c: (scores[c], c == "en"))
    return best if scores[best] >= 2 else "en"


_SCRIPT_LETTERS = (("he", "\u0590-\u05ff\ufb1d-\ufb4f"),
                   ("ar", "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"),
                   ("hi", "\u0900-\u097f\ua8e0-\ua8ff"))
"""Scripts that tell a language when they write most of a note's letters, whatever English
words it quotes: Hebrew's, Arabic's (Arabic or Persian by their stopwords, else Persian
when it has the letters Persian adds and none of Urdu's) and Devanagari (Hindi)."""
_PERSIAN_ONLY = re.compile("[پچژگ]")
_URDU_ONLY = re.compile("[ٹڈڑںےۓ]")


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str]]]]:
    """A pattern of any of ``_SCRIPT_LETTERS``, and one for each."""
    return (re.compile(f"[{''.join(letters for _, letters in _SCRIPT_LETTERS)}]"),
            [(code, re.compile(f"[{letters}]")) for code, letters in _SCRIPT_LETTERS])


def _by_script(text: str) -> str | None:
    """The language whose script writes most of the letters of ``text``, if any does."""
    anyone, scripts = _script_patterns()
    if anyone.search(text) is None:  # most text: one pass, in C
        return None
    letters = 0
    for code, pattern in scripts:
        written = len(pattern.findall(text))
        if written and not letters:
            letters = sum(1 for c in text if c.isalpha())
        if written * 2 > letters > 0:
            if code == "ar" and _URDU_ONLY.search(text):
                return None  # Urdu: no prompts of its own, and Arabic's would not serve
            if code == "ar" and _PERSIAN_ONLY.search(text):
                return "fa"
            return code
    return None


def _cjk_language(text: str) -> str | None:
    """"ko", "ja" or "zh" when most of ``text`` is written in their letters (two letters weigh
    as a word of other scripts: a note in English or German that teaches a few Japanese words
    stays so); Japanese mixes kana into its Chinese characters, Korean writes hangul."""
    scripts = _scripts()
    han, kana, hangul = (len(p.findall(text)) for p in (scripts.han, scripts.kana, scripts.hangul))
    rest = scripts.cjk.sub(" ", text)
    others = len(_patterns(rest).word.findall(rest))
    if han + kana + hangul < max(2 * others, 1):
        return None
    if hangul >= han + kana:
        return "ko"
    return "ja" if kana * 20 > han + kana else "zh"


def join_names(names: list[str], lang: Language) -> str:
    """``a, b and c`` in the language's words."""
    if len(names) <= 1:
        return "".join(names)
    return lang.comma.join(names[:-1]) + f"{lang.space}{lang.and_word}{lang.space}" + names[-1]
