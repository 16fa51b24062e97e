"""Label rules (following the audio, copy and paste) and the label commands."""

import numpy as np
import pytest

from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import CutCommand, PasteCommand
from workbench.core.document.edits import EditError
from workbench.core.document.history import History
from workbench.core.document.label_commands import (
    AddLabelCommand,
    AddTierCommand,
    AddTiersCommand,
    DeleteLabelCommand,
    DeleteTierCommand,
    MoveLabelCommand,
    MoveTierCommand,
    RenameTierCommand,
    SetLabelTextCommand,
)
from workbench.core.labels.labels import (
    Label,
    LabelTier,
    labels_after_delete,
    labels_after_insert,
    labels_after_rescale,
    labels_in_range,
    labels_pasted,
)


def spans(tiers, index=0):
    return [(lab.start, lab.end) for lab in tiers[index].labels]


def tiers_of(*positions):
    return (LabelTier("t", tuple(Label(a, b, f"{a}-{b}") for a, b in positions)),)


# -- following the audio ------------------------------------------------------------

def test_delete_shifts_later_labels_left():
    assert spans(labels_after_delete(tiers_of((300, 400), (500, 500)), 100, 200)) == [
        (200, 300), (400, 400)]


def test_delete_shortens_regions_reaching_into_it():
    assert spans(labels_after_delete(tiers_of((50, 150), (180, 260), (50, 260)), 100, 200)) \
        == [(50, 100), (50, 160), (100, 160)]


def test_delete_removes_what_lies_wholly_inside():
    result = labels_after_delete(tiers_of((100, 200), (120, 150), (100, 100), (199, 199)),
                                 100, 200)
    assert spans(result) == []


def test_delete_keeps_labels_that_end_where_it_starts_or_start_where_it_ends():
    assert spans(labels_after_delete(tiers_of((50, 100), (200, 250), (200, 200)), 100, 200)) \
        == [(50, 100), (100, 100), (100, 150)]


def test_untouched_tiers_are_the_same_objects():
    tiers = tiers_of((10, 20))
    assert labels_after_delete(tiers, 100, 200)[0] is tiers[0]
    assert labels_after_insert(tiers, 100, 5)[0] is tiers[0]


def test_insert_shifts_later_labels_right_and_grows_spanning_regions():
    result = labels_after_insert(tiers_of((10, 100), (100, 200), (50, 150), (100, 100)), 100, 30)
    assert spans(result) == [(10, 100), (50, 180), (130, 130), (130, 230)]


def test_rescale_keeps_times_and_stays_inside():
    result = labels_after_rescale(tiers_of((441, 882), (44099, 44100)), 44100, 1000, 1000)
    assert spans(result) == [(10, 20), (1000, 1000)]


def test_labels_keep_their_ids_when_they_move():
    tiers = tiers_of((300, 400))
    moved = labels_after_delete(tiers, 0, 100)
    assert moved[0].labels[0].id == tiers[0].labels[0].id


def test_copy_takes_points_and_clipped_regions_relative_to_the_start():
    tiers = tiers_of((50, 150), (120, 120), (200, 200), (180, 400))
    taken = labels_in_range(tiers, 100, 200)
    assert spans(taken) == [(0, 50), (20, 20), (80, 100)]
    assert labels_in_range(tiers_of((0, 10)), 100, 200) == ()


def test_paste_goes_into_the_tier_of_the_same_name_or_a_new_one():
    doc_tiers = (LabelTier("words", (Label(0, 10, "a"),)),)
    clip = (LabelTier("words", (Label(0, 5, "b"),)), LabelTier("notes", (Label(2, 2, "n"),)))
    result = labels_pasted(doc_tiers, clip, 100)
    assert [t.name for t in result] == ["words", "notes"]
    assert spans(result) == [(0, 10), (100, 105)] and spans(result, 1) == [(102, 102)]
    assert result[0].labels[1].id != clip[0].labels[0].id


def test_cut_and_paste_carries_labels_with_the_audio():
    doc = Document.from_array(np.zeros((1000, 1), np.float32), 1000)
    doc.set_label_tiers(tiers_of((100, 200), (900, 900)))
    history = History(doc)
    cut = CutCommand(50, 250)
    history.push(cut)
    assert spans(doc.label_tiers) == [(700, 700)]
    history.push(PasteCommand(cut.clipboard, 800))
    assert spans(doc.label_tiers) == [(700, 700), (850, 950)]
    history.goto(0)
    assert spans(doc.label_tiers) == [(100, 200), (900, 900)]


