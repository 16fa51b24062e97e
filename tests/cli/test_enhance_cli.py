"""`workbench enhance in.wav -o out.wav --json` with the shipped enhancer, and the
train/eval commands it documents."""

import json

import numpy as np
import pytest
import soundfile as sf

from tests.cli.test_cli_contract import workbench
from workbench import cli


@pytest.fixture
def noisy_stereo(tmp_path):
    """2 s at 44.1 kHz, 2 channels, 24-bit: a gliding tone under pink-ish noise."""
    rate = 44100
    t = np.arange(2 * rate + 123) / rate
    voice = 0.1 * np.sin(2 * np.pi * (150 + 40 * t) * t) * (np.sin(2 * np.pi * 2 * t) > 0)
    rng = np.random.default_rng(4)
    data = np.stack([voice + 0.05 * rng.standard_normal(len(t)),
                     voice + 0.02 * rng.standard_normal(len(t))], axis=1)
    path = tmp_path / "noisy.wav"
    sf.write(path, data.astype(np.float32), rate, subtype="PCM_24")
    return path


def test_enhance_json_keeps_rate_length_and_channels(noisy_stereo, tmp_path):
    target = tmp_path / "clean.wav"
    out = workbench("enhance", noisy_stereo, "-o", target, "--json", "--device", "cpu")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"input", "output", "model", "device", "elapsed", "warnings"}
    assert data["output"] == str(target) and (data["model"], data["device"]) == ("enhancer",
                                                                                "cpu")
    before, after = sf.info(noisy_stereo), sf.info(target)
    assert (after.samplerate, after.frames, after.channels, after.subtype) == \
        (before.samplerate, before.frames, before.channels, "PCM_24")
    enhanced, noisy = sf.read(target)[0], sf.read(noisy_stereo)[0]
    assert np.isfinite(enhanced).all() and 0 < np.std(enhanced) < np.std(noisy)


@pytest.mark.parametrize("verb", ["train", "eval"])
def test_train_and_eval_enhancer_are_registered(verb, capsys):
    assert cli.main([verb, "enhancer", "--help"]) == 0
    out = capsys.readouterr().out
    assert f"workbench {verb} enhancer" in out and "--zoo" in out and "--run-dir" in out


def test_enhance_with_the_conv_tasnet_entry_once_its_checkpoint_is_there(
        noisy_stereo, tmp_path, monkeypatch):
    from tests.tiny_pretrained import install_tiny_conv_tasnet

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    install_tiny_conv_tasnet()  # where the model manager's download would go
    target = tmp_path / "separated.wav"
    out = workbench("enhance", noisy_stereo, "-o", target, "--json", "--device", "cpu",
                    "--model", "CONVTASNET_BASE_LIBRI2MIX")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["model"] == "CONVTASNET_BASE_LIBRI2MIX"
    before, after = sf.info(noisy_stereo), sf.info(target)
    assert (after.samplerate, after.frames, after.channels) == \
        (before.samplerate, before.frames, before.channels)
