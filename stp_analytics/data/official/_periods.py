"""Periods in official files: the title block's "Period:" and month names -> "YYYY-MM"."""

from __future__ import annotations

import re

from stp_analytics.data.official._tables import HEADER_SEARCH_ROWS, Rows, normalise


def title_value(rows: Rows, label: str, stop: int = HEADER_SEARCH_ROWS) -> str | None:
    """The text next to a title-block label such as 'Period:' (None if absent)."""
    target = normalise(label)
    for row in rows[:stop]:
        for pos, cell in enumerate(row):
            if normalise(cell) == target:
                rest = [c for c in row[pos + 1:] if c is not None and str(c).strip()]
                return str(rest[0]).strip() if rest else None
    return None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


def month_number(name: str) -> int:
    """1-12 for a month name or its three-letter abbreviation (any case); ValueError else."""
    text = name.strip().casefold()
    for number, month in enumerate(_MONTHS, start=1):
        if text == month or (len(text) == 3 and month.startswith(text)):
            return number
    raise ValueError(f"not a month: {name!r}")


def month_label(text: str) -> str | None:
    """'March 2025', 'MSitAE-MARCH-2025' or a date -> '2025-03' (None if no month and year)."""
    match = re.search(r"([A-Za-z]+)[\s\-]+(\d{4})", str(text))
    if match:
        try:
            return f"{match.group(2)}-{month_number(match.group(1)):02d}"
        except ValueError:
            return None
    match = re.match(r"(\d{4})-(\d{2})", str(text))
    return f"{match.group(1)}-{match.group(2)}" if match else None
