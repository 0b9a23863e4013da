"""Deprivation: whether each LSOA is in England's most deprived decile (IMD 2019 rank).

The ONS LSOA11 to LAD19 lookup carries the IMD 2019 rank (``IMD19``; 1 = most deprived of
32,844). Each LSOA gives one observation with numerator 1 if its rank is at or below
``max_rank`` (option; 3,284 = the most deprived 10%) and 0 otherwise, denominator 1; summing
the counts over a footprint's LSOAs gives its share of LSOAs in the most deprived decile
(aggregation ``sum_counts``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_unique,
    file_label,
    observations_frame,
    read_csv_checked,
    require_options,
    to_number,
)
from stp_analytics.errors import DataValidationError


@register_loader("imd_lsoa_decile")
def load_imd_decile(path: Path, source, indicators: list) -> pd.DataFrame:
    """One 0/1 observation per LSOA: in the most deprived decile of IMD ranks or not."""
    require_options(source.options, ["rank_column", "max_rank", "period"], source.id)
    rank_column = str(source.options["rank_column"])
    table = read_csv_checked(path, ["LSOA11CD", rank_column])
    table["LSOA11CD"] = table["LSOA11CD"].str.strip()
    check_unique(table, ["LSOA11CD"], path)
    rank = to_number(table, rank_column, path)
    blank = rank.isna() | (rank < 1)
    if blank.any():
        position = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataValidationError(
            "IMD rank missing or below 1 (ranks run from 1)", file=file_label(path),
            row=int(table["source_row"].iloc[position]), column=rank_column)
    in_decile = (rank <= float(source.options["max_rank"])).astype("float64")
    return pd.concat([
        observations_frame(
            indicator=indicator.id,
            area_type="lsoa",
            area_code=table["LSOA11CD"],
            period=str(source.options["period"]),
            numerator=in_decile,
            denominator=1.0,
            source_row=table["source_row"],
        )
        for indicator in indicators
    ], ignore_index=True)