def test_paste_into_another_document_creates_the_tier():
    source = Document.from_array(np.zeros((100, 1), np.float32), 1000)
    source.set_label_tiers([LabelTier("words", (Label(10, 20, "hi"),))])
    target = Document.from_array(np.zeros((100, 1), np.float32), 1000)
    History(target).push(PasteCommand(Clipboard.copy(source, 0, 50), 30))
    assert [t.name for t in target.label_tiers] == ["words"]
    assert spans(target.label_tiers) == [(40, 50)]


# -- label commands -------------------------------------------------------------------

@pytest.fixture
def doc():
    return Document.from_array(np.zeros((1000, 1), np.float32), 1000)


@pytest.fixture
def history(doc):
    return History(doc)


def test_add_labels_from_a_selection_and_at_a_position(doc, history):
    tier = AddTierCommand("words")
    history.push(tier)
    region = AddLabelCommand(tier.tier_id, 100, 200, "hello")
    point = AddLabelCommand(tier.tier_id, 50)
    history.push(region)
    history.push(point)
    labels = doc.label_tiers[0].labels
    assert [(lab.start, lab.end, lab.text) for lab in labels] == [(50, 50, ""), (100, 200, "hello")]
    assert history.labels[1:] == ["Add label", "Add point label"]
    history.undo()
    history.redo()
    assert doc.label_tiers[0].labels[0].id == point.label_id  # same id after redo


def test_labels_must_lie_inside_the_audio(doc, history):
    tier = AddTierCommand("t")
    history.push(tier)
    with pytest.raises(EditError, match="inside the audio"):
        history.push(AddLabelCommand(tier.tier_id, 900, 1200))
    with pytest.raises(EditError, match="no label tier"):
        history.push(AddLabelCommand("nope", 0, 10))
    assert len(history.entries) == 1


def test_edit_text_move_and_delete_a_label(doc, history):
    tier = AddTierCommand("t")
    add = AddLabelCommand(tier.tier_id, 100, 200, "a")
    for command in (tier, add, SetLabelTextCommand(tier.tier_id, add.label_id, "b"),
                    MoveLabelCommand(tier.tier_id, add.label_id, 300, 400)):
        history.push(command)
    lab = doc.label_tiers[0].labels[0]
    assert (lab.start, lab.end, lab.text, lab.id) == (300, 400, "b", add.label_id)
    history.push(DeleteLabelCommand(tier.tier_id, add.label_id))
    assert history.labels[-1] == "Delete label 'b'" and doc.label_tiers[0].labels == ()
    history.undo()
    assert doc.label_tiers[0].labels[0] == lab


def test_typing_merges_into_one_entry(doc, history):
    tier = AddTierCommand("t")
    add = AddLabelCommand(tier.tier_id, 100, 200)
    history.push(tier)
    history.push(add)
    history.push(SetLabelTextCommand(tier.tier_id, add.label_id, "h"))
    for text in ("he", "hel", "hello"):
        history.push(SetLabelTextCommand(tier.tier_id, add.label_id, text), merge=True)
    assert len(history.entries) == 3 and doc.label_tiers[0].labels[0].text == "hello"
    history.undo()
    assert doc.label_tiers[0].labels[0].text == ""


def test_rename_reorder_and_delete_tiers(doc, history):
    a, b, c = AddTierCommand("a"), AddTierCommand("b"), AddTierCommand("c")
    for command in (a, b, c):
        history.push(command)
    history.push(RenameTierCommand(b.tier_id, "bee"))
    history.push(MoveTierCommand(c.tier_id, 0))
    assert [t.name for t in doc.label_tiers] == ["c", "a", "bee"]
    history.push(DeleteTierCommand(a.tier_id))
    assert [t.name for t in doc.label_tiers] == ["c", "bee"]
    assert history.labels[-3:] == ["Rename tier to 'bee'", "Move tier 'c'", "Delete tier 'a'"]
    history.goto(3)
    assert [t.name for t in doc.label_tiers] == ["a", "b", "c"]


def test_importing_tiers_is_one_undoable_step(doc, history):
    history.push(AddTiersCommand(tiers_of((10, 20), (30, 30))))
    assert history.labels == ["Import labels"] and spans(doc.label_tiers) == [(10, 20), (30, 30)]
    with pytest.raises(EditError):
        history.push(AddTiersCommand(tiers_of((10, 5000))))
    history.undo()
    assert doc.label_tiers == ()


def test_label_changes_bump_the_revision_and_announce_labels(doc, history):
    seen = []
    doc.labels_changed.connect(lambda: seen.append(doc.revision))
    revision = doc.revision
    history.push(AddTierCommand("t"))
    assert doc.revision == revision + 1 and seen == [revision + 1]
