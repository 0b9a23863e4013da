"""NHS Digital IAPT annual report: recovery and finished courses by STP, with England's own row.

File: the wide "Total" table derived from the bennettoxford/nhstt annual measures (one row per
financial year x organisation; ``reporting_period`` "2017-18", ``org_type`` England / STP / CCG /
Provider / Commissioning Region / ICB; counts blank where suppressed). Sub-national counts are
rounded to the nearest 5 by the publisher; England's are exact.

Indicators select ``measure``:

* ``recovery`` — recovered ÷ (finished a course of treatment − not at caseness at the start);
* ``finished_per_1000`` — finished courses of treatment per 1,000 registered adults (QOF 18+
  list size of the depression register, summed over the footprint's practices: the file named by
  the ``adults_file`` option, of the year ``adults_period``; later years use it too, with a note).

STP rows carry native 2017 footprint codes (44 in 2017-18). From 2018-19 the file merges some
footprints (``merged_footprints`` option, e.g. E54000049 Cumbria and North East = E54000045,
E54000046 and E54000047): each 2017 footprint of a merged code is rebuilt from the rows of its
April 2017 CCGs (ONS CCG17 lookup, ODS codes) and the merged row is set aside with that reason,
so nothing is dropped silently. Other organisation types, ``UNKNOWN`` STPs and years outside
``first_period``..``last_period`` are set aside and counted. The ICB years (2022-23 on) are
read by :mod:`stp_analytics.data.loaders.iapt_icb` (native ICB rows, for ICB sets only).
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
from stp_analytics.data.loaders.iapt_icb import icb_rows, icb_years
from stp_analytics.data.loaders.registered import registered_adults
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import ENGLAND_CODE

COUNTS = ("finished_course_treatment_count", "not_at_caseness_count", "recovery_count")
COLUMNS = ("reporting_period", "org_type", "org_code", "org_name", *COUNTS)
MEASURES = ("recovery", "finished_per_1000")
ROUNDED_NOTE = "counts rounded to the nearest 5 by the publisher"


def financial_year(label: str) -> str:
    """'2017-18' -> '2017/18' (the catalogue's financial-year form); other text unchanged."""
    text = str(label).strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return f"{text[:4]}/{text[5:]}"
    return text


@register_loader("iapt_annual")
def load_iapt_annual(path: Path, source, indicators: list) -> pd.DataFrame:
    """IAPT recovery and finished courses per footprint and England, one row per year."""
    require_options(source.options, ["first_period", "last_period"], source.id)
    table = read_csv_checked(path, COLUMNS)
    for column in ("reporting_period", "org_type", "org_code"):
        table[column] = table[column].str.strip()
    table["period"] = table["reporting_period"].map(financial_year)
    first, last = (financial_year(source.options[k]) for k in ("first_period", "last_period"))
    in_years = (table["period"] >= first) & (table["period"] <= last)
    icb_year = icb_years(table, source, financial_year)
    used = (in_years & table["org_type"].isin(["England", "STP", "CCG"])) | (
        icb_year & table["org_type"].isin(["England", "ICB"]))
    check_unique(table[used], ["reporting_period", "org_type", "org_code"], path,
                 column="org_code")
    for column in COUNTS:
        table[column] = to_number(table, column, path)
        check_not_negative(table, table[column], column, path)
    _check_caseness(table, path)
    merged = {str(k): [str(c) for c in v]
              for k, v in (source.options.get("merged_footprints") or {}).items()}
    rows = _footprint_rows(table[~icb_year], in_years[~icb_year], merged)
    if icb_year.any():  # ICB years: the file's own ICB rows, read by ICB sets only
        rows = pd.concat([rows, icb_rows(table[icb_year], source, path, COUNTS)
                          .assign(icb_year=True)], ignore_index=True)
    adults, adults_note = _adults(source)
    frames = [_indicator_rows(rows, indicator, adults, adults_note, source)
              for indicator in indicators]
    return pd.concat(frames, ignore_index=True)


def _check_caseness(table: pd.DataFrame, path: Path) -> None:
    """Not at caseness and recovered are both parts of 'finished'; error on the first row that
    breaks that (a proportion's numerator above its denominator names the file row)."""
    finished = table["finished_course_treatment_count"]
    at_caseness = finished - table["not_at_caseness_count"]
    bad = (table["not_at_caseness_count"] > finished) | (table["recovery_count"] > at_caseness)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            f"recovered {table['recovery_count'].iloc[position]:g} or not at caseness "
            f"{table['not_at_caseness_count'].iloc[position]:g} do not fit within finished "
            f"{finished.iloc[position]:g} (recovered must be at most finished - not at caseness)",
            file=file_label(path), row=int(table["source_row"].iloc[position]),
            column="recovery_count")


