"""Documents as plain data: what project files and recovery journals store.

`encode_document` turns a Document's content (tracks as block lists, sample
rate, label tiers, selection, analyses) into a JSON-able dict plus the sample
sources its blocks look at; `decode_document` builds an equal Document from
such a dict and a mapping from source keys to sources.  Samples are not part
of the dict: the caller stores each source once (a project file embeds them,
a recovery journal writes new ones as they appear), which keeps the structure
of even an hour-long, much-edited document a few kilobytes.

Blocks name their source by `SampleSource.id`; a reader maps those keys to
whatever sources it rebuilt.  Floats go through JSON unchanged (Python writes
the shortest text that reads back as the same double), and numpy arrays are
stored as base64 of their bytes, so decoding reproduces every value exactly.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from workbench.core.analysis.results import Classification, EnhancedAudio, Segment, Transcript, Word
from workbench.core.audio.audio_file import AudioFileInfo
from workbench.core.audio.blocks import Block, BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.document.document import Document, Track
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Label, LabelTier, Tiers


class DocumentCodecError(ValueError):
    """Stored document data does not describe a document (damaged or from elsewhere)."""


@dataclass
class EncodedDocument:
    """A document's structure (JSON-able) and the sources its blocks refer to, by key."""

    structure: dict
    sources: dict[int, SampleSource]


def encode_document(doc: Document) -> EncodedDocument:
    """The content of `doc` as plain data; sources are referenced by `SampleSource.id`."""
    sources: dict[int, SampleSource] = {}
    structure = {
        "sample_rate": doc.sample_rate,
        "tracks": encode_tracks(doc.tracks, sources),
        "label_tiers": encode_tiers(doc.label_tiers),
        "selection": encode_selection(doc.selection),
        "analyses": encode_analyses(doc.analyses, sources),
    }
    return EncodedDocument(structure, sources)


def encode_tracks(tracks: list[Track], sources: dict[int, SampleSource]) -> list[dict]:
    """The tracks as names and block lists; adds the sources they use to `sources`."""
    return [{"name": t.name, **encode_blocks(t.samples, sources)} for t in tracks]


def encode_analyses(analyses: Mapping[str, object], sources: dict[int, SampleSource]) -> dict:
    """Model results by kind; adds the sources of enhanced audio to `sources`."""
    return {kind: _encode_analysis(result, sources) for kind, result in analyses.items()}


def decode_document(structure: Mapping, sources: Mapping[int, SampleSource],
                    path: Path | None = None, info: object | None = None) -> Document:
    """A Document equal to the one `structure` was encoded from.

    Raises DocumentCodecError when the structure is malformed or names a
    source that `sources` lacks.
    """
    try:
        tracks = [Track(str(t["name"]), decode_blocks(t, sources)) for t in structure["tracks"]]
        doc = Document(tracks, int(structure["sample_rate"]), path=path, info=info,
                       label_tiers=decode_tiers(structure["label_tiers"]))
        for kind, data in structure["analyses"].items():
            doc.analyses[str(kind)] = _decode_analysis(data, sources)
        doc.set_selection(decode_selection(structure["selection"]))
    except DocumentCodecError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise DocumentCodecError(f"malformed document structure ({exc!r})") from exc
    return doc


# -- blocks ----------------------------------------------------------------------

def encode_blocks(seq: BlockSequence, sources: dict[int, SampleSource]) -> dict:
    """{"channels", "blocks": [[source key, start, length], ...]}; adds the sources used."""
    for block in seq.blocks:
        sources[block.source.id] = block.source
    return {"channels": seq.channels,
            "blocks": [[b.source.id, b.start, b.length] for b in seq.blocks]}


def block_refs(structure: Mapping) -> list[list]:
    """Every [source key, start, length] entry of an encoded document (tracks and
    analyses), as the very lists inside `structure`, so a caller may rewrite them."""
    lists = [t["blocks"] for t in structure["tracks"]]
    lists += [a["samples"]["blocks"] for a in structure["analyses"].values()
              if a.get("type") == "enhanced"]
    return [ref for refs in lists for ref in refs]


def decode_blocks(data: Mapping, sources: Mapping[int, SampleSource]) -> BlockSequence:
    blocks = []
    for key, start, length in data["blocks"]:
        source = sources.get(int(key))
        if source is None:
            raise DocumentCodecError(f"a block refers to sample source {key}, which is missing")
        if not 0 <= int(start) <= int(start) + int(length) <= source.frames:
            raise DocumentCodecError(f"a block reaches outside sample source {key}")
        blocks.append(Block(source, int(start), int(length)))
    return BlockSequence(blocks, int(data["channels"]))


