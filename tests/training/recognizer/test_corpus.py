"""`--corpus` folders: the three layouts, transcript normalization, and broken pairs."""

import numpy as np
import pytest
import soundfile as sf

from workbench.training.recognizer.corpus import CorpusError, normalize_transcript, read_corpus
from workbench.training.recognizer.data import corpus_split, is_held_out


def tone(path, seconds=0.2, rate=16000):
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


def test_normalization_keeps_letters_apostrophes_and_spells_numbers():
    assert normalize_transcript("Don't PANIC -- it's 42, ok?") == "don't panic it's forty two ok"
    assert normalize_transcript("  'Quoted'  well-known\n") == "quoted well known"
    assert normalize_transcript("...") == ""


def test_pairs_layout_reads_audio_with_same_named_text(tmp_path):
    for name, text in [("a", "Hello there."), ("sub/b", "Second one")]:
        tone(tmp_path / f"{name}.flac")
        (tmp_path / f"{name}.txt").write_text(text)
    found = read_corpus(tmp_path)
    assert [(u.audio.name, u.text) for u in found] == [("a.flac", "hello there"),
                                                        ("b.flac", "second one")]


def test_ljspeech_layout(tmp_path):
    tone(tmp_path / "wavs" / "LJ001-0001.wav")
    tone(tmp_path / "wavs" / "LJ001-0002.wav")
    (tmp_path / "metadata.csv").write_text(
        "LJ001-0001|Raw text 1|Normalized text one\nLJ001-0002|Only raw, 7 words\n")
    found = read_corpus(tmp_path)
    assert [u.text for u in found] == ["normalized text one", "only raw seven words"]


def test_librispeech_layout(tmp_path):
    chapter = tmp_path / "19" / "198"
    for key in ("19-198-0000", "19-198-0001"):
        tone(chapter / f"{key}.flac")
    (chapter / "19-198.trans.txt").write_text(
        "19-198-0000 NORTHANGER ABBEY\n19-198-0001 THIS LITTLE WORK\n")
    found = read_corpus(tmp_path)
    assert [(u.key, u.text) for u in found] == [("19-198-0000", "northanger abbey"),
                                                ("19-198-0001", "this little work")]


@pytest.mark.parametrize("layout", ["pair-no-text", "text-no-audio", "empty-text",
                                    "lj-missing-audio", "libri-missing-audio"])
def test_a_broken_pair_names_its_file(tmp_path, layout):
    if layout == "pair-no-text":
        tone(tmp_path / "ok.wav")
        (tmp_path / "ok.txt").write_text("fine")
        tone(tmp_path / "lonely.wav")
        culprit = "lonely.wav"
    elif layout == "text-no-audio":
        (tmp_path / "orphan.txt").write_text("no audio here")
        culprit = "orphan.txt"
    elif layout == "empty-text":
        tone(tmp_path / "silent.wav")
        (tmp_path / "silent.txt").write_text("?!")
        culprit = "silent.txt"
    elif layout == "lj-missing-audio":
        (tmp_path / "wavs").mkdir()
        (tmp_path / "metadata.csv").write_text("LJ404|Where is it\n")
        culprit = "metadata.csv"
    else:
        (tmp_path / "1").mkdir()
        (tmp_path / "1" / "1-2.trans.txt").write_text("1-2-0000 GONE\n")
        culprit = "1-2.trans.txt"
    with pytest.raises(CorpusError) as caught:
        read_corpus(tmp_path)
    assert caught.value.path.name == culprit and culprit in str(caught.value)


def test_empty_or_missing_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no transcribed audio"):
        read_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not a folder"):
        read_corpus(tmp_path / "nope")


def test_held_out_utterances_are_chosen_by_text(tmp_path):
    texts = [f"sentence number {i}" for i in range(60)]
    for i, text in enumerate(texts):
        tone(tmp_path / f"u{i:02d}.wav", seconds=0.05)
        (tmp_path / f"u{i:02d}.txt").write_text(text)
    tone(tmp_path / "again.wav", seconds=0.05)  # a prompt read twice goes the same way
    (tmp_path / "again.txt").write_text(texts[0])
    train, held = corpus_split(tmp_path)
    assert len(train) + len(held) == 61 and 0 < len(held) < 15
    assert all(is_held_out(u.text) for u in held)
    assert not {u.text for u in train} & {u.text for u in held}
