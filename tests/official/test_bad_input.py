"""Bad official files, built in tmp_path from the real samples: clear errors, or loading anyway
when only the title block moved.

No xls writer is installed (xlrd only reads), so the xls cases are written as xlsx with the
same cells: the header search is the same code for both formats, and the real xls samples are
read in test_layouts.py.
"""

from __future__ import annotations

import gzip

import openpyxl
import pytest

from stp_analytics.data.official import detect_layout, read_official
from stp_analytics.data.official._tables import read_sheets
from stp_analytics.data.official.ae import read_current
from stp_analytics.data.official.beds import read_kh03
from stp_analytics.data.official.diagnostics import read_dm01
from stp_analytics.data.official.practices import read_registered
from stp_analytics.errors import DataValidationError

from .conftest import SAMPLES, read_sample, sample_path, unzipped

pytestmark = pytest.mark.official

KH03_SHEET = "NHS Trust by Sector"


def _write_xlsx(path, sheets: dict[str, list[list[object]]]):
    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def kh03_rows():
    return read_sheets(sample_path("kh03"), [KH03_SHEET])[KH03_SHEET]


@pytest.fixture(scope="module")
def dm01_rows():
    return read_sheets(sample_path("dm01"), ["Provider"])["Provider"]


def _copy(rows):
    return [list(row) for row in rows]


