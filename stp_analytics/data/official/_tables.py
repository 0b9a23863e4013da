"""Shared reading of official NHS statistics files: sheets, header rows, numbers, totals.

Official workbooks put a title block (Title / Summary / Period / Source / Basis / ...) above
the header row, which moves between editions, so the header row is found by matching the
column names a layout expects, never by a fixed row number. Every error is a
:class:`~stp_analytics.errors.DataValidationError` naming the file, the sheet, the row as
Excel shows it (first row = 1), the column (its header and letter) and what was expected.
"""

from __future__ import annotations

import csv
import gzip
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import MISSING_MARKERS, _read_text, file_label, to_number
from stp_analytics.data.official._xlsx import read_xlsx_values, xlsx_sheet_names
from stp_analytics.errors import DataValidationError

#: text meaning "no value" in official files: blanks, dashes, '*' (suppressed), '.' (AmbSYS)
MISSING: frozenset[str] = frozenset(MISSING_MARKERS | {"*", "."})

#: how many rows from the top of a sheet are searched for the header row
HEADER_SEARCH_ROWS = 60

Rows = list[list[object]]

_NUMBER_TYPES = (int, float, type(None))


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def normalise(text: object) -> str:
    """Header text compared case-blind with runs of white space made one space."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def where(path: Path, sheet: str | None) -> str:
    """The file (and sheet) as named in messages."""
    return file_label(path) if sheet is None else f"{file_label(path)}, sheet {sheet!r}"


def suffix(path: Path) -> str:
    """The format suffix, ignoring a trailing .gz: 'xls', 'xlsx' or 'csv'."""
    parts = [s.lower() for s in Path(path).suffixes]
    if parts and parts[-1] == ".gz":
        parts = parts[:-1]
    return parts[-1].lstrip(".") if parts else ""


def _raw_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DataValidationError(f"file not found: {path}", file=file_label(path))
    try:
        return gzip.open(path, "rb").read() if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise DataValidationError(f"cannot read the file ({error}); it may be truncated",
                                  file=file_label(path)) from None


def _unreadable(path: Path, kind: str, error: Exception) -> DataValidationError:
    return DataValidationError(
        f"cannot read the file as an {kind} workbook ({type(error).__name__}: {error}); "
        "it may be truncated or saved in another format: download it again",
        file=file_label(path))


def read_sheets(path: Path, sheets: Iterable[str] | None = None,
                max_rows: int | None = None) -> dict[str | None, Rows]:
    """The cells of a file's sheets as lists of rows (csv: one sheet named None).

    ``sheets`` limits which sheets are read (all when None); ``max_rows`` stops each sheet
    early (used to detect a layout from the top of a file). Blank cells are None.
    """
    path = Path(path)
    kind = suffix(path)
    if kind == "csv":
        text = _read_text(path)
        lines = text.splitlines()[:max_rows] if max_rows else text.splitlines()
        return {None: [list(row) for row in csv.reader(lines)]}
    raw = _raw_bytes(path)
    wanted = None if sheets is None else list(sheets)
    if kind == "xls":
        return _read_xls(path, raw, wanted, max_rows)
    if kind == "xlsx":
        return _read_xlsx(path, raw, wanted, max_rows)
    raise DataValidationError(
        f"unknown file type {kind!r}: official files are read as .xls, .xlsx or .csv "
        "(optionally gzipped)", file=file_label(path))


def _read_xls(path: Path, raw: bytes, wanted: list[str] | None,
              max_rows: int | None) -> dict[str | None, Rows]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, on_demand=True)
        out: dict[str | None, Rows] = {}
        for name in book.sheet_names():
            if wanted is not None and name not in wanted:
                continue
            sheet = book.sheet_by_name(name)
            stop = sheet.nrows if max_rows is None else min(sheet.nrows, max_rows)
            out[name] = [[None if v == "" else v for v in sheet.row_values(r)]
                         for r in range(stop)]
        return out
    except (xlrd.XLRDError, AssertionError, IndexError, ValueError, EOFError) as error:
        raise _unreadable(path, "Excel 97 (.xls)", error) from None


def _read_xlsx(path: Path, raw: bytes, wanted: list[str] | None,
               max_rows: int | None) -> dict[str | None, Rows]:
    try:
        return dict(read_xlsx_values(raw, wanted, max_rows))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError,
            IndexError, ElementTree.ParseError) as error:
        raise _unreadable(path, "Excel (.xlsx)", error) from None


def sheet_names(path: Path) -> list[str | None]:
    """The sheet names of a workbook ([None] for csv), without reading the sheets."""
    path = Path(path)
    kind = suffix(path)
    if kind == "csv":
        return [None]
    raw = _raw_bytes(path)
    if kind == "xlsx":
        try:
            return list(xlsx_sheet_names(raw))
        except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as error:
            raise _unreadable(path, "Excel (.xlsx)", error) from None
    return list(read_sheets(path, max_rows=0))


@dataclass(frozen=True)
class Table:
    """The data rows below a located header row: text headers, raw cells, Excel row numbers."""

    path: Path
    sheet: str | None
    header_row: int  # 1-based
    frame: pd.DataFrame  # columns: the published headers (stripped) + source_row
    letters: dict[str, str] = field(default_factory=dict)  # header -> column letter

    @property
    def where(self) -> str:
        """File (and sheet) as named in messages."""
        return where(self.path, self.sheet)

    def error(self, problem: str, *, row: int | None = None,
              column: str | None = None) -> DataValidationError:
        """A DataValidationError naming this table's file, sheet, row and column."""
        shown = f"{column} ({self.letters[column]})" if column in self.letters else column
        return DataValidationError(problem, file=self.where, row=row, column=shown)

    def numbers(self, column: str, *, zero: Iterable[str] = ()) -> pd.Series:
        """The column as floats: blanks and missing markers NaN, ``zero`` markers 0,
        thousands separators accepted, anything else an error naming row and column."""
        zero = set(zero)
        cells = self.frame[column]
        if cells.map(type).isin(_NUMBER_TYPES).all():  # fast path: Excel numbers and blanks
            return pd.Series(cells.to_numpy(dtype="float64", na_value=np.nan),
                             index=cells.index)
        values = cells.map(
            lambda v: "" if v is None else (0.0 if isinstance(v, str) and v.strip() in zero
                                             else v))
        probe = pd.DataFrame({column: values, "source_row": self.frame["source_row"]})
        try:
            return to_number(probe, column, self.path, missing=MISSING - zero)
        except DataValidationError as error:
            raise self.error(error.problem, row=error.row, column=column) from None

    def text(self, column: str) -> pd.Series:
        """The column as stripped text ('' for blanks; whole numbers without '.0')."""
        return self.frame[column].map(_cell_text)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _alternatives(expected: Sequence[str | Sequence[str]]) -> list[tuple[str, ...]]:
    return [(item,) if isinstance(item, str) else tuple(item) for item in expected]