# -- labels and selection ---------------------------------------------------------

def encode_tiers(tiers: Tiers) -> list:
    return [{"id": t.id, "name": t.name,
             "labels": [[lab.start, lab.end, lab.text, lab.id] for lab in t.labels]}
            for t in tiers]


def decode_tiers(data: list) -> Tiers:
    return tuple(LabelTier(str(t["name"]),
                           tuple(Label(int(a), int(b), str(text), str(lid))
                                 for a, b, text, lid in t["labels"]),
                           str(t["id"]))
                 for t in data)


def encode_selection(selection: Selection) -> dict:
    channels = None if selection.channels is None else sorted(selection.channels)
    return {"start": selection.start, "stop": selection.stop, "channels": channels}


def decode_selection(data: Mapping) -> Selection:
    channels = data["channels"]
    return Selection(int(data["start"]), int(data["stop"]),
                     None if channels is None else frozenset(int(c) for c in channels))


# -- analyses -------------------------------------------------------------------------

def _run_fields(result) -> dict:
    return {"model": result.model, "device": result.device, "elapsed": result.elapsed,
            "span": list(result.span)}


def _encode_analysis(result: object, sources: dict[int, SampleSource]) -> dict:
    if isinstance(result, Transcript):
        return {"type": "transcript", "text": result.text, **_run_fields(result),
                "words": [[w.word, w.start, w.end, w.confidence] for w in result.words]}
    if isinstance(result, Classification):
        return {"type": "classification", "labels": list(result.labels), "hop_s": result.hop_s,
                "window_s": result.window_s, **_run_fields(result),
                "probabilities": encode_array(result.probabilities),
                "window_starts": encode_array(result.window_starts),
                "segments": [[s.start, s.end, s.label, s.confidence] for s in result.segments]}
    if isinstance(result, EnhancedAudio):
        return {"type": "enhanced", "sample_rate": result.sample_rate, **_run_fields(result),
                "samples": encode_blocks(result.samples, sources)}
    raise DocumentCodecError(f"cannot store an analysis of type {type(result).__name__}")


def _decode_analysis(data: Mapping, sources: Mapping[int, SampleSource]) -> object:
    run = (str(data["model"]), str(data["device"]), float(data["elapsed"]),
           (float(data["span"][0]), float(data["span"][1])))
    kind = data["type"]
    if kind == "transcript":
        words = tuple(Word(str(w), float(a), float(b), float(c)) for w, a, b, c in data["words"])
        return Transcript(words, str(data["text"]), *run)
    if kind == "classification":
        segments = tuple(Segment(float(a), float(b), str(lab), float(c))
                         for a, b, lab, c in data["segments"])
        model, device, elapsed, span = run
        return Classification(tuple(data["labels"]), float(data["hop_s"]),
                              float(data["window_s"]), decode_array(data["probabilities"]),
                              segments, model, device, elapsed, span,
                              window_starts=decode_array(data["window_starts"]))
    if kind == "enhanced":
        return EnhancedAudio(decode_blocks(data["samples"], sources), int(data["sample_rate"]),
                             *run)
    raise DocumentCodecError(f"unknown analysis type {kind!r}")


def encode_array(array: np.ndarray) -> dict:
    array = np.ascontiguousarray(array)
    return {"dtype": array.dtype.str, "shape": list(array.shape),
            "base64": base64.b64encode(array.tobytes()).decode("ascii")}


def decode_array(data: Mapping) -> np.ndarray:
    raw = base64.b64decode(data["base64"])
    return np.frombuffer(raw, np.dtype(data["dtype"])).reshape(data["shape"]).copy()


# -- where the audio came from ----------------------------------------------------------

def encode_info(info: object | None) -> dict | None:
    """The opened file's AudioFileInfo as JSON (None for anything else)."""
    if not isinstance(info, AudioFileInfo):
        return None
    return {**asdict(info), "path": str(info.path), "warnings": list(info.warnings)}


def decode_info(data: Mapping | None) -> AudioFileInfo | None:
    if data is None:
        return None
    try:
        return AudioFileInfo(**{**data, "path": Path(data["path"]),
                                "warnings": tuple(data["warnings"])})
    except (KeyError, TypeError) as exc:
        raise DocumentCodecError(f"malformed file description ({exc!r})") from exc
