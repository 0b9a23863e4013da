"""NHS England Monthly Activity Return (MAR) by commissioner: emergency admissions, GP referrals.

File: the ``Commissioner`` sheets of the monthly MAR workbooks stacked (psychty/Unplanned_admissions
compilation), one row per month x commissioner: ``month`` (YYYY-MM), ``fin_year``, ``org_code``
(CCG ODS code; ``ENG`` England; ``X24`` NHS England direct commissioning) and one column per
measure. Each indicator selects ``column`` (the measure's published name).

Quirks handled (each is counted by ``stp-packs validate``):

* the financial year is derived from the month; the June 2017 file's year column is wrong
  (2017-19, 2017-20, ...): rows whose ``fin_year`` disagrees are repaired and carry a note;
* 2015-16 and 2016-17 use April 2016 CCGs: each is apportioned to the 2017 footprints by the
  population share of its LSOAs (ONS LSOA11 -> CCG16 lookup; LSOA population = its April 2017
  district's ONS mid-2016 population shared equally by the district's LSOAs), e.g. Cumbria CCG of
  2016 (South Cumbria moved to Morecambe Bay in April 2017), Manchester's three CCGs;
* from April 2018 merged CCGs (``successors_file``: a hand-transcribed table of the 2018 and 2019
  mergers) take the footprint of the CCGs they replaced (each merger lies in one footprint);
* ``X24`` (NHS England direct commissioning) has no footprint: set aside, but in England's row.

Values are counts per footprint and month; ``per_1000: true`` divides by the registered
population (QOF TOTAL list size of the footprint's practices: 2016-17 for months before April
2017, 2017-18 after, with a note from April 2018 on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.ccg_footprints import ccg_footprints, join_ccg_footprints
from stp_analytics.data.loaders.ccg_icb import SPLIT_NOTE as ICB_SPLIT_NOTE
from stp_analytics.data.loaders.ccg_icb import ccg_icbs, icb_rows, wants_icb_rows
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
from stp_analytics.data.loaders.registered import (
    LIST_NOTE,
    registered_for_months,
    uses_latest_list,
)
from stp_analytics.data.loaders.trust_icb import ICB_AREA_TYPE, icb_list_sizes
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import ENGLAND_CODE

SOURCE_ENGLAND = "ENG"
DIRECT = "X24"
COLUMNS = ("month", "fin_year", "org_code")
CCG17_FIRST_MONTH = "2017-04"
REPAIR_NOTE = ("financial year derived from the month: the June 2017 file's year column is wrong "
               "in the source (2017-19, 2017-20, ... in {} file rows)")
SPLIT_NOTE = ("April 2016 CCGs mapped to the 2017 footprints (split CCGs apportioned by LSOA "
              "population share)")


def financial_year_of(month: pd.Series) -> pd.Series:
    """'2017-06' -> '2017-18'; January-March belong to the year that began the April before."""
    year = month.str[:4].astype(int) - (month.str[5:7].astype(int) < 4)
    return year.astype(str) + "-" + ((year + 1) % 100).astype(str).str.zfill(2)


def repaired_years(table: pd.DataFrame) -> pd.Series:
    """True where the file's fin_year is not the financial year of its month (the June 2017
    quirk); the loader repairs those rows and notes it."""
    return table["fin_year"].str.strip() != financial_year_of(table["month"])


@register_loader("mar_commissioner")
def load_mar(path: Path, source, indicators: list) -> pd.DataFrame:
    """Monthly MAR counts (and per 1,000 registered) per 2017 footprint and England."""
    require_options(source.options, ["successors_file"], source.id)
    wanted = [str(i.select.get("column", "")) for i in indicators]
    table = read_csv_checked(path, [*COLUMNS, *sorted(set(wanted))])
    table["month"] = table["month"].str.strip()
    table["org_code"] = table["org_code"].str.strip()
    bad = ~table["month"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        first = table[bad].iloc[0]
        raise DataValidationError(f"month {first['month']!r} is not YYYY-MM", file=file_label(
            path), row=int(first["source_row"]), column="month")
    check_unique(table, ["month", "org_code"], path, column="org_code")
    repaired = repaired_years(table)
    successors = source.resolve(str(source.options["successors_file"]))
    lookup = ccg_footprints(successors)
    icbs = ccg_icbs(successors) if wants_icb_rows(source) else None
    frames = []
    for indicator, column in zip(indicators, wanted, strict=True):
        if not column:
            raise CatalogError(f"indicator {indicator.id!r}: select needs 'column' (a MAR "
                               "measure such as 'Total Non-elective G&A Admissions (FFCEs)')")
        counts = to_number(table, column, path)
        check_not_negative(table, counts, column, path)
        frames.append(_indicator_rows(table, counts, repaired, lookup, icbs, indicator, path))
    return pd.concat(frames, ignore_index=True)


def _indicator_rows(table: pd.DataFrame, counts: pd.Series, repaired: pd.Series,
                    lookup: pd.DataFrame, icbs: pd.DataFrame | None, indicator,
                    path: Path) -> pd.DataFrame:
    era = np.where(table["month"] < CCG17_FIRST_MONTH, "ccg16", "ccg17")
    rows = table.assign(count=counts, era=era, repaired=repaired)
    ccgs = rows[~rows["org_code"].isin([SOURCE_ENGLAND, DIRECT])]
    joined = join_ccg_footprints(ccgs, lookup, path, code_column="org_code",
                                 period_column="month", what="commissioner")
    joined["part"] = joined["count"] * joined["share"]
    grouped = joined.groupby(["area_code", "month"], sort=True)
    footprints = pd.concat([
        grouped["part"].sum(min_count=1).rename("count"),
        grouped["source_row"].min(), grouped["repaired"].any(),
        grouped["era"].first().eq("ccg16").rename("split")], axis=1).reset_index()
    footprints["area_type"] = "stp"
    england = rows[rows["org_code"].eq(SOURCE_ENGLAND)].assign(
        area_code=ENGLAND_CODE, area_type="england", split=False)
    direct = rows[rows["org_code"].eq(DIRECT)].assign(area_code=DIRECT, area_type="stp",
                                                       split=False)
    keep = ["area_type", "area_code", "month", "count", "source_row", "repaired", "split"]
    pieces = [footprints[keep], england[keep], direct[keep]]
    if icbs is not None:
        by_icb = join_ccg_footprints(ccgs, icbs, path, code_column="org_code",
                                     period_column="month", what="commissioner")
        pieces.append(icb_rows(by_icb, ["count"], ["month"], flags=("repaired",))[keep])
    every = pd.concat(pieces, ignore_index=True)
    icb = every["area_type"].eq(ICB_AREA_TYPE).to_numpy()
    repairs = REPAIR_NOTE.format(int(repaired.sum()))
    note = _with_note(pd.Series("", index=every.index), every["repaired"], repairs)
    note = _with_note(note, every["split"] & ~icb, SPLIT_NOTE)
    note = _with_note(note, every["split"] & icb, ICB_SPLIT_NOTE)
    denominator: object = np.nan
    if indicator.select.get("per_1000"):
        denominator = registered_for_months(every["area_code"], every["month"])
        if icb.any():
            denominator = denominator.where(~icb, registered_for_months(
                every["area_code"], every["month"], icb_list_sizes))
        note = _with_note(note, uses_latest_list(every["month"]), LIST_NOTE)
    frame = observations_frame(
        indicator=indicator.id, area_type=every["area_type"], area_code=every["area_code"],
        period=every["month"], numerator=every["count"], denominator=denominator,
        source_row=every["source_row"], note=note)
    set_aside_where(frame, frame["area_code"].eq(DIRECT),
                    "NHS England direct commissioning (X24): no footprint; in England's row")
    set_aside_where(frame, frame["numerator"].isna(), "no count reported")
    return frame


def _with_note(note: pd.Series, mask: pd.Series, text: str) -> pd.Series:
    """Append ``text`` to the notes where ``mask`` holds ('; '-joined)."""
    return note.where(~mask.to_numpy(), (note + "; " + text).str.lstrip("; "))
