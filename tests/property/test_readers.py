"""Every reader, fed random bytes or a valid file with one random edit: no traceback (only a
KintraceError), and no silent change (an accepted edit shows in the cell it touched)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kintrace.errors import KintraceError
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import Table, read_table
from kintrace.kinship.familias import format_fam, parse_fam
from kintrace.kinship.markers import parse_frequency_csv
from kintrace.kinship.pedfile import parse_families, parse_ped
from kintrace.reconciliation.story import decode_story, parse_story

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COLUMNS = ("id", "surname", "given_name", "birth_date")
CELL = st.text(alphabet="АБВабвгдXYZxyz019 .'", min_size=1, max_size=12).map(str.strip).filter(bool)
EDIT_CHARS = (
    st.sampled_from(list("\",;\t\n\r\x00\x1b\u202e\ufeff=+-@ aЯ9.'") + ["\u00a0", "\u2028"])
    | st.characters()
)

PED = (
    "id\tfid\tmid\tsex\tTH01\tVWA\n"
    "AF\t0\t0\t1\t12/12\t16/17\n"
    "MO\t0\t0\t2\t-/-\t-/-\n"
    "CH\tAF\tMO\t1\t12/13\t-/-\n"
)
FAMILIES = (
    "family id fid mid sex missing TH01 VWA\nF1 FA 0 0 1 0 12/13 16/17\nF1 MP FA 0 1 1 -/- -/-\n"
)
FREQS = (
    "marker,allele,frequency\nTH01,12,0.25\nTH01,13,0.25\nTH01,14,0.5\n"
    "VWA,16,0.3\nVWA,17,0.3\nVWA,18,0.4\n"
)
STORY = json.dumps(
    {
        "today": "2023-01-15",
        "official": {"status": "missing", "since": "2022-09-20", "authority": "ministry"},
        "reports": [
            {"id": "r1", "date": "2022-09-18", "source": "unit_commander", "grade": "B3",
             "claim": "missing", "text": "did not return"},
        ],
        "requests": [{"authority": "ministry", "sent": "2022-10-01", "replied": "2022-11-01"}],
    }
)  # fmt: skip


def fam_text() -> str:
    table = parse_frequency_csv(FREQS)
    unrelated = "id\tfid\tmid\tsex\tTH01\tVWA\nAF\t0\t0\t1\t12/12\t16/17\nCH\t0\t0\t1\t12/13\t-/-\n"
    return format_fam({"father": parse_ped(PED), "unrelated": parse_ped(unrelated)}, table)


FAM = fam_text()


def edited(text: str, data: st.DataObject) -> str:
    """Insert, delete or replace one character of the text."""
    at = data.draw(st.integers(0, len(text)))
    how = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    char = data.draw(EDIT_CHARS)
    if how == "insert" or at == len(text):
        return text[:at] + char + text[at:]
    return text[:at] + ("" if how == "delete" else char) + text[at + 1 :]


def cells(table: Table) -> list[tuple[int, str, str]]:
    """Return (row index, field, value) of every cell; blank lines do not count as rows."""
    return [(n, k, v) for n, row in enumerate(table.rows) for k, v in sorted(row.values.items())]


def read_csv_text(text: str) -> Table:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        return read_table(path, required=("id",))


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_as_a_csv_list(raw: bytes) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(raw)
        with contextlib.suppress(KintraceError):
            parse_persons(read_table(path, required=("id",)))


@SETTINGS
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=5), st.data())
def test_one_edit_in_a_csv_list_is_refused_or_visible(
    rows: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([str(n), *row] for n, row in enumerate(rows, start=1))
    text = buffer.getvalue()
    before = cells(read_csv_text(text))
    body = len(text.split("\n", 1)[0]) + 1  # edits of the data rows, not the header
    at = data.draw(st.integers(body, len(text) - 1))
    char = data.draw(EDIT_CHARS)
    after_text = text[:at] + char + text[at:]
    try:
        after = cells(read_csv_text(after_text))
    except KintraceError:
        return
    changed = [pair for pair in zip(before, after, strict=False) if pair[0] != pair[1]]
    if len(after) == len(before) and not changed:
        # the same content: only an edit that reading strips (space at a cell's edge, a
        # blank line) may vanish
        assert char.strip() == ""
        return
    assert len(after) == len(before)
    assert len(changed) == 1
    (_, _, old), (_, _, new) = changed[0]
    assert any(
        new[i] == char and new[:i] + new[i + 1 :] in (old, old.strip()) for i in range(len(new))
    )


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_as_an_xlsx_list(raw: bytes) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        path.write_bytes(raw)
        with contextlib.suppress(KintraceError):
            read_table(path)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_one_edit_in_an_xlsx_sheet_is_refused_or_read(data: st.DataObject) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([1, "Петров", "Иван", "1998"])
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        book.save(path)
        with zipfile.ZipFile(path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
        name = "xl/worksheets/sheet1.xml"
        parts[name] = edited(parts[name].decode(), data).encode("utf-8", "surrogatepass")
        with zipfile.ZipFile(path, "w") as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
        with contextlib.suppress(KintraceError):
            read_table(path)


def survives(parse: object, text: str) -> None:
    with contextlib.suppress(KintraceError):
        parse(text)  # type: ignore[operator]


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_as_every_genetic_file(text: str) -> None:
    survives(lambda t: parse_ped(t, source="h.ped"), text)
    survives(lambda t: parse_families(t, source="f.ped"), text)
    survives(lambda t: parse_frequency_csv(t, source="f.csv"), text)
    survives(lambda t: parse_fam(t, source="c.fam"), text)


@SETTINGS
@given(st.data())
def test_one_edit_in_a_genetic_file_is_refused_or_read(data: st.DataObject) -> None:
    survives(lambda t: parse_ped(t, source="h.ped"), edited(PED, data))
    survives(lambda t: parse_families(t, source="f.ped"), edited(FAMILIES, data))
    survives(lambda t: parse_frequency_csv(t, source="f.csv"), edited(FREQS, data))
    survives(lambda t: parse_fam(t, source="c.fam"), edited(FAM, data))


@SETTINGS
@given(st.text(max_size=300), st.data())
def test_random_or_edited_stories(text: str, data: st.DataObject) -> None:
    for story in (text, edited(STORY, data)):
        survives(lambda t: parse_story(decode_story(t, source="story.json")), story)
