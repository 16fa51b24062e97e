"""Selection values, the document's selection state, zero-crossing snapping, time formats."""

import numpy as np
import pytest

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.document.selection import Selection, snap_to_zero_crossing, zero_crossing_near
from workbench.core.time_format import TimeFormat, format_time, parse_time, span_text


def test_selection_from_a_drag_in_either_direction():
    assert Selection.between(300, 100) == Selection(100, 300)
    assert Selection.between(-5, 10).start == 0
    with pytest.raises(ValueError):
        Selection(10, 5)
    assert Selection(4, 4).is_empty and Selection(4, 9).length == 5


def test_document_selection_is_clamped_and_announced_without_a_revision():
    doc = Document.from_array(np.zeros((100, 2), np.float32), 1000)
    seen = []
    doc.selection_changed.connect(seen.append)
    revision = doc.revision
    doc.set_selection(Selection(50, 500, {1, 7}))
    assert seen == [Selection(50, 100, {1})]
    doc.set_selection(Selection(50, 100, {1}))  # no change: no event
    doc.select_all()
    assert doc.selection == Selection(0, 100) and doc.selection.channels is None
    doc.select_none()
    assert doc.selection == Selection(0, 0)
    assert doc.revision == revision and len(seen) == 3


def test_naming_every_channel_is_the_same_as_all_channels():
    doc = Document.from_array(np.zeros((10, 2), np.float32), 1000)
    doc.set_selection(Selection(0, 5, {0, 1}))
    assert doc.selection.channels is None


def test_a_shorter_document_shrinks_the_selection():
    doc = Document.from_array(np.zeros((100, 1), np.float32), 1000)
    doc.set_selection(Selection(80, 100))
    seen = []
    doc.selection_changed.connect(seen.append)
    doc.set_samples(0, BlockSequence.from_array(np.zeros((50, 1), np.float32)))
    assert doc.selection == Selection(50, 50) and seen == [Selection(50, 50)]


def test_zero_crossing_is_the_nearest_sign_change():
    x = np.array([0.5, 0.4, 0.1, -0.2, -0.5, -0.1, 0.3, 0.6], np.float32)
    assert zero_crossing_near(x, 4, 3) == 3  # 3 and 6 are crossings; 3 is nearer
    assert zero_crossing_near(x, 5, 3) == 6
    assert zero_crossing_near(x, 0, 1) is None
    seq = BlockSequence.from_array(x)
    assert snap_to_zero_crossing([seq], 1, 1) == 1  # none within reach: unchanged
    assert snap_to_zero_crossing([seq], 1, 2) == 3


def test_snapping_looks_only_at_the_selected_channels():
    left = np.array([1, 1, 1, -1, -1, -1, -1, -1], np.float32)
    right = np.array([1, 1, 1, 1, 1, 1, -1, -1], np.float32)
    doc = Document.from_array(np.stack([left, right], axis=1), 1000)
    snapped = doc.snapped_to_zero_crossings(Selection(5, 5, {1}), radius=2)
    assert snapped.start == 6
    snapped = doc.snapped_to_zero_crossings(Selection(4, 5, {0}), radius=2)
    assert (snapped.start, snapped.stop) == (3, 3)


@pytest.mark.parametrize("fmt,text", [(TimeFormat.SECONDS, "75.500"),
                                      (TimeFormat.HMS, "0:01:15.500"),
                                      (TimeFormat.SAMPLES, "3624000")])
def test_time_formats_show_and_read_the_same_frame(fmt, text):
    frame = 3624000  # 75.5 s at 48 kHz
    assert format_time(frame, 48000, fmt) == text
    assert parse_time(text, 48000, fmt) == frame


def test_hms_rounds_to_what_it_shows_and_reads_short_forms():
    assert format_time(59_999_6, 10000, TimeFormat.HMS) == "0:01:00.000"
    assert format_time(3600 * 48000 * 2 + 48000, 48000, TimeFormat.HMS) == "2:00:01.000"
    assert parse_time("1:02.5", 1000, TimeFormat.HMS) == 62500
    assert parse_time("2.5", 1000, TimeFormat.HMS) == 2500
    assert parse_time(" 1:00:00 ", 10, TimeFormat.HMS) == 36000


@pytest.mark.parametrize("fmt,bad", [(TimeFormat.SECONDS, "abc"), (TimeFormat.SECONDS, "-1"),
                                     (TimeFormat.HMS, "1:xx"), (TimeFormat.SAMPLES, "1.5")])
def test_unreadable_times_raise_a_clear_error(fmt, bad):
    with pytest.raises(ValueError, match=repr(bad)):
        parse_time(bad, 1000, fmt)


def test_span_text_for_command_names():
    assert span_text(500, 1200, 1000) == "0.50–1.20 s"
