"""NHS England monthly A&E attendances and emergency admissions, CSV by provider.

Two header vintages:

* current (from about September 2020): ``A&E attendances Type 1`` ..., separate booked
  appointment columns ``A&E attendances Booked Appointments Type 1`` ... and
  ``Attendances over 4hrs ...``;
* before about September 2020: ``Number of A&E attendances Type 1`` ...,
  ``Number of attendances over 4hrs Type 1`` ... and no booked-appointment columns.

``Period`` is ``MSitAE-MARCH-2025``; the last row has ``TOTAL`` in the first four columns and
is England. Attendances of a type include its booked appointments (NHS England's definition
of the 4-hour standard counts both). Measures: 4 hours all types and type 1 (numerator
attendances minus those over 4 hours, denominator attendances), attendances, emergency
admissions via A&E and 12-hour waits from decision to admit.
"""

from __future__ import annotations

from dataclasses import replace
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
from stp_analytics.data.official._tables import Table, read_table
from stp_analytics.data.official.layouts import Layout, Measure, Standard

TYPES = ("Type 1", "Type 2", "Other")
CURRENT_COLUMNS = {
    "att": ("A&E attendances Type 1", "A&E attendances Type 2",
            "A&E attendances Other A&E Department"),
    "att_booked": ("A&E attendances Booked Appointments Type 1",
                   "A&E attendances Booked Appointments Type 2",
                   "A&E attendances Booked Appointments Other Department"),
    "over": ("Attendances over 4hrs Type 1", "Attendances over 4hrs Type 2",
             "Attendances over 4hrs Other Department"),
    "over_booked": ("Attendances over 4hrs Booked Appointments Type 1",
                    "Attendances over 4hrs Booked Appointments Type 2",
                    "Attendances over 4hrs Booked Appointments Other Department"),
}
OLD_COLUMNS = {
    "att": ("Number of A&E attendances Type 1", "Number of A&E attendances Type 2",
            "Number of A&E attendances Other A&E Department"),
    "over": ("Number of attendances over 4hrs Type 1", "Number of attendances over 4hrs Type 2",
             "Number of attendances over 4hrs Other A&E Department"),
}
ADMISSIONS = ("Emergency admissions via A&E - Type 1", "Emergency admissions via A&E - Type 2",
              "Emergency admissions via A&E - Other A&E department")
TWELVE_HOURS = ("Patients who have waited 12+ hrs from DTA to admission",
                "Number of patients spending >12 hours from decision to admit to admission")
IDS = ("Period", "Org Code", "Parent Org", "Org name")

STANDARD_95 = Standard(95, "95% within 4 hours", "NHS Constitution A&E standard")
MEASURES = tuple(replace(m, domain="Urgent and emergency care") for m in (
    Measure("ae_four_hour_all", "A&E 4-hour performance, all department types",
            "% seen within 4 hours", "proportion", "high_is_good", standard=STANDARD_95,
            definition="Attendances at all A&E types (booked appointments included) within 4 "
                       "hours of arrival divided by all attendances."),
    Measure("ae_four_hour_type1", "A&E 4-hour performance, type 1 (major) departments",
            "% seen within 4 hours", "proportion", "high_is_good", standard=STANDARD_95,
            definition="Type 1 attendances within 4 hours divided by type 1 attendances."),
    Measure("ae_attendances_all", "A&E attendances, all department types",
            "attendances a month", "count", multiplier=1, decimals=0),
    Measure("emergency_admissions_via_ae", "Emergency admissions via A&E", "admissions a month",
            "count", multiplier=1, decimals=0),
    Measure("ae_12_hour_dta_waits", "12-hour waits from decision to admit",
            "patients a month", "count", "low_is_good", multiplier=1, decimals=0),
))


def read_current(path: Path) -> OfficialFile:
    """Read a monthly A&E CSV with the current header (from about September 2020)."""
    return _read(path, CURRENT, CURRENT_COLUMNS)


def read_pre_2020(path: Path) -> OfficialFile:
    """Read a monthly A&E CSV with the earlier header ("Number of A&E attendances ...")."""
    return _read(path, PRE_2020, OLD_COLUMNS)


def _sum(table: Table, names: tuple[str, ...], only: slice = slice(None)) -> pd.Series:
    columns = [table.numbers(name) for name in names[only] if name in table.frame.columns]
    return sum(columns[1:], columns[0])


