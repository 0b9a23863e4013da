"""Recognise which official layout a file is, by its header (never by its name).

The top rows of every sheet are searched for each layout's header signature; the first
layout whose every signature column is present wins. A file of no known layout raises a
:class:`~stp_analytics.errors.DataValidationError` naming the closest layout and the first
column where the header differs, e.g. ``not a layout stp-packs knows; closest: DM01 provider
(header differs at column F: expected 'Total Waiting List', found 'Waiting list';
sheet 'Provider', row 14)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stp_analytics.data.loaders.common import file_label
from stp_analytics.data.official._tables import (
    HEADER_SEARCH_ROWS,
    best_header,
    column_letter,
    first_difference,
    read_sheets,
    suffix,
)
from stp_analytics.data.official.layouts import Layout, all_layouts
from stp_analytics.errors import DataValidationError

#: share of a layout's signature a header must hold to be named as the closest layout
MIN_RESEMBLANCE = 0.3


@dataclass(frozen=True)
class LayoutMatch:
    """A recognised layout: which, in which sheet (None for csv) and at which header row."""

    layout: Layout
    sheet: str | None
    header_row: int | None  # 1-based; None for a headerless file

    @property
    def key(self) -> str:
        """The layout's key (e.g. ``dm01_provider``)."""
        return self.layout.key

    @property
    def title(self) -> str:
        """The layout's name as people call it (e.g. ``DM01 provider``)."""
        return self.layout.title


def _ordered(layout: Layout, sheets: list[str | None]) -> list[str | None]:
    """The layout's own sheet names first, then every other sheet (names change)."""
    own = [s for s in layout.sheets if s in sheets]
    return own + [s for s in sheets if s not in own]


def detect_layout(path: Path) -> LayoutMatch:
    """The official layout of the file at ``path``.

    Raises DataValidationError when the file cannot be read or matches no known layout
    (the message names the closest layout and where its header differs).
    """
    path = Path(path)
    kind = suffix(path)
    if kind not in ("csv", "xls", "xlsx"):
        raise DataValidationError(
            f"not a layout stp-packs knows: a .{kind or '?'} file (official layouts come as "
            ".xls, .xlsx or .csv, optionally gzipped)", file=file_label(path))
    sheets = read_sheets(path, max_rows=HEADER_SEARCH_ROWS)
    closest: tuple[float, Layout, str | None, int, dict[str, int]] | None = None
    for layout in all_layouts():
        if kind not in layout.formats:
            continue
        if layout.headerless is not None:
            if None in sheets and layout.headerless(sheets[None]):
                return LayoutMatch(layout, None, None)
            continue
        for sheet in _ordered(layout, list(sheets)):
            index, found = best_header(sheets[sheet], layout.signature)
            if len(found) == len(layout.signature):
                return LayoutMatch(layout, sheet, index + 1)
            score = len(found) / len(layout.signature)
            if found and (closest is None or score > closest[0]):
                closest = (score, layout, sheet, index, found)
    if closest is None or closest[0] < MIN_RESEMBLANCE:
        raise DataValidationError(
            "not a layout stp-packs knows: no header row of a known official layout in the "
            f"first {HEADER_SEARCH_ROWS} rows of any sheet", file=file_label(path))
    _, layout, sheet, index, found = closest
    position, expected, shown = first_difference(sheets[sheet][index], layout.signature, found)
    place = f"sheet {sheet!r}, row {index + 1}" if sheet else f"row {index + 1}"
    raise DataValidationError(
        f"not a layout stp-packs knows; closest: {layout.title} (header differs at column "
        f"{column_letter(position)}: expected {expected!r}, found {shown}; {place})",
        file=file_label(path))
