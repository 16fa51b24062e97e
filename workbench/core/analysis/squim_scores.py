"""Reference-free speech quality estimates (torchaudio's SQUIM objective model), for people.

`SquimScores` is what the model estimates for one piece of audio: STOI (0..1,
intelligibility), wide-band PESQ (1..4.5) and SI-SDR in dB, and how many seconds
of it were scored.  `squim_text` writes a before -> after pair for the enhancer
panel.  Pure Python; computed by `workbench.ml.enhancer.squim`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SquimScores:
    stoi: float
    pesq: float
    si_sdr_db: float
    seconds: float  # how much audio the estimate is from


def squim_text(before: SquimScores, after: SquimScores) -> str:
    """"STOI 0.81 → 0.90, PESQ 1.9 → 2.6, SI-SDR 7.9 → 14.2 dB (from 12 s)"."""
    return (f"STOI {before.stoi:.2f} → {after.stoi:.2f}, "
            f"PESQ {before.pesq:.1f} → {after.pesq:.1f}, "
            f"SI-SDR {before.si_sdr_db:.1f} → {after.si_sdr_db:.1f} dB "
            f"(from {after.seconds:.0f} s)")
