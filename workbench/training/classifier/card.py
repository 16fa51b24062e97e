"""The classifier's model card and zoo entry: what was trained, how, and how well it does.

`workbench train classifier` writes the card with the training facts;
`workbench eval classifier --update-card` adds the measured metrics and
registers the files again (fresh checksums).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

from workbench.ml.classifier.net import ARCHITECTURE, ClassifierConfig, card_config
from workbench.ml.zoo import read_card, register_model
from workbench.training.classifier import families, recipe, recipe_families
from workbench.training.synth.held_out_voices import held_out_voices_text

MODEL_NAME = "classifier"
FOLDER = "classifier"
WEIGHTS_FILE = f"{FOLDER}/classifier.safetensors"
CARD_FILE = f"{FOLDER}/classifier.md"
TRAINING_COMMAND = "workbench train classifier"

_DATA_FIRST = (
    "Synthetic only (workbench.training.synth), 16 kHz mono. Per class {clips} clips of 6 s "
    "(validation: 30 per class on another seed stream). speech: espeak-ng and flite, "
    f"{len(recipe.voice_pool('train'))} voice/variant combinations, one or two talkers, "
    "random rate/pitch/word gaps; 45% over noise (any kind incl. babble) at 0-20 dB SNR, "
    "20% over music at 5-20 dB SNR. music: synthetic pieces, 20% over faint noise. "
    "noise: white/pink/brown/babble/hum/fan/keyboard/rain, a quarter two kinds mixed. "
    "tone: steady tones, beeps, DTMF, sweeps, sirens, 25% over faint noise. silence: digital "
    "zero, dither, or room tone at -90 to -62 dBFS RMS. All but silence: random reverb "
    "(RT60 0.15-0.9 s) and EQ, each half the time; window levels -48 to -10 dBFS RMS; 30% "
    "of training windows join two classes (label: the class at the window centre); "
    "SpecAugment masks."
)
_DATA_FAMILIES = (
    "Synthetic only (workbench.training.synth, recipe \"families\"), 16 kHz mono. Per class "
    "{clips} clips of 6 s (validation: {val_clips} per class on another seed stream). speech: "
    f"espeak-ng and flite, {len(recipe.voice_pool('train'))} voice/variant combinations, one "
    "or two talkers; 40% over a noise texture and 35% over music, two thirds of those at "
    "0-10 dB SNR, the rest at 0-15 dB; 25% clean. music: synth.orchestra pieces played by the "
    "training instrument families ({music}) - solo lines, duets, ensembles, bands and bare "
    "percussion, chords (block, strummed, arpeggiated) and melodies in 8 modes at 50-190 bpm "
    "in 3/4 or 4/4, random part levels, part effects (distortion, chorus, EQ, echo) and "
    "master effects (reverb, EQ, distortion); 15% the first recipe's pieces; 25% over a faint "
    "texture (15-35 dB SNR). noise: textures ({noise}), 30% two mixed. tone: steady tones, "
    "beeps, DTMF, sweeps, sirens, 25% over a faint texture. silence: digital zero, dither, or "
    "room tone ({room}) at -90 to -56 dBFS RMS. All but silence: random reverb (RT60 "
    "0.15-0.9 s) and EQ, each half the time; window levels -48 to -10 dBFS RMS; 30% of "
    "training windows join two classes (label: the class at the window centre); SpecAugment "
    "masks."
)
_RULE_FIRST = """- Speech over a background (any noise including babble at 0 dB SNR or better, or music at
  5 dB SNR or better) is **speech**.
- Silence is room tone at -62 dBFS RMS or quieter; sounds are -48 dBFS or louder. Levels in
  between were never trained on."""
_RULE_FAMILIES = """- Speech over a background - music of any kind, or any noise including crowd babble - at
  0 dB SNR or better (speech at least as loud as the background) is **speech**.
