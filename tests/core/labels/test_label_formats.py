"""Label files: Audacity text, Praat TextGrid, CSV; round trips and files from other programs."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.labels.label_formats import (
    LabelFormat,
    LabelFormatError,
    export_labels,
    import_labels,
    read_audacity,
    read_csv,
    read_textgrid,
    write_audacity,
    write_csv,
    write_textgrid,
)
from workbench.core.labels.labels import Label, LabelTier

RATE = 44100


def content(tiers):
    """What a user sees: tier names and (start, end, text) per label; ids do not matter."""
    return [(t.name, [(lab.start, lab.end, lab.text) for lab in t.labels]) for t in tiers]


WORDS = LabelTier("words", (Label(0, 22050, "hello"), Label(22050, 30000, 'say "hi", ok'),
                            Label(44100, 88200, "wörld")))
CLICKS = LabelTier("clicks", (Label(1000, 1000, "click"), Label(5000, 5000, "")))
MIXED = LabelTier("mixed", (Label(10, 10, "p"), Label(20, 40, "r")))


def test_audacity_round_trip():
    for tier in (WORDS, CLICKS, MIXED):
        text = write_audacity(tier, RATE)
        assert content([read_audacity(text, RATE, tier.name)]) == content([tier])


def test_audacity_reads_a_file_written_by_audacity():
    text = ("1.500000\t2.250000\tfirst word\n"
            "\\\t100.000000\t2000.000000\n"  # a spectral selection line: skipped
            "3.000000\t3.000000\t\n"
            "4.000000\t5.000000\tmore\ttabs\n")
    tier = read_audacity(text, 1000, "Labels")
    assert content([tier]) == [("Labels", [(1500, 2250, "first word"), (3000, 3000, ""),
                                           (4000, 5000, "more\ttabs")])]


def test_audacity_turns_tabs_in_text_into_spaces():
    tier = LabelTier("t", (Label(0, 10, "a\tb\nc"),))
    assert read_audacity(write_audacity(tier, 1000), 1000).labels[0].text == "a b c"


@pytest.mark.parametrize("bad", ["abc\t1\tx", "2.0\t1.0\tbackwards", "-1\t2\tneg"])
def test_audacity_errors_name_the_line(bad):
    with pytest.raises(LabelFormatError, match="line 2"):
        read_audacity("0\t1\tok\n" + bad + "\n", 1000)


def test_textgrid_round_trip_of_interval_and_point_tiers():
    tiers = (WORDS, CLICKS, LabelTier("empty"))
    text = write_textgrid(tiers, RATE, 100000)
    assert 'class = "IntervalTier"' in text and 'class = "TextTier"' in text
    assert content(read_textgrid(text, RATE)) == content(tiers)


def test_textgrid_splits_a_mixed_tier_into_intervals_and_points():
    result = read_textgrid(write_textgrid([MIXED], 1000, 100), 1000)
    assert content(result) == [("mixed", [(20, 40, "r")]), ("mixed", [(10, 10, "p")])]


def test_textgrid_cannot_hold_overlapping_regions():
    tier = LabelTier("t", (Label(0, 10, "a"), Label(5, 15, "b")))
    with pytest.raises(LabelFormatError, match="overlapping"):
        write_textgrid([tier], 1000, 100)


PRAAT_LONG = '''File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = 2.5
tiers? <exists>
size = 2
item []:
    item [1]:
        class = "IntervalTier"
        name = "phones"
        xmin = 0
        xmax = 2.5
        intervals: size = 3
        intervals [1]:
            xmin = 0
            xmax = 0.75
            text = ""
        intervals [2]:
            xmin = 0.75
            xmax = 1.5
            text = "a ""quoted"" one"
        intervals [3]:
            xmin = 1.5
            xmax = 2.5
            text = "b"
    item [2]:
        class = "TextTier"
        name = "tones"
        xmin = 0
        xmax = 2.5
        points: size = 1
        points [1]:
            number = 1.25
            mark = "H*"
'''.replace("\n", " \n")  # Praat ends most lines with a space

PRAAT_SHORT = '''File type = "ooTextFile"
Object class = "TextGrid"

0
2.5
<exists>
1
"IntervalTier"
"phones"
0
2.5
2
0
1e-3
"x"
0.001
2.5
""
'''


def test_textgrid_reads_praats_long_format_with_gaps_and_quotes():
    tiers = read_textgrid(PRAAT_LONG, 1000)
    assert content(tiers) == [("phones", [(750, 1500, 'a "quoted" one'), (1500, 2500, "b")]),
                              ("tones", [(1250, 1250, "H*")])]


def test_textgrid_reads_praats_short_format():
    assert content(read_textgrid(PRAAT_SHORT, 1000)) == [("phones", [(0, 1, "x")])]


def test_textgrid_rejects_other_files():
    with pytest.raises(LabelFormatError):
        read_textgrid("0\t1\thello\n", 1000)
    with pytest.raises(LabelFormatError):
        read_textgrid(PRAAT_LONG[: len(PRAAT_LONG) // 2], 1000)


def test_csv_round_trip_keeps_tiers_points_regions_and_odd_text():
    tiers = (WORDS, CLICKS, MIXED, LabelTier("lines", (Label(3, 9, "two\nlines, comma"),)))
    text = write_csv(tiers, RATE)
    assert text.splitlines()[0] == "tier,start,end,text"
    assert content(read_csv(text, RATE)) == content(tiers)


def test_csv_needs_its_header_and_four_fields():
    with pytest.raises(LabelFormatError, match="header"):
        read_csv("a,b,c,d\n", 1000)
    with pytest.raises(LabelFormatError, match="row 2"):
        read_csv("tier,start,end,text\nt,1,2\n", 1000)


@pytest.mark.parametrize("suffix", [".txt", ".TextGrid", ".csv"])
def test_files_round_trip_by_suffix(tmp_path, suffix):
    path = tmp_path / f"labels{suffix}"
    tiers = (WORDS,)
    export_labels(path, tiers, RATE, 100000)
    back = import_labels(path, RATE)
    assert LabelFormat.for_path(path).value == suffix
    expected = [("labels" if suffix == ".txt" else "words", content(tiers)[0][1])]
    assert content(back) == expected


def test_praat_utf16_files_are_read(tmp_path):
    path = tmp_path / "praat.TextGrid"
    path.write_bytes(PRAAT_LONG.encode("utf-16"))
    assert content(import_labels(path, 1000))[1] == ("tones", [(1250, 1250, "H*")])


def test_unknown_suffix_and_several_tiers_for_audacity_are_refused(tmp_path):
    with pytest.raises(LabelFormatError, match=".TextGrid"):
        LabelFormat.for_path(tmp_path / "x.json")
    with pytest.raises(LabelFormatError, match="one tier"):
        export_labels(tmp_path / "x.txt", [WORDS, CLICKS], RATE, 1000)


# Any positions at common rates come back to the very same frame.
label_spans = st.tuples(st.integers(0, 10**9), st.integers(0, 10**6)).map(
    lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=100, deadline=None)
@given(st.lists(label_spans, max_size=5),
       st.sampled_from([8000, 22050, 44100, 48000, 96000, 192000]),
       st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"),
               min_size=1, max_size=8))
def test_every_format_round_trips_exact_frames(spans, rate, text):
    tier = LabelTier("t", tuple(Label(a, b, text) for a, b in spans))
    assert content([read_audacity(write_audacity(tier, rate), rate, "t")]) == content([tier])
    if spans:  # CSV has no row for a tier without labels
        assert content(read_csv(write_csv([tier], rate), rate)) == content([tier])
    points = LabelTier("t", tuple(Label(a, a, text) for a, _ in spans))
    assert content(read_textgrid(write_textgrid([points], rate, 0), rate)) == content([points])