def _footprint_rows(table: pd.DataFrame, in_years: pd.Series, merged: dict) -> pd.DataFrame:
    """England and STP rows (+ footprints rebuilt from CCGs), each with its set-aside reason."""
    kind = table["org_type"]
    reason = pd.Series("", index=table.index, dtype="object")
    reason[~kind.isin(["England", "STP"])] = (
        "organisation type " + kind + " not used (footprints come from the STP rows)")
    reason[kind.eq("CCG")] = "CCG row: used only to rebuild footprints the STP rows merge"
    reason[kind.eq("STP") & table["org_code"].eq("UNKNOWN")] = "no STP recorded (UNKNOWN)"
    merged_rows = kind.eq("STP") & table["org_code"].isin(list(merged))
    reason[merged_rows] = "merged footprint " + table["org_code"] + ": " + table["org_code"].map(
        lambda code: ", ".join(merged.get(code, []))) + " rebuilt from their CCG rows"
    reason[~in_years] = "year outside the footprint years (2020 STP and ICB codes differ)"
    kept = table.assign(area_type=np.where(kind.eq("England"), "england", "stp"),
                        area_code=np.where(kind.eq("England"), ENGLAND_CODE, table["org_code"]),
                        set_aside=reason, note=np.where(kind.eq("STP"), ROUNDED_NOTE, ""))
    rebuilt = _rebuilt(table, in_years & merged_rows, merged)
    return pd.concat([kept, rebuilt], ignore_index=True)


def _rebuilt(table: pd.DataFrame, merged_rows: pd.Series, merged: dict) -> pd.DataFrame:
    """2017 footprints inside a merged STP code: the sums of their April 2017 CCGs' rows."""
    columns = ["period", "area_type", "area_code", *COUNTS, "source_row", "set_aside", "note"]
    if not merged_rows.any():
        return pd.DataFrame(columns=columns)
    from stp_analytics.data.geography.sources import ccg_lookup

    ccgs = ccg_lookup().set_index("ccg_ods_code")["stp_code"]
    ccg_rows = table[table["org_type"].eq("CCG")]
    pieces = []
    for _, row in table[merged_rows].iterrows():
        for footprint in merged[row["org_code"]]:
            codes = sorted(ccgs.index[ccgs.eq(footprint)])
            found = ccg_rows[ccg_rows["period"].eq(row["period"])
                             & ccg_rows["org_code"].isin(codes)]
            missing = sorted(set(codes) - set(found["org_code"]))
            counts = found[list(COUNTS)].sum(min_count=1)
            complete = not missing and not found[list(COUNTS)].isna().any().any()
            pieces.append({
                "period": row["period"], "area_type": "stp", "area_code": footprint,
                **{c: counts[c] if complete else np.nan for c in COUNTS},
                "source_row": float(found["source_row"].min()) if len(found) else np.nan,
                "set_aside": "" if complete else (
                    f"cannot rebuild {footprint} from its CCGs (missing or suppressed: "
                    f"{', '.join(missing) or 'a count'})"),
                "note": (f"{ROUNDED_NOTE}; rebuilt from its {len(codes)} April 2017 CCG rows "
                         f"({', '.join(codes)}): the file's STP row is the merged footprint "
                         f"{row['org_code']}"),
            })
    return pd.DataFrame(pieces, columns=columns)


def _adults(source) -> tuple[pd.Series, str]:
    """Registered adults per footprint and England from the ``adults_file`` option, if any."""
    adults_file = source.options.get("adults_file")
    if not adults_file:
        return pd.Series(dtype="float64"), ""
    year = str(source.options.get("adults_period", "2017/18"))
    return registered_adults(source.resolve(str(adults_file)), year), year


def _indicator_rows(rows: pd.DataFrame, indicator, adults: pd.Series, adults_year: str,
                    source) -> pd.DataFrame:
    measure = indicator.select.get("measure")
    if measure not in MEASURES:
        raise CatalogError(f"indicator {indicator.id!r}: select measure {measure!r} is not "
                           f"allowed; expected one of: {', '.join(MEASURES)}")
    note = rows["note"].astype(str)
    if measure == "recovery":
        numerator = rows["recovery_count"]
        denominator = rows["finished_course_treatment_count"] - rows["not_at_caseness_count"]
    else:
        if adults.empty:
            raise CatalogError(f"source {source.id!r}: options need adults_file for "
                               f"{indicator.id!r} (finished courses per 1,000 adults)")
        numerator = rows["finished_course_treatment_count"]
        denominator = rows["area_code"].map(adults)
        other_year = rows["period"].ne(adults_year)
        adults_note = f"adults: QOF {adults_year} list sizes (latest vendored)"
        note = note.where(~other_year, (note + "; " + adults_note).str.lstrip("; "))
    frame = observations_frame(
        indicator=indicator.id, area_type=rows["area_type"], area_code=rows["area_code"],
        period=rows["period"], numerator=numerator, denominator=denominator,
        source_row=rows["source_row"], set_aside=rows["set_aside"], note=note)
    if measure == "finished_per_1000" and "icb_year" in rows:
        set_aside_where(frame, rows["icb_year"].eq(True).to_numpy(),
                        "ICB year: no registered adults by ICB are vendored")
    set_aside_where(frame, frame["numerator"].isna() | frame["denominator"].isna(),
                    "suppressed (blank) in the source")
    return frame