- Silence is room tone (mains hum and its harmonics, hiss, ventilation) at -56 dBFS RMS or
  quieter, or digital zero; sounds are -48 dBFS or louder. Levels in between were never
  trained on."""


def training_command(settings: dict) -> str:
    """The command that trains a model with ``settings`` (its non-default options spelled out)."""
    if not settings:
        return TRAINING_COMMAND
    options = [("--recipe", settings.get("recipe", "first")),
               ("--clips-per-class", settings.get("train_clips_per_class")),
               ("--epochs", settings.get("epochs")),
               ("--steps-per-epoch", settings.get("steps_per_epoch")),
               ("--threads", settings.get("threads")), ("--seed", settings.get("seed")),
               ("--channels", ",".join(map(str, settings.get("channels", (16, 32, 48, 64, 64))))),
               ("--embedding", settings.get("embedding", 96)),
               # Runs from before the context layer existed had none.
               ("--context-radius", settings.get("context_radius", 0))]
    for key in ("eq_augment_db", "speed_perturb", "remix_speech",
                "joint_steps"):  # spelled out when used
        if settings.get(key):
            options.append(("--" + key.replace("_", "-"), settings[key]))
    # Spelled out when not the network's own; runs from before the option had that.
    window = settings.get("window_frames", ClassifierConfig.window_frames)
    if window != ClassifierConfig.window_frames:
        options.append(("--window-frames", window))
    flags = "".join(f" --{key.replace('_', '-')}" for key in ("level_input", "family_validation")
                    if settings.get(key))
    return TRAINING_COMMAND + "".join(f" {flag} {value}" for flag, value in options
                                      if value is not None) + flags


def _recipe(settings: dict) -> str:
    # Cards written before the second recipe have no "recipe" setting.
    return settings.get("recipe", "first")


def data_text(settings: dict) -> str:
    """What the model was trained on, for the recipe named in the training ``settings``."""
    clips = settings.get("train_clips_per_class", 300)
    if _recipe(settings) == "first":
        return _DATA_FIRST.format(clips=clips)
    text = _DATA_FAMILIES.format(clips=clips, val_clips=settings.get("val_clips_per_class", 30),
                                 music=", ".join(families.MUSIC_TRAINING),
                                 noise=", ".join(families.NOISE_TRAINING),
                                 room=", ".join(families.ROOM_TONE_TRAINING))
    if _recipe(settings) == recipe_families.RANDOMIZED_NAME:
        shares = recipe_families.RANDOMIZED_MUSIC_SHARE
        text += (" Domain randomization (recipe \"randomized\", training and validation only): "
                 "a randomized pitched instrument (3-40 partials at random tilt, odd/even "
                 "balance and jitter, slight inharmonicity, struck or sustained envelopes, "
                 "vibrato, tremolo, breath, random formant filter) features in "
                 f"{shares['random_pitched']:.0%} of the pieces and a randomized kit (membrane, "
                 f"noise and metal strokes at random tunings) in {shares['random_kit']:.0%}, "
                 "both also in the instrument pool; a randomized noise texture (random "
                 "spectral slope, bumps and dips, moving spectrum, slow swell, clicks) leads "
                 f"{recipe_families.RANDOMIZED_NOISE_SHARE:.0%} of the noises, backgrounds "
                 "included.")
    if _recipe(settings) in (recipe_families.WIDE_NAME, recipe_families.WIDE_MUSIC_NAME):
        textures = "" if _recipe(settings) == recipe_families.WIDE_MUSIC_NAME else \
            f"noise textures {', '.join(families.NOISE_ADDED)}; "
        text += (f" Added sources (recipe \"{_recipe(settings)}\", training and validation "
                 f"only): instrument families {', '.join(families.MUSIC_ADDED)}; {textures}"
                 f"room tones {', '.join(families.ROOM_TONE_ADDED)}. They join the pools above "
                 "and are drawn like the others.")
    if _recipe(settings) == recipe_families.TEST_TIMBRE_NAME:
        text += (" Music in a test signal's timbre (recipe \"test-timbre\", training and "
                 "validation only): a sine synth (a sine, or a sine and one upper partial, "
                 "switched on and off or decaying slowly, no vibrato) features in "
                 f"{recipe_families.TEST_TIMBRE_SHARE:.0%} of the pieces and joins the "
                 "instrument pool, so that music is told from beeps and DTMF by its pitches "
                 "and rhythm.")
    if settings.get("eq_augment_db"):
        text += (f" Training windows other than silence: half get a random spectral tilt and "
                 f"bump of up to +-{settings['eq_augment_db']:.0f} dB on the log-mel bands.")
    if settings.get("speed_perturb"):
        factor = 1 + settings["speed_perturb"]
        text += (f" Training sounds other than silence are read at a random speed of "
                 f"{1 / factor:.2f}-{factor:.2f}x (pitch, timbre and tempo together).")
    if settings.get("remix_speech"):
        text += (f" {settings['remix_speech']:.0%} of the speech windows are remixed: a clean "
                 "speech clip over a fresh music or noise piece at 0-15 dB SNR.")
    return text

_BODY = """# Sound-class classifier (speech, music, noise, tone, silence)

