"""NHS workforce statistics, England and organisation workbook: monthly total FTE by organisation.

Sheet ``5. All Staff, NHSE & Org - FTE`` (the sheet whose name starts with ``5`` and ends in
``FTE``): ``NHS England region code, NHS England region name, ICS code, ICS name,
Organisation name, Organisation code`` and one column per month end (dates). Rows with an
organisation code are organisations (trusts and other core organisations, historic ones
kept); the ``England`` row, region rows and ICS rows have none. ``-`` denotes zero (the
sheet's notes); a blank cell means no figure for that month (the organisation did not
exist) and is set aside. Every month's organisations must add up to the England row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_not_negative, check_unique, observations_frame
from stp_analytics.data.official._periods import month_label
from stp_analytics.data.official._results import (
    OfficialFile,
    PublishedTotals,
    check_sum,
    organisations,
)
from stp_analytics.data.official._tables import read_table, sheet_names, suffix
from stp_analytics.data.official.layouts import Layout, Measure
from stp_analytics.errors import DataValidationError

SIGNATURE = ("NHS England region code", "NHS England region name", "ICS code", "ICS name",
             "Organisation name", "Organisation code")
NO_FIGURE = "no figure for the month (organisation not open then)"

MEASURES = (
    Measure("workforce_fte", "NHS staff, full-time equivalent (HCHS, all staff groups)",
            "FTE", "count", multiplier=1, decimals=0, domain="Workforce",
            definition="Full-time equivalent HCHS staff directly employed by the organisation "
                       "at the month end (NHS Digital workforce statistics, table 5)."),
)


def _sheet(names: list[str | None]) -> str | None:
    return next((n for n in names if n and n.strip().startswith("5")
                 and n.strip().upper().endswith("FTE")), None)


def read_workforce(path: Path) -> OfficialFile:
    """Read table 5 (monthly total FTE by organisation) of the workforce workbook."""
    path = Path(path)
    if suffix(path) not in ("xlsx", "xls"):
        raise DataValidationError("expected the xlsx workbook", file=path.name)
    names = sheet_names(path)
    sheet = _sheet(names)
    if sheet is None:
        raise DataValidationError("no sheet '5. All Staff, NHSE & Org - FTE' (table 5, total "
                                  f"FTE by organisation); sheets: {', '.join(map(str, names))}",
                                  file=path.name)
    table = read_table(path, SIGNATURE, sheet=sheet)
    frame = table.frame
    months = {column: month_label(column) for column in frame.columns[6:-1]}
    months = {column: label for column, label in months.items() if label}
    if not months:
        raise table.error("no month-end date columns after 'Organisation code'",
                          row=table.header_row)
    codes = table.text("Organisation code")
    orgs = (codes != "").to_numpy()
    england = ((codes == "") & table.text("NHS England region name").str.casefold()
               .eq("england")).to_numpy()
    rows = frame[orgs]
    check_unique(pd.DataFrame({"code": codes[orgs], "source_row": rows["source_row"]}),
                 ["code"], path, column="Organisation code")
    published, from_rows = {}, {}
    if not england.any():
        raise table.error("no England row (region name 'England', no organisation code)",
                          column="NHS England region name")
    position = int(np.flatnonzero(england)[0])
    row = int(frame["source_row"].iloc[position])
    blocks = []
    for column, period in months.items():
        values = table.numbers(column, zero=("-",))
        check_not_negative(rows, values[orgs], column, path)
        from_rows[period] = float(values[orgs].sum())
        published[period] = float(values.iloc[position])
        check_sum(f"FTE in {period}", from_rows[period], published[period], table, row)
        blocks.append(values[orgs].to_numpy())
    fte = np.concatenate(blocks)
    count = int(orgs.sum())
    observations = observations_frame(
        indicator="workforce_fte", area_type="trust",
        area_code=np.tile(codes[orgs].to_numpy(), len(months)),
        period=np.repeat(np.array(list(months.values()), dtype=object), count),
        numerator=fte, source_row=np.tile(rows["source_row"].to_numpy(), len(months)),
        set_aside=np.where(np.isnan(fte), NO_FIGURE, ""))
    latest = max(published)
    summary = {"period": latest, "fte": round(published[latest])}
    return OfficialFile(LAYOUT.key, path, observations,
                        PublishedTotals(f"England row (row {row}), each month", published,
                                        from_rows), summary,
                        organisations(codes[orgs], table.text("Organisation name")[orgs],
                                      "trust"),
                        rows_read=len(frame))


LAYOUT = Layout(
    key="workforce_org_fte", title="NHS workforce statistics, organisation FTE (table 5)",
    publication="NHS Digital / NHS England, NHS Workforce Statistics, England and Organisation",
    formats=("xlsx",), sheets=("5. All Staff, NHSE & Org - FTE",), signature=SIGNATURE,
    reader=read_workforce, measures=MEASURES)
