"""Counts per GP practice in one row per practice (e.g. PHE cervical screening coverage).

Options: ``code_column`` (the practice ODS code), ``period`` (the period label of the file) and
``suppressed`` (the texts the publisher writes instead of small or withheld counts, e.g.
``<under 6>``). Each indicator selects its ``numerator`` and ``denominator`` columns. Rows with a
suppressed count are set aside and counted, never read as zero.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    MISSING_MARKERS,
    check_unique,
    is_marker,
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.errors import CatalogError


@register_loader("practice_counts")
def load_practice_counts(path: Path, source, indicators: list) -> pd.DataFrame:
    """Numerator and denominator columns per practice, one indicator per column pair."""
    require_options(source.options, ["code_column", "period"], source.id)
    code = str(source.options["code_column"])
    suppressed = [str(marker) for marker in source.options.get("suppressed", [])]
    columns = [code]
    for indicator in indicators:
        for key in ("numerator", "denominator"):
            if key not in indicator.select:
                raise CatalogError(f"indicator {indicator.id!r}: select needs {key!r} (a column "
                                   "of the source file)")
            columns.append(str(indicator.select[key]))
    table = read_csv_checked(path, list(dict.fromkeys(columns)))
    table[code] = table[code].str.strip()
    check_unique(table, [code], path)
    frames = []
    for indicator in indicators:
        parts = {}
        withheld = pd.Series(False, index=table.index)
        for key in ("numerator", "denominator"):
            column = str(indicator.select[key])
            withheld |= is_marker(table, column, suppressed)
            missing = set(MISSING_MARKERS) | set(suppressed)
            parts[key] = to_number(table, column, path, missing=missing)
        frame = observations_frame(
            indicator=indicator.id,
            area_type="practice",
            area_code=table[code],
            period=str(source.options["period"]),
            numerator=parts["numerator"],
            denominator=parts["denominator"],
            source_row=table["source_row"],
        )
        set_aside_where(frame, withheld.to_numpy(), "count suppressed by the publisher "
                        f"({', '.join(suppressed)})")
        set_aside_where(frame, frame["numerator"].isna() | frame["denominator"].isna(),
                        "blank count in the source")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