A small CNN over log-mel patches: {window_s:.3f} s windows every {hop_s:.2f} s, 64 mel bands,
five conv blocks (unpadded in time, so one pass over a long recording gives every window's
features exactly), mean+max pooling, a linear head{level}.{context} {parameters} parameters.

## Labelling rule

{rule}{gate}
- A window is labelled with the class at its centre; windows are merged into segments with
  hysteresis (switch when the new class reaches 0.6 while the old one is below 0.4 for two
  windows in a row).

## Data

{data}

## Training

`{command}` ({epochs} epochs x {steps} steps x {batch} windows, AdamW with a
one-cycle schedule, label smoothing {smoothing}; seeded and resumable from checkpoints in
`{run_dir}`). {training_time} on {hardware}, a machine shared with other jobs.
Validation window accuracy after the last epoch: {val_accuracy} (validation windows
include 30% joined-class windows, which are harder than the test's single-class windows).{context_val}
{notes}
## Held out for evaluation

{held_out}

## Evaluation (`workbench eval classifier`)

{evaluation}
"""


def held_out_text(settings: dict | None = None) -> str:
    """What evaluation hears that training never did."""
    voices = ("Generator seeds (evaluation uses its own seed stream) and these voices, never "
              f"heard in training: {held_out_voices_text()}.")
    first_set = ("The first set: 40 recordings x 8 segments of 2-6 s (training clips are 6 s) "
                 "at -45 to -13 dBFS from the first recipe's generators.")
    if _recipe(settings or {}) == "first":
        return f"{voices} {first_set.replace('The first set: ', 'Test recordings are ')}"
    return (f"{voices} Whole instrument families, never heard in training: "
            f"{', '.join(families.MUSIC_HELD_OUT)} (the bowed strings as a whole category); "
            f"noise textures: {', '.join(families.NOISE_HELD_OUT)}; room tone: "
            f"{', '.join(families.ROOM_TONE_HELD_OUT)} (declared in "
            "workbench/training/classifier/families.py). Per held-out family: recordings of 8 "
            "segments of 2-6 s in which that family plays every piece or leads every noise "
            f"(speech backgrounds included, at {recipe_families.SPEECH_SNR_DB[0]:.0f}-"
            f"{recipe_families.SPEECH_SNR_DB[1]:.0f} dB SNR). {first_set} Runs are compared on "
            f"validation families instead: {', '.join(families.VALIDATION_FAMILIES)} and the "
            f"{', '.join(families.ROOM_TONE_VALIDATION)} room tone, training families that a "
            "run trained with --family-validation never hears (`workbench eval classifier "
            "--family-validation`).")


def context_text(config: ClassifierConfig, settings: dict) -> str:
    """How the context layer (if any) scores a window, and how it was trained."""
    if not config.context_radius:
        return ""
    span = config.window_s + 2 * config.context_radius * config.hop_s
    return (f" A context layer then re-scores each window from the class log-probabilities "
            f"of the {config.context_radius} windows either side ({span:.2f} s of audio in "
            f"all): two convolutions over the window sequence, {config.context_hidden} "
            "channels, adding a correction to the window's own scores. It was trained after "
            f"the CNN, with the CNN frozen, on {settings.get('context_recordings', '?')} "
            "recordings strung from the training clips (8 pieces of 1-6 s each, classes never "
            f"repeating), {settings.get('context_epochs', '?')} passes.{_joint_text(settings)}")


def level_text(config: ClassifierConfig) -> str:
    """What the head reads besides the CNN's features (appended to "a linear head")."""
    if not config.level_input:
        return ""
    return (" that also reads the window's level (its mean power and the 25th percentile of "
            "its 10 ms frames' power, dB): the labelling rule tells silence from quiet sound "
            "by level")


def gate_text(config: ClassifierConfig) -> str:
    """The level gate (if any), as one more bullet of the labelling rule."""
    if config.silence_gate_dbfs is None or "silence" not in config.labels:
        return ""
    return (f"\n- The model applies the rule's levels itself, with {config.silence_gate_dbfs:.0f} "
            "dBFS RMS (midway between the loudest silence and the quietest sound) as the line "
            "between quiet and loud (a level gate after the network): a window quiet all "
            "through is silence; one whose central cell (the middle hop) is loud, or that is "
            "loud on both sides of its centre, is never silence; at the edge of a silence (a "
            "quiet part holds the centre and reaches an edge) the network decides.")


def _joint_text(settings: dict) -> str:
    steps = settings.get("joint_steps", 0)
    if not steps:
        return ""
    return (f" Then the CNN and the layer were fine-tuned together for {steps} steps on "
            "stretches of 40 windows cut from more such recordings, the loss on every window "
            "both in context and alone (so the window's own scores stay meaningful), "
            "batch-norm statistics kept from the CNN's training.")


def _context_validation(history: list[dict]) -> str:
    if not history:
        return ""
    last = history[-1]
    return (f"\nOn validation recordings strung from the validation clips, window accuracy "
            f"{last['val_accuracy_alone']:.3f} with each window alone, {last['val_accuracy']:.3f} "
            "in context.")


def write_card(zoo: Path, config: ClassifierConfig, parameters: int, training: dict,
               metrics: dict, evaluation: str) -> Path:
    """Write the card (JSON front matter + markdown) into ``zoo``; returns its path."""
    front = {
        "task": "audio-classification", "architecture": ARCHITECTURE,
        "sample_rate": config.sample_rate, "labels": list(config.labels),
        "config": card_config(config), "training_data": data_text(training.get("settings", {})),
        "training_command": training_command(training.get("settings", {})),
        "hardware": training.get("hardware", f"{platform.machine()} CPU, 2 threads"),
        "training_time": training.get("training_time", "unknown"),
        "metrics": metrics, "held_out": held_out_text(training.get("settings", {})),
        "training": {k: v for k, v in training.items() if k not in ("hardware", "training_time")},
    }
    settings = training.get("settings", {})
    history = training.get("history", [])
    body = _BODY.format(window_s=config.window_s, hop_s=config.hop_s, parameters=parameters,
                        context=context_text(config, settings),
                        level=level_text(config), gate=gate_text(config),
                        held_out=front["held_out"], evaluation=evaluation,
                        data=front["training_data"], rule=_RULE_FIRST if _recipe(settings) == "first"
                        else _RULE_FAMILIES, run_dir=settings.get("run_dir", "runs/classifier"),
                        command=front["training_command"], epochs=settings.get("epochs", "?"),
                        steps=settings.get("steps_per_epoch", "?"),
                        batch=settings.get("batch_size", "?"),
                        smoothing=settings.get("label_smoothing", "?"),
                        training_time=front["training_time"], hardware=front["hardware"],
                        notes=f"\n{training['notes']}\n" if training.get("notes") else "",
                        val_accuracy=f"{history[-1]['val_accuracy']:.3f}" if history else "-",
                        context_val=_context_validation(training.get("context_history", [])))
    path = zoo / CARD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + json.dumps(front, indent=2) + "\n---\n\n" + body, encoding="utf-8")
    return path


def read_front(zoo: Path) -> dict:
    """The card's front matter as written (for updating it)."""
    card = read_card(zoo / CARD_FILE)
    return {"metrics": dict(card.metrics), "training": dict(card.extra.get("training", {})),
            "hardware": card.hardware, "training_time": card.training_time}


def register(zoo: Path) -> None:
    """Add or refresh the classifier in ``zoo``'s manifest."""
    register_model(zoo, MODEL_NAME, WEIGHTS_FILE, CARD_FILE)
