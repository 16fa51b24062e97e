"""A small Emformer RNN-T installed where the model manager's download of
EMFORMER_RNNT_BASE_LIBRISPEECH goes (torch's hub cache): a checkpoint with the published
keys at sizes that run in milliseconds, a sentencepiece model trained here on a few
sentences (its pieces are the joint network's outputs before the blank), and the
feature statistics JSON.  Random weights say arbitrary words; `blank_bias` raises the
blank's logit, so a large one makes the model say nothing; `word_bias` raises the
logits of word-initial pieces ("▁the"), so the output splits into words."""

from __future__ import annotations

import io
import json

import numpy as np
import torch
from torchaudio.models import emformer_rnnt_model

from workbench.ml.zoo.pretrained import pretrained_info

NAME = "EMFORMER_RNNT_BASE_LIBRISPEECH"
SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "she sells sea shells by the sea shore",
    "a stitch in time saves nine",
    "the rain in spain stays mainly in the plain",
    "peter piper picked a peck of pickled peppers",
    "how much wood would a woodchuck chuck",
] * 4


def train_word_pieces(vocab_size: int = 40) -> bytes:
    """A real sentencepiece BPE model of about `vocab_size` pieces."""
    import sentencepiece

    out = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES), model_writer=out, vocab_size=vocab_size,
        model_type="bpe", hard_vocab_limit=False, minloglevel=2)
    return out.getvalue()


def tiny_rnnt(num_symbols: int):
    """emformer_rnnt_model at small sizes; what the loader cannot read from the weights
    (segment 16, right context 4, left context 30, GELU, 64-wide heads) as the base."""
    return emformer_rnnt_model(
        input_dim=80, encoding_dim=32, num_symbols=num_symbols, segment_length=16,
        right_context_length=4, time_reduction_input_dim=16, time_reduction_stride=4,
        transformer_num_heads=1, transformer_ffn_dim=32, transformer_num_layers=2,
        transformer_dropout=0.1, transformer_activation="gelu",
        transformer_left_context_length=30, transformer_max_memory_size=0,
        transformer_weight_init_scale_strategy="depthwise", transformer_tanh_on_mem=True,
        symbol_embedding_dim=24, num_lstm_layers=2, lstm_layer_norm=True,
        lstm_layer_norm_epsilon=1e-3, lstm_dropout=0.3)


def install_tiny_emformer(seed: int = 0, blank_bias: float = 0.0, word_bias: float = 0.0):
    """Write the checkpoint and both assets; returns (checkpoint, stats, pieces) paths."""
    import sentencepiece

    info = pretrained_info(NAME)
    stats_path, pieces_path = info.asset_paths
    for path in (info.cache_path, stats_path, pieces_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    pieces_path.write_bytes(train_word_pieces())
    processor = sentencepiece.SentencePieceProcessor(model_file=str(pieces_path))
    pieces = processor.GetPieceSize()
    torch.manual_seed(seed)
    model = tiny_rnnt(pieces + 1)  # the blank is the last output
    state = model.state_dict()
    with torch.no_grad():
        state["joiner.linear.bias"][-1] += blank_bias
        for i in range(pieces):
            if processor.IdToPiece(i).startswith("\u2581"):
                state["joiner.linear.bias"][i] += word_bias
    torch.save(state, info.cache_path)
    # Log-mel of speech-level audio is about 16 after the pipeline's gain.
    stats_path.write_text(json.dumps({"mean": [16.0] * 80, "invstddev": [0.25] * 80}))
    return info.cache_path, stats_path, pieces_path


def noise(seconds: float, rate: int = 16000, channels: int = 1, seed: int = 0) -> np.ndarray:
    """Frames x channels of seeded white noise at speech level."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((round(seconds * rate), channels)) * 0.1).astype(np.float32)
