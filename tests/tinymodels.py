"""Tiny transformers models built and trained by the tests themselves (no network).

Each is trained for a few seconds to answer every prompt with one fixed question, which is
enough to exercise loading, prompting, batching, decoding, filtering and caching for real;
the chat model is also trained to answer that question (the round trip that checks it) with
ANSWER.
"""

from __future__ import annotations

from pathlib import Path

QUESTION = "Which part of the plant takes up water?"
ANSWER = "roots"
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


def _answer_prompt(tok) -> str:
    """The chat model's prompt for answering QUESTION about the passage it was asked from."""
    from flashgen.generate.hf import ANSWER_PROMPT

    return tok.apply_chat_template(
        [{"role": "system", "content": ANSWER_PROMPT},
         {"role": "user", "content": f"Passage: Water, taken up by the roots\nQuestion: {QUESTION}"}],
        tokenize=False, add_generation_prompt=True)


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
    _train(model, tok, [(p, QUESTION) for p in prompts] + [(_answer_prompt(tok), ANSWER)],
           seq2seq=False)
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(folder)
    return folder


_GGUF_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}


def build_gguf(causal: Path, target: Path) -> Path:
    """Write the tiny Qwen2 model at ``causal`` as a GGUF file (F32 tensors, GPT-2 BPE)."""
    import json

    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(causal)
    tok = AutoTokenizer.from_pretrained(causal)
    c = model.config
    w = gguf.GGUFWriter(str(target), "qwen2")
    w.add_name("tiny-qwen2")
    w.add_block_count(c.num_hidden_layers)
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_freq_base(float(getattr(c, "rope_theta", 10000.0) or 10000.0))
    spec = json.loads((causal / "tokenizer.json").read_text())
    tokens = [""] * (max(spec["model"]["vocab"].values()) + 1)
    for text, i in spec["model"]["vocab"].items():
        tokens[i] = text
    special = {a["id"] for a in spec["added_tokens"]}
    for a in spec["added_tokens"]:
        tokens[a["id"]] = a["content"]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types([3 if i in special else 1 for i in range(len(tokens))])
    w.add_token_merges([" ".join(m) if isinstance(m, list) else m
                        for m in spec["model"]["merges"]])
    w.add_eos_token_id(tok.eos_token_id)
    w.add_bos_token_id(tok.eos_token_id)
    w.add_pad_token_id(tok.pad_token_id)
    w.add_chat_template(tok.chat_template)
    names = {"model.embed_tokens.weight": "token_embd.weight",
             "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"}
    for i in range(c.num_hidden_layers):
        names.update({f"model.layers.{i}.{k}": f"blk.{i}.{v}" for k, v in _GGUF_NAMES.items()})
    for name, tensor in model.state_dict().items():
        w.add_tensor(names[name], tensor.detach().float().numpy())
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return target
