"""Shared helpers for loaders: a checked CSV reader, number and period parsing, tidy output.

Every helper raises :class:`~stp_analytics.errors.DataValidationError` naming the file, the row
as a person counts it in the file (header = row 1, first data row = row 2), the column and the
problem. Files are read as text (gzip is unpacked by suffix) and decoded as UTF-8; a UTF-8 byte
order mark is accepted, other encodings give an error naming the row of the first bad byte.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stp_analytics.errors import DataValidationError
from stp_analytics.schema import OBSERVATION_COLUMNS

#: Text that means "no value" in the open data (blank, R's NA, Fingertips/NHS England dashes).
MISSING_MARKERS: frozenset[str] = frozenset({"", "NA", "N/A", "-", "..", ":"})

#: extra columns a loader may return next to OBSERVATION_COLUMNS
BOOKKEEPING_COLUMNS: tuple[str, ...] = ("source_row", "set_aside", "note")

FIRST_DATA_ROW = 2  # header is row 1


def file_label(path: Path) -> str:
    """How a file is named in messages: its name (the folder is the catalogue's)."""
    return Path(path).name


def _read_text(path: Path) -> str:
    label = file_label(path)
    if not path.exists():
        raise DataValidationError(f"file not found: {path}", file=label)
    try:
        raw = gzip.open(path, "rb").read() if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise DataValidationError(f"cannot read the file ({error})", file=label) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise DataValidationError(
            f"the file is not UTF-8 text (byte 0x{byte}, as written by Latin-1/Windows-1252 "
            "encodings); save it as UTF-8 (CSV UTF-8 in Excel) and try again",
            file=label,
            row=row,
        ) from None


def read_csv_checked(
    path: Path,
    required_columns: Sequence[str],
    *,
    usecols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a comma-separated file as text columns, checking it is usable.

    Errors: missing file, unreadable gzip, non-UTF-8 bytes, empty file, header without data rows,
    wrong delimiter (one column where several are expected), missing or renamed columns (the
    message lists the expected and the found columns), rows with too many fields.
    Every value comes back as a ``str`` (blank cells as ""), so that converters can report
    the row of any value that is not a number.
    """
    label = file_label(path)
    text = _read_text(path)
    if not text.strip():
        raise DataValidationError(
            "the file is empty (expected a header row and data rows)", file=label
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        raise DataValidationError(
            f"rows do not have the same number of fields as the header ({error})",
            file=label,
            row=int(match.group(1)) if match else None,
        ) from None
    frame.columns = [str(column).strip() for column in frame.columns]
    missing = [column for column in required_columns if column not in frame.columns]
    if missing:
        if len(frame.columns) == 1 and len(required_columns) > 1:
            header = frame.columns[0]
            found = next((d for d in (";", "\t", "|") if d in header), None)
            shown = "tab" if found == "\t" else repr(found)
            hint = f" (it looks {shown}-separated)" if found else ""
            raise DataValidationError(
                f"wrong delimiter: the header has one column {header[:80]!r}{hint}; "
                f"expected comma-separated columns {', '.join(required_columns)}",
                file=label,
                row=1,
            )
        raise DataValidationError(
            f"missing column(s) {', '.join(missing)}; expected columns: "
            f"{', '.join(required_columns)}; found: {', '.join(frame.columns)}",
            file=label,
            row=1,
            column=missing[0],
        )
    if frame.empty:
        raise DataValidationError("the file has a header but no data rows", file=label)
    if usecols is not None:
        frame = frame[list(usecols)]
    frame = frame.copy()
    frame["source_row"] = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype="int64")
    return frame


def to_number(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    missing: Iterable[str] = MISSING_MARKERS,
) -> pd.Series:
    """Column ``column`` as floats; missing markers become NaN, anything else non-numeric errors.

    Thousands separators ("1,234") are accepted; a value such as "12a" raises a
    :class:`DataValidationError` naming its row and column.
    """
    fast = _arrow_numbers(frame[column], missing)
    if fast is not None:
        return fast
    numbers = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    not_read = numbers.isna()
    if not_read.any():  # markers, blanks, thousands separators or bad text
        text = frame.loc[not_read, column].astype(str).str.strip()
        retry = text[~text.isin(set(missing))]
        parsed = pd.to_numeric(retry.str.replace(",", "", regex=False), errors="coerce")
        numbers.loc[parsed.index] = parsed.astype("float64")
        bad = parsed.isna()
        if bad.any():
            position = int(frame.index.get_loc(bad[bad].index[0]))
            raise DataValidationError(
                f"non-numeric value {frame[column].iloc[position]!r} (expected a number or blank)",
                file=file_label(path),
                row=_row_of(frame, position),
                column=column,
            )
    return numbers.astype("float64")


def _arrow_numbers(values: pd.Series, missing: Iterable[str]) -> pd.Series | None:
    """Fast path: Arrow's string-to-float cast, or None if any text needs the careful path."""
    try:
        text = pc.utf8_trim_whitespace(pa.array(values, type=pa.string()))
        blank = pc.is_in(text, value_set=pa.array(sorted(set(missing)), type=pa.string()))
        nulled = pc.if_else(blank, pa.scalar(None, pa.string()), text)
        numbers = pc.cast(nulled, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return pd.Series(numbers, index=values.index, dtype="float64")


def _row_of(frame: pd.DataFrame, position: int) -> int | None:
    if "source_row" in frame.columns:
        return int(frame["source_row"].iloc[position])
    return None


def is_marker(frame: pd.DataFrame, column: str, markers: Iterable[str]) -> pd.Series:
    """True where the column's text (stripped) is one of ``markers`` (e.g. suppression codes)."""
    return frame[column].astype(str).str.strip().isin(set(markers))


_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}


def normalise_period(label: object) -> str:
    """A period label in the catalogue's forms: "2016/17", "2016-04", "2016", "2014-16".

    Accepts the spellings found in the open data: "2015 - 17" (Fingertips rolling years),
    "April 2019" (NHS England months), "2016-04-01" (first day of a month).
    Other text is returned stripped, for :func:`period_kind` to judge.
    """
    text = str(label).strip()
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d{2})", text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    match = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", text)
    if match and match.group(1).lower() in _MONTHS:
        return f"{match.group(2)}-{_MONTHS[match.group(1).lower()]:02d}"
    match = re.fullmatch(r"(\d{4})-(\d{2})-01", text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    return text


def period_kind(label: str, frequency: str) -> str | None:
    """Which form a period label has, or None if it is not one the catalogue knows.

    Monthly indicators use "YYYY-MM"; annual ones "YYYY/YY" (financial year), "YYYY"
    (calendar year) or "YYYY-YY" (a rolling run of 2–5 years ending in YY).
    """
    if frequency == "monthly":
        match = re.fullmatch(r"\d{4}-(\d{2})", label)
        return "month" if match and 1 <= int(match.group(1)) <= 12 else None
    match = re.fullmatch(r"(\d{4})/(\d{2})", label)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        return "financial year"
    if re.fullmatch(r"\d{4}", label):
        return "calendar year"
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if match and 1 <= (int(match.group(2)) - int(match.group(1))) % 100 <= 4:
        return "rolling years"
    return None


def observations_frame(**columns: object) -> pd.DataFrame:
    """A tidy observations frame from column arrays/scalars; absent numeric columns are NaN.

    Pass the OBSERVATION_COLUMNS by name (numerics default to NaN, ``sex`` to "Persons") and
    optionally ``source_row``, ``set_aside`` and ``note``. Codes are stripped strings,
    numerics float64.
    """
    unknown = set(columns) - set(OBSERVATION_COLUMNS) - set(BOOKKEEPING_COLUMNS)
    if unknown:
        raise ValueError(f"unknown observation column(s): {', '.join(sorted(unknown))}")
    length = max((len(v) for v in columns.values() if isinstance(v, (pd.Series, np.ndarray, list))),
                 default=0)
    data: dict[str, object] = {}
    for name in OBSERVATION_COLUMNS:
        value = columns.get(name, "Persons" if name == "sex" else np.nan)
        data[name] = _as_array(value, length)
    data["source_row"] = _as_array(columns.get("source_row", np.nan), length)
    data["set_aside"] = _as_array(columns.get("set_aside", ""), length)
    data["note"] = _as_array(columns.get("note", ""), length)
    frame = pd.DataFrame(data)
    for name in ("indicator", "area_type", "area_code", "period", "sex", "set_aside", "note"):
        frame[name] = frame[name].astype(str).str.strip()
    for name in ("numerator", "denominator", "value", "lower", "upper", "source_row"):
        frame[name] = frame[name].astype("float64")
    return frame


def _as_array(value: object, length: int) -> np.ndarray:
    if isinstance(value, pd.Series):
        return value.to_numpy()
    if isinstance(value, (np.ndarray, list)):
        return np.asarray(value)
    return np.full(length, value, dtype=object if isinstance(value, str) else "float64")


def set_aside_where(frame: pd.DataFrame, mask: pd.Series | np.ndarray, reason: str) -> None:
    """Mark rows (in place) as set aside for ``reason`` unless they already have a reason."""
    mask = np.asarray(mask, dtype=bool) & (frame["set_aside"].to_numpy() == "")
    frame.loc[mask, "set_aside"] = reason


def require_options(options: dict, names: Sequence[str], source_id: str) -> None:
    """Check a source's ``options`` has every key in ``names``."""
    missing = [name for name in names if name not in options]
    if missing:
        from stp_analytics.errors import CatalogError

        raise CatalogError(
            f"source {source_id!r}: options need {', '.join(missing)} for its loader"
        )



def check_not_negative(frame: pd.DataFrame, values: pd.Series, column: str, path: Path) -> None:
    """Error on the first negative value of a count column (names the row and column)."""
    negative = values < 0
    if negative.any():
        position = int(np.flatnonzero(negative.to_numpy())[0])
        raise DataValidationError(
            f"negative count {values.iloc[position]:g} (counts cannot be below zero)",
            file=file_label(path), row=_row_of(frame, position), column=column)


def check_unique(
    frame: pd.DataFrame, key: Sequence[str], path: Path, column: str | None = None
) -> None:
    """Error on the first duplicated key, naming both rows (before any aggregation hides it).

    ``column`` is the column named in the message (default: the first key column).
    """
    duplicated = frame.duplicated(list(key), keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated.to_numpy())
        first = frame.iloc[positions[0]][list(key)]
        same = (frame.iloc[positions][list(key)] == first).all(axis=1).to_numpy()
        rows = [str(_row_of(frame, int(p))) for p in positions[same]]
        shown = ", ".join(f"{k}={first[k]!r}" for k in key)
        raise DataValidationError(
            f"duplicate key {shown} appears in rows {', '.join(rows)}",
            file=file_label(path), row=_row_of(frame, int(positions[same][1])),
            column=column or key[0])


def selected_measure(indicator, allowed: Sequence[str]) -> str:
    """The indicator's ``select: {measure: ...}``, checked against the loader's measures."""
    measure = indicator.select.get("measure")
    if measure not in allowed:
        from stp_analytics.errors import CatalogError

        raise CatalogError(f"indicator {indicator.id!r}: select measure {measure!r} is not "
                           f"allowed; expected one of: {', '.join(allowed)}")
    return str(measure)
