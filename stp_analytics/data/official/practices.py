"""GP practice files: ODS ``epraccur``, registered patients by practice, Fingertips exports.

* ``epraccur`` (NHS Digital ODS, CSV, **no header row**, 27 fields): 1 code, 2 name, 3
  national grouping, 4 high-level health geography, 10 postcode, 11 open date, 12 close date,
  13 status (A/C/D/P), 15 commissioner (CCG / sub-ICB location), 26 prescribing setting (4 =
  GP practice). A reference file, not statistics: it yields no observations but the table of
  practices with their commissioner (:attr:`OfficialFile.organisations` has ``code, name,
  area_type, commissioner, status, setting, postcode, open_date, close_date``).
* ``gp-reg-pat-prac-all`` (NHS Digital, Patients Registered at a GP Practice): one row per
  practice with ``NUMBER_OF_PATIENTS`` for ``SEX`` ``ALL`` and ``AGE`` ``ALL``.
* The standard Fingertips export (OHID): ``Indicator ID, ..., Area Code, ..., Area Type, ...,
  Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit, ..., Count, Denominator``;
  rows of ``Area Type`` ``GP`` are practices, the ``England`` row is the published total.
  Measures are ``fingertips_<Indicator ID>`` (e.g. ``fingertips_93553``, IMD 2019 score).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import (
    check_not_negative,
    check_unique,
    normalise_period,
    observations_frame,
)
from stp_analytics.data.official._periods import month_label
from stp_analytics.data.official._results import OfficialFile, PublishedTotals, organisations
from stp_analytics.data.official._tables import read_sheets, read_table, where
from stp_analytics.data.official.layouts import Layout, Measure
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import OBSERVATION_COLUMNS

EPRACCUR_FIELDS = 27
_PRACTICE_CODE = re.compile(r"^[A-Z]\d{5}$|^[A-Z0-9]{3,6}$")
_DATE = re.compile(r"^(\d{8})?$")


def _looks_like_epraccur(rows: list[list[object]]) -> bool:
    """A headerless ODS file: 27 fields, a code, an 8-digit open date, a status letter."""
    sample = [r for r in rows[:20] if r]
    return bool(sample) and all(
        len(r) == EPRACCUR_FIELDS and _PRACTICE_CODE.match(str(r[0]))
        and _DATE.match(str(r[10])) and str(r[12]) in {"A", "C", "D", "P"} for r in sample)


def read_epraccur(path: Path) -> OfficialFile:
    """Read an ODS epraccur file (practices and other prescribing cost centres)."""
    path = Path(path)
    rows = read_sheets(path)[None]
    if not rows:
        raise DataValidationError("the file is empty", file=where(path, None))
    for number, row in enumerate(rows, start=1):
        if len(row) != EPRACCUR_FIELDS:
            raise DataValidationError(
                f"the row has {len(row)} fields; the ODS epraccur layout has "
                f"{EPRACCUR_FIELDS} and no header row (a cut-off file, or another layout?)",
                file=where(path, None), row=number)
        if row[12] not in {"A", "C", "D", "P"}:
            raise DataValidationError(f"status {row[12]!r} is not A, C, D or P",
                                      file=where(path, None), row=number, column="field 13")
    table = pd.DataFrame({"code": [r[0].strip() for r in rows],
                          "name": [r[1].strip() for r in rows],
                          "commissioner": [r[14].strip() for r in rows],
                          "status": [r[12] for r in rows], "setting": [r[25] for r in rows],
                          "postcode": [r[9].strip() for r in rows],
                          "open_date": [r[10] for r in rows], "close_date": [r[11] for r in rows],
                          "source_row": np.arange(1, len(rows) + 1)})
    check_unique(table, ["code"], path, column="field 1")
    active = table[(table["status"] == "A") & (table["setting"] == "4")]
    summary = {"rows": len(table), "active_gp_practices": len(active),
               "commissioners_of_active_practices": int(active["commissioner"].nunique())}
    practices = table.drop(columns="source_row").assign(area_type="practice")
    empty = observations_frame(**{c: [] for c in ("indicator", "area_code")})[
        [*OBSERVATION_COLUMNS, "source_row", "set_aside", "note"]]
    return OfficialFile(EPRACCUR.key, path, empty,
                        PublishedTotals("no totals in the file", {}, summary), summary,
                        practices.sort_values("code").reset_index(drop=True),
                        rows_read=len(rows))


REGISTERED_COLUMNS = ("PUBLICATION", "EXTRACT_DATE", "TYPE", "CODE", "POSTCODE", "SEX", "AGE",
                      "NUMBER_OF_PATIENTS")


def read_registered(path: Path) -> OfficialFile:
    """Read a 'Patients Registered at a GP Practice' practice-totals file."""
    path = Path(path)
    table = read_table(path, REGISTERED_COLUMNS)
    frame = table.frame
    keep = (table.text("SEX").str.upper().eq("ALL") & table.text("AGE").str.upper().eq("ALL"))
    periods = table.text("EXTRACT_DATE").map(
        lambda t: month_label(re.sub(r"^(\d{1,2})([A-Za-z]{3})(\d{4})$", r"\2 \3", t)))
    if periods.isna().any():
        position = int(np.flatnonzero(periods.isna().to_numpy())[0])
        raise table.error(f"EXTRACT_DATE {frame['EXTRACT_DATE'].iloc[position]!r} is not a "
                          "date such as 01JAN2021", row=int(frame["source_row"].iloc[position]),
                          column="EXTRACT_DATE")
    patients = table.numbers("NUMBER_OF_PATIENTS")
    codes = table.text("CODE")
    rows = frame[keep.to_numpy()]
    check_not_negative(rows, patients[keep], "NUMBER_OF_PATIENTS", path)
    check_unique(pd.DataFrame({"code": codes[keep], "period": periods[keep],
                               "source_row": rows["source_row"]}), ["code", "period"], path,
                 column="CODE")
    observations = observations_frame(
        indicator="registered_patients", area_type="practice", area_code=codes[keep],
        period=periods[keep], numerator=patients[keep], source_row=rows["source_row"])
    latest = periods[keep].max()
    total = float(patients[keep & periods.eq(latest)].sum())
    summary = {"period": latest, "registered_patients": total,
               "practices": int(codes[keep & periods.eq(latest)].nunique())}
    commissioner = next((c for c in ("CCG_CODE", "SUB_ICB_LOCATION_CODE") if c in frame), None)
    orgs = organisations(codes[keep], pd.Series([""] * int(keep.sum())), "practice")
    if commissioner:
        lookup = dict(zip(codes[keep], table.text(commissioner)[keep], strict=True))
        orgs["commissioner"] = orgs["code"].map(lookup)
    return OfficialFile(REGISTERED.key, path, observations,
                        PublishedTotals("computed from rows (the file has no England row)", {},
                                        {"registered_patients": total}), summary, orgs,
                        rows_read=len(frame))


FINGERTIPS_COLUMNS = ("Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type",
                      "Sex", "Time period", "Value", "Lower CI 95.0 limit",
                      "Upper CI 95.0 limit", "Count", "Denominator")


def read_fingertips(path: Path) -> OfficialFile:
    """Read a standard Fingertips data export (practices, with the England row as total)."""
    path = Path(path)
    table = read_table(path, FINGERTIPS_COLUMNS)
    frame = table.frame
    if "Category Type" in frame:
        frame = frame[table.text("Category Type") == ""]
        table = type(table)(path, None, table.header_row, frame.reset_index(drop=True),
                            table.letters)
        frame = table.frame
    codes = table.text("Area Code")
    england = codes.eq("E92000001").to_numpy()
    values = {c: table.numbers(c) for c in ("Value", "Lower CI 95.0 limit",
                                            "Upper CI 95.0 limit", "Count", "Denominator")}
    ids = table.text("Indicator ID")
    periods = table.text("Time period").map(normalise_period)
    area_type = np.where(table.text("Area Type").str.upper().isin(["GP", "GP PRACTICE"]),
                         "practice", table.text("Area Type").str.lower())
    areas = ~england
    keyed = pd.DataFrame({"id": ids[areas], "code": codes[areas], "period": periods[areas],
                          "sex": table.text("Sex")[areas],
                          "source_row": frame["source_row"][areas]})
    check_unique(keyed, ["id", "code", "period", "sex"], path, column="Area Code")
    observations = observations_frame(
        indicator="fingertips_" + ids[areas], area_type=area_type[areas], area_code=codes[areas],
        period=periods[areas], sex=table.text("Sex")[areas], value=values["Value"][areas],
        lower=values["Lower CI 95.0 limit"][areas], upper=values["Upper CI 95.0 limit"][areas],
        numerator=values["Count"][areas], denominator=values["Denominator"][areas],
        source_row=frame["source_row"][areas],
        set_aside=np.where(values["Value"][areas].isna(), "no value published", ""))
    published = {f"value_{i}_{p}": float(v) for i, p, v in
                 zip(ids[england], periods[england], values["Value"][england], strict=True)}
    summary = {"indicators": sorted(set(ids)), **{k: round(v, 2) for k, v in published.items()}}
    return OfficialFile(FINGERTIPS.key, path, observations,
                        PublishedTotals("England row (published value)", published, {}),
                        summary, organisations(codes[areas], table.text("Area Name")[areas],
                                               "practice"),
                        rows_read=len(frame))


EPRACCUR = Layout(
    key="ods_epraccur", title="ODS GP practices (epraccur, no header)",
    publication="NHS Digital, Organisation Data Service, GP practices (epraccur)",
    formats=("csv",), sheets=(None,), signature=(), reader=read_epraccur, measures=(),
    headerless=_looks_like_epraccur)
REGISTERED = Layout(
    key="gp_registered_patients", title="Patients registered at a GP practice (practice totals)",
    publication="NHS Digital, Patients Registered at a GP Practice (gp-reg-pat-prac-all)",
    formats=("csv",), sheets=(None,), signature=REGISTERED_COLUMNS, reader=read_registered,
    measures=(Measure("registered_patients", "Registered patients", "patients", "count",
                      multiplier=1, geography="practice", decimals=0, domain="Primary care",
                      definition="Patients registered at the practice on the extract date."),))
FINGERTIPS = Layout(
    key="fingertips_export", title="Fingertips data export",
    publication="OHID Fingertips, data export (CSV)",
    formats=("csv",), sheets=(None,), signature=FINGERTIPS_COLUMNS, reader=read_fingertips,
    measures=(Measure("fingertips_93553", "Deprivation score (IMD 2019), GP practice",
                      "IMD 2019 score", "published", "none", multiplier=1, domain="Deprivation",
                      geography="practice", frequency="annual",
                      definition="Fingertips 93553: the practice population's average Index "
                                 "of Multiple Deprivation 2019 score."),))
