"""Each audio edit: what it does to the samples, the labels and the selection, and its undo."""

import numpy as np
import pytest

from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import (
    CutCommand,
    DeleteCommand,
    InsertSilenceCommand,
    PasteCommand,
    ReplaceRangeCommand,
    TrimCommand,
)
from workbench.core.document.edits import EditError
from workbench.core.document.effects import (
    FadeCurve,
    FadeInCommand,
    FadeOutCommand,
    GainCommand,
    NormalizeCommand,
    NormalizeMode,
    ReverseCommand,
    SilenceCommand,
)
from workbench.core.document.history import History
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Label, LabelTier

RATE = 1000


def make_doc(frames=1000, channels=2, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((frames, channels)) * 0.25).astype(np.float32)
    return Document.from_array(x, RATE), x


def read(doc, track=0):
    return doc.tracks[track].samples.read()


def check_undo_redo(doc, history, before):
    after = read(doc)
    history.undo()
    assert np.array_equal(read(doc), before)
    history.redo()
    assert np.array_equal(read(doc), after)


def test_delete_removes_the_range_from_every_track_and_leaves_a_cursor():
    x = np.arange(20, dtype=np.float32)
    doc = Document([Track("a", BlockSequence.from_array(x)), Track("b", BlockSequence.from_array(-x))],
                   RATE)
    doc.set_selection(Selection(5, 10))
    history = History(doc)
    history.push(DeleteCommand(5, 10))
    assert history.labels == ["Delete 0.01–0.01 s"]
    assert np.array_equal(read(doc)[:, 0], np.r_[x[:5], x[10:]])
    assert np.array_equal(read(doc, 1)[:, 0], -np.r_[x[:5], x[10:]])
    assert doc.selection == Selection(5, 5)
    history.undo()
    assert doc.selection == Selection(5, 10)
    assert np.array_equal(read(doc)[:, 0], x)


def test_cut_names_the_span_and_fills_the_clipboard():
    doc, x = make_doc()
    history = History(doc)
    cut = CutCommand(500, 1000)
    history.push(cut)
    assert history.labels == ["Cut 0.50–1.00 s"]
    assert np.array_equal(cut.clipboard.tracks[0].read(), x[500:])
    assert cut.clipboard.sample_rate == RATE
    check_undo_redo(doc, history, x)


def test_undo_of_a_cut_restores_the_very_same_blocks():
    doc, x = make_doc()
    original_blocks = doc.tracks[0].samples.blocks
    history = History(doc)
    history.push(CutCommand(100, 200))
    history.undo()
    # O(blocks): undo splices the old blocks back, it does not copy samples.
    restored = doc.tracks[0].samples.blocks
    assert all(r.source is original_blocks[0].source for r in restored)
    assert history.size_bytes == 0


def test_trim_keeps_only_the_selection():
    doc, x = make_doc()
    history = History(doc)
    history.push(TrimCommand(200, 700))
    assert np.array_equal(read(doc), x[200:700])
    assert doc.selection == Selection(0, 500)
    check_undo_redo(doc, history, x)
    with pytest.raises(EditError):
        history.push(TrimCommand(0, doc.frames))


def test_insert_silence_adds_zeros_that_take_no_memory():
    doc, x = make_doc()
    history = History(doc)
    history.push(InsertSilenceCommand(300, 2500))
    assert history.labels == ["Insert 2.50 s of silence"]
    out = read(doc)
    assert np.array_equal(out, np.concatenate([x[:300], np.zeros((2500, 2), np.float32),
                                                x[300:]]))
    assert doc.selection == Selection(300, 2800)
    assert history.size_bytes == 0
    check_undo_redo(doc, history, x)


def test_paste_inserts_at_the_cursor_and_replaces_a_selection():
    doc, x = make_doc()
    history = History(doc)
    clip = Clipboard.copy(doc, 0, 100)
    history.push(PasteCommand(clip, 500))
    assert np.array_equal(read(doc), np.concatenate([x[:500], x[:100], x[500:]]))
    assert doc.selection == Selection(500, 600)
    history.push(PasteCommand(clip, 0, 400))
    assert doc.frames == 1100 - 400 + 100
    assert np.array_equal(read(doc)[:100], x[:100])
    assert history.labels == ["Paste 0.10 s", "Paste 0.10 s"]


