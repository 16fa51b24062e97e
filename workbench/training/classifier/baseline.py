"""The feature-threshold peer: level, spectral flatness and zero crossings, no learning.

Four numbers per window, from 32 ms frames every 10 ms:

- ``level_db``: mean power in dBFS (silence is quiet);
- ``flatness``: median spectral flatness, geometric over arithmetic mean of the
  power spectrum from 100 Hz to 7 kHz (tones are near 0, white noise near 1);
- ``zcr_spread``: standard deviation of the frames' zero-crossing rates (speech
  alternates voiced and hissing sounds);
- ``level_spread_db``: standard deviation of frame levels (speech and music
  come and go, steady noise does not).

A cascade decides: silence by level, then tone by flatness, then noise, then
speech or music.  Each threshold (and whether "above" or "below" means the
class) is fitted on the validation split, never on the evaluation set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

FRAME = 512
HOP = 160
FEATURES = ("level_db", "flatness", "zcr_spread", "level_spread_db")
# (class, feature) in the order the cascade asks; what is left is "music".
CASCADE = (("silence", "level_db"), ("tone", "flatness"), ("noise", "flatness"),
           ("speech", "zcr_spread"))


def window_features(windows: np.ndarray, sample_rate: int = 16000) -> np.ndarray:
    """Features ``[windows, 4]`` (order: FEATURES) of windows ``[n, samples]``."""
    windows = np.asarray(windows, dtype=np.float32)
    count = 1 + (windows.shape[1] - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    frames = windows[:, index]  # [n, frames, FRAME]
    power = np.abs(np.fft.rfft(frames * np.hanning(FRAME).astype(np.float32), axis=-1)) ** 2
    freqs = np.fft.rfftfreq(FRAME, 1.0 / sample_rate)
    band = power[..., (freqs >= 100) & (freqs <= 7000)] + 1e-20
    flatness = np.exp(np.mean(np.log(band), axis=-1)) / np.mean(band, axis=-1)
    frame_db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=-1) + 1e-12)
    signs = np.signbit(frames)
    zcr = np.mean(signs[..., 1:] != signs[..., :-1], axis=-1)
    level = 10 * np.log10(np.mean(10 ** (frame_db / 10), axis=-1) + 1e-12)
    return np.stack([level, np.median(flatness, axis=-1), zcr.std(axis=-1),
                     frame_db.std(axis=-1)], axis=1)


@dataclass(frozen=True)
class Rule:
    """Class ``label`` when ``feature`` is above (``above``) or below ``threshold``."""

    label: str
    feature: str
    threshold: float
    above: bool

    def matches(self, features: np.ndarray) -> np.ndarray:
        values = features[:, FEATURES.index(self.feature)]
        return values > self.threshold if self.above else values <= self.threshold


def _best_rule(label: str, feature: str, features: np.ndarray, is_label: np.ndarray) -> Rule:
    """The threshold and side with the best balanced accuracy for ``label`` vs the rest."""
    values = features[:, FEATURES.index(feature)]
    if len(values) == 0:  # earlier rules took every window: this one never fires
        return Rule(label, feature, float("inf"), True)
    best, best_score = Rule(label, feature, float(np.median(values)), True), -1.0
    for threshold in np.unique(np.quantile(values, np.linspace(0.01, 0.99, 197))):
        for above in (True, False):
            hit = values > threshold if above else values <= threshold
            score = (np.mean(hit[is_label]) if is_label.any() else 0.0) + \
                (np.mean(~hit[~is_label]) if (~is_label).any() else 0.0)
            if score > best_score:
                best, best_score = Rule(label, feature, float(threshold), above), score
    return best


@dataclass(frozen=True)
class ThresholdBaseline:
    """A fitted cascade of rules; windows no rule claims are ``fallback``."""

    rules: tuple[Rule, ...]
    fallback: str = "music"

    @classmethod
    def fit(cls, features: np.ndarray, labels: list[str]) -> ThresholdBaseline:
        """Fit the cascade on labelled windows, each rule on the windows earlier ones left."""
        labels_arr = np.asarray(labels)
        left = np.ones(len(labels_arr), dtype=bool)
        rules = []
        for label, feature in CASCADE:
            rule = _best_rule(label, feature, features[left], labels_arr[left] == label)
            rules.append(rule)
            left &= ~rule.matches(features)
        return cls(tuple(rules))

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Labels (strings) for feature rows."""
        out = np.full(len(features), self.fallback, dtype=object)
        undecided = np.ones(len(features), dtype=bool)
        for rule in self.rules:
            hit = undecided & rule.matches(features)
            out[hit] = rule.label
            undecided &= ~hit
        return out

    def describe(self) -> list[dict]:
        return [asdict(rule) for rule in self.rules]
