"""NHS England KH03 bed availability and occupancy: beds open overnight by trust (xlsx).

Sheet ``NHS Trust by Sector``: ``Year, Period End, Region Code, Org Code, Org Name`` and
three blocks of ``Total, General & Acute, Learning Disabilities, Maternity, Mental Illness``
headed ``Available``, ``Occupied`` and ``% Occupied`` (the repeated names are read as
``General & Acute``, ``General & Acute (2)``, ``General & Acute (3)``). Values are average
daily beds over the quarter. The England row (``Org Name`` ``England``, blank code) is the
published total. The period is the quarter's last month (``2024-25`` + ``March`` ->
``2025-03``): the store has no quarterly periods.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_not_negative, check_unique, observations_frame
from stp_analytics.data.official._periods import month_number
from stp_analytics.data.official._results import (
    OfficialFile,
    PublishedTotals,
    check_sum,
    organisations,
)
from stp_analytics.data.official._tables import read_table
from stp_analytics.data.official.layouts import Layout, Measure

SHEET = "NHS Trust by Sector"
GA = "General & Acute"
SIGNATURE = ("Year", "Period End", "Region Code", "Org Code", "Org Name", GA,
             "Learning Disabilities", "Maternity", "Mental Illness")

MEASURES = (
    Measure("kh03_ga_occupancy", "General and acute bed occupancy (overnight)",
            "% of G&A beds occupied", "proportion", "none", domain="Hospital capacity",
            definition="Average daily general and acute beds occupied overnight divided by "
                       "the average available, over the quarter (KH03)."),
    Measure("kh03_ga_beds_available", "General and acute beds available (overnight)",
            "beds", "count", multiplier=1, decimals=0, domain="Hospital capacity",
            definition="Average daily general and acute beds available overnight over the "
                       "quarter (KH03)."),
)


def read_kh03(path: Path) -> OfficialFile:
    """Read a KH03 beds-open-overnight web file."""
    path = Path(path)
    table = read_table(path, SIGNATURE, sheet=SHEET)
    frame = table.frame
    if f"{GA} (2)" not in frame.columns:
        raise table.error("expected a second 'General & Acute' column (the Occupied block)",
                          row=table.header_row)
    codes = table.text("Org Code")
    names = table.text("Org Name")
    available, occupied = table.numbers(GA), table.numbers(f"{GA} (2)")
    trusts = (codes != "").to_numpy()
    england = ((codes == "") & names.str.casefold().eq("england")).to_numpy()
    periods = []
    for year, month, row in zip(table.text("Year"), table.text("Period End"),
                                frame["source_row"], strict=True):
        try:
            number = month_number(month)
            periods.append(f"{int(year[:4]) + (number < 4)}-{number:02d}")
        except ValueError:
            raise table.error(f"Year {year!r} / Period End {month!r} is not a financial year "
                              "and month", row=int(row), column="Period End") from None
    periods = pd.Series(periods, index=frame.index)
    rows = frame[trusts]
    check_unique(pd.DataFrame({"code": codes[trusts], "period": periods[trusts],
                               "source_row": rows["source_row"]}), ["code", "period"], path,
                 column="Org Code")
    check_not_negative(rows, available[trusts], GA, path)
    observations = pd.concat([
        observations_frame(indicator=key, area_type="trust", area_code=codes[trusts],
                           period=periods[trusts], numerator=num, denominator=den,
                           source_row=rows["source_row"],
                           set_aside=np.where(available[trusts] > 0, "",
                                              "no general and acute beds"))
        for key, num, den in (("kh03_ga_occupancy", occupied[trusts], available[trusts]),
                              ("kh03_ga_beds_available", available[trusts], np.nan))
    ], ignore_index=True)
    from_rows = {"ga_available": float(available[trusts].sum()),
                 "ga_occupied": float(occupied[trusts].sum())}
    if not england.any():
        raise table.error("no England row (Org Name 'England' with a blank code)",
                          column="Org Name")
    position = int(np.flatnonzero(england)[0])
    row = int(frame["source_row"].iloc[position])
    published = {"ga_available": float(available.iloc[position]),
                 "ga_occupied": float(occupied.iloc[position])}
    for name, value in published.items():
        check_sum(name.replace("_", " ") + " beds", from_rows[name], value, table, row)
    summary = {"period": periods.iloc[position],
               "ga_available": round(published["ga_available"]),
               "ga_occupied": round(published["ga_occupied"]),
               "pct_ga_occupied": round(100 * published["ga_occupied"]
                                        / published["ga_available"], 1)}
    return OfficialFile(LAYOUT.key, path, observations,
                        PublishedTotals(f"England row (row {row})", published, from_rows),
                        summary, organisations(codes[trusts], names[trusts], "trust"),
                        rows_read=len(frame))


LAYOUT = Layout(
    key="kh03_beds", title="KH03 beds open overnight",
    publication="NHS England, Bed Availability and Occupancy (KH03), beds open overnight "
                "web file",
    formats=("xlsx", "xls"), sheets=(SHEET,), signature=SIGNATURE, reader=read_kh03,
    measures=MEASURES)