def test_paste_between_documents_and_mono_into_stereo():
    stereo, x = make_doc(channels=2)
    mono, m = make_doc(frames=50, channels=1, seed=3)
    history = History(stereo)
    history.push(PasteCommand(Clipboard.copy(mono, 0, 50), 10))
    assert np.array_equal(read(stereo)[10:60], np.repeat(m, 2, axis=1))
    assert history.size_bytes == 0  # the mono audio is shown twice, not copied


def test_paste_refuses_what_it_cannot_fit():
    stereo, _ = make_doc(channels=2)
    three, _ = make_doc(channels=3)
    other_rate = Document.from_array(np.zeros((10, 2), np.float32), 48000)
    history = History(stereo)
    with pytest.raises(EditError, match="channels"):
        history.push(PasteCommand(Clipboard.copy(three, 0, 10), 0))
    with pytest.raises(EditError, match="48000 Hz"):
        history.push(PasteCommand(Clipboard.copy(other_rate, 0, 10), 0))
    assert history.entries == ()


def test_replace_range_applies_new_audio_of_another_length():
    doc, x = make_doc(channels=1)
    new = np.ones((30, 1), np.float32)
    history = History(doc)
    history.push(ReplaceRangeCommand("Denoise", 100, 200, [BlockSequence.from_array(new)]))
    assert np.array_equal(read(doc), np.concatenate([x[:100], new, x[200:]]))
    assert history.labels == ["Denoise"] and history.size_bytes == 30 * 4


@pytest.mark.parametrize("start,stop", [(-1, 10), (10, 5), (0, 5000), (7, 7)])
def test_ranges_outside_the_audio_are_refused(start, stop):
    doc, _ = make_doc()
    with pytest.raises(EditError):
        History(doc).push(DeleteCommand(start, stop))


# -- in-place effects ---------------------------------------------------------------

def test_gain_applies_to_the_selected_channels_only():
    doc, x = make_doc(channels=2)
    history = History(doc)
    history.push(GainCommand(100, 300, 6.0, channels={1}))
    out = read(doc)
    factor = np.float32(10 ** (6 / 20))
    assert np.array_equal(out[100:300, 1], x[100:300, 1] * factor)
    assert np.array_equal(out[:, 0], x[:, 0])
    assert np.array_equal(out[:100], x[:100]) and np.array_equal(out[300:], x[300:])
    assert history.labels == ["Gain +6.0 dB"]
    assert history.size_bytes == 200 * 2 * 4  # the new block holds both channels
    check_undo_redo(doc, history, x)


def test_gain_on_the_second_track_of_a_split_document():
    a = BlockSequence.from_array(np.ones((10, 1), np.float32))
    doc = Document([Track("L", a), Track("R", a)], RATE)
    History(doc).push(GainCommand(0, 10, -6.0, channels={1}))
    assert np.array_equal(read(doc), np.ones((10, 1), np.float32))
    assert np.all(read(doc, 1) < 1)


def test_silence_writes_exact_zeros_even_over_nan():
    x = np.full((10, 1), np.nan, np.float32)
    doc = Document([Track("a", BlockSequence.from_array(x))], RATE)
    History(doc).push(SilenceCommand(2, 5))
    assert np.array_equal(read(doc)[2:5], np.zeros((3, 1), np.float32))


def test_peak_normalize_reaches_the_target():
    doc, x = make_doc()
    History(doc).push(NormalizeCommand(0, 1000, -1.0))
    peak = np.abs(read(doc)).max()
    assert peak == pytest.approx(10 ** (-1 / 20), rel=1e-6)


def test_rms_normalize_reaches_the_target_over_the_selected_channels():
    doc, x = make_doc()
    History(doc).push(NormalizeCommand(0, 1000, -20.0, NormalizeMode.RMS, channels={0}))
    out = read(doc)
    rms = np.sqrt(np.mean(out[:, 0].astype(np.float64) ** 2))
    assert rms == pytest.approx(0.1, rel=1e-5)
    assert np.array_equal(out[:, 1], x[:, 1])


def test_normalizing_silence_is_refused():
    doc = Document.from_array(np.zeros((100, 1), np.float32), RATE)
    with pytest.raises(EditError, match="silent"):
        History(doc).push(NormalizeCommand(0, 100))


