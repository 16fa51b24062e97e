"""Edits of the track layout and rate: change sample rate, mix to mono, split to mono tracks."""

import numpy as np
import pytest

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import CutCommand
from workbench.core.document.edits import EditError
from workbench.core.document.effects import GainCommand
from workbench.core.document.history import History
from workbench.core.document.selection import Selection
from workbench.core.document.track_commands import (
    ChangeSampleRateCommand,
    MixToMonoCommand,
    SplitToMonoCommand,
)
from workbench.core.labels.labels import Label, LabelTier


def stereo_doc(frames=100):
    x = np.stack([np.arange(frames), -np.arange(frames)], axis=1).astype(np.float32) / frames
    return Document.from_array(x, 1000, name="song"), x


def test_change_sample_rate_swaps_audio_and_rescales_labels_and_selection():
    doc, x = stereo_doc()
    doc.set_label_tiers([LabelTier("t", (Label(10, 31, "a"), Label(99, 99, "end")))])
    doc.set_selection(Selection(20, 41))
    halved = BlockSequence.from_array(x[::2])  # stands in for a real resampler
    history = History(doc)
    history.push(ChangeSampleRateCommand(500, [halved]))
    assert history.labels == ["Resample to 500 Hz"]
    assert doc.sample_rate == 500 and doc.frames == 50
    assert [(lab.start, lab.end) for lab in doc.label_tiers[0].labels] == [(5, 16), (50, 50)]
    assert (doc.selection.start, doc.selection.stop) == (10, 21)
    assert history.size_bytes == 50 * 2 * 4
    history.undo()
    assert doc.sample_rate == 1000 and np.array_equal(doc.tracks[0].samples.read(), x)
    assert doc.label_tiers[0].labels[0].end == 31 and doc.selection == Selection(20, 41)


def test_change_sample_rate_checks_the_new_audio():
    doc, x = stereo_doc()
    mono = BlockSequence.from_array(x[:, :1])
    with pytest.raises(EditError, match="channels"):
        History(doc).push(ChangeSampleRateCommand(500, [mono]))
    with pytest.raises(EditError, match="already"):
        History(doc).push(ChangeSampleRateCommand(1000, [BlockSequence.from_array(x)]))


def test_mix_to_mono_averages_the_channels():
    x = np.array([[1.0, 0.5], [0.25, -0.25]], np.float32)
    doc = Document.from_array(x, 1000)
    doc.set_selection(Selection(0, 2, {1}))
    history = History(doc)
    history.push(MixToMonoCommand())
    assert doc.channels == 1
    assert np.array_equal(doc.tracks[0].samples.read()[:, 0], np.float32([0.75, 0.0]))
    assert doc.selection.channels is None
    history.undo()
    assert doc.channels == 2 and np.array_equal(doc.tracks[0].samples.read(), x)
    with pytest.raises(EditError, match="already mono"):
        History(Document.from_array(x[:, :1], 1000)).push(MixToMonoCommand())


def test_split_stereo_makes_two_mono_tracks_without_copying():
    doc, x = stereo_doc()
    history = History(doc)
    history.push(SplitToMonoCommand())
    assert [t.name for t in doc.tracks] == ["song (L)", "song (R)"]
    assert np.array_equal(doc.tracks[1].samples.read()[:, 0], x[:, 1])
    assert history.size_bytes == 0
    # Edits after the split work per track, and undo all the way back restores stereo.
    history.push(GainCommand(0, 100, 6.0, channels={1}))
    assert np.array_equal(doc.tracks[0].samples.read()[:, 0], x[:, 0])
    history.push(CutCommand(0, 10))
    assert all(t.samples.frames == 90 for t in doc.tracks)
    history.goto(0)
    assert len(doc.tracks) == 1 and np.array_equal(doc.tracks[0].samples.read(), x)
    history.goto(3)
    assert len(doc.tracks) == 2 and doc.frames == 90


def test_clipboard_resampled_moves_its_labels():
    doc, x = stereo_doc()
    doc.set_label_tiers([LabelTier("t", (Label(20, 40, "a"),))])
    clip = Clipboard.copy(doc, 10, 60)
    assert [(lab.start, lab.end) for lab in clip.label_tiers[0].labels] == [(10, 30)]
    half = clip.resampled((BlockSequence.from_array(x[10:60:2]),), 500)
    assert half.sample_rate == 500 and half.frames == 25
    assert [(lab.start, lab.end) for lab in half.label_tiers[0].labels] == [(5, 15)]
