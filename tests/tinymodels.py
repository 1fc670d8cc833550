"""Tiny transformers models built and trained by the tests themselves (no network).

Each is trained for a few seconds to answer every prompt with one fixed question, which is
enough to exercise loading, prompting, batching, decoding, filtering and caching for real.
"""

from __future__ import annotations

from pathlib import Path

QUESTION = "Which idea does this passage describe?"
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
CORPUS = [
    "generate question: <hl> answer <hl> context passage text",
    "Passage: Answer: Write one question in English whose answer is",
    "You write quiz questions for flashcards. Reply with the question only.",
    QUESTION,
    "Pre-trained models learned from ImageNet and Common Crawl; fine-tune for your task.",
    "Kamu tidak perlu melatih model dari awal. Tinggal gunakan model yang sudah dilatih.",
]


def _tokenizer(folder: Path, chat: bool):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    special = ["<pad>", "</s>", "<unk>", "<hl>", "<|system|>", "<|user|>", "<|assistant|>"]
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=special,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS * 4, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>",
                                   unk_token="<unk>")
    if chat:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return fast


def _train(model, tok, pairs, seq2seq: bool, steps: int = 60) -> None:
    import torch

    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        for prompt, target in pairs:
            if seq2seq:
                enc = tok([prompt], return_tensors="pt")
                labels = tok([target + "</s>"], return_tensors="pt").input_ids
                loss = model(**enc, labels=labels).loss
            else:
                p = tok([prompt], return_tensors="pt", add_special_tokens=False).input_ids
                t = tok([target + "</s>"], return_tensors="pt",
                        add_special_tokens=False).input_ids
                ids = torch.cat([p, t], dim=1)
                labels = ids.clone()
                labels[:, : p.shape[1]] = -100
                loss = model(input_ids=ids, labels=labels).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()


def _prompts(tok, chat: bool) -> list[str]:
    from flashgen.generate.hf import SYSTEM_PROMPT

    contexts = [("Light", "Light from the sun"), ("roots", "Water, taken up by the roots"),
                ("Stroma", "Stage: Calvin cycle. Location: Stroma. Product: Glucose.")]
    if not chat:
        return [f"generate question: <hl> {a} <hl> {c}" for a, c in contexts]
    return [tok.apply_chat_template(
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": f"Passage: {c}\nAnswer: {a}\nWrite one question."}],
        tokenize=False, add_generation_prompt=True) for a, c in contexts]


def build_seq2seq(folder: Path) -> Path:
    """A T5 question generator in ``folder``."""
    from transformers import T5Config, T5ForConditionalGeneration

    tok = _tokenizer(folder, chat=False)
    prompts = _prompts(tok, chat=False)
    config = T5Config(vocab_size=len(tok), d_model=32, d_kv=8, d_ff=64, num_layers=1,
                      num_decoder_layers=1, num_heads=4, pad_token_id=tok.pad_token_id,
                      eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.pad_token_id)
    model = T5ForConditionalGeneration(config)
    _train(model, tok, [(p, QUESTION) for p in prompts], seq2seq=True)
    model.save_pretrained(folder)
    return folder


def build_causal(folder: Path) -> Path:
    """A Qwen2-architecture chat model in ``folder``."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tok = _tokenizer(folder, chat=True)
    prompts = _prompts(tok, chat=True)
    config = Qwen2Config(vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=1, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=512, pad_token_id=tok.pad_token_id,
                         eos_token_id=tok.eos_token_id, bos_token_id=tok.eos_token_id)
    model = Qwen2ForCausalLM(config)
    _train(model, tok, [(p, QUESTION) for p in prompts], seq2seq=False)
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(folder)
    return folder