def test_linear_fades_run_from_and_to_silence():
    doc = Document.from_array(np.ones((101, 1), np.float32), RATE)
    history = History(doc)
    history.push(FadeInCommand(0, 101))
    assert history.labels == ["Fade in 0.10 s"]
    gains = read(doc)[:, 0]
    assert gains[0] == 0 and gains[-1] == 1 and gains[50] == pytest.approx(0.5)
    assert np.all(np.diff(gains) > 0)
    history.undo()
    history.push(FadeOutCommand(0, 101))
    gains = read(doc)[:, 0]
    assert gains[0] == 1 and gains[-1] == 0 and np.all(np.diff(gains) < 0)


def test_logarithmic_fade_is_a_straight_line_in_decibels():
    doc = Document.from_array(np.ones((61, 1), np.float32), RATE)
    history = History(doc)
    history.push(FadeInCommand(0, 61, FadeCurve.LOGARITHMIC))
    assert history.labels == ["Fade in 0.06 s (logarithmic)"]
    gains = read(doc)[:, 0].astype(np.float64)
    assert gains[0] == 0 and gains[-1] == 1
    steps_db = np.diff(20 * np.log10(gains[1:]))
    assert np.allclose(steps_db, 1.0, atol=1e-4)  # -59 dB .. 0 dB in 1 dB steps


def test_reverse_mirrors_the_range():
    doc, x = make_doc()
    history = History(doc)
    history.push(ReverseCommand(100, 400))
    out = read(doc)
    assert np.array_equal(out[100:400], x[100:400][::-1])
    assert np.array_equal(out[400:], x[400:])
    check_undo_redo(doc, history, x)


def test_effects_need_a_selection():
    doc, _ = make_doc()
    with pytest.raises(EditError, match="needs a selection"):
        History(doc).push(GainCommand(10, 10, 1.0))


def test_length_changing_edits_move_labels_and_undo_restores_them():
    doc, _ = make_doc()
    inside = Label(150, 180, "inside")
    tier = LabelTier("t", (Label(50, 120, "across"), inside, Label(300, 300, "after")))
    doc.set_label_tiers([tier])
    history = History(doc)
    history.push(CutCommand(100, 200))
    labels = doc.label_tiers[0].labels
    assert [(lab.start, lab.end, lab.text) for lab in labels] == [(50, 100, "across"),
                                                                 (200, 200, "after")]
    history.undo()
    assert doc.label_tiers[0] is tier  # the removed region is back, same id
    history.push(InsertSilenceCommand(60, 10))
    assert [(lab.start, lab.end) for lab in doc.label_tiers[0].labels] == [
        (50, 130), (160, 190), (310, 310)]


def test_one_edit_is_one_document_notification():
    doc, _ = make_doc()
    doc.set_label_tiers([LabelTier("t", (Label(500, 600),))])
    revisions, label_events = [], []
    doc.changed.connect(lambda: revisions.append(doc.revision))
    doc.labels_changed.connect(lambda: label_events.append(1))
    History(doc).push(DeleteCommand(0, 100))
    assert len(revisions) == 1 and len(label_events) == 1


class CountingSource(SampleSource):
    """An hour of stereo audio at 48 kHz that takes no memory and counts its reads."""

    reads = 0

    def read(self, start, stop):
        CountingSource.reads += 1
        return super().read(start, stop)


def test_cut_undo_redo_on_an_hour_long_file_never_reads_samples():
    hour = 3600 * 48000
    source = CountingSource(np.broadcast_to(np.float32(0.5), (hour, 2)))
    doc = Document([Track("long", BlockSequence.from_source(source))], 48000)
    doc.set_label_tiers([LabelTier("t", (Label(hour - 10, hour - 10, "end"),))])
    history = History(doc)
    CountingSource.reads = 0
    history.push(CutCommand(48000 * 60, 48000 * 1800))
    for _ in range(3):
        history.undo()
        history.redo()
    assert CountingSource.reads == 0
    assert doc.frames == hour - 48000 * 1740 and history.size_bytes == 0
    assert doc.label_tiers[0].labels[0].start == hour - 10 - 48000 * 1740
    assert len(doc.tracks[0].samples.blocks) == 2
