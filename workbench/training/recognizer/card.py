"""The recognizer's model card and zoo entry: what was trained, how, and how well it does.

`workbench train recognizer` writes the card with the training facts;
`workbench eval recognizer --update-card` rewrites it with the measured metrics and
registers the files again (fresh checksums).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from workbench.ml.recognizer.net import ARCHITECTURE, CHARACTERS
from workbench.ml.zoo import read_card, register_model
from workbench.training.recognizer.language import LM_FILE, LM_SENTENCES, write_language_model
from workbench.training.synth.held_out_voices import held_out_voices_text, voice_pool

MODEL_NAME = "recognizer"


def training_command(settings: dict) -> str:
    """The command that trains a model with these settings (budget, threads, corpora)."""
    budget = (f" --hours {settings['hours']:g}" if settings.get("hours")
              else f" --epochs {settings.get('epochs', '?')}")
    corpora = "".join(f" --corpus {os.path.relpath(c) if os.path.isabs(c) else c}"
                      for c in settings.get("corpora", []))
    return (f"workbench train recognizer{budget} --threads {settings.get('threads', 1)}"
            f"{corpora}")


def weights_file(name: str = MODEL_NAME) -> str:
    return f"{name}/{name}.safetensors"


def card_file(name: str = MODEL_NAME) -> str:
    return f"{name}/{name}.md"


def held_out_text() -> str:
    return ("Synthetic: the voices every model holds out, never heard in training: "
            f"{held_out_voices_text()}; sentences from the evaluation seed stream "
            "(any sentence that also occurs in the training pool is dropped). Corpora: every "
            "utterance whose normalized transcript has CRC-32 divisible by 20 (about 5%; a "
            "prompt read twice is held out both times).")


def data_text(summary: dict) -> str:
    facts = summary.get("data", {})
    corpora = summary.get("settings", {}).get("corpora", [])
    real = ""
    if corpora:
        names = ", ".join(Path(c).name for c in corpora)
        real = (f" Real read speech: {names} ({facts.get('corpus_utterances', '?')} "
                "utterances, shown twice per epoch with different augmentation). The "
                "'kathleen' corpus is one U.S. English speaker reading CMU ARCTIC prompts "
                "(rhasspy/dataset-voice-cathy, CC0 1.0), 16 kHz.")
    return (f"{facts.get('hours', '?')} h, {facts.get('utterances', '?')} utterances. "
            f"Synthetic ({facts.get('synthetic_utterances', '?')} utterances): espeak-ng and "
            f"flite, {len(voice_pool('train'))} training voice/variant combinations, "
            "rate 115-235 wpm, pitch 20-80, word gaps 0-80 ms; texts: grammar sentences "
            "(50%), two sentences (15%), random strings of 2-10 vocabulary words (23%), 1-3 "
            f"isolated words (12%).{real} Augmentation on the fly: speed 0.85-1.15 (60%), "
            "room reverb RT60 0.1-1.0 s (30%), noise of eight kinds at 0-30 dB SNR (50%), "
            "telephone band 300-3400 Hz (10%), clipping (5%), level -35 to -1 dBFS peak, "
            "random EQ curve on the log-mel, SpecAugment.")


_BODY = """# Speech recognizer (CTC, latency-controlled bidirectional GRU)

log-mel (80 bands, 10 ms hop; fixed normalization stored in the weights) -> two stride-2
convolutions (one output frame per 40 ms) -> {layers} latency-controlled bidirectional GRU
layers of {hidden} units per direction -> characters (blank, space, apostrophe, a-z).
{parameters} parameters.

**One network for files and live use.** Time is cut into chunks of {chunk_s:.2f} s; every
layer reads the chunk plus {right_s:.2f} s of look-ahead; the forward GRU carries its state
across chunks and the backward GRU restarts at the end of each window. A whole file is run as
these windows in one batch, a live stream one window at a time, and the two give the same
posteriors (to float rounding). No output depends on audio more than {lookahead_s:.2f} s
beyond its chunk, so a word is decodable at most {latency_s:.2f} s after it ends.

## Data

{data}

## Training

