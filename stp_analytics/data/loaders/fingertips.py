"""Fingertips (PHE/OHID) indicator values: Trafford Data Lab extracts and users' own exports.

Two loaders:

* ``trafford_fingertips`` — the tidy extracts of traffordDataLab (``area_code, area_name,
  period, value, ...``; the sex is in the column named by the option ``sex_column``, e.g.
  ``group``, ``inequality`` or ``unit``). Option ``area_type`` (lad or utla) gives the geography;
  ``lad_code_changes: true`` maps districts created after April 2017 (e.g. E06000058
  Bournemouth, Christchurch and Poole) to each of their LAD17 predecessors with
  :func:`stp_analytics.data.geography.lad_code_changes`; those rows carry a note saying the value is
  the merged area's (approximate for the old district).
* ``fingertips_csv`` — the Fingertips "export data" layout a local analyst downloads
  (``Indicator ID, Area Code, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit,
  Count, Denominator``; optional ``Sex``; rows with a ``Category Type`` are breakdowns and are
  set aside). Each catalogue indicator selects its
  ``indicator_id``; option ``area_type`` gives the geography of the area codes.

England (E92000001) rows become area type ``england``. Rows without a value are set aside and
counted ("no value published").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_unique,
    normalise_period,
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.errors import CatalogError
from stp_analytics.schema import ENGLAND_CODE

SEX_NAMES = {"male": "Male", "female": "Female", "persons": "Persons", "": "Persons",
             "na": "Persons", "all": "Persons"}
EXPORT_COLUMNS = ("Indicator ID", "Area Code", "Time period", "Value", "Lower CI 95.0 limit",
                  "Upper CI 95.0 limit", "Count", "Denominator")
NO_VALUE = "no value published in the source (suppressed or not calculated)"


def _sexes(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series("Persons", index=frame.index)
    return frame[column].str.strip().str.lower().map(SEX_NAMES).fillna(frame[column].str.strip())


def _area_types(codes: pd.Series, area_type: str) -> np.ndarray:
    return np.where(codes.str.strip() == ENGLAND_CODE, "england", area_type)


def _select_sex(frame: pd.DataFrame, indicator) -> pd.DataFrame:
    wanted = indicator.select.get("sex")
    if wanted is None:
        return frame
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    return frame[frame["sex"].isin(wanted)]


@register_loader("trafford_fingertips")
def load_trafford_fingertips(path: Path, source, indicators: list) -> pd.DataFrame:
    """One Fingertips indicator per file, as extracted by Trafford Data Lab."""
    require_options(source.options, ["area_type"], source.id)
    sex_column = source.options.get("sex_column")
    required = ["area_code", "period", "value"] + ([sex_column] if sex_column else [])
    table = read_csv_checked(path, required)
    value = to_number(table, "value", path)
    base = observations_frame(
        indicator="",
        area_type=_area_types(table["area_code"], str(source.options["area_type"])),
        area_code=table["area_code"],
        period=table["period"].map(normalise_period),
        sex=_sexes(table, sex_column),
        value=value,
        source_row=table["source_row"],
    )
    set_aside_where(base, base["value"].isna(), NO_VALUE)
    if source.options.get("lad_code_changes"):
        base = map_lad_code_changes(base)
    frames = []
    for indicator in indicators:
        frame = _select_sex(base, indicator).copy()
        frame["indicator"] = indicator.id
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def map_lad_code_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give each post-2017 district's value to its LAD17 predecessors, with a note per row.

    The merged area's row itself is set aside ("replaced by its LAD17 districts"), so the count
    of rows read still adds up. A predecessor that has its own row for the same period and sex
    keeps it, and the mapped copy is set aside; a predecessor in two merged areas takes the
    value of the one with fewer districts.
    """
    from stp_analytics.data.geography import lad_code_changes

    changes = lad_code_changes()
    is_new = frame["area_code"].isin(changes["new_code"]) & (frame["set_aside"] == "")
    if not is_new.any():
        return frame
    merged = frame[is_new].merge(changes[["new_code", "new_name", "old_code"]],
                                 left_on="area_code", right_on="new_code", how="inner")
    merged["note"] = ("approximate: value of " + merged["new_name"] + " (" + merged["new_code"]
                      + ") given to its 2017 district")
    merged["area_code"] = merged["old_code"]
    # the same old district can sit in two merged areas (Taunton Deane: Somerset West and
    # Taunton 2019, Somerset 2023): the smaller merged area's value is the closer one
    merged["districts"] = merged["new_code"].map(changes["new_code"].value_counts())
    merged = merged.sort_values(["districts", "new_code"], kind="stable")
    key = ["area_code", "period", "sex"]
    wider = merged.duplicated(key, keep="first").to_numpy()
    merged.loc[wider, "set_aside"] = "a smaller merged area's value is used for this LAD17 district"
    merged = merged[frame.columns].sort_values("source_row", kind="stable")
    own = frame.loc[~is_new & (frame["set_aside"] == ""), key]
    clash = merged[key].merge(own.drop_duplicates(), how="left", indicator=True)["_merge"] == "both"
    merged.loc[clash.to_numpy(), "set_aside"] = (
        "LAD17 district has its own value; merged-area copy not used")
    original = frame.copy()
    original.loc[is_new, "set_aside"] = (
        "post-2017 district code: value given to its LAD17 districts")
    return pd.concat([original, merged], ignore_index=True)


def _category_rows(table: pd.DataFrame) -> pd.Series:
    """True for breakdown rows (Fingertips "Category Type" filled, e.g. deprivation deciles)."""
    if "Category Type" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["Category Type"].str.strip() != ""


@register_loader("fingertips_csv")
def load_fingertips_csv(path: Path, source, indicators: list) -> pd.DataFrame:
    """A Fingertips data export (or any CSV in its layout) for one or more indicators."""
    require_options(source.options, ["area_type"], source.id)
    table = read_csv_checked(path, EXPORT_COLUMNS)
    table["Indicator ID"] = table["Indicator ID"].str.strip()
    table["period"] = table["Time period"].map(normalise_period)
    table["sex"] = _sexes(table, "Sex" if "Sex" in table.columns else None)
    numbers = {column: to_number(table, column, path) for column in EXPORT_COLUMNS[3:]}
    frames = []
    for indicator in indicators:
        if "indicator_id" not in indicator.select:
            raise CatalogError(f"indicator {indicator.id!r}: select needs 'indicator_id' (the "
                               "Fingertips Indicator ID in the file)")
        rows = table["Indicator ID"] == str(indicator.select["indicator_id"])
        breakdown = _category_rows(table)
        check_unique(table[rows & ~breakdown], ["Area Code", "period", "sex"], path)
        frame = observations_frame(
            indicator=indicator.id,
            area_type=_area_types(table.loc[rows, "Area Code"], str(source.options["area_type"])),
            area_code=table.loc[rows, "Area Code"],
            period=table.loc[rows, "period"],
            sex=table.loc[rows, "sex"],
            numerator=numbers["Count"][rows],
            denominator=numbers["Denominator"][rows],
            value=numbers["Value"][rows],
            lower=numbers["Lower CI 95.0 limit"][rows],
            upper=numbers["Upper CI 95.0 limit"][rows],
            source_row=table.loc[rows, "source_row"],
        )
        set_aside_where(frame, breakdown[rows].to_numpy(),
                        "breakdown by category (Category Type) not used: whole-area rows only")
        set_aside_where(frame, frame["value"].isna() & frame["numerator"].isna(), NO_VALUE)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
