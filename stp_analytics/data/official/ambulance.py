"""NHS England Ambulance Quality Indicators, Systems (AmbSYS): CSV and xlsx time series.

Both carry the AmbSYS indicator codes as column names. Which codes are the category 1 and 2
response times is taken from the workbook's own ``Response times`` sheet (row 6 names the
codes under its headings): C1 ``A8`` count of incidents, ``A24`` total response time,
``A25`` mean, ``A26`` 90th centile; C2 ``A10``, ``A30``, ``A31``, ``A32``. Times are in
seconds: A24 / A8 equals A25 (e.g. England, August 2017: 5,671,240 / 10,233 = 554 s).

* CSV (``AmbSYS-to-<month>.csv``): ``Year, Month, Region, Org Code, Org Name, A0, ...``; the
  England row has ``Org Code`` ``Eng``; region rows a Y-code; ``.`` = not available.
* xlsx time series, sheet ``Raw``: header ``Concatenated, Year, Month, Reg, , Area, Trust,
  A0, ...``; ``Year`` is the financial year (``2017-18``), ``Month`` a month name; England
  (``Area`` ``ENG``) and region rows (``Area`` a Y-code) sit above the trust rows.

Measures (trust level): mean C1 and C2 response time (statistic ``mean``: numerator total
seconds, denominator incidents, multiplier 1/60 gives minutes). Trust-months with no
incidents (not reporting) are set aside.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_not_negative, check_unique, observations_frame
from stp_analytics.data.official._periods import month_number
from stp_analytics.data.official._results import OfficialFile, PublishedTotals, organisations
from stp_analytics.data.official._tables import Table, read_table
from stp_analytics.data.official.layouts import Layout, Measure, Standard

#: (measure key, incidents code, total seconds code, published mean code)
CATEGORIES = (("ambulance_c1_mean", "A8", "A24", "A25"),
              ("ambulance_c2_mean", "A10", "A30", "A31"))
NOT_REPORTED = "no incidents reported for the month (trust not reporting)"

MEASURES = (
    Measure("ambulance_c1_mean", "Ambulance category 1 mean response time", "minutes",
            "mean", "low_is_good", multiplier=1 / 60, domain="Urgent and emergency care",
            standard=Standard(7, "mean of 7 minutes", "NHS England Ambulance Response "
                              "Programme standard"),
            definition="Total response time of category 1 (life-threatening) incidents "
                       "divided by their number (AmbSYS A24 / A8), in minutes."),
    Measure("ambulance_c2_mean", "Ambulance category 2 mean response time", "minutes",
            "mean", "low_is_good", multiplier=1 / 60, domain="Urgent and emergency care",
            standard=Standard(18, "mean of 18 minutes", "NHS England Ambulance Response "
                              "Programme standard"),
            definition="Total response time of category 2 (emergency) incidents divided by "
                       "their number (AmbSYS A30 / A10), in minutes."),
)
CODES = ("A8", "A10", "A24", "A25", "A30", "A31")


def read_csv(path: Path) -> OfficialFile:
    """Read an AmbSYS CSV (one row per month and organisation)."""
    path = Path(path)
    table = read_table(path, CSV.signature)
    year = table.numbers("Year")
    month = table.numbers("Month")
    periods = [f"{int(y)}-{int(m):02d}" for y, m in zip(year, month, strict=True)]
    codes = table.text("Org Code")
    england = codes.str.casefold().eq("eng").to_numpy()
    trusts = codes.str.match(r"^R[A-Z0-9]{2}$").to_numpy()
    return _build(CSV, table, pd.Series(periods, index=table.frame.index), codes, england,
                  trusts, table.text("Org Name"))


def read_xlsx(path: Path) -> OfficialFile:
    """Read the AmbSYS xlsx time series (sheet ``Raw``)."""
    path = Path(path)
    table = read_table(path, XLSX.signature, sheet="Raw")
    frame = table.frame
    area = table.text("Area")
    keep = (area != "").to_numpy() & (table.text("Year") != "").to_numpy()
    table = Table(path, "Raw", table.header_row, frame[keep].reset_index(drop=True),
                  table.letters)
    periods = []
    for year, month, row in zip(table.text("Year"), table.text("Month"),
                                table.frame["source_row"], strict=True):
        try:
            number = month_number(month)
            start = int(year[:4])
        except ValueError:
            raise table.error(f"Year {year!r} / Month {month!r} is not a financial year and "
                              "month", row=int(row), column="Month") from None
        periods.append(f"{start + (number < 4)}-{number:02d}")
    area = table.text("Area")
    england = area.str.casefold().eq("eng").to_numpy()
    trusts = area.str.match(r"^R[A-Z0-9]{2}$").to_numpy()
    return _build(XLSX, table, pd.Series(periods, index=table.frame.index), area, england,
                  trusts, table.text("Trust"))


def _build(layout: Layout, table: Table, periods: pd.Series, codes: pd.Series,
           england: np.ndarray, trusts: np.ndarray, names: pd.Series) -> OfficialFile:
    frame = table.frame
    values = {code: table.numbers(code, zero=("-",)) for code in CODES}
    for code in ("A8", "A10", "A24", "A30"):
        check_not_negative(frame, values[code], code, table.path)
    keyed = pd.DataFrame({"code": codes[trusts], "period": periods[trusts],
                          "source_row": frame["source_row"][trusts]})
    check_unique(keyed, ["code", "period"], table.path, column="Org Code")
    parts = []
    for key, count, seconds, _ in CATEGORIES:
        incidents = values[count][trusts]
        set_aside = np.where(~(incidents > 0), NOT_REPORTED, "")
        parts.append(observations_frame(
            indicator=key, area_type="trust", area_code=codes[trusts], period=periods[trusts],
            numerator=values[seconds][trusts], denominator=incidents,
            source_row=frame["source_row"][trusts], set_aside=set_aside))
    observations = pd.concat(parts, ignore_index=True)
    latest = max(periods[trusts]) if trusts.any() else max(periods)
    published: dict[str, float] = {}
    from_rows: dict[str, float] = {}
    for period in sorted(set(periods[england])):
        mine = (periods == period).to_numpy()
        for code in ("A8", "A24", "A10", "A30"):
            from_rows[f"{code} {period}"] = float(values[code][mine & trusts].sum())
            published[f"{code} {period}"] = float(values[code][mine & england].iloc[0])
    mine = (periods == latest).to_numpy()
    figures = {code: (float(values[code][mine & england].iloc[0]) if (mine & england).any()
                      else float(values[code][mine & trusts].sum()))
               for code in ("A8", "A24", "A10", "A30")}
    summary: dict[str, object] = {"period": latest}
    for key, count, seconds, mean in CATEGORIES:
        label = key.removeprefix("ambulance_").removesuffix("_mean")
        summary[f"{label}_incidents"] = figures[count]
        summary[f"{label}_mean_minutes"] = round(figures[seconds] / figures[count] / 60, 2)
        if (mine & england).any():
            summary[f"{label}_mean_seconds_published"] = float(
                values[mean][mine & england].iloc[0])
    where = ("England rows of each month" if published
             else f"computed from the trust rows of {latest} (no England row)")
    return OfficialFile(layout.key, table.path, observations,
                        PublishedTotals(where, published, from_rows), summary,
                        organisations(codes[trusts], names[trusts], "trust"),
                        rows_read=len(frame))


CSV = Layout(
    key="ambsys_csv", title="AmbSYS CSV",
    publication="NHS England, Ambulance Quality Indicators: Systems Indicators (AmbSYS), CSV",
    formats=("csv",), sheets=(None,),
    signature=("Year", "Month", "Region", "Org Code", "Org Name", "A0", "A1", *CODES),
    reader=read_csv, measures=MEASURES)
XLSX = Layout(
    key="ambsys_timeseries", title="AmbSYS time series (xlsx, sheet Raw)",
    publication="NHS England, Ambulance Quality Indicators: Systems Indicators (AmbSYS), "
                "time series workbook",
    formats=("xlsx",), sheets=("Raw",),
    signature=("Concatenated", "Year", "Month", "Area", "Trust", "A0", "A1", *CODES),
    reader=read_xlsx, measures=MEASURES)
