"""The numbers to download: each pack's ``pack-data.csv`` (taken from the executed notebook's
downloads output) and, beside ``index.html``, ``all-areas.csv`` and ``all-areas.xlsx`` (every
built area's rows; one sheet per gap and a notes sheet). Same rows in, same bytes out: the rows
are sorted, and the workbook's timestamps (document properties and zip entries) are fixed."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from stp_analytics.content.annex import OGL_ATTRIBUTION
from stp_analytics.content.pack_data import (
    ALL_AREAS_NAMES,
    PACK_DATA_COLUMNS,
    PACK_DATA_MIME,
    PACK_DATA_NAME,
    SORT_KEYS,
)
from stp_analytics.data.files import write_atomic

#: the zip entry date and document date of every workbook written (the zip format's epoch)
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FIXED_DOC_DATE = "1980-01-01T00:00:00Z"
_CORE_DATES = re.compile(
    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
NUMERIC = ("value", "lower", "upper", "england_value")
#: the sheet of rows with no gap (the area's registered population)
NO_GAP_SHEET = "area"
NOTES = (
    "Every number printed in each pack, one row each; pack-data.csv in a pack's folder holds "
    "the same rows for that pack.",
    "indicator: the catalogue id for an area's own value; <id>:<measure> for a figure derived "
    "from it (worst, best, opportunity, peer_best5_mean, target); finance_model:<column> for "
    "the do-nothing / do-something model (a model, not a forecast); summary:<gap>:... for a "
    "figure of the summary tiles as printed.",
    "value, lower, upper, england_value: unrounded; the pack rounds them for print. "
    "status: ok | approximate | suppressed | not supplied.",
    OGL_ATTRIBUTION,
)


def pack_data_csv(nb: Any) -> bytes | None:
    """The CSV text the notebook's downloads cell showed (None for a notebook without one)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get(PACK_DATA_MIME)
            if text:
                return (text if isinstance(text, str) else "".join(text)).encode("utf-8")
    return None


def all_areas_frame(pack_dir: Path, entries: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The rows of every built pack's pack-data.csv, sorted by area then :data:`SORT_KEYS`."""
    frames = []
    for code in sorted(entries):
        entry = entries[code]
        path = pack_dir / str(entry.get("folder", code)) / PACK_DATA_NAME
        if entry.get("status") == "built" and path.is_file():
            frames.append(pd.read_csv(path, dtype={c: "str" for c in PACK_DATA_COLUMNS
                                                   if c not in NUMERIC},
                                      keep_default_na=False,
                                      na_values={c: [""] for c in NUMERIC}))
    if not frames:
        return pd.DataFrame(columns=list(PACK_DATA_COLUMNS))
    frame = pd.concat(frames, ignore_index=True).loc[:, list(PACK_DATA_COLUMNS)]
    return frame.sort_values(["area_code", *SORT_KEYS], kind="mergesort").reset_index(drop=True)


def workbook_bytes(frame: pd.DataFrame) -> bytes:
    """An .xlsx of ``frame``: one sheet per gap (``area`` for rows with none), then ``notes``
    (the sources used and the OGL attribution); deterministic bytes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for gap in sorted(frame["gap"].fillna("").unique()):
            rows = frame[frame["gap"].fillna("").eq(gap)]
            rows.to_excel(writer, sheet_name=str(gap or NO_GAP_SHEET)[:31], index=False)
        sources = sorted(set(frame["source"].fillna("")) - {""})
        notes = [*NOTES, "Sources:", *sources]
        pd.DataFrame({"note": notes}).to_excel(writer, sheet_name="notes", index=False)
    return fixed_timestamps(buffer.getvalue())


def fixed_timestamps(xlsx: bytes) -> bytes:
    """The workbook rewritten with fixed zip dates and created/modified document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rf"\g<1>{FIXED_DOC_DATE}\g<2>",
                                       data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def write_all_areas(pack_dir: Path, entries: Mapping[str, Mapping[str, Any]]) -> list[Path]:
    """Write all-areas.csv and all-areas.xlsx beside index.html (the workbook only when the
    CSV changed or it is missing: drawing it costs seconds for 44 areas)."""
    frame = all_areas_frame(pack_dir, entries)
    csv_path, xlsx_path = (pack_dir / name for name in ALL_AREAS_NAMES)
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    unchanged = csv_path.is_file() and csv_path.read_bytes() == data and xlsx_path.is_file()
    if not unchanged:
        write_atomic(xlsx_path, workbook_bytes(frame))
        write_atomic(csv_path, data)
    return [csv_path, xlsx_path]
