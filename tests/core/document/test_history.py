"""The undo history: order, grouping, merged drags, save point, memory budget, events."""

import numpy as np
import pytest

from workbench.core.document.document import Document
from workbench.core.document.edit_commands import DeleteCommand
from workbench.core.document.edits import EditError
from workbench.core.document.effects import GainCommand
from workbench.core.document.history import History
from workbench.core.document.label_commands import (
    AddLabelCommand,
    AddTierCommand,
    MoveLabelCommand,
    SetLabelTextCommand,
)


def ramp_doc(frames=1000, channels=1):
    samples = np.linspace(-1, 1, frames * channels, dtype=np.float32).reshape(frames, channels)
    return Document.from_array(samples, 1000)


def samples(doc, track=0):
    return doc.tracks[track].samples.read()


@pytest.fixture
def doc():
    return ramp_doc()


@pytest.fixture
def history(doc):
    return History(doc)


def test_undo_and_redo_walk_the_entries_in_order(doc, history):
    original = samples(doc)
    history.push(GainCommand(0, 500, 6.0))
    after_gain = samples(doc)
    history.push(DeleteCommand(100, 200))
    assert doc.frames == 900
    assert history.labels == ["Gain +6.0 dB", "Delete 0.10–0.20 s"]
    assert history.undo_label == "Delete 0.10–0.20 s"

    history.undo()
    assert np.array_equal(samples(doc), after_gain)
    history.undo()
    assert np.array_equal(samples(doc), original)
    assert not history.can_undo and history.undo_label is None
    history.undo()  # nothing left: harmless
    history.redo()
    history.redo()
    assert doc.frames == 900 and history.index == 2 and not history.can_redo


def test_goto_jumps_several_steps_with_one_document_notification(doc, history):
    for db in (1.0, 2.0, 3.0):
        history.push(GainCommand(0, 1000, db))
    notified = []
    doc.changed.connect(lambda: notified.append(doc.revision))
    history.goto(0)
    assert notified == [doc.revision] and len(notified) == 1
    assert np.array_equal(samples(doc), samples(ramp_doc()))
    history.goto(3)
    assert history.index == 3
    with pytest.raises(IndexError):
        history.goto(4)


def test_pushing_after_undo_discards_the_redo_branch(doc, history):
    history.push(GainCommand(0, 1000, 1.0))
    history.push(GainCommand(0, 1000, 2.0))
    history.undo()
    history.push(DeleteCommand(0, 10))
    assert history.labels == ["Gain +1.0 dB", "Delete 0.00–0.01 s"]
    assert not history.can_redo


def test_a_failing_command_leaves_no_entry_and_no_change(doc, history):
    revision = doc.revision
    with pytest.raises(EditError):
        history.push(DeleteCommand(900, 2000))
    assert history.labels == [] and doc.revision == revision and doc.frames == 1000


def test_compound_is_one_entry_and_one_notification(doc, history):
    notified = []
    doc.changed.connect(lambda: notified.append(1))
    with history.compound("Normalize all"):
        history.push(GainCommand(0, 500, 3.0))
        history.push(GainCommand(500, 1000, -3.0))
        assert not history.can_undo  # no undo while a group is open
    assert history.labels == ["Normalize all"] and len(notified) == 1
    changed = samples(doc)
    history.undo()
    assert np.array_equal(samples(doc), samples(ramp_doc()))
    history.redo()
    assert np.array_equal(samples(doc), changed)


def test_nested_compounds_fold_into_the_outer_one(history):
    with history.compound("Outer"):
        history.push(GainCommand(0, 10, 1.0))
        with history.compound("Inner"):
            history.push(GainCommand(0, 10, 2.0))
    assert history.labels == ["Outer"]


def test_a_compound_that_raises_is_rolled_back(doc, history):
    with pytest.raises(EditError), history.compound("Broken"):
        history.push(GainCommand(0, 1000, 6.0))
        history.push(DeleteCommand(0, 5000))
    assert history.labels == []
    assert np.array_equal(samples(doc), samples(ramp_doc()))


def test_an_empty_compound_records_nothing(history):
    with history.compound("Nothing"):
        pass
    assert history.labels == []


def test_a_drag_merges_into_one_entry(doc, history):
    tier = AddTierCommand("words")
    history.push(tier)
    add = AddLabelCommand(tier.tier_id, 100, 200, "a")
    history.push(add)
    history.push(MoveLabelCommand(tier.tier_id, add.label_id, 110, 200))
    for end in (210, 220, 230):
        history.push(MoveLabelCommand(tier.tier_id, add.label_id, 110, end), merge=True)
    assert history.labels == ["Add tier 'words'", "Add label", "Move label"]
    assert doc.label_tiers[0].labels[0].end == 230
    history.undo()
    assert (doc.label_tiers[0].labels[0].start, doc.label_tiers[0].labels[0].end) == (100, 200)
    history.redo()
    assert doc.label_tiers[0].labels[0].end == 230


