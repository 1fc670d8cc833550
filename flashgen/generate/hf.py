"""The Hugging Face transformers backend: seq2seq QG checkpoints and instruction-tuned chat models.

Nothing here touches the network. A model is a local folder, a local ``.gguf`` file, or a Hub
id already in the local Hugging Face cache (``flashgen model pull ID`` puts it there). torch
and transformers are imported only when the first question is actually needed, so a rebuild
whose questions are all cached never loads them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashgen.errors import GenerationError
from flashgen.generate import Request

log = logging.getLogger("flashgen")

EXTRA_HINT = 'install the extra: pip install "flashgen[generate]" (and "flashgen[gguf]" for .gguf)'
MAX_NEW_TOKENS = 48
LANGUAGE_NAMES = {"en": "English", "id": "Indonesian", "de": "German", "es": "Spanish",
                  "fr": "French", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
                  "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ru": "Russian"}

SYSTEM_PROMPT = (
    "You write quiz questions for flashcards. Given a passage and an answer taken from it, "
    "write exactly one question that the passage answers with that answer. The question must "
    "not contain the answer. Reply with the question only."
)


ANSWER_PROMPT = (
    "Answer the question using only the passage. Reply with the shortest phrase from the "
    "passage that answers it, nothing else."
)
"""For the round trip: the model answers each question it wrote, from the passage alone."""
MAX_ANSWER_TOKENS = 24


# One worked example per language, shown to chat models before the real request (one-shot):
# small models follow the form far better with it. (passage, answer, question)
EXAMPLES = {
    "en": ("The mitochondria produce most of the energy a cell uses.", "mitochondria",
           "Which part of the cell produces most of its energy?"),
    "id": ("Mitokondria menghasilkan sebagian besar energi yang dipakai sel.", "Mitokondria",
           "Bagian sel mana yang menghasilkan sebagian besar energi?"),
    "de": ("Die Mitochondrien erzeugen den größten Teil der Energie einer Zelle.",
           "Mitochondrien", "Welcher Teil der Zelle erzeugt den größten Teil ihrer Energie?"),
    "es": ("Las mitocondrias producen la mayor parte de la energía de la célula.",
           "mitocondrias", "¿Qué parte de la célula produce la mayor parte de su energía?"),
    "fr": ("Les mitochondries produisent l'essentiel de l'énergie de la cellule.",
           "mitochondries", "Quelle partie de la cellule produit l'essentiel de son énergie ?"),
    "pt": ("As mitocôndrias produzem a maior parte da energia da célula.", "mitocôndrias",
           "Que parte da célula produz a maior parte da sua energia?"),
    "it": ("I mitocondri producono la maggior parte dell'energia della cellula.", "mitocondri",
           "Quale parte della cellula produce la maggior parte della sua energia?"),
    "nl": ("De mitochondriën produceren het grootste deel van de energie van een cel.",
           "mitochondriën", "Welk deel van de cel produceert de meeste energie?"),
    "ru": ("Митохондрии вырабатывают большую часть энергии клетки.", "Митохондрии",
           "Какая часть клетки вырабатывает большую часть её энергии?"),
    "zh": ("线粒体产生细胞所需的大部分能量。", "线粒体", "细胞的哪个部分产生大部分能量？"),
    "ja": ("ミトコンドリアは細胞が使うエネルギーの大部分を作る。", "ミトコンドリア",
           "細胞のエネルギーの大部分を作るのはどの部分ですか？"),
    "ko": ("미토콘드리아는 세포가 쓰는 에너지의 대부분을 만든다.", "미토콘드리아",
           "세포의 에너지 대부분을 만드는 부분은 무엇인가?"),
    "ar": ("تنتج الميتوكوندريا معظم الطاقة التي تحتاجها الخلية.", "الميتوكوندريا",
           "أي جزء من الخلية ينتج معظم طاقتها؟"),
    "he": ("המיטוכונדריה מייצרת את רוב האנרגיה של התא.", "המיטוכונדריה",
           "איזה חלק של התא מייצר את רוב האנרגיה שלו?"),
    "fa": ("میتوکندری بیشتر انرژی سلول را تولید می‌کند.", "میتوکندری",
           "کدام بخش سلول بیشتر انرژی آن را تولید می‌کند؟"),
    "hi": ("माइटोकॉन्ड्रिया कोशिका की अधिकांश ऊर्जा बनाते हैं।", "माइटोकॉन्ड्रिया",
           "कोशिका का कौन-सा भाग उसकी अधिकांश ऊर्जा बनाता है?"),
}


def example_for(lang: str) -> tuple[str, str, str]:
    """The worked example for a language (English when there is none)."""
    return EXAMPLES.get(lang.split("-")[0], EXAMPLES["en"])


class ModelUnavailableError(GenerationError):
    """The model is not on this machine."""


def hub_cache() -> Path:
    """The local Hugging Face Hub cache folder (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/...)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "huggingface" / "hub"


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A model found on disk."""

    name: str
    """What the user called it (id, folder or file name)."""
    path: Path
    """Folder of a transformers model, or the .gguf file."""
    revision: str
    """Commit hash, or size and mtime of the weights: changes when the weights do."""

    @property
    def is_gguf(self) -> bool:
        return self.path.suffix.lower() == ".gguf"


def _file_revision(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def resolve(spec: str) -> ModelRef:
    """Find ``spec`` on disk without importing transformers; ModelUnavailableError if absent."""
    path = Path(spec).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise ModelUnavailableError(f"{spec}: no such GGUF file")
        return ModelRef(path.name, path.resolve(), _file_revision([path]))
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelUnavailableError(f"{spec}: folder has no config.json; not a model")
        weights = [p for p in path.iterdir() if p.suffix in (".safetensors", ".bin", ".json")]
        return ModelRef(path.resolve().name, path.resolve(), _file_revision(weights))
    if spec.count("/") == 1 and not spec.startswith((".", "/", "~")):
        repo = hub_cache() / f"models--{spec.replace('/', '--')}"
        ref = repo / "refs" / "main"
        if ref.is_file():
            commit = ref.read_text().strip()
            snapshot = repo / "snapshots" / commit
            if (snapshot / "config.json").is_file():
                return ModelRef(spec, snapshot, commit)
        raise ModelUnavailableError(
            f"model {spec} is not downloaded; run `flashgen model pull {spec}` "
            "or pass --model PATH")
    raise ModelUnavailableError(f"{spec}: no such model file or folder")


def _encoder_decoder(ref: ModelRef) -> bool:
    """Whether the model is an encoder-decoder (seq2seq), from its config.json, without
    loading it; transformers reads GGUF files of decoder-only models alone."""
    if ref.is_gguf:
        return False
    import json

    try:
        config = json.loads((ref.path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # loading it fails with a clear message
    if not isinstance(config, dict):
        return False
    return bool(config.get("is_encoder_decoder")) or config.get("model_type") in _SEQ2SEQ


_SEQ2SEQ = frozenset(["t5", "mt5", "umt5", "longt5", "bart", "mbart", "pegasus", "marian",
                      "led", "prophetnet", "bigbird_pegasus", "plbart", "m2m_100"])
"""Encoder-decoder model types, for a config.json that leaves ``is_encoder_decoder`` out."""


def _require() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise GenerationError(f"question generation needs torch and transformers ({e.name} "
                              f"is missing); {EXTRA_HINT}") from None
    return torch, transformers


def converted_dir(ref: ModelRef) -> Path:
    """Where the de-quantised weights of a GGUF file are kept after the first load."""
    from platformdirs import user_cache_dir

    key = hashlib.sha256(f"{ref.path}:{ref.revision}".encode()).hexdigest()[:16]
    return Path(user_cache_dir("flashgen")) / "gguf" / f"{ref.path.stem}-{key}"


class TransformersGenerator:
    """Answer-aware question generation with a local transformers model."""

    def __init__(self, model: str, batch_size: int = 8, max_new_tokens: int = MAX_NEW_TOKENS,
                 **_: object) -> None:
        self.ref = resolve(model)
        self.name = self.ref.name
        self.revision = self.ref.revision
        self.answers = not _encoder_decoder(self.ref)
        self.batch_size = max(1, batch_size)
        self.max_new_tokens = max_new_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        self.seq2seq = False
        self.load_seconds = 0.0

    # -- loading ------------------------------------------------------------------

    def load(self) -> None:
        """Load tokenizer and model (once). GGUF weights are converted once and cached."""
        if self._model is not None:
            return
        import time

        start = time.perf_counter()
        torch, transformers = _require()
        torch.set_num_threads(max(1, os.cpu_count() or 1))
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        source, kwargs, convert = self._source()
        try:
            config = transformers.AutoConfig.from_pretrained(source, **kwargs)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            auto = (transformers.AutoModelForSeq2SeqLM if self.seq2seq
                    else transformers.AutoModelForCausalLM)
            tokenizer = transformers.AutoTokenizer.from_pretrained(source, **kwargs)
            model = auto.from_pretrained(source, dtype=torch.float32, **kwargs)
        except (OSError, ValueError) as e:
            raise GenerationError(f"cannot load model {self.name}: {e}".splitlines()[0]) from None
        model.eval()
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "right" if self.seq2seq else "left"
        if convert:
            self._save_converted(model, tokenizer)
        self._model, self._tokenizer = model, tokenizer
        self.load_seconds = time.perf_counter() - start
        log.debug("loaded %s (%s) in %.1f s", self.name,
                  "seq2seq" if self.seq2seq else "causal", self.load_seconds)

    def _source(self) -> tuple[str, dict[str, Any], bool]:
        """Where to load from, loader arguments, and whether to cache a conversion."""
        kwargs: dict[str, Any] = {"local_files_only": True}
        if not self.ref.is_gguf:
            return str(self.ref.path), kwargs, False
        cached = converted_dir(self.ref)
        if (cached / "config.json").is_file():
            return str(cached), kwargs, False
        try:
            import accelerate  # noqa: F401
            import gguf  # noqa: F401
        except ImportError:
            raise GenerationError(f"loading .gguf files needs the gguf and accelerate "
                                  f"packages; {EXTRA_HINT}") from None
        log.info("converting %s once (later builds load the converted copy)", self.name)
        kwargs["gguf_file"] = self.ref.path.name
        return str(self.ref.path.parent), kwargs, True

    def _save_converted(self, model: Any, tokenizer: Any) -> None:
        target = converted_dir(self.ref)
        tmp = target.with_name(target.name + ".partial")
        # the weights are already de-quantised in memory; drop the GGUF marker so that
        # transformers agrees to save them as ordinary safetensors
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        import shutil

        try:
            shutil.rmtree(tmp, ignore_errors=True)  # left by an interrupted conversion
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            shutil.rmtree(target, ignore_errors=True)
            tmp.replace(target)
        except OSError as e:
            log.warning("could not cache converted weights of %s: %s", self.name, e)

    # -- prompting ----------------------------------------------------------------

    def prompt(self, req: Request) -> str:
        """The model input for one request."""
        if self.seq2seq:
            # lmqg-style answer highlighting: "generate question: ... <hl> answer <hl> ..."
            ctx = req.context
            i = ctx.find(req.answer)
            if i == -1:
                ctx = f"{req.answer}. {ctx}"
                i = 0
            hl = f"{ctx[:i]}<hl> {req.answer} <hl>{ctx[i + len(req.answer):]}"
            return f"generate question: {hl}"
        language = LANGUAGE_NAMES.get(req.lang.split("-")[0], "the passage's language")

        def ask(passage: str, answer: str) -> str:
            return (f"Passage: {passage}\nAnswer: {answer}\n"
                    f"Write one question in {language} whose answer is \"{answer}\". "
                    f"Do not use the words \"{answer}\" in the question.")

        passage, answer, question = example_for(req.lang)
        tok = self._tokenizer
        if getattr(tok, "chat_template", None):
            messages = [{"role": "system", "content": SYSTEM_PROMPT},
                        {"role": "user", "content": ask(passage, answer)},
                        {"role": "assistant", "content": question},
                        {"role": "user", "content": ask(req.context, req.answer)}]
            return str(tok.apply_chat_template(messages, tokenize=False,
                                               add_generation_prompt=True))
        return (f"{SYSTEM_PROMPT}\n\n{ask(passage, answer)}\nQuestion: {question}\n\n"
                f"{ask(req.context, req.answer)}\nQuestion:")

    def answer_prompt(self, req: Request, question: str) -> str:
        """The model input that asks it to answer ``question`` from the request's passage."""
        ask = f"Passage: {req.context}\nQuestion: {question}"
        tok = self._tokenizer
        if getattr(tok, "chat_template", None):
            messages = [{"role": "system", "content": ANSWER_PROMPT},
                        {"role": "user", "content": ask}]
            return str(tok.apply_chat_template(messages, tokenize=False,
                                               add_generation_prompt=True))
        return f"{ANSWER_PROMPT}\n\n{ask}\nAnswer:"

    def example(self, req: Request) -> str:
        """Text of the worked example in this request's prompt (to catch copies of it)."""
        return "" if self.seq2seq else " ".join(example_for(req.lang))

    def encode(self, prompts: Sequence[str]) -> Any:
        """Tokenise a batch (left-padded for causal models)."""
        return self._tokenizer(list(prompts), return_tensors="pt", padding=True,
                               truncation=True, max_length=512,
                               add_special_tokens=self.seq2seq)

    def run(self, batch: Any, max_new_tokens: int | None = None) -> Any:
        """Greedy decoding of one tokenised batch."""
        import torch

        with torch.inference_mode():
            return self._model.generate(
                **batch, do_sample=False, num_beams=1,
                max_new_tokens=max_new_tokens or self.max_new_tokens,
                pad_token_id=self._tokenizer.pad_token_id,
            )

    def decode(self, batch: Any, output: Any) -> list[str]:
        """Generated text only (the prompt is cut off for causal models)."""
        if not self.seq2seq:
            output = output[:, batch["input_ids"].shape[1]:]
        return [str(t) for t in self._tokenizer.batch_decode(output, skip_special_tokens=True)]

    def generate(self, requests: Sequence[Request],
                 progress: Callable[[int], None] | None = None) -> list[str]:
        if not requests:
            return []
        self.load()
        return self._batched([self.prompt(r) for r in requests], self.max_new_tokens, progress)

    def answer(self, asked: Sequence[tuple[Request, str]],
               progress: Callable[[int], None] | None = None) -> list[str]:
        """The model's answers to its questions (a seq2seq question generator, which was
        trained to ask, not to answer, has none: ``answers`` is False)."""
        if not asked or not self.answers:
            return ["" for _ in asked]
        self.load()
        prompts = [self.answer_prompt(req, question) for req, question in asked]
        return self._batched(prompts, MAX_ANSWER_TOKENS, progress)

    def _batched(self, prompts: list[str], max_new_tokens: int,
                 progress: Callable[[int], None] | None) -> list[str]:
        out: list[str] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = self.encode(prompts[start : start + self.batch_size])
            out.extend(self.decode(batch, self.run(batch, max_new_tokens)))
            if progress is not None:
                progress(len(prompts[start : start + self.batch_size]))
        return out


def pull(model_id: str) -> Path:
    """Download a Hub model into the local cache (the only networked call in flashgen)."""
    _require()
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model_id))
    except (OSError, ValueError) as e:  # hub and network errors are OSErrors
        raise GenerationError(f"could not download {model_id}: {e}".splitlines()[0]) from None


def local_models() -> list[tuple[str, str]]:
    """(name, where) of models in the Hub cache and converted GGUF files."""
    found = []
    cache = hub_cache()
    if cache.is_dir():
        for repo in sorted(cache.glob("models--*")):
            name = repo.name.removeprefix("models--").replace("--", "/")
            try:
                ref = resolve(name)
            except GenerationError:
                continue
            found.append((name, str(ref.path)))
    from platformdirs import user_cache_dir

    gguf_dir = Path(user_cache_dir("flashgen")) / "gguf"
    if gguf_dir.is_dir():
        for conv in sorted(gguf_dir.iterdir()):
            if (conv / "config.json").is_file():
                found.append((f"{conv.name} (converted GGUF)", str(conv)))
    return found