`{command}`: AdamW (peak learning rate {lr}, weight decay {wd}), warm-up then cosine decay
over the time budget, gradient clipping at {clip}, batches of up to {batch_s:.0f} s of
similar-length utterances; seeded and resumable from checkpoints in `runs/recognizer`.
{training_time} on {hardware}, a machine shared with other jobs; {steps} steps
({epochs} epochs).{starts} The synthetic pool was filled beforehand by two processes in about 23
minutes (`python -m workbench.training.recognizer.pool data/recognizer/pool --shards 72
--worker W --workers 2`; `train` fills whatever is missing itself). One torch thread:
with two, on this 2-core machine shared with another training job, OpenMP's per-step
barriers made the GRU about 18 times slower.

Validation during training (greedy, clean; 60 held-out-voice synthetic utterances and 40
held-out corpus utterances): {validation}

## Held out for evaluation

{held_out}

## Decoding

Greedy (best path), or a CTC prefix beam search (beam 12) that scores whole words with a
word bigram LM (`lm.arpa` beside this card: {lm_sentences} sentences of the project's
grammar generator over `resources/text`, every vocabulary word in the lexicon). A word
the LM does not list still comes out, spelled from the characters, at a cost that grows
with its length. The LM weight (0.5) and word bonus (1.0) were checked on a dev shard of
training voices, never on the held-out set.
Word times and confidences come from CTC forced alignment of the decoded text.

## Evaluation (`workbench eval recognizer`)

{evaluation}

## Status against the issue's targets

{status}

## Where it fails, and what to use instead

