"""NHS England monthly A&E attendances and emergency admissions by provider (NHSRdatasets).

Columns ``period`` (first day of the month), ``org_code`` (ODS provider), ``type`` (1 = major
A&E, 2 = single specialty, other = minor injury units and walk-in centres), ``attendances``,
``breaches`` (over 4 hours), ``admissions`` (emergency admissions via A&E).

Each indicator selects ``measure`` and ``types``:

* ``measure: four_hour`` — proportion seen within 4 hours: numerator attendances − breaches,
  denominator attendances (NHS England's definition of the 4-hour standard);
* ``measure: attendances`` or ``admissions`` — a count (numerator).

Rows of the chosen types are summed per provider and month, and over every provider of the file
for England's row (E92000001): England is all providers, not the footprints' trusts.
Duplicates, negative counts and breaches above attendances are checked on the raw rows, so
messages name the file row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_not_negative,
    check_unique,
    file_label,
    normalise_period,
    observations_frame,
    read_csv_checked,
    to_number,
)
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import ENGLAND_CODE

COLUMNS = ("period", "org_code", "type", "attendances", "breaches", "admissions")
MEASURES = ("four_hour", "attendances", "admissions")


@register_loader("ae_attendances")
def load_ae_attendances(path: Path, source, indicators: list) -> pd.DataFrame:
    """A&E 4-hour performance, attendances and admissions per provider and month."""
    table = read_csv_checked(path, COLUMNS)
    table["period"] = table["period"].map(normalise_period)
    table["org_code"] = table["org_code"].str.strip()
    table["type"] = table["type"].str.strip()
    check_unique(table, ["period", "org_code", "type"], path, column="org_code")
    for column in ("attendances", "breaches", "admissions"):
        table[column] = to_number(table, column, path)
        check_not_negative(table, table[column], column, path)
    over = table["breaches"] > table["attendances"]
    if over.any():
        position = int(np.flatnonzero(over.to_numpy())[0])
        raise DataValidationError(
            f"breaches {table['breaches'].iloc[position]:g} are above attendances "
            f"{table['attendances'].iloc[position]:g}",
            file=file_label(path), row=int(table["source_row"].iloc[position]), column="breaches")
    return pd.concat([_indicator_rows(table, indicator) for indicator in indicators],
                     ignore_index=True)


def _indicator_rows(table: pd.DataFrame, indicator) -> pd.DataFrame:
    measure = indicator.select.get("measure")
    types = [str(t) for t in indicator.select.get("types", ["1", "2", "other"])]
    if measure not in MEASURES:
        raise CatalogError(f"indicator {indicator.id!r}: select measure {measure!r} is not "
                           f"allowed; expected one of: {', '.join(MEASURES)}")
    chosen = table[table["type"].isin(types)]
    summed = (chosen.groupby(["org_code", "period"], sort=True)
              .agg(attendances=("attendances", "sum"), breaches=("breaches", "sum"),
                   admissions=("admissions", "sum"), source_row=("source_row", "min"))
              .reset_index())
    # England is every provider of the file (independent sector, walk-in centres and community
    # providers too), not only the trusts the footprint lookup maps
    england = (chosen.groupby("period", sort=True)
               .agg(attendances=("attendances", "sum"), breaches=("breaches", "sum"),
                    admissions=("admissions", "sum"), source_row=("source_row", "min"))
               .reset_index().assign(org_code=ENGLAND_CODE))
    summed = pd.concat([summed, england], ignore_index=True)
    if measure == "four_hour":
        numerator = summed["attendances"] - summed["breaches"]
        denominator = summed["attendances"]
    else:
        numerator, denominator = summed[measure], float("nan")
    return observations_frame(
        indicator=indicator.id,
        area_type=np.where(summed["org_code"].eq(ENGLAND_CODE), "england", "trust"),
        area_code=summed["org_code"],
        period=summed["period"],
        numerator=numerator,
        denominator=denominator,
        source_row=summed["source_row"],
    )
