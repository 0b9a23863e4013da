"""Aggregation rule ``survey_weighted_mean``: districts' independent survey estimates -> areas.

For survey indicators published by district with a value, 95% limits and survey-weighted
counts (adult smoking 2019, APS, Fingertips 92443): each area of the set gets

* ``value`` = Σ count ÷ Σ population (each district, or district share, by its weighted
  adults x the area's share of it), the same as the population-weighted mean of the values;
* ``lower``/``upper``: the interval of a weighted sum of independent estimates
  (:func:`stp_analytics.methods.survey.combined_estimate`), never Wilson limits on the weighted
  counts (which would be far too narrow);
* a district merged after 2017 (East Suffolk) split over the districts it replaced by their
  population share, and districts without a value (suppressed by the publisher) left out and
  named in the note.

England is the published England row. The arithmetic is
:func:`stp_analytics.metrics.smoking.area_smoking`; this module turns it into store rows (the
columns :func:`stp_analytics.metrics.aggregate.aggregate` returns). Not approximate: the value
has a CI and is compared with England like any other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.metrics.geo import ENGLAND_CODE, ENGLAND_NAME, GeoContext
from stp_analytics.metrics.periods import period_table
from stp_analytics.metrics.smoking import area_smoking

SURVEY = "survey_weighted_mean"
KEYS = ["indicator", "period", "sex"]
COLUMNS = ["indicator", "area_role", "area_type", "area_code", "area_name", "parent_code",
           "region_code", "period", "period_start", "sex", "confidence", "numerator",
           "denominator", "value", "lower", "upper", "method", "note", "approximate"]


def _districts(group: pd.DataFrame, lookup: pd.DataFrame, changes: pd.DataFrame
               ) -> pd.DataFrame:
    """The group's observations as :func:`area_smoking` districts; a district of the lookup
    with no row (its value suppressed, so set aside by the loader) is present without a
    value."""
    frame = pd.DataFrame({
        "area_code": group["area_code"].to_numpy(), "area_name": group["area_code"].to_numpy(),
        "area_type": np.where(group["area_type"].eq("england"), "england", "lad"),
        "value": group["value"].to_numpy(), "lower": group["lower"].to_numpy(),
        "upper": group["upper"].to_numpy(), "count": group["numerator"].to_numpy(),
        "population": group["denominator"].to_numpy(), "suppressed": False})
    covered = set(frame["area_code"]) | set(
        changes.loc[changes["new_code"].isin(frame["area_code"]), "old_code"])
    absent = lookup.loc[~lookup["part_code"].isin(covered), ["part_code", "part_name"]]
    absent = absent.drop_duplicates("part_code")
    missing = pd.DataFrame({"area_code": absent["part_code"], "area_name": absent["part_name"],
                            "area_type": "lad", "value": np.nan, "lower": np.nan,
                            "upper": np.nan, "count": np.nan, "population": np.nan,
                            "suppressed": True})
    names = lookup.drop_duplicates("part_code").set_index("part_code")["part_name"]
    frame["area_name"] = frame["area_code"].map(names).fillna(frame["area_code"])
    return pd.concat([frame, missing], ignore_index=True) if len(missing) else frame


def _note(row: pd.Series) -> str:
    notes = []
    if row["split"]:
        merger = "2019 mergers" if ", " in row["split"] else "a 2019 merger"
        notes.append(f"{row['split']} ({merger}) apportioned by population share")
    if row["suppressed"]:
        notes.append(f"no published value for {row['suppressed']} (left out)")
    return "; ".join(notes)


def survey_rows(observations: pd.DataFrame, specs: pd.DataFrame, geo: GeoContext
                ) -> pd.DataFrame:
    """Area and England rows of the ``survey_weighted_mean`` indicators (see module); none
    when the area set has no district lookup."""
    try:
        lookup = geo.lookup("lad")
    except (KeyError, ValueError):
        return pd.DataFrame(columns=COLUMNS)
    changes = _named_changes(geo.code_changes(), geo)
    confidence = specs.set_index("indicator")["confidence"]
    areas = geo.areas.set_index("area_code")
    frames = []
    obs = observations.loc[observations["area_type"].isin(["lad", "england"])]
    for (indicator, period, sex), group in obs.groupby(KEYS, sort=True):
        table = area_smoking(_districts(group, lookup, changes), lookup, changes)
        table = table.assign(
            indicator=indicator, period=period, sex=sex, confidence=confidence[indicator],
            numerator=table["count"], denominator=table["population"],
            note=table.apply(_note, axis=1), approximate=False)
        own = table["area_code"].eq(ENGLAND_CODE)
        table["area_role"] = np.where(own, "england", "area")
        table["area_type"] = np.where(own, "england", geo.area_type)
        table["area_name"] = table["area_code"].map(areas["area_name"]).fillna(ENGLAND_NAME)
        table["region_code"] = table["area_code"].map(areas["region_code"]).fillna("")
        table["parent_code"] = table["region_code"]
        table.loc[own, "method"] = "published"
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat(frames, ignore_index=True)
    starts = period_table(rows["period"]).set_index("period")["period_start"]
    return rows.assign(period_start=rows["period"].map(starts))[COLUMNS]


def _named_changes(changes: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """``new_code, new_name, old_code, weight``: the merged district's name where the geography
    provider has one (the notes name it), else its code."""
    changes = changes.assign(new_name=changes["new_code"])
    provider = getattr(geo.provider, "lad_code_changes", None)
    named = pd.DataFrame(provider()) if provider is not None else pd.DataFrame()
    if "new_name" not in named:
        return changes
    names = named.drop_duplicates("new_code").set_index("new_code")["new_name"]
    return changes.assign(new_name=changes["new_code"].map(names).fillna(changes["new_code"]))
