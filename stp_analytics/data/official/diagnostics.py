"""NHS England monthly diagnostics (DM01) provider web file (xls, sheet ``Provider``).

One row per provider (trusts and independent-sector providers, ODS codes) with the waiting
list at month end and the numbers waiting 6+ and 13+ weeks; a ``Total`` row (blank code)
above the providers is England. The month is the title block's ``Period:``. Measures: the
share waiting 6 weeks or more (numerator 6+ weeks, denominator the waiting list) and the
waiting list itself. The provider rows must add up to the Total row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_not_negative, check_unique, observations_frame
from stp_analytics.data.official._periods import month_label, title_value
from stp_analytics.data.official._results import (
    OfficialFile,
    PublishedTotals,
    check_sum,
    organisations,
)
from stp_analytics.data.official._tables import read_sheets, read_table
from stp_analytics.data.official.layouts import Layout, Measure, Standard
from stp_analytics.errors import DataValidationError

WAITING = "Total Waiting List"
SIX = "Number waiting 6+ Weeks"
THIRTEEN = "Number waiting 13+ Weeks"
SIGNATURE = ("Regional Team Code", "Regional Team Name", "Provider Code", "Provider Name",
             WAITING, SIX)
SHEET = "Provider"

MEASURES = (
    Measure("dm01_waiting_6_plus_weeks", "Diagnostic waits of 6 weeks or more",
            "% waiting 6+ weeks", "proportion", "low_is_good",
            standard=Standard(1, "under 1% waiting 6 weeks or more",
                              "NHS Constitution diagnostics standard"),
            domain="Elective care", fills="diagnostics_6_weeks",
            definition="Patients on the diagnostic waiting list at month end who had waited "
                       "6 weeks or more, divided by the whole waiting list (15 key tests)."),
    Measure("dm01_waiting_list", "Diagnostic waiting list", "patients waiting", "count",
            multiplier=1, decimals=0, domain="Elective care",
            definition="Patients waiting for one of the 15 key diagnostic tests at month end."),
)


def read_dm01(path: Path) -> OfficialFile:
    """Read a DM01 monthly diagnostics provider web file."""
    path = Path(path)
    sheets = read_sheets(path, [SHEET])
    if SHEET not in sheets:
        raise DataValidationError(f"no sheet {SHEET!r} (the DM01 provider web file has one)",
                                  file=path.name)
    table = read_table(path, SIGNATURE, sheet=SHEET, rows=sheets[SHEET])
    period = month_label(title_value(sheets[SHEET], "Period:") or "")
    if period is None:
        raise table.error("no 'Period:' month in the title block above the header",
                          row=table.header_row)
    frame = table.frame
    codes = table.text("Provider Code")
    names = table.text("Provider Name")
    waiting, six = table.numbers(WAITING), table.numbers(SIX)
    thirteen = table.numbers(THIRTEEN) if THIRTEEN in frame.columns else None
    total_row = (codes == "") & names.str.casefold().eq("total")
    providers = (codes != "").to_numpy()
    rows = frame[providers]
    check_unique(pd.DataFrame({"code": codes[providers], "source_row": rows["source_row"]}),
                 ["code"], path, column="Provider Code")
    for column, values in ((WAITING, waiting), (SIX, six)):
        check_not_negative(rows, values[providers], column, path)
    over = (six > waiting).to_numpy() & providers
    if over.any():
        position = int(np.flatnonzero(over)[0])
        raise table.error(f"{six.iloc[position]:g} waiting 6+ weeks is above the waiting list "
                          f"{waiting.iloc[position]:g}",
                          row=int(frame["source_row"].iloc[position]), column=SIX)
    observations = pd.concat([
        observations_frame(indicator=key, area_type="trust", area_code=codes[providers],
                           period=period, numerator=num, denominator=den,
                           source_row=rows["source_row"])
        for key, num, den in (("dm01_waiting_6_plus_weeks", six[providers], waiting[providers]),
                              ("dm01_waiting_list", waiting[providers], np.nan))
    ], ignore_index=True)
    from_rows = {"waiting": float(waiting[providers].sum()),
                 "waiting_6_plus_weeks": float(six[providers].sum())}
    if thirteen is not None:
        from_rows["waiting_13_plus_weeks"] = float(thirteen[providers].sum())
    if not total_row.any():
        raise table.error("no Total row (Provider Name 'Total' with a blank code): the file "
                          "is not a complete DM01 provider file", column="Provider Name")
    position = int(np.flatnonzero(total_row.to_numpy())[0])
    row = int(frame["source_row"].iloc[position])
    published = {"waiting": float(waiting.iloc[position]),
                 "waiting_6_plus_weeks": float(six.iloc[position])}
    if thirteen is not None:
        published["waiting_13_plus_weeks"] = float(thirteen.iloc[position])
    for name, value in published.items():
        check_sum(name.replace("_", " "), from_rows[name], value, table, row)
    england = {**published,
               "pct_6_plus_weeks": round(100 * published["waiting_6_plus_weeks"]
                                         / published["waiting"], 1)}
    totals = PublishedTotals(f"Total row (row {row})", published, from_rows)
    return OfficialFile(LAYOUT.key, path, observations, totals, england,
                        organisations(codes[providers], names[providers], "trust"),
                        rows_read=len(frame))


LAYOUT = Layout(
    key="dm01_provider", title="DM01 provider",
    publication="NHS England, Monthly Diagnostic Waiting Times and Activity (DM01), provider "
                "web file",
    formats=("xls", "xlsx"), sheets=(SHEET,), signature=SIGNATURE, reader=read_dm01,
    measures=MEASURES)
