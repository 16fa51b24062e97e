"""Takes on disk: what a recording leaves behind, and getting it back after a crash.

Every recording writes `<data_dir>/takes/take-<time>.wav` plus a JSON sidecar
next to it.  The sidecar is written first (state "recording") and rewritten
atomically when something worth keeping changes (a dropout) and when the take
ends (state "finished").  A sidecar still saying "recording" at start-up means
the app died mid-take: `find_unfinished_takes` lists those, `recover_take` makes
the WAV header count every whole frame that reached the disk, and the files
stay until the user has saved the audio elsewhere or discarded it
(`discard_take`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from workbench.core import paths
from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.audio.wav_writer import repair_wav_sizes

TAKES_SUBDIR = "takes"
RECORDING = "recording"
FINISHED = "finished"


class DropoutCause(Enum):
    """Why samples are missing from a take (they were replaced by silence)."""

    INPUT_OVERFLOW = "input overflow"  # the device delivered less than time passed
    WRITER_STALLED = "writer stalled"  # the disk could not keep up; the queue was full


class TakePurpose(Enum):
    """What a take is recorded for: listeners that analyse takes (live words) go by it."""

    ORDINARY = "ordinary"  # a recording the user makes of whatever they want
    EXAMPLE = "example"  # a labelled training example (Record Example): not speech to transcribe


@dataclass(frozen=True)
class Dropout:
    """Frames [start, stop) of a take that hold silence instead of lost input."""

    start: int
    stop: int
    cause: DropoutCause

    @property
    def frames(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class Take:
    """One finished (or recovered) recording, ready to be added to a document.

    `insert_at` is the document frame the recording was meant for (None: a new
    document).  `error` is set when the recording ended because of a failure;
    everything before it is still in the file.  `purpose` says what it was
    recorded for (a recovered take is ORDINARY).
    """

    path: Path
    frames: int
    sample_rate: int
    channels: int
    sample_format: SampleFormat
    dropouts: tuple[Dropout, ...] = ()
    insert_at: int | None = None
    error: BaseException | None = None
    purpose: TakePurpose = TakePurpose.ORDINARY

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    @property
    def sidecar_path(self) -> Path:
        return sidecar_path_for(self.path)


@dataclass(frozen=True)
class TakeSidecar:
    """The JSON file beside a take's WAV: enough to reopen it without the app's memory."""

    wav_path: Path
    sample_rate: int
    channels: int
    sample_format: SampleFormat
    started: str  # ISO 8601, UTC
    state: str = RECORDING
    device: str = ""
    insert_at: int | None = None
    dropouts: tuple[Dropout, ...] = field(default_factory=tuple)

    @property
    def path(self) -> Path:
        return sidecar_path_for(self.wav_path)

    def to_json(self) -> str:
        return json.dumps({
            "wav": self.wav_path.name,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "sample_format": self.sample_format.value,
            "started": self.started,
            "state": self.state,
            "device": self.device,
            "insert_at": self.insert_at,
            "dropouts": [[d.start, d.stop, d.cause.value] for d in self.dropouts],
        }, indent=1)

    @classmethod
    def from_json(cls, text: str, directory: Path) -> TakeSidecar:
        d = json.loads(text)
        return cls(
            wav_path=directory / d["wav"],
            sample_rate=int(d["sample_rate"]),
            channels=int(d["channels"]),
            sample_format=SampleFormat(d["sample_format"]),
            started=str(d["started"]),
            state=str(d["state"]),
            device=str(d.get("device", "")),
            insert_at=d.get("insert_at"),
            dropouts=tuple(Dropout(int(a), int(b), DropoutCause(c)) for a, b, c in d["dropouts"]),
        )


def describe_dropouts(take: Take) -> str:
    """A sentence for the user about the input a take lost ("" when it lost none)."""
    if not take.dropouts:
        return ""
    lost = sum(d.frames for d in take.dropouts) / take.sample_rate
    where = ", ".join(f"{d.start / take.sample_rate:.3f} s" for d in take.dropouts[:5])
    more = f" and {len(take.dropouts) - 5} more" if len(take.dropouts) > 5 else ""
    n = len(take.dropouts)
    return (f"The recording lost input {n} time{'s' if n > 1 else ''} ({lost:.3f} s in all), "
            f"at {where}{more}. The gaps hold silence, so the audio after them "
            f"keeps its true time.")


def takes_dir() -> Path:
    """Where takes live (created on demand)."""
    path = paths.data_dir() / TAKES_SUBDIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def sidecar_path_for(wav_path: Path) -> Path:
    return wav_path.with_suffix(".json")


def new_take_sidecar(sample_rate: int, channels: int, sample_format: SampleFormat,
                     device: str = "", insert_at: int | None = None,
                     directory: Path | None = None) -> TakeSidecar:
    """A sidecar for a take that starts now, with a WAV name no other take uses."""
    directory = directory or takes_dir()
    now = datetime.now(UTC)
    stem = "take-" + now.strftime("%Y%m%d-%H%M%S-%f")
    wav = directory / f"{stem}.wav"
    n = 1
    while wav.exists() or sidecar_path_for(wav).exists():
        wav = directory / f"{stem}-{n}.wav"
        n += 1
    return TakeSidecar(wav, sample_rate, channels, sample_format, now.isoformat(),
                       device=device, insert_at=insert_at)


def write_sidecar(sidecar: TakeSidecar) -> None:
    """Write the sidecar atomically: a reader sees the old or the new one, never half."""
    target = sidecar.path
    tmp = target.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(sidecar.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def read_sidecar(path: Path) -> TakeSidecar:
    return TakeSidecar.from_json(path.read_text(encoding="utf-8"), path.parent)


def find_unfinished_takes(directory: Path | None = None) -> list[TakeSidecar]:
    """Takes whose recorder never finished them (the app was killed), oldest first.

    Sidecars that cannot be parsed, or whose WAV is gone, are skipped: there is
    nothing to offer for them.
    """
    directory = directory or takes_dir()
    found = []
    for path in sorted(directory.glob("take-*.json")):
        try:
            sidecar = read_sidecar(path)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if sidecar.state == RECORDING and sidecar.wav_path.exists():
            found.append(sidecar)
    return found


def recover_take(sidecar: TakeSidecar) -> Take:
    """Make an unfinished take's WAV readable again and describe it as a Take.

    The header is rewritten to cover every whole frame that reached the disk.
    The files are left in place (and the sidecar keeps saying "recording") so
    the take is offered again if the app dies before the user decides.
    """
    frames = repair_wav_sizes(sidecar.wav_path)
    return Take(sidecar.wav_path, frames, sidecar.sample_rate, sidecar.channels,
                sidecar.sample_format, sidecar.dropouts, sidecar.insert_at)


def mark_finished(sidecar: TakeSidecar, dropouts: tuple[Dropout, ...]) -> TakeSidecar:
    finished = replace(sidecar, state=FINISHED, dropouts=dropouts)
    write_sidecar(finished)
    return finished


def discard_take(wav_path: Path) -> None:
    """Delete a take's WAV and sidecar (the user saved the audio elsewhere, or threw it away)."""
    for path in (wav_path, sidecar_path_for(wav_path)):
        path.unlink(missing_ok=True)
