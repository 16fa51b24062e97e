"""The enhancer's evaluation: the Wiener peer works, the report and the card's numbers hold
together (PESQ/STOI columns stay empty where their packages are missing)."""

import numpy as np
import pytest
import torch

from workbench.ml.enhancer.net import MaskEnhancer
from workbench.training.enhancer import eval_command, evaluate, peers
from workbench.training.enhancer.eval_data import EvalItem

RATE = 16000


def _voiced(seconds: float, seed: int) -> np.ndarray:
    """A gated harmonic tone: speech-like on/off energy, a clear target for any denoiser."""
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 140 + 20 * np.sin(2 * np.pi * 0.5 * t + seed)
    tone = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / RATE) / k for k in range(1, 8))
    return (0.05 * tone * (np.sin(2 * np.pi * 1.5 * t) > -0.2)).astype(np.float32)


def _item(kind: str, snr: float, group: str, seed: int, seconds: float = 1.5) -> EvalItem:
    clean = _voiced(seconds, seed)
    noise = np.random.default_rng(seed).standard_normal(len(clean)).astype(np.float32)
    noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2)) * 10 ** (-snr / 20)
    noisy = clean + noise if group != "clean" else clean.copy()
    return EvalItem(noisy, clean, kind, snr, group, "test-voice")


def test_the_wiener_baseline_removes_white_noise():
    item = _item("white", 5.0, "held-out", 1, seconds=4.0)
    before = evaluate._si_sdr(item.noisy, item.clean)
    assert evaluate._si_sdr(peers.wiener(item.noisy), item.clean) > before + 2.0


def test_report_headline_and_card_text_from_one_run(monkeypatch, tmp_path):
    items = [_item(kind, snr, group, i) for i, (kind, group) in enumerate(
        [("rain", "held-out"), ("engine", "held-out"), ("fan", "seen")]) for snr in (0.0, 5.0)]
    items.append(_item("clean", 0.0, "clean", 9))
    monkeypatch.setattr(evaluate, "build_eval_set", lambda *a, **k: items)
    monkeypatch.setattr(evaluate, "available_peers",
                        lambda probe: ({"wiener": peers.wiener}, {"rnnoise": "not installed"}))
    torch.manual_seed(0)
    report = evaluate.evaluate_enhancer(MaskEnhancer(hidden=8, layers=1).eval(), tmp_path, 1,
                                        threads=1, log=lambda m: None)
    assert set(report["systems"]) == {"enhancer", "wiener"}
    held = report["systems"]["wiener"]["held_out"]
    assert held["items"] == 4 and held["si_sdr_delta"] > 0
    assert held["si_sdr_delta"] == pytest.approx(held["si_sdr_out"] - held["si_sdr_in"])
    assert set(report["systems"]["enhancer"]["per_kind"]) == {"rain", "engine", "fan"}
    text = eval_command.report_markdown(report)
    assert "| Wiener baseline |" in text and "rnnoise: not installed" in text
    assert "| SI-SDR improvement >= 10 dB |" in text
    numbers = eval_command.headline(report)
    assert numbers["wiener_si_sdr_improvement_db"] == held["si_sdr_delta"]
    assert 0 < numbers["realtime_factor_wall"] < 1
