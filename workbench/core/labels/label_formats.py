"""Reading and writing label tiers: Audacity label text, Praat TextGrid, CSV.

Files store times in seconds; tiers store frames, so reading rounds each time
to the nearest frame at the document's sample rate.  Each writer uses enough
digits that reading its output gives back the same frames.

What each format can hold, and so what survives a round trip:
- Audacity: one tier per file; points and regions.  Tabs and line breaks in
  label text become spaces (Audacity has no escaping).
- TextGrid (long text format written; long and short read): interval tiers
  and point tiers.  Intervals tile the whole file, so regions may not overlap
  (writing raises LabelFormatError), and an interval with empty text is a gap
  (a region with empty text is not kept).  A tier holding both points and
  regions is written as an interval tier and a point tier of the same name.
- CSV (tier,start,end,text): everything except tiers without labels.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Sequence
from pathlib import Path

from workbench.core.labels.labels import Label, LabelTier, Tiers


class LabelFormatError(ValueError):
    """A label file cannot be read or the labels cannot be written in that format."""


class LabelFormat(enum.Enum):
    AUDACITY = ".txt"
    TEXTGRID = ".TextGrid"
    CSV = ".csv"

    @classmethod
    def for_path(cls, path: Path) -> LabelFormat:
        """The format a file name's suffix stands for."""
        suffix = path.suffix.lower()
        for fmt in cls:
            if fmt.value.lower() == suffix:
                return fmt
        raise LabelFormatError(f"'{path.name}': label files end in .txt (Audacity), "
                               ".TextGrid (Praat) or .csv")


def _frame(seconds: float, sample_rate: int, where: str) -> int:
    if not seconds >= 0:  # also catches NaN
        raise LabelFormatError(f"{where}: time {seconds} is negative")
    return round(seconds * sample_rate)


def _exact_seconds(frame: int, sample_rate: int) -> str:
    # The shortest text that reads back as the same float, hence the same frame.
    return repr(frame / sample_rate)


# -- Audacity ------------------------------------------------------------------------

def write_audacity(tier: LabelTier, sample_rate: int) -> str:
    """One tier as Audacity label text: "start<TAB>end<TAB>text" per label, in seconds."""
    lines = []
    for lab in tier.labels:
        text = re.sub(r"[\t\r\n]+", " ", lab.text)
        # Six decimals, as Audacity writes them: exact to the frame below 1 MHz.
        lines.append(f"{lab.start / sample_rate:.6f}\t{lab.end / sample_rate:.6f}\t{text}\n")
    return "".join(lines)


def read_audacity(text: str, sample_rate: int, name: str = "Labels") -> LabelTier:
    """An Audacity label file as one tier named `name`.

    Lines starting with a backslash (Audacity's frequency ranges) are skipped.
    """
    labels = []
    # Split on newlines only: str.splitlines would also break at characters
    # such as U+0085 that may appear inside label text.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip() or line.startswith("\\"):
            continue
        parts = line.split("\t", 2) if "\t" in line else line.split(None, 2)
        where = f"line {number}"
        try:
            start, end = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise LabelFormatError(f"{where}: expected 'start<TAB>end<TAB>text', "
                                   f"got '{line[:60]}'") from None
        if end < start:
            raise LabelFormatError(f"{where}: the label ends before it starts")
        label_text = parts[2] if len(parts) > 2 else ""
        labels.append(Label(_frame(start, sample_rate, where), _frame(end, sample_rate, where),
                            label_text))
    return LabelTier(name, tuple(labels))


# -- Praat TextGrid ----------------------------------------------------------------------

def _praat_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _textgrid_tiers(tiers: Sequence[LabelTier]) -> list[tuple[str, str, list[Label]]]:
    """(class, name, labels) per TextGrid tier; a mixed tier becomes two."""
    out = []
    for tier in tiers:
        regions = [lab for lab in tier.labels if not lab.is_point]
        points = [lab for lab in tier.labels if lab.is_point]
        for a, b in zip(regions, regions[1:], strict=False):
            if b.start < a.end:
                raise LabelFormatError(f"Tier '{tier.name}' has overlapping regions, which a "
                                       "TextGrid interval tier cannot hold")
        if regions or not points:
            out.append(("IntervalTier", tier.name, regions))
        if points:
            out.append(("TextTier", tier.name, points))
    return out


def write_textgrid(tiers: Sequence[LabelTier], sample_rate: int, frames: int) -> str:
    """Tiers as a Praat TextGrid (long text format) covering `frames` frames of audio."""
    parts = _textgrid_tiers(tiers)
    end = max([frames] + [lab.end for tier in tiers for lab in tier.labels])
    xmax = _exact_seconds(end, sample_rate)
    out = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "",
           "xmin = 0", f"xmax = {xmax}", "tiers? <exists>" if parts else "tiers? <absent>",
           f"size = {len(parts)}", "item []:"]
    for i, (cls, name, labels) in enumerate(parts, 1):
        out += [f"    item [{i}]:", f"        class = {_praat_string(cls)}",
                f"        name = {_praat_string(name)}", "        xmin = 0",
                f"        xmax = {xmax}"]
        if cls == "TextTier":
            out.append(f"        points: size = {len(labels)}")
            for j, lab in enumerate(labels, 1):
                out += [f"        points [{j}]:",
                        f"            number = {_exact_seconds(lab.start, sample_rate)}",
                        f"            mark = {_praat_string(lab.text)}"]
            continue
        intervals = _tile(labels, end)
        out.append(f"        intervals: size = {len(intervals)}")
        for j, (a, b, text) in enumerate(intervals, 1):
            out += [f"        intervals [{j}]:",
                    f"            xmin = {_exact_seconds(a, sample_rate)}",
                    f"            xmax = {_exact_seconds(b, sample_rate)}",
                    f"            text = {_praat_string(text)}"]
    return "\n".join(out) + "\n"


