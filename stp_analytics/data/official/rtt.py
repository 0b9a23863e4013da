"""NHS England Referral to Treatment (RTT) waiting times by commissioner, two generations.

* legacy xls (to about 2015/16): sheet ``Commissioner``, columns ``CCG Code``, weekly bands to
  ``52 plus``, treatment functions ``IP100`` ... total ``IP999``, with ``Total within 18 weeks``;
* current xlsx: sheet ``Sub-ICB`` (``Commissioner`` / ``CCG`` in earlier editions), columns
  ``Org Code``, bands to ``104 plus``, functions ``C_100`` ... total ``C_999``; the admitted
  (completed) file has ``Total number of completed pathways (all)`` and ``... (with a known
  clock start)``, the incomplete file ``Total number of incomplete pathways``.

Only the total treatment function (code ending ``999``) becomes observations, one per
commissioner. Within 18 weeks is the file's ``Total within 18 weeks`` when it has one, else
the sum of the weekly bands ``>0-1`` ... ``>17-18``. National and regional commissioning
codes (``X24``, ``Y..``) are kept but set aside (no CCG). The file's ``National`` sheet gives
the published totals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_unique, observations_frame
from stp_analytics.data.official._periods import month_label, title_value
from stp_analytics.data.official._results import (
    OfficialFile,
    PublishedTotals,
    check_sum,
    organisations,
)
from stp_analytics.data.official._tables import Table, read_sheets, read_table
from stp_analytics.data.official.layouts import Layout, Measure, Standard
from stp_analytics.errors import DataValidationError

INCOMPLETE = "Total number of incomplete pathways"
COMPLETED_ALL = "Total number of completed pathways (all)"
COMPLETED_KNOWN = "Total number of completed pathways (with a known clock start)"
WITHIN = "Total within 18 weeks"
BANDS_18 = tuple(f">{w}-{w + 1}" for w in range(18))
NOT_CCG = "commissioned by NHS England nationally or regionally (X24 / Y-code), not a CCG"

STANDARD_92 = Standard(92, "92% within 18 weeks", "NHS Constitution RTT incomplete standard")
MEASURES = (
    Measure("rtt_within_18_weeks", "RTT incomplete pathways within 18 weeks",
            "% within 18 weeks", "proportion", "high_is_good", standard=STANDARD_92,
            geography="ccg", domain="Elective care", fills="rtt_18_weeks",
            definition="Incomplete RTT pathways of the commissioner's patients waiting 18 weeks "
                       "or less at month end, divided by all incomplete pathways."),
    Measure("rtt_incomplete_pathways", "RTT incomplete pathways (waiting list)",
            "pathways", "count", geography="ccg", multiplier=1, decimals=0,
            domain="Elective care",
            definition="Incomplete RTT pathways at month end (all treatment functions)."),
    Measure("rtt_admitted_within_18_weeks", "RTT completed admitted pathways within 18 weeks",
            "% within 18 weeks", "proportion", "high_is_good", geography="ccg",
            domain="Elective care",
            definition="Completed admitted pathways with a known clock start that took 18 "
                       "weeks or less, divided by those pathways (no standard since 2015)."),
    Measure("rtt_completed_pathways", "RTT completed pathways", "pathways", "count",
            geography="ccg", multiplier=1, decimals=0, domain="Elective care",
            definition="Completed pathways in the month (all treatment functions)."),
)

LEGACY_SIGNATURE = ("Region Code", "CCG Code", "CCG Name", "Treatment Function Code",
                    "Treatment Function", ">0-1", "52 plus", INCOMPLETE, WITHIN)
CURRENT_SIGNATURE = ("Region Code", "Org Code", "Org Name", "Treatment Function Code",
                     "Treatment Function", ">0-1", "104 plus", (INCOMPLETE, COMPLETED_ALL))
SHEETS = ("Commissioner", "Sub-ICB", "CCG")


def read_legacy(path: Path) -> OfficialFile:
    """Read an RTT commissioner workbook of the legacy (weeks to 52) generation."""
    return _read(path, LEGACY, "CCG Code", "CCG Name")


def read_current(path: Path) -> OfficialFile:
    """Read an RTT commissioner workbook of the current (weeks to 104) generation."""
    return _read(path, CURRENT, "Org Code", "Org Name")


def _read(path: Path, layout: Layout, code_column: str, name_column: str) -> OfficialFile:
    path = Path(path)
    sheets = read_sheets(path, (*layout.sheets, "National"))
    sheet = next((s for s in layout.sheets if s in sheets), None)
    if sheet is None:
        raise DataValidationError(f"no commissioner sheet (expected one of "
                                  f"{', '.join(s for s in layout.sheets if s)})",
                                  file=path.name)
    table = read_table(path, layout.signature, sheet=sheet, rows=sheets[sheet])
    period = month_label(title_value(sheets[sheet], "Period:") or "")
    if period is None:
        raise table.error("no 'Period:' month in the title block above the header",
                          row=table.header_row)
    total_rows = table.text("Treatment Function Code").str.endswith("999")
    rows = Table(path, sheet, table.header_row, table.frame[total_rows.to_numpy()]
                 .reset_index(drop=True), table.letters)
    if rows.frame.empty:
        raise table.error("no total treatment function rows (code ending 999)",
                          column="Treatment Function Code")
    codes = rows.text(code_column)
    check_unique(pd.DataFrame({"code": codes, "source_row": rows.frame["source_row"]}),
                 ["code"], path, column=code_column)
    incomplete = INCOMPLETE in rows.frame.columns
    total_column = INCOMPLETE if incomplete else COMPLETED_ALL
    total = rows.numbers(total_column)
    if WITHIN in rows.frame.columns:
        within = rows.numbers(WITHIN)
    else:
        within = sum((rows.numbers(band) for band in BANDS_18), pd.Series(0.0, index=total.index))
    known = rows.numbers(COMPLETED_KNOWN) if COMPLETED_KNOWN in rows.frame.columns else total
    not_ccg = codes.str.match(r"^(X24|Y\d\d)$").to_numpy()
    set_aside = np.where(not_ccg, NOT_CCG, "")
    keys = (("rtt_within_18_weeks", "rtt_incomplete_pathways") if incomplete
            else ("rtt_admitted_within_18_weeks", "rtt_completed_pathways"))
    common = dict(area_type="ccg", area_code=codes, period=period,
                  source_row=rows.frame["source_row"], set_aside=set_aside)
    observations = pd.concat([
        observations_frame(indicator=keys[0], numerator=within, denominator=known, **common),
        observations_frame(indicator=keys[1], numerator=total, **common),
    ], ignore_index=True)
    totals = _national(path, sheets, total_column, float(total.sum()), float(within.sum()),
                       rows)
    pathways = "incomplete" if incomplete else "completed"
    england = {f"{pathways}_pathways": totals.published.get("pathways", float(total.sum())),
               "within_18_weeks": totals.published.get("within_18_weeks", float(within.sum()))}
    denominator = float(known.sum()) if not incomplete else england[f"{pathways}_pathways"]
    england["pct_within_18_weeks"] = round(100 * england["within_18_weeks"] / denominator, 1)
    return OfficialFile(layout.key, path, observations, totals, england,
                        organisations(codes, rows.text(name_column), "ccg"),
                        rows_read=len(table.frame))


def _national(path: Path, sheets: dict, total_column: str, rows_total: float,
              rows_within: float, rows: Table) -> PublishedTotals:
    """The National sheet's total row, checked against the commissioner rows."""
    from_rows = {"pathways": rows_total, "within_18_weeks": rows_within}
    if "National" not in sheets:
        return PublishedTotals("computed from rows (no National sheet)", {}, from_rows)
    national = read_table(path, ("Treatment Function Code", total_column), sheet="National",
                          rows=sheets["National"])
    mask = national.text("Treatment Function Code").str.endswith("999").to_numpy()
    if not mask.any():
        return PublishedTotals("computed from rows (no national total row)", {}, from_rows)
    row = int(national.frame["source_row"][mask].iloc[0])
    published = {"pathways": float(national.numbers(total_column)[mask].iloc[0])}
    if WITHIN in national.frame.columns:
        published["within_18_weeks"] = float(national.numbers(WITHIN)[mask].iloc[0])
    else:
        bands = sum(national.numbers(b)[mask].iloc[0] for b in BANDS_18)
        published["within_18_weeks"] = float(bands)
    check_sum("pathways", rows_total, published["pathways"], rows, None)
    return PublishedTotals(f"National sheet, row {row}", published, from_rows)


LEGACY = Layout(
    key="rtt_commissioner_legacy", title="RTT commissioner (legacy xls, weeks to 52)",
    publication="NHS England, Referral to Treatment (RTT) waiting times, commissioner file",
    formats=("xls", "xlsx"), sheets=SHEETS, signature=LEGACY_SIGNATURE, reader=read_legacy,
    measures=MEASURES[:2])
CURRENT = Layout(
    key="rtt_commissioner", title="RTT commissioner (xlsx, weeks to 104)",
    publication="NHS England, Referral to Treatment (RTT) waiting times, commissioner file",
    formats=("xlsx", "xls"), sheets=SHEETS, signature=CURRENT_SIGNATURE, reader=read_current,
    measures=MEASURES)
