"""The data-quality notes of aggregated store rows: split and merged parts, parts without a
value, weights from another year's population; and the '; '-join every note goes through."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.metrics.geo import GeoContext


def population_year_notes(rows: pd.DataFrame, weighted: pd.Series, geo: GeoContext) -> pd.Series:
    """Say so when weights come from another year's population (none published for the period)."""
    notes = pd.Series("", index=rows.index, dtype="str")
    keys = rows.loc[weighted & rows["geography"].isin(["lad", "utla"]), ["geography", "ref_year"]]
    for geography, year in keys.drop_duplicates().itertuples(index=False):
        if pd.isna(year):
            continue
        _, used = geo.population(geography, int(year))
        if used != int(year):
            mask = weighted & rows["geography"].eq(geography) & rows["ref_year"].eq(year)
            notes[mask] = f"weighted by mid-{used} populations (nearest year available)"
    return notes


def row_notes(rows: pd.DataFrame, base: pd.Series) -> pd.Series:
    """Join the data-quality notes that apply to each row with '; '."""
    part = rows["area_role"].eq("part")
    absent = rows["n_missing"] + (rows["n_expected"] - rows["n_parts"]).clip(lower=0)
    absent = absent.astype("int64")
    total = np.maximum(rows["n_parts"], rows["n_expected"]).astype("int64")
    extra = pd.DataFrame(index=rows.index)
    extra["base"] = base
    # CCGs are split only between ICBs (icb2022); districts between footprints and ICBs
    ccg = rows["geography"].eq("ccg") | (part & rows["area_type"].eq("ccg"))
    kind = pd.Series(np.where(ccg, "CCG", "district"), index=rows.index)
    extra["split"] = np.where(
        part & (rows["share"] < 1),
        "split " + kind + ": " + (rows["share"] * 100).round(1).astype("str") + "% in this area",
        np.where(~part & rows["split"], "includes split " + kind + "s apportioned by share", ""),
    )
    extra["merged"] = np.where(
        rows["merged"], "value for a merged (2019/2021) authority applied to its 2017 districts", ""
    )
    extra["missing"] = np.where(
        rows["area_role"].eq("area") & rows["n_parts"].eq(0),
        "no data for this area",
        np.where(~part & (absent > 0),
        absent.astype("str") + " of " + total.astype("str") + " parts have no value",
        ""),
    )
    return join_notes(*(extra[column].astype("str") for column in extra.columns))


def join_notes(*notes: pd.Series) -> pd.Series:
    """Element-wise '; '-join of note Series, skipping empty strings (vectorised)."""
    result = notes[0].fillna("").astype("str")
    for note in notes[1:]:
        note = note.fillna("").astype("str")
        joined = result + "; " + note
        result = joined.where(result.ne("") & note.ne(""), result + note)
    return result