def _tile(regions: list[Label], end: int) -> list[tuple[int, int, str]]:
    """Regions with empty intervals filling the gaps, covering [0, end]."""
    tiles, pos = [], 0
    for lab in regions:
        if lab.start > pos:
            tiles.append((pos, lab.start, ""))
        tiles.append((lab.start, lab.end, lab.text))
        pos = lab.end
    if pos < end or not tiles:
        tiles.append((pos, end, ""))
    return tiles


_TOKEN = re.compile(r'"((?:[^"]|"")*)"|(<exists>|<absent>)|\[\d*\]|'
                    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|[A-Za-z_][\w?]*|\S")


def _praat_values(text: str) -> list[str | float]:
    """The values of a Praat text file (long or short format), without the keys."""
    values: list[str | float] = []
    for m in _TOKEN.finditer(text):
        string, flag, number = m.groups()
        if string is not None:
            values.append(string.replace('""', '"'))
        elif flag is not None:
            values.append(flag)
        elif number is not None:
            values.append(float(number))
    return values


def read_textgrid(text: str, sample_rate: int) -> Tiers:
    """The tiers of a TextGrid; empty-text intervals are gaps, not labels."""
    values = _praat_values(text.lstrip("\ufeff"))
    pos = 0

    def take(kind: type) -> str | float:
        nonlocal pos
        if pos >= len(values) or not isinstance(values[pos], kind):
            raise LabelFormatError(f"Not a TextGrid this program can read (value {pos + 1})")
        pos += 1
        return values[pos - 1]

    if take(str) != "ooTextFile" or take(str) != "TextGrid":
        raise LabelFormatError("Not a TextGrid file (it must start with File type = "
                               '"ooTextFile" and Object class = "TextGrid")')
    take(float), take(float)
    if take(str) != "<exists>":
        return ()
    tiers = []
    for _ in range(int(take(float))):
        cls, name = take(str), str(take(str))
        take(float), take(float)
        count = int(take(float))
        labels = []
        for k in range(count):
            where = f"tier '{name}', item {k + 1}"
            if cls == "IntervalTier":
                a, b, label_text = take(float), take(float), str(take(str))
                if label_text:
                    labels.append(Label(_frame(a, sample_rate, where),
                                        _frame(b, sample_rate, where), label_text))
            elif cls == "TextTier":
                t, label_text = take(float), str(take(str))
                frame = _frame(t, sample_rate, where)
                labels.append(Label(frame, frame, label_text))
            else:
                raise LabelFormatError(f"Unknown TextGrid tier class '{cls}'")
        tiers.append(LabelTier(name, tuple(labels)))
    return tuple(tiers)


# -- CSV --------------------------------------------------------------------------------

CSV_HEADER = ["tier", "start", "end", "text"]


def write_csv(tiers: Sequence[LabelTier], sample_rate: int) -> str:
    """All labels as CSV rows tier,start,end,text (seconds), with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for tier in tiers:
        for lab in tier.labels:
            writer.writerow([tier.name, _exact_seconds(lab.start, sample_rate),
                             _exact_seconds(lab.end, sample_rate), lab.text])
    return buffer.getvalue()


def read_csv(text: str, sample_rate: int) -> Tiers:
    """Tiers from CSV with the header tier,start,end,text, in order of first appearance."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if header is None or [h.strip().lower() for h in header] != CSV_HEADER:
        raise LabelFormatError("A label CSV file starts with the header tier,start,end,text")
    by_name: dict[str, list[Label]] = {}
    for number, row in enumerate(rows, 2):
        if not row:
            continue
        where = f"row {number}"
        if len(row) != 4:
            raise LabelFormatError(f"{where}: expected 4 fields, got {len(row)}")
        try:
            start, end = float(row[1]), float(row[2])
        except ValueError:
            raise LabelFormatError(f"{where}: start and end must be numbers of seconds") \
                from None
        if end < start:
            raise LabelFormatError(f"{where}: the label ends before it starts")
        by_name.setdefault(row[0], []).append(
            Label(_frame(start, sample_rate, where), _frame(end, sample_rate, where), row[3]))
    return tuple(LabelTier(name, tuple(labels)) for name, labels in by_name.items())


# -- files ------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Praat writes UTF-16 when it must
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def import_labels(path: Path, sample_rate: int, fmt: LabelFormat | None = None) -> Tiers:
    """Read label tiers from a file; the format follows the suffix unless given."""
    fmt = fmt or LabelFormat.for_path(path)
    text = _decode(Path(path).read_bytes())
    if fmt is LabelFormat.AUDACITY:
        return (read_audacity(text, sample_rate, Path(path).stem),)
    if fmt is LabelFormat.TEXTGRID:
        return read_textgrid(text, sample_rate)
    return read_csv(text, sample_rate)


def export_labels(path: Path, tiers: Sequence[LabelTier], sample_rate: int, frames: int,
                  fmt: LabelFormat | None = None) -> None:
    """Write label tiers to a file (UTF-8); an Audacity file takes exactly one tier."""
    fmt = fmt or LabelFormat.for_path(path)
    if fmt is LabelFormat.AUDACITY:
        if len(tiers) != 1:
            raise LabelFormatError(f"An Audacity label file holds one tier; {len(tiers)} "
                                   "were given")
        text = write_audacity(tiers[0], sample_rate)
    elif fmt is LabelFormat.TEXTGRID:
        text = write_textgrid(tiers, sample_rate, frames)
    else:
        text = write_csv(tiers, sample_rate)
    Path(path).write_text(text, encoding="utf-8", newline="")
