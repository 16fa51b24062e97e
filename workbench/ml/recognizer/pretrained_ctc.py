"""torchaudio's wav2vec 2.0 character CTC recognizer through the transcribe task.

`load_wav2vec2_asr(name, device)` reads the model manager's cached checkpoint (torch's
hub cache, where torchaudio's own bundle puts it) with the safe loader and builds
`wav2vec2_model` at the checkpoint's own sizes, so the published base model and a
smaller one (fine-tuned by a user, or made by a test) load the same way.  What the
weights cannot tell is the base model's: strides (kernel 10 strides 5, others 2),
64-dimensional attention heads, post-norm layers.

`transcribe_wav2vec2` runs it over the audio in blocks of `block_s` (default 30 s; the
network sees no audio across a block seam), yields the greedy words after each block,
and decodes the whole posteriorgram as the transcribe task does (beam search without
an LM: the project's word LM belongs to its own model; forced alignment for times
and confidences).  Its labels map onto the workbench's characters ('|' is the space).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.results import Transcript
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.errors import ModelLoadError, PretrainedNotDownloadedError
from workbench.ml.recognizer.decode import greedy_ctc_words
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, PretrainedTask
from workbench.ml.zoo import ModelCard
from workbench.ml.zoo.pretrained import pretrained_info
from workbench.ml.zoo.safe_load import apply_state_dict, load_state_dict_file

RATE = 16000
# torchaudio's WAV2VEC2_ASR_* labels after the blank "-", as workbench characters.
CHARACTERS = " etaonihsrdlumwcfgypbvk'xjqz"
SECONDS_PER_FRAME = 320 / RATE  # the feature extractor's total stride
DEFAULT_BLOCK_S = 30.0
STRIDES = {10: 5}  # feature convolutions: kernel 10 strides 5, the others 2
HEAD_DIM = 64
_POS = "encoder.transformer.pos_conv_embed.conv."


def wav2vec2_for(state: dict[str, torch.Tensor]) -> nn.Module:
    """A `wav2vec2_model` with the sizes of `state` (see the module doc)."""
    import re

    from torchaudio.models import wav2vec2_model

    def count(pattern: str) -> int:
        found = {m.group(1) for key in state if (m := re.fullmatch(pattern, key))}
        if not found:
            raise KeyError(f"no key matches {pattern!r}")
        return len(found)

    config = []
    for i in range(count(r"feature_extractor\.conv_layers\.(\d+)\.conv\.weight")):
        weight = state[f"feature_extractor.conv_layers.{i}.conv.weight"]  # (out, in, kernel)
        config.append((weight.shape[0], weight.shape[2], STRIDES.get(weight.shape[2], 2)))
    embed = state["encoder.feature_projection.projection.weight"].shape[0]
    pos = state.get(_POS + "parametrizations.weight.original1")
    pos = state[_POS + "weight_v"] if pos is None else pos  # (embed, embed / groups, kernel)
    heads = embed // HEAD_DIM if embed % HEAD_DIM == 0 and embed >= HEAD_DIM else 1
    return wav2vec2_model(
        extractor_mode="layer_norm" if "feature_extractor.conv_layers.1.layer_norm.weight"
        in state else "group_norm",
        extractor_conv_layer_config=config,
        extractor_conv_bias="feature_extractor.conv_layers.0.conv.bias" in state,
        encoder_embed_dim=embed, encoder_projection_dropout=0.1,
        encoder_pos_conv_kernel=pos.shape[2], encoder_pos_conv_groups=embed // pos.shape[1],
        encoder_num_layers=count(r"encoder\.transformer\.layers\.(\d+)\..*"),
        encoder_num_heads=heads, encoder_attention_dropout=0.1,
        encoder_ff_interm_features=state[
            "encoder.transformer.layers.0.feed_forward.intermediate_dense.weight"].shape[0],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.1, encoder_layer_norm_first=False,
        encoder_layer_drop=0.05, aux_num_out=state["aux.weight"].shape[0])


def load_wav2vec2_asr(name: str, device: torch.device | str = "cpu") -> nn.Module:
    """The cached checkpoint of pretrained model `name`, in eval mode on `device`."""
    info = pretrained_info(name)
    path = info.cache_path
    if not path.is_file():
        raise PretrainedNotDownloadedError(path, f"{name} is not downloaded yet; download it "
                                                 f"in the model manager ({info.url})")
    state = load_state_dict_file(path)
    for key in ("aux.weight", "aux.bias"):  # fairseq's head: 3 unused symbols after blank
        if key in state and state[key].shape[0] == len(CHARACTERS) + 4:
            state[key] = torch.cat([state[key][:1], state[key][4:]])
    if state.get("aux.weight") is None or state["aux.weight"].shape[0] != len(CHARACTERS) + 1:
        raise ModelLoadError(path, f"not a {name} checkpoint: it needs a character CTC head "
                                   f"of {len(CHARACTERS) + 1} outputs (aux.weight)")
    try:
        module = wav2vec2_for(state)
    except (KeyError, IndexError, ValueError, ZeroDivisionError, AssertionError) as exc:
        raise ModelLoadError(path, f"not a {name} checkpoint: {exc}") from exc
    return apply_state_dict(module, state, path).eval().to(device)


def transcribe_wav2vec2(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
                        model_provider: ModelProvider) -> TaskGenerator:
    """Task: the words in `audio` (see the module doc); params: `block_s`."""
    total = frames_of(audio)
    total_s = total / sample_rate
    block = max(1, round(params.get("block_s", DEFAULT_BLOCK_S) * sample_rate))
    rows: list[np.ndarray] = []
    for start in range(0, total, block):
        cancel.check()
        stop = min(total, start + block)
        signal = mono_at(read_frames(audio, start, stop), sample_rate, RATE)
        rows.append((yield from model_provider.infer(
            lambda model, device, x=signal: _log_probs(model, device, x))))
        words = greedy_ctc_words(np.concatenate(rows), CHARACTERS, SECONDS_PER_FRAME)
        yield Partial(Transcript.from_words(words, model_provider.name,
                                            str(model_provider.device), 0.0, (0.0, total_s)))
        yield Progress(stop / total, f"Transcribing: {stop / sample_rate:.0f} of "
                                     f"{total_s:.0f} s")
    from workbench.ml.recognizer.task import decode_words  # task.py lists this module

    posteriorgram = np.concatenate(rows) if rows else np.zeros((0, len(CHARACTERS) + 1))
    words = [w for w in decode_words(posteriorgram, CHARACTERS, SECONDS_PER_FRAME, None)
             if w.start < total_s]
    return Transcript.from_words(words, model_provider.name, str(model_provider.device), 0.0,
                                 (0.0, total_s))


def _log_probs(model: nn.Module, device: torch.device, signal: np.ndarray) -> np.ndarray:
    """(frames, 29) log posteriors of one block; a block too short for one frame gives none."""
    if len(signal) < 400:  # the receptive field of one output frame
        return np.zeros((0, len(CHARACTERS) + 1), np.float32)
    emissions, _ = model(torch.from_numpy(np.ascontiguousarray(signal))[None].to(device))
    return torch.log_softmax(emissions[0], dim=-1).float().cpu().numpy()


def pretrained_task(name: str) -> PretrainedTask:
    """How the transcribe task runs pretrained recognizer `name`."""
    card = ModelCard("speech-recognition", f"torchaudio {name}", RATE,
                     "LibriSpeech 960 h (torchaudio pipeline)", "none (downloaded)", "", "", {},
                     alphabet=CHARACTERS)
    return PretrainedTask(load_wav2vec2_asr, transcribe_wav2vec2, card)
