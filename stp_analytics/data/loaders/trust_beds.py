"""Bed occupancy of the footprint's trusts from NHS England situation reports (psychty copies).

Two layouts share this loader: the monthly adult critical care sitrep (``Code, Date,
adult_beds_open, adult_beds_occupied``; one snapshot a month) and the winter daily general and
acute sitrep (``Code, Date, Open, Occupied``; one row a day). The source options name the
columns (``code_column``, ``date_column``, ``open_column``, ``occupied_column``) and the period:
``period: month`` gives one observation per month (``YYYY-MM`` of the date); a fixed label such as
``period: "2019/20"`` sums every day of the file into one period (occupied bed-days over open
bed-days, i.e. the mean occupancy of the winter).

Trusts are summed into footprints with the trust lookup (``lookup_file``); the file's England
row (code ``-``) is England. Occupied above open is an error naming the row. With
``icb_lookup_file`` the same trusts are also summed per ICB (``trust_icb.py``).
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
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.data.loaders.trust_icb import icb_lookup, icb_sums
from stp_analytics.data.loaders.trust_lookup import read_trust_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

SOURCE_ENGLAND = "-"
OPTIONS = ("code_column", "date_column", "open_column", "occupied_column", "period",
           "lookup_file")


@register_loader("trust_beds")
def load_trust_beds(path: Path, source, indicators: list) -> pd.DataFrame:
    """Occupied and open beds per footprint and England, per month or for the file's period."""
    require_options(source.options, OPTIONS, source.id)
    code, date, open_, occupied = (str(source.options[k]) for k in OPTIONS[:4])
    table = read_csv_checked(path, [code, date, open_, occupied])
    table[code] = table[code].str.strip()
    table[date] = table[date].str.strip()
    check_unique(table, [code, date], path, column=code)
    beds = {name: to_number(table, name, path) for name in (open_, occupied)}
    for name, values in beds.items():
        check_not_negative(table, values, name, path)
    over = beds[occupied] > beds[open_]
    if over.any():
        position = int(np.flatnonzero(over.to_numpy())[0])
        raise DataValidationError(
            f"occupied beds {beds[occupied].iloc[position]:g} above open beds "
            f"{beds[open_].iloc[position]:g}", file=file_label(path),
            row=int(table["source_row"].iloc[position]), column=occupied)
    lookup = read_trust_lookup(source.resolve(str(source.options["lookup_file"])))
    area = table[code].map(lookup.set_index("trust_code")["area_code"])
    england = table[code].eq(SOURCE_ENGLAND)
    unknown = area.isna() & ~england
    if unknown.any():
        first = table[unknown].iloc[0]
        raise DataValidationError(f"unknown trust code {first[code]!r} (not in the trust lookup)",
                                  file=file_label(path), row=int(first["source_row"]),
                                  column=code)
    period_option = str(source.options["period"])
    period = table[date].str[:7] if period_option == "month" else period_option
    rows = pd.DataFrame({
        "area_type": np.where(england, "england", "stp"),
        "area_code": np.where(england, ENGLAND_CODE, area.fillna("")),
        "period": period, "occupied": beds[occupied], "open": beds[open_],
        "source_row": table["source_row"], "unmapped": area.eq("")})
    summed = (rows[~rows["unmapped"]]
              .groupby(["area_type", "area_code", "period"], sort=True)
              .agg(occupied=("occupied", "sum"), open=("open", "sum"),
                   source_row=("source_row", "min"))
              .reset_index())
    aside = rows[rows["unmapped"]].assign(area_type="trust", area_code=table.loc[
        rows["unmapped"], code], set_aside=table.loc[rows["unmapped"], code].map(
            lookup.set_index("trust_code")["basis"]).radd("trust with no footprint: "))
    summed = pd.concat([summed.assign(set_aside=""), aside.drop(columns="unmapped")],
                       ignore_index=True)
    icbs = icb_lookup(source)
    if icbs is not None:
        trusts = rows[~rows["unmapped"] & ~england].assign(trust_code=table[code])
        summed = pd.concat([summed, icb_sums(trusts, "trust_code", ["period"],
                                             ["occupied", "open"], icbs)], ignore_index=True)
    frames = []
    for indicator in indicators:
        frame = observations_frame(
            indicator=indicator.id, area_type=summed["area_type"],
            area_code=summed["area_code"], period=summed["period"],
            numerator=summed["occupied"], denominator=summed["open"],
            source_row=summed["source_row"], set_aside=summed["set_aside"])
        set_aside_where(frame, frame["denominator"].eq(0), "no beds open")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