def best_header(rows: Rows, expected: Sequence[str | Sequence[str]],
                search_rows: int = HEADER_SEARCH_ROWS) -> tuple[int, dict[str, int]]:
    """The row (0-based) holding most expected columns and where each found one sits.

    Each item of ``expected`` is a header or a tuple of alternative spellings (keyed by the
    first). The first complete row wins; (-1, {}) when no row holds any expected column.
    """
    wanted = _alternatives(expected)
    best: tuple[int, dict[str, int]] = (-1, {})
    for index, row in enumerate(rows[:search_rows]):
        cells = {normalise(cell): pos for pos, cell in reversed(list(enumerate(row)))
                 if cell is not None}
        found: dict[str, int] = {}
        for names in wanted:
            pos = next((cells[normalise(n)] for n in names if normalise(n) in cells), None)
            if pos is not None:
                found[names[0]] = pos
        if len(found) == len(wanted):
            return index, found
        if len(found) > len(best[1]):
            best = (index, found)
    return best


def find_header(rows: Rows, expected: Sequence[str | Sequence[str]], *, path: Path,
                sheet: str | None, search_rows: int = HEADER_SEARCH_ROWS
                ) -> tuple[int, dict[str, int]]:
    """The 0-based index of the header row and, for each expected column, its position.

    The first row holding every expected column is the header; if none does, the error
    names the closest row and the first column that differs from what was expected.
    """
    wanted = _alternatives(expected)
    index, found = best_header(rows, wanted, search_rows)
    if len(found) == len(wanted):
        return index, found
    if not found:
        raise DataValidationError(
            f"no header row found in the first {search_rows} rows (expected columns "
            f"{', '.join(repr(w[0]) for w in wanted[:4])}, ...)", file=where(path, sheet))
    raise header_mismatch(rows[index], index, wanted, found, path=path, sheet=sheet)


