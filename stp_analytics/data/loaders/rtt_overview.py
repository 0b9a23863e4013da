"""NHS England RTT overview time series: England's incomplete pathways within 18 weeks, monthly.

File: an extract of the RTT overview time series (England only, commissioner basis):
``overview_csv_line, fin_year, month (YYYY-MM), incomplete__no_within_18_weeks,
incomplete__total_waiting_mil, incomplete__pct_within_18_weeks``. The column published as
"Total waiting (mil)" holds a plain count of pathways, not millions. Each row's published
proportion must agree with within / total (to 0.0005), else the file is wrong.

England only: the rows are national context for the care chapter; no footprint or CCG figure
comes from this file (the catalogue's ``rtt_18_weeks`` stays "data not supplied").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_not_negative,
    check_unique,
    file_label,
    observations_frame,
    read_csv_checked,
    to_number,
)
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

WITHIN = "incomplete__no_within_18_weeks"
TOTAL = "incomplete__total_waiting_mil"
SHARE = "incomplete__pct_within_18_weeks"
COLUMNS = ("month", WITHIN, TOTAL, SHARE)
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@register_loader("rtt_england_overview")
def load_rtt_overview(path: Path, source, indicators: list) -> pd.DataFrame:
    """England's incomplete pathways within 18 weeks over all incomplete pathways, per month."""
    table = read_csv_checked(path, COLUMNS)
    table["month"] = table["month"].str.strip()
    bad = ~table["month"].str.fullmatch(MONTH)
    if bad.any():
        first = table[bad].iloc[0]
        raise DataValidationError(f"month {first['month']!r} is not YYYY-MM",
                                  file=file_label(path), row=int(first["source_row"]),
                                  column="month")
    check_unique(table, ["month"], path, column="month")
    within, total, share = (to_number(table, c, path) for c in (WITHIN, TOTAL, SHARE))
    for column, values in ((WITHIN, within), (TOTAL, total)):
        check_not_negative(table, values, column, path)
    off = (within / total - share).abs() > 0.0005
    if off.any():
        position = int(np.flatnonzero(off.to_numpy())[0])
        raise DataValidationError(
            f"published share {share.iloc[position]:g} is not within / total "
            f"({within.iloc[position]:g} / {total.iloc[position]:g})",
            file=file_label(path), row=int(table["source_row"].iloc[position]), column=SHARE)
    return pd.concat([observations_frame(
        indicator=indicator.id, area_type="england", area_code=ENGLAND_CODE,
        period=table["month"], numerator=within, denominator=total,
        source_row=table["source_row"]) for indicator in indicators], ignore_index=True)
