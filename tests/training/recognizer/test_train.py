"""A tiny recognizer training run: weights out, seeded, resumable, a card and a zoo entry."""

import numpy as np
import soundfile as sf

from workbench.ml.recognizer.lm import build_bigram
from workbench.ml.zoo import ModelZoo
from workbench.training.recognizer import card
from workbench.training.recognizer.train import TrainSettings, train_recognizer
from workbench.training.synth.speech import ESPEAK, Voice, synthesize_speech

TINY = {"n_mels": 16, "conv_channels": 4, "hidden": 8, "layers": 1, "dropout": 0.0,
        "chunk": 4, "right": 2}


def corpus(folder):
    folder.mkdir()
    for i, text in enumerate(["one two", "green tree", "open the door", "red car"]):
        clip = synthesize_speech(text, 16000, Voice(ESPEAK, "en-us"))
        sf.write(folder / f"u{i}.wav", clip.audio, 16000)
        (folder / f"u{i}.txt").write_text(text)
    return folder


def settings(tmp_path, data, epochs):
    return TrainSettings(run_dir=str(tmp_path / "run"), pool_dir=str(tmp_path / "pool"),
                         pool_shards=0, corpora=(str(data),), hours=None, epochs=epochs,
                         max_batch_s=4.0, threads=1, config=TINY, validate_every_s=1e9)


def test_training_writes_weights_resumes_and_installs_a_card(tmp_path):
    data = corpus(tmp_path / "corpus")
    zoo = tmp_path / "zoo"
    lines = []
    first = train_recognizer(settings(tmp_path, data, 1), zoo / card.weights_file(), lines.append)
    assert first["steps"] > 0 and (tmp_path / "run" / "checkpoint.pt").exists()
    second = train_recognizer(settings(tmp_path, data, 2), zoo / card.weights_file(),
                              lines.append)
    assert any("resuming" in line for line in lines)
    assert second["steps"] == 2 * first["steps"]  # the second run only did epoch 2
    # ... and the card of a resumed run says with which budgets it was made
    assert [(s["step"], s["epochs"]) for s in second["starts"]] == [(0, 1), (first["steps"], 2)]
    second["hardware"] = "test"
    (zoo / "recognizer").mkdir(parents=True, exist_ok=True)
    build_bigram(["one two", "red car"]).write_arpa(zoo / "recognizer" / "lm.arpa")  # fast
    card.install(zoo, card.MODEL_NAME, second)
    entry = ModelZoo(zoo).entry(card.MODEL_NAME)
    assert entry.problem is None and entry.card.config["chunk"] == 4
    assert (zoo / "recognizer" / "lm.arpa").exists()
    text = (zoo / card.card_file(card.MODEL_NAME)).read_text()
    assert "Started with --epochs 1 and resumed from its checkpoint 1 time(s): at" in text
    assert f"(step {first['steps']}) with --epochs 2" in text
    assert np.isfinite(second["history"][-1]["loss"])
