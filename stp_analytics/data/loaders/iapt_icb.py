"""The ICB years of the IAPT annual file: rows with native ICB codes, used directly by ICB sets.

From 2022-23 the IAPT (NHS Talking Therapies) annual file has ``org_type`` ICB rows with the
ICB's ODS code (e.g. QOP, Greater Manchester) and no STP rows. With the source options
``icb_first_period``, ``icb_last_period`` and ``icb_areas_file`` (an areas CSV with
``area_code`` and ``area_ods_code``, e.g. ``areas/icb2022/areas.csv``) the loader turns the ICB
rows of those years into observations of area type ``icb`` with the ONS E54 code, and keeps the
file's England row of the same years. Only an area set of type ``icb`` reads them (see
``metrics.aggregate``): a 2017 footprint never receives a 2022 ICB's value, although 29 E54 codes
name both. Other organisation types of those years and the ``UNKNOWN`` ICB are set aside and
counted; an ODS code the areas file does not list is an error naming the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import file_label, read_csv_checked
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

ICB_OPTIONS = ("icb_first_period", "icb_last_period", "icb_areas_file")
ICB_NOTE = "counts rounded to the nearest 5 by the publisher; the file's own ICB row"


def icb_years(table: pd.DataFrame, source, financial_year) -> pd.Series:
    """Rows of the ICB years named by the source options (all False without them)."""
    if not all(source.options.get(name) for name in ICB_OPTIONS):
        return pd.Series(False, index=table.index)
    first, last = (financial_year(source.options[k]) for k in ICB_OPTIONS[:2])
    return (table["period"] >= first) & (table["period"] <= last)


def icb_codes(source) -> pd.Series:
    """ODS code (Q..) -> ONS E54 code, from the areas file the options name."""
    path = source.resolve(str(source.options["icb_areas_file"]))
    areas = read_csv_checked(path, ["area_code", "area_ods_code"])
    return areas.set_index("area_ods_code")["area_code"]


def icb_rows(table: pd.DataFrame, source, path, counts: tuple[str, ...]) -> pd.DataFrame:
    """England and ICB rows of the ICB years (area types ``england`` and ``icb``), every other
    row of those years with its set-aside reason."""
    kind = table["org_type"]
    codes = icb_codes(source)
    icb = kind.eq("ICB") & table["org_code"].ne("UNKNOWN")
    unknown = icb & ~table["org_code"].isin(codes.index)
    if unknown.any():
        position = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataValidationError(
            f"unknown ICB ODS code {table['org_code'].iloc[position]!r} (not in "
            f"{source.options['icb_areas_file']})", file=file_label(path),
            row=int(table["source_row"].iloc[position]), column="org_code")
    reason = pd.Series("", index=table.index, dtype="object")
    reason[~kind.isin(["England", "ICB"])] = (
        "organisation type " + kind + " not used (ICB years come from the ICB rows)")
    reason[kind.eq("ICB") & ~icb] = "no ICB recorded (UNKNOWN)"
    area_code = np.where(kind.eq("England"), ENGLAND_CODE,
                         table["org_code"].map(codes).fillna(table["org_code"]))
    columns = ["period", "area_type", "area_code", *counts, "source_row", "set_aside", "note"]
    return table.assign(
        area_type=np.where(kind.eq("England"), "england", "icb"), area_code=area_code,
        set_aside=reason, note=np.where(icb, ICB_NOTE, ""),
    ).loc[:, columns]