def _read(path: Path, layout: Layout, columns: dict[str, tuple[str, ...]]) -> OfficialFile:
    path = Path(path)
    table = read_table(path, layout.signature)
    frame = table.frame
    codes = table.text("Org Code")
    is_total = codes.str.upper().eq("TOTAL").to_numpy()
    providers = ~is_total
    periods = table.text("Period").map(month_label)
    if periods[providers].isna().any():
        position = int(np.flatnonzero(periods.isna().to_numpy() & providers)[0])
        raise table.error(f"Period {frame['Period'].iloc[position]!r} is not a month "
                          "(expected e.g. MSitAE-MARCH-2025)",
                          row=int(frame["source_row"].iloc[position]), column="Period")
    parts = {key: [table.numbers(name) for name in names] for key, names in columns.items()}
    for key in ("att", "over"):
        for name, values in zip(columns[key], parts[key], strict=True):
            check_not_negative(frame, values, name, path)
    att = [sum(v) for v in zip(*(parts[k] for k in ("att", "att_booked") if k in parts),
                               strict=True)]
    over = [sum(v) for v in zip(*(parts[k] for k in ("over", "over_booked") if k in parts),
                                strict=True)]
    admissions = _sum(table, ADMISSIONS)
    twelve_name = next((n for n in TWELVE_HOURS if n in frame.columns), None)
    twelve = table.numbers(twelve_name) if twelve_name else pd.Series(np.nan, index=frame.index)
    all_att, all_over = att[0] + att[1] + att[2], over[0] + over[1] + over[2]
    rows = frame[providers]
    keyed = pd.DataFrame({"code": codes[providers], "period": periods[providers],
                          "source_row": rows["source_row"]})
    check_unique(keyed, ["code", "period"], path, column="Org Code")
    common = dict(area_type="trust", area_code=codes[providers], period=periods[providers],
                  source_row=rows["source_row"])
    series = (("ae_four_hour_all", all_att - all_over, all_att),
              ("ae_four_hour_type1", att[0] - over[0], att[0]),
              ("ae_attendances_all", all_att, np.nan),
              ("emergency_admissions_via_ae", admissions, np.nan),
              ("ae_12_hour_dta_waits", twelve, np.nan))
    observations = pd.concat([
        observations_frame(indicator=key, numerator=num[providers],
                           denominator=den if np.isscalar(den) else den[providers], **common)
        for key, num, den in series], ignore_index=True)
    from_rows = {"attendances": float(all_att[providers].sum()),
                 "over_4_hours": float(all_over[providers].sum()),
                 "type1_attendances": float(att[0][providers].sum()),
                 "type1_over_4_hours": float(over[0][providers].sum()),
                 "emergency_admissions_via_ae": float(admissions[providers].sum()),
                 "waits_12_hours_from_decision_to_admit": float(twelve[providers].sum())}
    published: dict[str, float] = {}
    where = "computed from rows (no TOTAL row)"
    if is_total.any():
        position = int(np.flatnonzero(is_total)[0])
        row = int(frame["source_row"].iloc[position])
        published = {"attendances": float(all_att.iloc[position]),
                     "over_4_hours": float(all_over.iloc[position]),
                     "type1_attendances": float(att[0].iloc[position]),
                     "type1_over_4_hours": float(over[0].iloc[position]),
                     "emergency_admissions_via_ae": float(admissions.iloc[position]),
                     "waits_12_hours_from_decision_to_admit": float(twelve.iloc[position])}
        for name, value in published.items():
            check_sum(name.replace("_", " "), from_rows[name], value, table, row)
        where = f"TOTAL row (row {row})"
    else:
        raise table.error("no TOTAL row at the end of the file: it looks cut off (the "
                          "published CSV ends with a row of TOTAL)", column="Org Code")
    figures = published or from_rows
    england = {**figures,
               "pct_within_4_hours": round(100 * (1 - figures["over_4_hours"]
                                                  / figures["attendances"]), 1),
               "pct_type1_within_4_hours": round(100 * (1 - figures["type1_over_4_hours"]
                                                        / figures["type1_attendances"]), 1)}
    return OfficialFile(layout.key, path, observations,
                        PublishedTotals(where, published, from_rows), england,
                        organisations(codes[providers], table.text("Org name")[providers],
                                      "trust"),
                        rows_read=len(frame))


CURRENT = Layout(
    key="ae_monthly", title="A&E monthly CSV by provider (header from Sept 2020)",
    publication="NHS England, A&E Attendances and Emergency Admissions, monthly CSV",
    formats=("csv",), sheets=(None,),
    signature=(*IDS, *CURRENT_COLUMNS["att"], *CURRENT_COLUMNS["att_booked"],
               *CURRENT_COLUMNS["over"], *CURRENT_COLUMNS["over_booked"]),
    reader=read_current, measures=MEASURES)
PRE_2020 = Layout(
    key="ae_monthly_pre2020", title="A&E monthly CSV by provider (header before Sept 2020)",
    publication="NHS England, A&E Attendances and Emergency Admissions, monthly CSV",
    formats=("csv",), sheets=(None,),
    signature=(*IDS, *OLD_COLUMNS["att"], *OLD_COLUMNS["over"]),
    reader=read_pre_2020, measures=MEASURES)
