"""NHS England Cancer Waiting Times: the CRS provider data extract (long format, xlsx).

One row per month x standard x provider x stage/route x treatment modality x cancer type,
with ``TOTAL TREATED`` (``TOTAL`` in older extracts), ``WITHIN STANDARD`` and ``BREACHES``.
Rows are summed per month, standard and provider: numerator ``WITHIN STANDARD``, denominator
the total. Each standard becomes the measure ``cancer_`` + its name in lower case with
non-letters as ``_`` (``62-day Combined`` -> ``cancer_62_day_combined``; older extracts'
standards such as ``62 Day`` become ``cancer_62_day``). The extract has no England row: the
England figures are the sums of all rows (checked against NHS England's published March 2025
figures in the tests).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_not_negative, observations_frame
from stp_analytics.data.official._periods import month_label
from stp_analytics.data.official._results import OfficialFile, PublishedTotals, organisations
from stp_analytics.data.official._tables import read_sheets, read_table
from stp_analytics.data.official.layouts import Layout, Measure, Standard

TOTAL = ("TOTAL TREATED", "TOTAL")
SIGNATURE = ("PERIOD", "STANDARD", "ORG CODE", TOTAL, "WITHIN STANDARD", "BREACHES")
SHEET = "CWT CRS Provider Extract"


def measure_key(standard: str) -> str:
    """The measure key of a CWT standard name ('62-day Combined' -> 'cancer_62_day_combined')."""
    return "cancer_" + re.sub(r"[^a-z0-9]+", "_", standard.casefold()).strip("_")


def _measure(standard: str, name: str, target: Standard | None, definition: str,
             fills: str = "") -> Measure:
    return Measure(measure_key(standard), name, "% within the standard", "proportion",
                   "high_is_good", standard=target, definition=definition, domain="Cancer",
                   fills=fills)


MEASURES = (
    _measure("62-day Combined", "Cancer 62-day standard (combined routes)",
             Standard(85, "85% treated within 62 days", "NHS cancer waiting times standard"),
             "Patients starting first treatment within 62 days of an urgent suspected cancer "
             "referral, screening or consultant upgrade, divided by all first treatments.",
             fills="cancer_62_day"),
    _measure("31-day Combined", "Cancer 31-day standard (combined)",
             Standard(96, "96% treated within 31 days", "NHS cancer waiting times standard"),
             "Treatments (first and subsequent) starting within 31 days of the decision to "
             "treat, divided by all such treatments."),
    _measure("28-day FDS", "Cancer Faster Diagnosis Standard (28 days)",
             Standard(75, "75% told within 28 days", "NHS Faster Diagnosis Standard from "
                      "October 2023"),
             "Patients told they have cancer, or that it is ruled out, within 28 days of "
             "referral, divided by all patients referred."),
)


def _period(value: object) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}-{value.month:02d}"
    return month_label(str(value)) if value is not None else None


def read_cwt(path: Path) -> OfficialFile:
    """Read a CWT CRS provider data extract."""
    path = Path(path)
    sheets = read_sheets(path)
    sheet = SHEET if SHEET in sheets else next(iter(sheets))  # older extracts: first sheet
    table = read_table(path, SIGNATURE, sheet=sheet, rows=sheets[sheet], rename=True)
    frame = table.frame
    periods = frame["PERIOD"].map(_period)
    if periods.isna().any():
        position = int(np.flatnonzero(periods.isna().to_numpy())[0])
        raise table.error(f"PERIOD {frame['PERIOD'].iloc[position]!r} is not a month",
                          row=int(frame["source_row"].iloc[position]), column="PERIOD")
    total = table.numbers("TOTAL TREATED")
    within = table.numbers("WITHIN STANDARD")
    for column, values in (("TOTAL TREATED", total), ("WITHIN STANDARD", within)):
        check_not_negative(frame, values, column, path)
    over = within > total
    if over.any():
        position = int(np.flatnonzero(over.to_numpy())[0])
        raise table.error(f"WITHIN STANDARD {within.iloc[position]:g} is above the total "
                          f"{total.iloc[position]:g}", row=int(frame["source_row"].iloc[position]),
                          column="WITHIN STANDARD")
    long = pd.DataFrame({"period": periods, "standard": table.text("STANDARD"),
                         "code": table.text("ORG CODE"), "total": total, "within": within,
                         "source_row": frame["source_row"]})
    summed = (long.groupby(["standard", "code", "period"], sort=True)
              .agg(total=("total", "sum"), within=("within", "sum"),
                   source_row=("source_row", "min")).reset_index())
    observations = observations_frame(
        indicator=summed["standard"].map(measure_key), area_type="trust",
        area_code=summed["code"], period=summed["period"], numerator=summed["within"],
        denominator=summed["total"], source_row=summed["source_row"])
    latest = long["period"].max()
    england: dict[str, object] = {"period": latest}
    from_rows: dict[str, float] = {}
    for standard, part in long[long["period"] == latest].groupby("standard", sort=True):
        key = measure_key(standard).removeprefix("cancer_")
        from_rows[f"{key}_total"] = float(part["total"].sum())
        from_rows[f"{key}_within"] = float(part["within"].sum())
        england[f"{key}_total"] = from_rows[f"{key}_total"]
        england[f"pct_{key}"] = round(100 * from_rows[f"{key}_within"]
                                      / from_rows[f"{key}_total"], 1)
    totals = PublishedTotals(f"computed from the rows of {latest} (the extract has no England "
                             "row)", {}, from_rows)
    names = pd.Series([""] * len(long))
    return OfficialFile(LAYOUT.key, path, observations, totals, england,
                        organisations(long["code"], names, "trust"),
                        rows_read=len(frame))


LAYOUT = Layout(
    key="cwt_crs_provider", title="Cancer Waiting Times CRS provider extract",
    publication="NHS England, Cancer Waiting Times, provider data extract (CRS)",
    formats=("xlsx", "csv"), sheets=(SHEET, None), signature=SIGNATURE, reader=read_cwt,
    measures=MEASURES)
