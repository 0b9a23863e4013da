"""GP Patient Survey, dental questions, by CCG (compiled by The Strategy Unit): NHS dentist access.

File: one row per survey wave (``period``, the calendar year of the January-March fieldwork) and
area (``area_type`` England / Region / CCG / ...; ``area_code_NHS`` the CCG's ODS code) with
weighted counts per answer, e.g. ``q3_resp`` (answered "did you get an NHS dental appointment")
and ``q3_yes``. The compiler split CCGs that cross a 2022 ICB boundary into one row per ICB
(``ICB22CD``, weighted counts shared by ``appt_pop``): such parts are summed back to the CCG.
Rows repeated with identical values (North Cumbria CCG, 2017-2019) are set aside as repeats.

Each indicator selects ``numerator`` and ``denominator`` columns. CCGs go to the 2017 footprints
through :mod:`stp_analytics.data.loaders.ccg_footprints` (the 2016 wave uses April 2016 CCGs,
apportioned by LSOA population share); England is the file's England row. With the source
option ``icb_rows: true`` the same waves are also summed per 2022 ICB (area type ``icb``, read
only by ICB sets) by the compiler's own ``ICB22CD`` of each CCG part, so a CCG split between ICBs
goes to each by the compiler's population share.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.ccg_footprints import ccg_footprints, join_ccg_footprints
from stp_analytics.data.loaders.ccg_icb import wants_icb_rows
from stp_analytics.data.loaders.common import (
    file_label,
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.data.loaders.trust_icb import ICB_AREA_TYPE, icb_codes
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import ENGLAND_CODE

ID_COLUMNS = ("period", "area_code_NHS", "area_type", "ICB22CD")
REPEAT = "repeated row (identical to an earlier row of the same CCG and wave)"
WEIGHTED_NOTE = "weighted survey counts (intervals approximate)"
ICB_NOTE = ("CCG parts summed into 2022 ICBs by the compiler's ICB22CD (a CCG split between "
            "ICBs shared by population)")


@register_loader("gpps_dental")
def load_gpps_dental(path: Path, source, indicators: list) -> pd.DataFrame:
    """Weighted 'yes' and respondents per footprint and England for each wave kept."""
    require_options(source.options, ["first_period", "last_period", "successors_file"], source.id)
    columns = sorted({str(i.select.get(k, "")) for i in indicators
                      for k in ("numerator", "denominator")})
    if "" in columns:
        raise CatalogError(f"source {source.id!r}: each indicator's select needs numerator and "
                           "denominator columns (e.g. q3_yes, q3_resp)")
    table = read_csv_checked(path, [*ID_COLUMNS, *columns])
    for column in ID_COLUMNS:
        table[column] = table[column].str.strip()
    first, last = str(source.options["first_period"]), str(source.options["last_period"])
    kept = table["period"].between(first, last) & table["area_type"].isin(["CCG", "England"])
    values = {c: to_number(table, c, path) for c in columns}
    repeat = kept & table.duplicated(["period", "area_code_NHS", "ICB22CD", *columns])
    _check_parts(table, kept & ~repeat, path)
    lookup = ccg_footprints(source.resolve(str(source.options["successors_file"])))
    icbs = wants_icb_rows(source)
    if icbs:
        _check_icb_codes(table[kept & ~repeat & table["area_type"].eq("CCG")], path)
    frames = []
    for indicator in indicators:
        num, den = (str(indicator.select[k]) for k in ("numerator", "denominator"))
        rows = table.assign(num=values[num], den=values[den])
        frames.append(_indicator_rows(rows, kept, repeat, lookup, icbs, indicator, path))
    return pd.concat(frames, ignore_index=True)


def _check_icb_codes(ccgs: pd.DataFrame, path: Path) -> None:
    """Every CCG row summed into ICBs names an ICB of 2022 in ``ICB22CD``."""
    unknown = ~ccgs["ICB22CD"].isin(icb_codes())
    if unknown.any():
        first = ccgs[unknown].iloc[0]
        raise DataValidationError(
            f"ICB22CD {first['ICB22CD']!r} of CCG {first['area_code_NHS']!r} (wave "
            f"{first['period']}) is not a 2022 ICB code (E54...)", file=file_label(path),
            row=int(first["source_row"]), column="ICB22CD")


def _check_parts(table: pd.DataFrame, live: pd.Series, path: Path) -> None:
    """Two rows of one CCG and wave must be parts in different ICBs (else a duplicate key)."""
    ccg = live & table["area_type"].eq("CCG")
    clash = table[ccg].duplicated(["period", "area_code_NHS", "ICB22CD"], keep=False)
    if clash.any():
        rows = table[ccg][clash]
        first = rows.iloc[0]
        same = rows[(rows["period"] == first["period"])
                    & (rows["area_code_NHS"] == first["area_code_NHS"])]
        raise DataValidationError(
            f"duplicate key period={first['period']!r}, area_code_NHS="
            f"{first['area_code_NHS']!r}, ICB22CD={first['ICB22CD']!r} appears in rows "
            f"{', '.join(str(int(r)) for r in same['source_row'])} with different values",
            file=file_label(path), row=int(same["source_row"].iloc[1]), column="area_code_NHS")


def _sums(rows: pd.DataFrame, area: str) -> pd.DataFrame:
    """Weighted yes and respondents summed per ``area`` column and wave (NaN when no row has
    them), with the first source row."""
    return rows.groupby([area, "period"], sort=True).agg(
        num=("num", lambda s: s.sum(min_count=1)), den=("den", lambda s: s.sum(min_count=1)),
        source_row=("source_row", "min")).reset_index()


def _indicator_rows(rows: pd.DataFrame, kept: pd.Series, repeat: pd.Series,
                    lookup: pd.DataFrame, icbs: bool, indicator, path: Path) -> pd.DataFrame:
    live = rows[kept & ~repeat]
    ccgs = live[live["area_type"].eq("CCG")]
    ccgs = ccgs.assign(era=np.where(ccgs["period"] <= "2016", "ccg16", "ccg17"),
                       org_code=ccgs["area_code_NHS"])
    joined = join_ccg_footprints(ccgs, lookup, path, code_column="area_code_NHS",
                                 period_column="period", period_word="wave ")
    joined = joined.assign(num=joined["num"] * joined["share"], den=joined["den"] * joined["share"])
    footprints = _sums(joined, "area_code").assign(area_type="stp", set_aside="")
    england = live[live["area_type"].eq("England")].assign(
        area_code=ENGLAND_CODE, area_type="england", set_aside="")
    unused = (~kept) | repeat
    aside = rows[unused].assign(
        area_type="ccg", area_code=rows.loc[unused, "area_code_NHS"],
        set_aside=np.where(repeat[unused], REPEAT,
                           "other wave or area type (England and CCG rows of the waves kept "
                           "are used)"))
    keep = ["area_type", "area_code", "period", "num", "den", "source_row", "set_aside"]
    pieces = [footprints[keep], england[keep], aside[keep]]
    if icbs:
        by_icb = _sums(ccgs, "ICB22CD").rename(columns={"ICB22CD": "area_code"})
        pieces.append(by_icb.assign(area_type=ICB_AREA_TYPE, set_aside="")[keep])
    every = pd.concat(pieces, ignore_index=True)
    notes = {"stp": WEIGHTED_NOTE, ICB_AREA_TYPE: f"{WEIGHTED_NOTE}; {ICB_NOTE}"}
    frame = observations_frame(
        indicator=indicator.id, area_type=every["area_type"], area_code=every["area_code"],
        period=every["period"], numerator=every["num"], denominator=every["den"],
        source_row=every["source_row"], set_aside=every["set_aside"],
        note=every["area_type"].map(notes).fillna(""))
    set_aside_where(frame, frame["numerator"].isna() | frame["denominator"].isna(),
                    "no answer published")
    return frame