{limits}
"""

_LIMITS = (
    "The only real voice it has heard is one U.S. English woman reading; figures on her "
    "held-out utterances are 'seen speaker' figures, not real-speech accuracy in general. "
    "Expect clearly worse results on other people, accents, spontaneous speech, distant "
    "microphones and loud noise, and on words outside everyday English spelling (names). For "
    "better accuracy on real speech use torchaudio's pretrained WAV2VEC2_ASR_BASE_960H or "
    "EMFORMER_RNNT_BASE_LIBRISPEECH (model manager; once downloaded, the transcript panel, "
    "exports, `workbench transcribe --model` and `workbench batch transcribe --model` run "
    "them), or adapt this one to your voice: "
    "`workbench train recognizer --from recognizer --corpus DIR`.")


def write_card(zoo: Path, name: str, summary: dict, metrics: dict, evaluation: str) -> Path:
    """Write the card (JSON front matter + markdown) into ``zoo``; returns its path."""
    settings = summary.get("settings", {})
    config = settings.get("config", {})
    history = summary.get("history", [])
    minutes = (summary.get("synthesis_s", 0) + summary.get("training_s", 0)) / 60
    training_time = (f"{minutes:.0f} min ({summary.get('synthesis_s', 0) / 60:.0f} min data "
                     f"loading/synthesis, {summary.get('training_s', 0) / 60:.0f} min training)")
    hardware = summary.get("hardware", "x86_64 CPU, 2 torch threads")
    spf = 0.04
    chunk_s, right_s = config.get("chunk", 12) * spf, config.get("right", 8) * spf
    lookahead_s = right_s + 0.03
    front = {
        "task": "speech-recognition", "architecture": ARCHITECTURE, "sample_rate": 16000,
        "alphabet": CHARACTERS, "config": config, "training_data": data_text(summary),
        "training_command": training_command(settings), "hardware": hardware,
        "training_time": training_time, "metrics": metrics, "held_out": held_out_text(),
        "streaming": {"chunk_s": chunk_s, "lookahead_s": round(lookahead_s, 3)},
        "lm": LM_FILE,
        "training": {k: v for k, v in summary.items() if k not in ("hardware",)},
    }
    body = _BODY.format(
        layers=config.get("layers"), hidden=config.get("hidden"),
        parameters=summary.get("parameters", "?"), chunk_s=chunk_s, right_s=right_s,
        lookahead_s=lookahead_s, latency_s=chunk_s + lookahead_s, data=data_text(summary),
        command=training_command(settings), lr=settings.get("learning_rate"),
        wd=settings.get("weight_decay"), clip=settings.get("clip_norm"),
        batch_s=settings.get("max_batch_s", 0), training_time=training_time,
        hardware=hardware, steps=summary.get("steps", "?"),
        epochs=summary.get("epochs_done", "?"), starts=starts_text(summary.get("starts", [])),
        validation=_validation_text(history), held_out=held_out_text(),
        evaluation=evaluation, limits=_LIMITS, lm_sentences=LM_SENTENCES,
        status=status_text(metrics, training_time))
    path = zoo / card_file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + json.dumps(front, indent=2) + "\n---\n\n" + body, encoding="utf-8")
    return path


def starts_text(starts: list[dict]) -> str:
    """How a resumed run was made: the budget of each start.  The learning rate follows
    the budget in force, so a run resumed with another budget is not the same as one run
    with the last budget (the training command above) from the start."""
    if len(starts) < 2:
        return ""

    def budget(start: dict) -> str:
        return f"--hours {start['hours']:g}" if start.get("hours") else \
            f"--epochs {start.get('epochs')}"
    first, *resumes = starts
    later = "; ".join(f"at {r['minutes']:g} min (step {r['step']}) with {budget(r)}"
                      for r in resumes)
    return (f" Started with {budget(first)} and resumed from its checkpoint {len(resumes)} "
            f"time(s): {later}. The learning rate follows the budget in force, so a fresh run "
            f"of the command above gives a similar model, not this one.")


def status_text(metrics: dict, training_time: str) -> str:
    """Each target of the issue with the measured number and whether it is met."""
    if not metrics:
        return "Not evaluated yet."
    checks = [("clean WER (beam+LM)", metrics.get("synthetic_clean_wer"), 0.10),
              ("clean CER (beam+LM)", metrics.get("synthetic_clean_cer"), 0.05),
              ("WER at 10 dB SNR", metrics.get("synthetic_10db_wer"), 0.20),
              ("real-time factor", metrics.get("realtime_factor"), 0.05),
              ("word out after it ends (s)", metrics.get("worst_word_latency_s"), 1.0)]
    rows = [f"- {name}: {value:.3f} (target <= {target}): "
            f"{'met' if value <= target else 'NOT met'}"
            for name, value, target in checks if value is not None]
    ours, peer = metrics.get("synthetic_clean_wer_on_pocketsphinx_clips"), metrics.get(
        "synthetic_clean_pocketsphinx_wer")
    if ours is not None and peer is not None:
        rows.append(f"- WER at most half of pocketsphinx's (held-out synthetic, clean, the "
                    f"same clips): "
                    f"{ours:.3f} vs {peer:.3f}: {'met' if ours <= peer / 2 else 'NOT met'}")
    seen, seen_peer = metrics.get("seen_speaker_wer_on_pocketsphinx_clips"), metrics.get(
        "seen_speaker_pocketsphinx_wer")
    if seen is not None and seen_peer is not None:
        rows.append(f"- seen speaker (real read speech, same clips), against pocketsphinx: "
                    f"{seen:.3f} vs "
                    f"{seen_peer:.3f}: {'met' if seen <= seen_peer / 2 else 'NOT met'}")
    return (f"This model is undertrained: {training_time} on CPU was not enough for "
            "this network to learn spelling well. It is shipped so the whole path (task, "
            "streaming, beam search, alignment, CLI) runs on real weights; the numbers below "
            "are what it does.\n\n" + "\n".join(rows) + "\n\npocketsphinx's timings were "
            "taken while other training jobs shared the machine; treat its real-time factor "
            "as rough.")


def _validation_text(history: list[dict]) -> str:
    if not history:
        return "none recorded."
    rows = [f"{h['minutes']} min: CER {h.get('val_cer', float('nan')):.3f}, WER "
            f"{h.get('val_wer', float('nan')):.3f}" for h in history]
    return "; ".join(rows) + "."


def install(zoo: Path, name: str, summary: dict) -> None:
    """Write the card of freshly trained weights and the word LM; register the model."""
    write_card(zoo, name, summary, {},
               "Not evaluated yet: run `workbench eval recognizer --update-card`.")
    register(zoo, name)


def register(zoo: Path, name: str = MODEL_NAME) -> None:
    """Add or refresh the model (weights, card, word LM) in ``zoo``'s manifest; the LM is
    built first if it is missing."""
    folder = (zoo / card_file(name)).parent
    if not (folder / LM_FILE).exists():
        write_language_model(folder)
    register_model(zoo, name, weights_file(name), card_file(name),
                   other_files=(f"{name}/{LM_FILE}",))


def read_summary(zoo: Path, name: str = MODEL_NAME) -> dict:
    """The training summary stored on the card (for rewriting it after evaluation)."""
    card = read_card(zoo / card_file(name))
    summary = dict(card.extra.get("training", {}))
    summary["hardware"] = card.hardware
    return summary