def test_merge_needs_the_same_label_and_a_fresh_entry(doc, history):
    tier = AddTierCommand("t")
    history.push(tier)
    a = AddLabelCommand(tier.tier_id, 10, 20)
    b = AddLabelCommand(tier.tier_id, 30, 40)
    history.push(a)
    history.push(b)
    history.push(MoveLabelCommand(tier.tier_id, a.label_id, 11, 20))
    history.push(MoveLabelCommand(tier.tier_id, b.label_id, 31, 40), merge=True)
    assert len(history.labels) == 5  # a different label does not merge
    history.undo()
    history.redo()
    # After undo/redo a new drag of the same label starts a new entry.
    history.push(MoveLabelCommand(tier.tier_id, b.label_id, 32, 40), merge=True)
    assert len(history.labels) == 6
    # Typing is a different kind of change: it does not merge into a move.
    history.push(SetLabelTextCommand(tier.tier_id, b.label_id, "x"), merge=True)
    assert len(history.labels) == 7


def test_save_point_and_dirty_state(doc, history):
    assert not history.is_dirty
    history.push(GainCommand(0, 10, 1.0))
    assert history.is_dirty
    history.mark_saved()
    assert not history.is_dirty
    history.undo()
    assert history.is_dirty
    history.redo()
    assert not history.is_dirty
    history.undo()
    history.push(GainCommand(0, 10, 2.0))  # the saved state is gone for good
    history.undo()
    assert history.is_dirty


def test_merging_into_the_saved_entry_makes_the_document_dirty(doc, history):
    tier = AddTierCommand("t")
    history.push(tier)
    add = AddLabelCommand(tier.tier_id, 10, 20)
    history.push(add)
    history.push(MoveLabelCommand(tier.tier_id, add.label_id, 12, 20))
    history.mark_saved()
    history.push(MoveLabelCommand(tier.tier_id, add.label_id, 14, 20), merge=True)
    assert history.is_dirty


def test_memory_budget_drops_the_oldest_entries(doc, history):
    entry_bytes = 1000 * 4  # gain over the whole mono document makes 1000 new samples
    history.memory_budget = 3 * entry_bytes
    history.mark_saved()
    for db in (1.0, 2.0, 3.0, 4.0, 5.0):
        history.push(GainCommand(0, 1000, db))
    assert [c.size_bytes for c in history.entries] == [entry_bytes] * 3
    assert history.labels == ["Gain +3.0 dB", "Gain +4.0 dB", "Gain +5.0 dB"]
    history.goto(0)  # the oldest state kept: after the first two gains
    assert history.is_dirty  # the saved (original) state can no longer be reached
    expected = (samples(ramp_doc()) * np.float32(10 ** (1 / 20))) * np.float32(10 ** (2 / 20))
    assert np.array_equal(samples(doc), expected)


def test_unlimited_history_keeps_everything(doc):
    history = History(doc, memory_budget=None)
    for _ in range(50):
        history.push(GainCommand(0, 1000, 0.5))
    assert len(history.entries) == 50 and history.size_bytes == 50 * 4000


def test_deletes_pin_no_new_samples(doc, history):
    history.push(DeleteCommand(0, 500))
    assert history.size_bytes == 0


def test_changed_event_fires_for_what_a_panel_shows(doc, history):
    seen = []
    history.changed.connect(lambda: seen.append((history.index, len(history.entries),
                                                 history.is_dirty)))
    history.push(GainCommand(0, 10, 1.0))
    history.undo()
    history.mark_saved()
    history.redo()
    assert seen == [(1, 1, True), (0, 1, False), (0, 1, False), (1, 1, True)]


def test_a_listener_may_push_once_the_first_command_is_recorded(doc, history):
    def push_once():
        doc.changed.disconnect(push_once)
        history.push(GainCommand(0, 10, 2.0))

    doc.changed.connect(push_once)
    history.push(GainCommand(0, 10, 1.0))
    assert history.labels == ["Gain +1.0 dB", "Gain +2.0 dB"]


def test_a_command_cannot_push_from_inside_its_own_do(doc, history):
    class Nested(GainCommand):
        def do(self, d):
            history.push(GainCommand(0, 10, 1.0))

    with pytest.raises(RuntimeError):
        history.push(Nested(0, 10, 1.0))
    assert history.entries == ()


def test_clear_forgets_entries_but_not_dirtiness(doc, history):
    history.push(GainCommand(0, 10, 1.0))
    history.clear()
    assert history.entries == () and not history.can_undo and history.is_dirty