def _find(rows, text):
    """(row index, column index) of the first cell equal to ``text``."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell == text:
                return i, j
    raise AssertionError(text)


# -- the title block moved down: still loads (header found by content) --------------------

def test_kh03_title_block_moved_down_still_loads(tmp_path, kh03_rows):
    rows = [[None] * len(kh03_rows[0])] + _copy(kh03_rows)
    path = _write_xlsx(tmp_path / "kh03_moved.xlsx", {KH03_SHEET: rows})
    match = detect_layout(path)
    assert (match.key, match.header_row) == ("kh03_beds", 16)
    data = read_kh03(path)
    assert data.totals.published == pytest.approx(read_sample("kh03").totals.published)
    assert data.england["pct_ga_occupied"] == 92.5


def test_dm01_title_block_moved_down_two_rows_still_loads(tmp_path, dm01_rows):
    rows = [[None] * len(dm01_rows[0])] * 2 + _copy(dm01_rows)
    path = _write_xlsx(tmp_path / "dm01_moved.xlsx", {"Provider": rows})
    assert detect_layout(path).header_row == 16
    data = read_dm01(path)
    assert data.england["waiting"] == 1_703_242 and data.england["pct_6_plus_weeks"] == 18.4
    assert data.periods == ["2025-03"]


# -- a column renamed ----------------------------------------------------------------------

def test_kh03_column_renamed_names_file_sheet_row_column(tmp_path, kh03_rows):
    rows = _copy(kh03_rows)
    i, j = _find(rows, "Org Code")
    rows[i][j] = "Organisation Code"
    path = _write_xlsx(tmp_path / "kh03_renamed.xlsx", {KH03_SHEET: rows})
    with pytest.raises(DataValidationError) as caught:
        read_kh03(path)
    error = caught.value
    assert error.file == f"kh03_renamed.xlsx, sheet {KH03_SHEET!r}"
    assert (error.row, error.column) == (i + 1, "E")
    assert "expected 'Org Code', found 'Organisation Code'" in str(error)


def test_ae_column_renamed_csv(tmp_path):
    path = unzipped("ae", tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Attendances over 4hrs Type 1,",
                                 "Attendances over four hours Type 1,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_current(path)
    assert (caught.value.row, caught.value.column) == (1, "K")
    assert "expected 'Attendances over 4hrs Type 1'" in str(caught.value)


def test_file_of_no_known_layout_names_the_closest(tmp_path, dm01_rows):
    rows = _copy(dm01_rows)
    i, j = _find(rows, "Total Waiting List")
    rows[i][j] = "Waiting list"
    path = _write_xlsx(tmp_path / "diagnostics.xlsx", {"Provider": rows})
    with pytest.raises(DataValidationError) as caught:
        detect_layout(path)
    message = str(caught.value)
    assert message == ("file diagnostics.xlsx: not a layout stp-packs knows; closest: DM01 "
                       "provider (header differs at column F: expected 'Total Waiting List', "
                       f"found 'Waiting list'; sheet 'Provider', row {i + 1})")


# -- a non-numeric count -------------------------------------------------------------------

def test_kh03_non_numeric_count_names_row_and_column(tmp_path, kh03_rows):
    rows = _copy(kh03_rows)
    i, j = _find(rows, "BARTS HEALTH NHS TRUST")
    header, ga = _find(rows, "General & Acute")
    rows[i][ga] = "1955 beds"
    path = _write_xlsx(tmp_path / "kh03_text.xlsx", {KH03_SHEET: rows})
    with pytest.raises(DataValidationError) as caught:
        read_kh03(path)
    error = caught.value
    assert error.file == f"kh03_text.xlsx, sheet {KH03_SHEET!r}"
    assert (error.row, error.column) == (i + 1, "General & Acute (H)")
    assert "non-numeric value '1955 beds'" in str(error)


def test_ae_non_numeric_count_csv(tmp_path):
    path = unzipped("ae", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[4] = "10x"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_current(path)
    assert (caught.value.row, caught.value.column) == (4, "A&E attendances Type 1 (E)")


def test_missing_markers_and_thousands_separators(tmp_path):
    path = unzipped("registered", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[1].rsplit(",", 1)
    lines[1] = f'{first[0]},"{int(first[1]):,}"'  # 5903 -> "5,903"
    lines[2] = lines[2].rsplit(",", 1)[0] + ",*"  # suppressed
    lines[3] = lines[3].rsplit(",", 1)[0] + ",-"  # missing
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = read_registered(path)
    patients = data.observations.set_index("area_code")["numerator"]
    original = read_sample("registered").observations.set_index("area_code")["numerator"]
    codes = list(original.index[:3])
    assert patients[codes[0]] == original[codes[0]] == 5_903
    assert patients[codes[1:]].isna().all()


# -- truncated files -----------------------------------------------------------------------

def test_truncated_xlsx(tmp_path):
    raw = gzip.decompress(sample_path("kh03").read_bytes())
    path = tmp_path / "kh03_cut.xlsx"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataValidationError, match="cannot read the file as an Excel .* "
                                                  "truncated") as caught:
        read_kh03(path)
    assert caught.value.file == "kh03_cut.xlsx"
    with pytest.raises(DataValidationError, match="truncated"):
        detect_layout(path)


def test_truncated_gzip(tmp_path):
    raw = sample_path("dm01").read_bytes()
    path = tmp_path / SAMPLES["dm01"]
    path.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(DataValidationError, match="cannot read the file"):
        read_dm01(path)


def test_truncated_csv_mid_row(tmp_path):
    path = unzipped("ae", tmp_path)
    text = path.read_text(encoding="utf-8")
    cut = text.index("\n", len(text) // 2) + 30
    path.write_text(text[:cut], encoding="utf-8")
    last_row = text[:cut].count("\n") + 1
    with pytest.raises(DataValidationError, match="fields, the header 22") as caught:
        read_current(path)
    assert caught.value.row == last_row


def test_truncated_csv_at_a_row_end_lacks_total(tmp_path):
    path = unzipped("ae", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:150]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="no TOTAL row .* cut off"):
        read_current(path)


# -- the wrong layout, rows that do not add up, duplicates ---------------------------------

def test_wrong_layout_given_to_a_reader(tmp_path):
    with pytest.raises(DataValidationError, match="no sheet 'Provider'"):
        read_dm01(sample_path("kh03"))
    with pytest.raises(DataValidationError, match="no header row found .* 'Period', 'Org Code'"):
        read_current(sample_path("registered"))
    with pytest.raises(DataValidationError, match="header differs") as caught:
        read_current(sample_path("ambsys_csv"))  # shares 'Org Code' and 'Org Name' only
    assert caught.value.row == 1


def test_not_an_official_file_type(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(DataValidationError, match="not a layout stp-packs knows"):
        detect_layout(path)
    with pytest.raises(DataValidationError, match="not a layout stp-packs knows"):
        read_official(path)


def test_rows_not_adding_up_to_the_total_row(tmp_path, kh03_rows):
    rows = _copy(kh03_rows)
    i, _ = _find(rows, "BARTS HEALTH NHS TRUST")
    _, ga = _find(rows, "General & Acute")
    rows[i][ga] += 100
    path = _write_xlsx(tmp_path / "kh03_changed.xlsx", {KH03_SHEET: rows})
    with pytest.raises(DataValidationError, match="add up to .* total row says"):
        read_kh03(path)


def test_duplicate_provider_row(tmp_path, dm01_rows):
    rows = _copy(dm01_rows)
    i, _ = _find(rows, "Barts Health NHS Trust")
    rows.insert(i + 1, list(rows[i]))
    path = _write_xlsx(tmp_path / "dm01_twice.xlsx", {"Provider": rows})
    with pytest.raises(DataValidationError, match="duplicate key code='R1H'") as caught:
        read_dm01(path)
    assert caught.value.row == i + 2
