"""Random sequences of edits, undo and redo against a plain-numpy reference.

The reference below re-implements every edit on numpy arrays and every label
rule with its own arithmetic.  After each step the document must hold the
very same float32 values (np.array_equal), the same tracks, rate and labels;
the history index must match; and at the end undoing everything must give
back the original bits and redoing everything the final ones.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import (
    CutCommand,
    DeleteCommand,
    InsertSilenceCommand,
    PasteCommand,
    TrimCommand,
)
from workbench.core.document.edits import EditError
from workbench.core.document.effects import (
    FadeCommand,
    FadeCurve,
    GainCommand,
    NormalizeCommand,
    NormalizeMode,
    ReverseCommand,
    SilenceCommand,
)
from workbench.core.document.history import History
from workbench.core.document.label_commands import (
    AddLabelCommand,
    AddTierCommand,
    DeleteLabelCommand,
    DeleteTierCommand,
    MoveLabelCommand,
    MoveTierCommand,
    RenameTierCommand,
    SetLabelTextCommand,
)
from workbench.core.document.track_commands import (
    ChangeSampleRateCommand,
    MixToMonoCommand,
    SplitToMonoCommand,
)
from workbench.core.labels.labels import Label, LabelTier

# -- the reference ---------------------------------------------------------------------

RefLabel = tuple[int, int, str]  # start, end, text


@dataclass(frozen=True)
class Ref:
    """The whole expected state: tracks (name, frames x channels float32), rate, tiers."""

    tracks: tuple[tuple[str, np.ndarray], ...]
    rate: int
    tiers: tuple[tuple[str, tuple[RefLabel, ...]], ...]

    @property
    def frames(self) -> int:
        return max(len(x) for _, x in self.tracks)

    @property
    def channels(self) -> int:
        return sum(x.shape[1] for _, x in self.tracks)

    def with_arrays(self, arrays) -> Ref:
        return replace(self, tracks=tuple((n, np.ascontiguousarray(a, dtype=np.float32))
                                          for (n, _), a in zip(self.tracks, arrays, strict=True)))

    def map_labels(self, fn) -> Ref:
        tiers = []
        for name, labels in self.tiers:
            moved = [fn(*lab) for lab in labels]
            tiers.append((name, tuple(lab for lab in moved if lab is not None)))
        return replace(self, tiers=tuple(tiers))


def ref_delete_labels(ref: Ref, s: int, e: int) -> Ref:
    """Labels after removing [s, e), computed from the lengths kept on either side."""
    cut = e - s

    def follow(a, b, text):
        if a == b:
            if s <= a < e:
                return None
            return (a - cut, a - cut, text) if a >= e else (a, a, text)
        kept_before = max(0, min(b, s) - a)
        kept_after = max(0, b - max(a, e))
        if kept_before + kept_after == 0:
            return None
        start = a if a < s else max(a, e) - cut
        return (start, start + kept_before + kept_after, text)

    return ref.map_labels(follow) if cut > 0 else ref


def ref_insert_labels(ref: Ref, at: int, n: int) -> Ref:
    def follow(a, b, text):
        if a == b:
            return (a + n, b + n, text) if a >= at else (a, b, text)
        return (a + n if a >= at else a, b + n if b > at else b, text)

    return ref.map_labels(follow)


def ref_labels_in(ref: Ref, s: int, e: int):
    out = []
    for name, labels in ref.tiers:
        taken = []
        for a, b, text in labels:
            if a == b and s <= a < e:
                taken.append((a - s, a - s, text))
            elif a != b and max(a, s) < min(b, e):
                taken.append((max(a, s) - s, min(b, e) - s, text))
        if taken:
            out.append((name, tuple(taken)))
    return tuple(out)


def ref_paste_labels(ref: Ref, clip_tiers, at: int) -> Ref:
    tiers = list(ref.tiers)
    for name, labels in clip_tiers:
        moved = tuple((a + at, b + at, text) for a, b, text in labels)
        for i, (existing, old) in enumerate(tiers):
            if existing == name:
                tiers[i] = (existing, old + moved)
                break
        else:
            tiers.append((name, moved))
    return replace(ref, tiers=tuple(tiers))


def ref_delete(ref: Ref, s: int, e: int) -> Ref:
    ref = ref.with_arrays([np.concatenate([x[:s], x[e:]]) for _, x in ref.tracks])
    return ref_delete_labels(ref, s, e)


def ref_track_channels(ref: Ref, chans):
    """Per track, the channel indices a flat channel set names."""
    first, out = 0, []
    for _, x in ref.tracks:
        n = x.shape[1]
        out.append([c - first for c in sorted(chans) if first <= c < first + n]
                   if chans is not None else list(range(n)))
        first += n
    return out


def ref_apply(ref: Ref, s: int, e: int, chans, fn) -> Ref:
    arrays = []
    for (_, x), cs in zip(ref.tracks, ref_track_channels(ref, chans), strict=True):
        y = x.copy()
        if cs:
            y[s:e, cs] = fn(np.ascontiguousarray(x[s:e][:, cs]))
        arrays.append(y)
    return ref.with_arrays(arrays)


def ref_level(ref: Ref, s: int, e: int, chans, mode: NormalizeMode) -> float:
    peak, squares, count = 0.0, 0.0, 0
    for (_, x), cs in zip(ref.tracks, ref_track_channels(ref, chans), strict=True):
        if not cs:
            continue
        sel = x[s:e][:, cs]
        if sel.size:
            peak = max(peak, float(np.max(np.abs(sel))))
            squares += float(np.sum(np.square(sel, dtype=np.float64)))
            count += sel.size
    if mode is NormalizeMode.PEAK:
        return peak
    return math.sqrt(squares / count) if count else 0.0


def ref_fade_gains(n: int, fade_in: bool, curve: FadeCurve) -> np.ndarray:
    i = np.arange(n, dtype=np.float64)
    span = max(n - 1, 1)
    r = i / span if fade_in else (n - 1 - i) / span
    if curve is FadeCurve.LINEAR:
        return r.astype(np.float32)
    return np.where(r == 0.0, 0.0, np.power(10.0, (r - 1.0) * 3.0)).astype(np.float32)


def ref_rescale(x: int, old: int, new: int, frames: int) -> int:
    # Nearest frame, halves up: floor(x * new / old + 1/2), in exact integers.
    return min(frames, (2 * x * new + old) // (2 * old))


def ref_of(doc: Document) -> Ref:
    return Ref(tuple((t.name, t.samples.read()) for t in doc.tracks), doc.sample_rate,
               tuple((t.name, tuple((lab.start, lab.end, lab.text) for lab in t.labels))
                     for t in doc.label_tiers))


@dataclass(frozen=True)
class RefClip:
    arrays: tuple[np.ndarray, ...]
    rate: int
    tiers: tuple


def ref_clip_for(clip: RefClip, ref: Ref, track: int):
    """What pasting puts into one track, or None where the edit must refuse."""
    if clip.rate != ref.rate:
        return None
    if len(clip.arrays) == len(ref.tracks):
        audio = clip.arrays[track]
    elif len(clip.arrays) == 1:
        audio = clip.arrays[0]
    else:
        return None
    want = ref.tracks[track][1].shape[1]
    if audio.shape[1] == want:
        return audio
    return np.repeat(audio, want, axis=1) if audio.shape[1] == 1 else None


# -- the state machine ---------------------------------------------------------------------

# A position: 0..2100 is clamped to the document (high values mean "the end"); a
# negative value -k picks the k-th label boundary, so that edits often start or end
# exactly on a label, where the label rules have their edge cases.
positions = st.one_of(st.integers(0, 2100), st.integers(-20, -1))
channel_sets = st.one_of(st.none(), st.frozensets(st.integers(0, 4), min_size=1, max_size=3))


def sorted_labels(labels):
    return sorted(labels)


class EditSequences(RuleBasedStateMachine):
    """One document, its history, and the reference states for every history index."""

    @initialize(seed=st.integers(0, 2**32 - 1), frames=st.integers(0, 2000),
                channels=st.integers(1, 4), rate=st.sampled_from([1000, 8000, 44100]),
                n_labels=st.integers(0, 6), other_channels=st.sampled_from([1, None]))
    def start(self, seed, frames, channels, rate, n_labels, other_channels):
        rng = np.random.default_rng(seed)
        x = (rng.standard_normal((frames, channels)) * 0.3).astype(np.float32)
        labels = []
        for k in range(n_labels if frames else 0):
            a, b = sorted(int(v) for v in rng.integers(0, frames + 1, 2))
            labels.append(Label(a, a if k % 2 else b, f"init{k}"))
        self.doc = Document([Track("main", BlockSequence.from_array(x))], rate,
                            label_tiers=[LabelTier("words", tuple(labels))])
        self.history = History(self.doc, memory_budget=None)
        self.states = [ref_of(self.doc)]  # states[i]: expected after i entries
        self.index = 0
        other = (rng.standard_normal((int(rng.integers(1, 200)), other_channels or channels))
                 * 0.3).astype(np.float32)
        self.other = Document.from_array(other, rate)
        self.other.set_label_tiers([LabelTier("words", (Label(0, min(5, len(other)), "o"),)),
                                    LabelTier("other", (Label(1, 1, "p"),))])
        self.clip: tuple[Clipboard, RefClip] | None = None
        self.counter = 0

    # -- helpers ---------------------------------------------------------------
    @property
    def ref(self) -> Ref:
        return self.states[self.index]

    def at(self, p):
        if p >= 0:
            return min(p, self.ref.frames)
        edges = sorted({x for _, labels in self.ref.tiers for a, b, _ in labels for x in (a, b)})
        return edges[(-p - 1) % len(edges)] if edges else 0

    def span(self, a, b):
        return tuple(sorted((self.at(a), self.at(b))))

    def expect(self, command, expected: Ref | None, merge=False):
        """Push `command`; None means the edit must be refused with EditError."""
        if expected is None:
            with pytest.raises(EditError):
                self.history.push(command)
            return
        self.history.push(command, merge=merge)
        if not merge:
            del self.states[self.index + 1:]
            self.states.append(expected)
            self.index += 1
        else:
            self.states[self.index] = expected

    def range_ok(self, s, e):
        return s < e

    def channels_ok(self, chans):
        return chans is None or any(c < self.ref.channels for c in chans)

    # -- length-changing edits --------------------------------------------------------
    @rule(a=positions, b=positions, cut=st.booleans())
    def delete(self, a, b, cut):
        s, e = self.span(a, b)
        expected = ref_delete(self.ref, s, e) if s < e else None
        command = CutCommand(s, e) if cut else DeleteCommand(s, e)
        clip = None
        if cut and expected is not None:
            clip = RefClip(tuple(x[s:e] for _, x in self.ref.tracks), self.ref.rate,
                           ref_labels_in(self.ref, s, e))
        self.expect(command, expected)
        if clip is not None:
            self.clip = (command.clipboard, clip)

    @rule(a=positions, b=positions)
    def trim(self, a, b):
        s, e = self.span(a, b)
        ok = s < e and (s, e) != (0, self.ref.frames)
        expected = None
        if ok:
            expected = ref_delete(ref_delete(self.ref, e, self.ref.frames), 0, s)
        self.expect(TrimCommand(s, e), expected)

    @rule(a=positions, n=st.integers(0, 300))
    def insert_silence(self, a, n):
        at = self.at(a)
        expected = None
        if n > 0:
            arrays = [np.concatenate([x[:at], np.zeros((n, x.shape[1]), np.float32), x[at:]])
                      for _, x in self.ref.tracks]
            expected = ref_insert_labels(self.ref.with_arrays(arrays), at, n)
        self.expect(InsertSilenceCommand(at, n), expected)

    @rule(a=positions, b=positions)
    def copy(self, a, b):
        s, e = self.span(a, b)
        if s == e:
            with pytest.raises(EditError):
                Clipboard.copy(self.doc, s, e)
            return
        self.clip = (Clipboard.copy(self.doc, s, e),
                     RefClip(tuple(x[s:e] for _, x in self.ref.tracks), self.ref.rate,
                             ref_labels_in(self.ref, s, e)))

    @rule(a=st.integers(0, 2100), b=st.integers(0, 2100))
    def copy_from_other_document(self, a, b):
        frames = self.other.frames
        s, e = sorted((a % (frames + 1), b % (frames + 1)))
        if s < e:
            other = ref_of(self.other)
            self.clip = (Clipboard.copy(self.other, s, e),
                         RefClip(tuple(x[s:e] for _, x in other.tracks), other.rate,
                                 ref_labels_in(other, s, e)))

    @precondition(lambda self: self.clip is not None)
    @rule(a=positions, b=positions, replace_selection=st.booleans())
    def paste(self, a, b, replace_selection):
        s, e = self.span(a, b)
        if not replace_selection:
            e = s
        clipboard, clip = self.clip
        audio = [ref_clip_for(clip, self.ref, t) for t in range(len(self.ref.tracks))]
        expected = None
        if all(x is not None for x in audio):
            n = max(len(x) for x in clip.arrays)
            arrays = [np.concatenate([x[:s], new, x[e:]])
                      for (_, x), new in zip(self.ref.tracks, audio, strict=True)]
            expected = ref_delete_labels(self.ref.with_arrays(arrays), s, e)
            expected = ref_paste_labels(ref_insert_labels(expected, s, n), clip.tiers, s)
        self.expect(PasteCommand(clipboard, s, e), expected)

    # -- in-place effects ----------------------------------------------------------------
    def effect(self, command, s, e, chans, fn):
        ok = s < e and self.channels_ok(chans)
        self.expect(command, ref_apply(self.ref, s, e, chans, fn) if ok else None)

    @rule(a=positions, b=positions, chans=channel_sets)
    def silence(self, a, b, chans):
        s, e = self.span(a, b)
        self.effect(SilenceCommand(s, e, chans), s, e, chans, np.zeros_like)

    @rule(a=positions, b=positions, chans=channel_sets,
          db=st.floats(-24, 24, allow_nan=False).map(lambda v: round(v, 1)))
    def gain(self, a, b, chans, db):
        s, e = self.span(a, b)
        factor = np.float32(10.0 ** (db / 20.0))
        self.effect(GainCommand(s, e, db, chans), s, e, chans, lambda x: x * factor)

    @rule(a=positions, b=positions, chans=channel_sets, level_db=st.sampled_from([-1.0, -12.5]),
          mode=st.sampled_from(list(NormalizeMode)))
    def normalize(self, a, b, chans, level_db, mode):
        s, e = self.span(a, b)
        command = NormalizeCommand(s, e, level_db, mode, chans)
        if not (s < e and self.channels_ok(chans)):
            self.expect(command, None)
            return
        level = ref_level(self.ref, s, e, chans, mode)
        if level == 0.0:
            self.expect(command, None)
            return
        factor = np.float32(10.0 ** (level_db / 20.0) / level)
        self.effect(command, s, e, chans, lambda x: x * factor)

    @rule(a=positions, b=positions, chans=channel_sets, fade_in=st.booleans(),
          curve=st.sampled_from(list(FadeCurve)))
    def fade(self, a, b, chans, fade_in, curve):
        s, e = self.span(a, b)
        gains = ref_fade_gains(e - s, fade_in, curve)
        self.effect(FadeCommand(s, e, fade_in, curve, chans), s, e, chans,
                    lambda x: x * gains[:, None])

    @rule(a=positions, b=positions, chans=channel_sets)
    def reverse(self, a, b, chans):
        s, e = self.span(a, b)
        self.effect(ReverseCommand(s, e, chans), s, e, chans, lambda x: x[::-1])

    @precondition(lambda self: self.ref.frames > 0)
    @rule(a=positions, b=positions, db=st.sampled_from([-6.0, 3.0]))
    def compound_gain_then_reverse(self, a, b, db):
        s, e = self.span(a, b)
        if s == e:
            s, e = 0, self.ref.frames
        factor = np.float32(10.0 ** (db / 20.0))
        expected = ref_apply(self.ref, s, e, None, lambda x: x * factor)
        expected = ref_apply(expected, s, e, None, lambda x: x[::-1])
        before = len(self.history.entries[: self.history.index])
        with self.history.compound("Gain and reverse"):
            self.history.push(GainCommand(s, e, db))
            self.history.push(ReverseCommand(s, e))
        assert self.history.index == before + 1
        del self.states[self.index + 1:]
        self.states.append(expected)
        self.index += 1

    # -- rate and channels -------------------------------------------------------------
    @rule(up=st.booleans())
    def change_sample_rate(self, up):
        ref = self.ref
        if up:
            new_rate, arrays = ref.rate * 2, [np.repeat(x, 2, axis=0) for _, x in ref.tracks]
        elif ref.rate % 2 == 0:
            new_rate, arrays = ref.rate // 2, [x[::2] for _, x in ref.tracks]
        else:
            return
        expected = replace(ref.with_arrays(arrays), rate=new_rate)
        frames = expected.frames
        expected = expected.map_labels(lambda a, b, text: (
            ref_rescale(a, ref.rate, new_rate, frames), ref_rescale(b, ref.rate, new_rate, frames),
            text))
        sequences = [BlockSequence.from_array(x) for x in arrays]
        self.expect(ChangeSampleRateCommand(new_rate, sequences), expected)

    @rule()
    def mix_to_mono(self):
        ref = self.ref
        expected = None
        if any(x.shape[1] > 1 for _, x in ref.tracks):
            expected = ref.with_arrays([
                x if x.shape[1] == 1 else
                (np.sum(x, axis=1, dtype=np.float32) / np.float32(x.shape[1]))[:, None]
                for _, x in ref.tracks])
        self.expect(MixToMonoCommand(), expected)

    @rule()
    def split_to_mono(self):
        ref = self.ref
        expected = None
        if any(x.shape[1] > 1 for _, x in ref.tracks):
            tracks = []
            for name, x in ref.tracks:
                n = x.shape[1]
                names = ([f"{name} (L)", f"{name} (R)"] if n == 2 else
                         [f"{name} ({c + 1})" for c in range(n)]) if n > 1 else [name]
                tracks += [(names[c], np.ascontiguousarray(x[:, c:c + 1])) for c in range(n)]
            expected = replace(ref, tracks=tuple(tracks))
        self.expect(SplitToMonoCommand(), expected)

    # -- labels ---------------------------------------------------------------------------
    def pick_label(self, i, j):
        tiers = self.doc.label_tiers
        if not tiers:
            return None
        i %= len(tiers)
        if not tiers[i].labels:
            return None
        return i, tiers[i], tiers[i].labels[j % len(tiers[i].labels)]

    def ref_replace_label(self, i, old: RefLabel, new: RefLabel | None) -> Ref:
        name, labels = self.ref.tiers[i]
        labels = list(labels)
        labels.remove(old)
        if new is not None:
            labels.append(new)
        return replace(self.ref, tiers=self.ref.tiers[:i] + ((name, tuple(labels)),)
                       + self.ref.tiers[i + 1:])

    @rule(name=st.sampled_from(["words", "notes", "x"]), where=st.integers(0, 5))
    def add_tier(self, name, where):
        tiers = self.ref.tiers
        index = min(where, len(tiers))
        expected = replace(self.ref, tiers=tiers[:index] + ((name, ()),) + tiers[index:])
        self.expect(AddTierCommand(name, index), expected)

    @precondition(lambda self: self.doc.label_tiers)
    @rule(i=st.integers(0, 9), a=positions, b=positions, point=st.booleans())
    def add_label(self, i, a, b, point):
        i %= len(self.ref.tiers)
        s, e = self.span(a, b)
        e = s if point else e
        self.counter += 1
        text = f"L{self.counter}"
        name, labels = self.ref.tiers[i]
        expected = replace(self.ref, tiers=self.ref.tiers[:i] + ((name, labels + ((s, e, text),)),)
                           + self.ref.tiers[i + 1:])
        self.expect(AddLabelCommand(self.doc.label_tiers[i].id, s, e, text), expected)

    @rule(i=st.integers(0, 9), j=st.integers(0, 99), ends=st.lists(positions, min_size=1,
                                                                    max_size=4))
    def drag_label_end(self, i, j, ends):
        picked = self.pick_label(i, j)
        if picked is None:
            return
        i, tier, label = picked
        old = (label.start, label.end, label.text)
        for k, end in enumerate(ends):
            end = max(label.start, self.at(end))
            new = (label.start, end, label.text)
            expected = self.ref_replace_label(i, old, new)
            self.expect(MoveLabelCommand(tier.id, label.id, label.start, end), expected,
                        merge=k > 0)
            old = new

    @rule(i=st.integers(0, 9), j=st.integers(0, 99))
    def edit_label_text(self, i, j):
        picked = self.pick_label(i, j)
        if picked is None:
            return
        i, tier, label = picked
        self.counter += 1
        new = (label.start, label.end, f"T{self.counter}")
        expected = self.ref_replace_label(i, (label.start, label.end, label.text), new)
        self.expect(SetLabelTextCommand(tier.id, label.id, new[2]), expected)

    @rule(i=st.integers(0, 9), j=st.integers(0, 99))
    def delete_label(self, i, j):
        picked = self.pick_label(i, j)
        if picked is None:
            return
        i, tier, label = picked
        expected = self.ref_replace_label(i, (label.start, label.end, label.text), None)
        self.expect(DeleteLabelCommand(tier.id, label.id), expected)

    @precondition(lambda self: self.doc.label_tiers)
    @rule(i=st.integers(0, 9), to=st.integers(0, 9), action=st.sampled_from(["rename", "move",
                                                                             "delete"]))
    def change_tier(self, i, to, action):
        tiers = list(self.ref.tiers)
        i %= len(tiers)
        tier_id = self.doc.label_tiers[i].id
        if action == "rename":
            tiers[i] = ("renamed", tiers[i][1])
            command = RenameTierCommand(tier_id, "renamed")
        elif action == "move":
            to %= len(tiers)
            tiers.insert(to, tiers.pop(i))
            command = MoveTierCommand(tier_id, to)
        else:
            del tiers[i]
            command = DeleteTierCommand(tier_id)
        self.expect(command, replace(self.ref, tiers=tuple(tiers)))

    # -- undo and redo --------------------------------------------------------------------
    @rule(steps=st.integers(1, 3))
    def undo(self, steps):
        for _ in range(steps):
            self.history.undo()
        self.index = max(0, self.index - steps)

    @rule(steps=st.integers(1, 3))
    def redo(self, steps):
        for _ in range(steps):
            self.history.redo()
        self.index = min(len(self.states) - 1, self.index + steps)

    @rule(to=st.integers(0, 40))
    def goto(self, to):
        to %= len(self.states)
        self.history.goto(to)
        self.index = to

    # -- checks ----------------------------------------------------------------------------
    def assert_matches(self, ref: Ref):
        doc = self.doc
        assert doc.sample_rate == ref.rate
        assert [t.name for t in doc.tracks] == [name for name, _ in ref.tracks]
        for track, (_, expected) in zip(doc.tracks, ref.tracks, strict=True):
            got = track.samples.read()
            assert got.dtype == np.float32 and got.shape == expected.shape
            assert np.array_equal(got, expected)
        assert [t.name for t in doc.label_tiers] == [name for name, _ in ref.tiers]
        for tier, (_, labels) in zip(doc.label_tiers, ref.tiers, strict=True):
            got = [(lab.start, lab.end, lab.text) for lab in tier.labels]
            assert sorted(got) == sorted(labels)

    @invariant()
    def document_matches_reference(self):
        self.assert_matches(self.ref)
        assert self.history.index == self.index
        assert len(self.history.entries) == len(self.states) - 1

    @invariant()
    def labels_are_ordered_and_inside(self):
        for tier in self.doc.label_tiers:
            keys = [(lab.start, lab.end) for lab in tier.labels]
            assert keys == sorted(keys)
            assert all(0 <= a <= b <= self.doc.frames for a, b in keys)
        sel = self.doc.selection
        assert 0 <= sel.start <= sel.stop <= self.doc.frames

    def teardown(self):
        if not hasattr(self, "history"):
            return
        self.history.goto(0)
        self.assert_matches(self.states[0])
        self.history.goto(len(self.states) - 1)
        self.assert_matches(self.states[-1])


CI = bool(os.environ.get("CI"))
EditSequences.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, derandomize=CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    **({"database": None} if CI else {}))
TestEditSequences = EditSequences.TestCase
