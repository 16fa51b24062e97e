"""Building a torchaudio architecture to fit a checkpoint's own tensor shapes.

The published SQUIM objective and Conv-TasNet checkpoints have the sizes of
torchaudio's `squim_objective_base()` and `conv_tasnet_base()`; a smaller model of
the same architecture (trained or fine-tuned by a user, or made by a test) has the
same keys with other shapes.  These builders read the sizes from the state dict,
so either loads through the same code.  What weights cannot tell is taken from the
base model: SQUIM's attention heads (4) and chunk size (71), Conv-TasNet's mask
activation (ReLU) and layers per stack (8 when the block count allows, else one
stack); the Emformer RNN-T's 64-dimensional attention heads, segment (16 frames),
right context (4), left context (30), GELU and memory settings.  A checkpoint
without the architecture's keys raises KeyError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # listing pretrained models imports this module, and never torch
    from torch import Tensor, nn

SQUIM_HEADS, SQUIM_CHUNK = 4, 71
TASNET_LAYERS_PER_STACK = 8
EMFORMER_HEAD_DIM, EMFORMER_SEGMENT, EMFORMER_RIGHT_CONTEXT, EMFORMER_LEFT_CONTEXT = 64, 16, 4, 30


def _count(state: Mapping[str, Tensor], pattern: str) -> int:
    found = {m.group(1) for key in state if (m := re.fullmatch(pattern, key))}
    if not found:
        raise KeyError(f"no key matches {pattern!r}")
    return len(found)


def squim_objective_for(state: Mapping[str, Tensor]) -> nn.Module:
    """A `squim_objective_model` with the sizes of `state`."""
    from torchaudio.models import squim_objective_model

    encoder = state["encoder.conv1d.weight"]  # (feat_dim, 1, win_len)
    hidden = state["dprnn.row_rnn.0.rnn.weight_hh_l0"].shape[1]
    gates = state["dprnn.row_rnn.0.rnn.weight_ih_l0"].shape[0] // hidden
    d_model = state["branches.0.0.norm1.weight"].shape[0]
    heads = SQUIM_HEADS if d_model % SQUIM_HEADS == 0 else 1
    return squim_objective_model(
        feat_dim=encoder.shape[0], win_len=encoder.shape[2], d_model=d_model, nhead=heads,
        hidden_dim=hidden, num_blocks=_count(state, r"dprnn\.row_rnn\.(\d+)\..*"),
        rnn_type={4: "LSTM", 3: "GRU"}.get(gates, "RNN"), chunk_size=SQUIM_CHUNK)


def conv_tasnet_for(state: Mapping[str, Tensor]) -> nn.Module:
    """A `ConvTasNet` with the sizes of `state` (ReLU masks, as conv_tasnet_base)."""
    from torchaudio.models import ConvTasNet

    encoder = state["encoder.weight"]  # (enc_num_feats, 1, enc_kernel_size)
    blocks = _count(state, r"mask_generator\.conv_layers\.(\d+)\..*")
    block = "mask_generator.conv_layers.0.conv_layers"
    layers = TASNET_LAYERS_PER_STACK if blocks % TASNET_LAYERS_PER_STACK == 0 else blocks
    return ConvTasNet(
        num_sources=state["mask_generator.output_conv.weight"].shape[0] // encoder.shape[0],
        enc_kernel_size=encoder.shape[2], enc_num_feats=encoder.shape[0],
        msk_kernel_size=state[f"{block}.3.weight"].shape[2],
        msk_num_feats=state["mask_generator.input_conv.weight"].shape[0],
        msk_num_hidden_feats=state[f"{block}.0.weight"].shape[0],
        msk_num_layers=layers, msk_num_stacks=blocks // layers, msk_activate="relu")



def emformer_rnnt_for(state: Mapping[str, Tensor]) -> nn.Module:
    """An `emformer_rnnt_model` with the sizes of `state` (the rest as emformer_rnnt_base)."""
    from torchaudio.models import emformer_rnnt_model

    reduce_in = state["transcriber.input_linear.weight"]  # (reduction input, mel bins)
    layer = "transcriber.transformer.emformer_layers.0."
    width = state[layer + "attention.emb_to_query.weight"].shape[0]  # reduced frame width
    embedding = state["predictor.embedding.weight"]  # (symbols, symbol embedding)
    if width % reduce_in.shape[0]:
        raise ValueError(f"the Emformer width {width} is not a multiple of the time "
                         f"reduction input {reduce_in.shape[0]}")
    heads = width // EMFORMER_HEAD_DIM if width % EMFORMER_HEAD_DIM == 0 else 1
    return emformer_rnnt_model(
        input_dim=reduce_in.shape[1],
        encoding_dim=state["transcriber.output_linear.weight"].shape[0],
        num_symbols=embedding.shape[0], segment_length=EMFORMER_SEGMENT,
        right_context_length=EMFORMER_RIGHT_CONTEXT,
        time_reduction_input_dim=reduce_in.shape[0],
        time_reduction_stride=width // reduce_in.shape[0], transformer_num_heads=heads,
        transformer_ffn_dim=state[layer + "pos_ff.1.weight"].shape[0],
        transformer_num_layers=_count(state, r"transcriber\.transformer\.emformer_layers\.(\d+)\..*"),
        transformer_dropout=0.1, transformer_activation="gelu",
        transformer_left_context_length=EMFORMER_LEFT_CONTEXT, transformer_max_memory_size=0,
        transformer_weight_init_scale_strategy="depthwise", transformer_tanh_on_mem=True,
        symbol_embedding_dim=embedding.shape[1],
        num_lstm_layers=_count(state, r"predictor\.lstm_layers\.(\d+)\..*"),
        lstm_layer_norm="predictor.lstm_layers.0.c_norm.weight" in state,
        lstm_layer_norm_epsilon=1e-3, lstm_dropout=0.3)