def first_difference(row: list[object], wanted: Sequence[str | Sequence[str]],
                     found: dict[str, int]) -> tuple[int, str, str]:
    """(0-based column, expected header, text found there) of the first missing column.

    A missing column is expected just right of the previous expected column that was found.
    """
    position = 0
    for names in _alternatives(wanted):
        if names[0] in found:
            position = found[names[0]] + 1
            continue
        cell = row[position] if position < len(row) else None
        shown = repr(str(cell).strip()) if cell is not None else "nothing"
        return position, names[0], shown
    raise ValueError("every expected column was found")


def header_mismatch(row: list[object], index: int, wanted: Sequence[str | Sequence[str]],
                    found: dict[str, int], *, path: Path, sheet: str | None
                    ) -> DataValidationError:
    """The error for a header row that lacks an expected column (renamed or missing)."""
    position, expected, shown = first_difference(row, wanted, found)
    return DataValidationError(
        f"header differs at column {column_letter(position)}: expected {expected!r}, "
        f"found {shown}", file=where(path, sheet), row=index + 1,
        column=column_letter(position))


def read_table(path: Path, expected: Sequence[str | Sequence[str]], *,
               sheet: str | None = None, rows: Rows | None = None,
               rename: bool = False) -> Table:
    """Locate the header row of ``sheet`` (csv: None) by ``expected`` and return the rows below.

    The frame has one column per header cell (stripped text; repeats get ' (2)', ' (3)' ...) plus
    ``source_row``; fully blank rows are dropped. With ``rename``, alternative spellings are
    renamed to the first name given in ``expected``.
    """
    path = Path(path)
    if rows is None:
        sheets = read_sheets(path, None if sheet is None else [sheet])
        if sheet is not None and sheet not in sheets:
            raise DataValidationError(
                f"no sheet {sheet!r} (expected the published layout's sheet)",
                file=file_label(path))
        rows = sheets[sheet]
    if not rows:
        raise DataValidationError("the file is empty", file=where(path, sheet))
    index, found = find_header(rows, expected, path=path, sheet=sheet)
    header = rows[index]
    names: list[str] = []
    renames = {pos: name for name, pos in found.items()} if rename else {}
    for pos, cell in enumerate(header):
        name = renames.get(pos, "" if cell is None else _cell_text(cell))
        name = name or f"column {column_letter(pos)}"
        base, copy = name, 1
        while name in names:
            copy += 1
            name = f"{base} ({copy})"
        names.append(name)
    width = len(names)
    is_csv = suffix(path) == "csv"
    body = []
    for number, cells in enumerate(rows[index + 1:], start=index + 2):
        if not any(c is not None and str(c).strip() != "" for c in cells):
            continue
        if is_csv and len(cells) != width:
            raise DataValidationError(
                f"the row has {len(cells)} fields, the header {width} (a cut-off or "
                "hand-edited file?)", file=where(path, sheet), row=number)
        body.append((list(cells[:width]) + [None] * (width - len(cells)), number))
    frame = pd.DataFrame([b[0] for b in body], columns=names, dtype=object)
    frame["source_row"] = np.array([b[1] for b in body], dtype="int64")
    if frame.empty:
        raise DataValidationError("the header row has no data rows below it (truncated?)",
                                  file=where(path, sheet), row=index + 1)
    letters = {name: column_letter(pos) for pos, name in enumerate(names)}
    return Table(path=path, sheet=sheet, header_row=index + 1, frame=frame, letters=letters)
