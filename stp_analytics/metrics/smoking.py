"""Adult smoking 2019 per area from district counts, with a CI and a real comparison (issue 20
item 2).

:func:`area_smoking` takes the districts of :func:`stp_analytics.data.loaders.aps_smoking.
read_aps_smoking` (April 2019 codes), maps them to the LAD17 districts of an area set's lookup
(a 2019 merger is split over the districts it replaced by their mid-2017 population,
:func:`stp_analytics.data.geography.lad_code_changes`: East Suffolk E07000244 = Suffolk Coastal
+ Waveney, which lie in two footprints), and gives each area

* ``value`` = Σ count ÷ Σ population x 100 (each district share weighted by its population),
* ``lower``/``upper``: the 95% CI of the weighted sum of the districts' independent APS
  estimates (:func:`stp_analytics.methods.survey.combined_estimate`),
* ``comparison`` with England's published value (Fingertips' single method: the area's CI
  against England's value, lower is better),
* ``districts`` (number of district shares used), ``suppressed`` (the names of districts
  whose value PHE suppressed, left out) and ``split`` (the merged 2019 districts apportioned).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods
from stp_analytics.errors import DataValidationError
from stp_analytics.methods._validate import require_columns
from stp_analytics.methods.survey import combined_estimate
from stp_analytics.schema import ENGLAND_CODE

POLARITY = "low_is_good"
COLUMNS = ["area_code", "value", "lower", "upper", "se", "count", "population", "districts",
           "suppressed", "split", "england_value", "england_lower", "england_upper",
           "comparison", "method"]


def districts_to_lad17(districts: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """District rows on LAD17 codes: a row of a merged district (``changes``: ``new_code,
    old_code, weight``) becomes one row per old district, its population and count scaled by
    the weight (same percentage and CI), with ``split_from`` naming the merged district."""
    require_columns(changes, ["new_code", "new_name", "old_code", "weight"], "changes")
    lads = districts[districts["area_type"] == "lad"]
    lads = lads.assign(split_from="", source_code=lads["area_code"])
    merged = lads.merge(changes, left_on="area_code", right_on="new_code")
    merged = merged.assign(area_code=merged["old_code"],
                           population=merged["population"] * merged["weight"],
                           count=merged["count"] * merged["weight"],
                           split_from=merged["new_name"])[lads.columns]
    kept = lads[~lads["area_code"].isin(changes["new_code"])]
    return pd.concat([kept, merged], ignore_index=True)


def area_smoking(districts: pd.DataFrame, lookup: pd.DataFrame, changes: pd.DataFrame
                 ) -> pd.DataFrame:
    """Smoking 2019 of every area of ``lookup`` (``part_code`` LAD17, ``area_code``, ``share``)
    and England's published row (see module). Every district of the lookup must be in the
    data (a suppressed one counts as present)."""
    require_columns(districts, ["area_code", "area_name", "area_type", "value", "lower",
                                "upper", "count", "population", "suppressed"], "districts")
    require_columns(lookup, ["part_code", "area_code", "share"], "lookup")
    england = districts[districts["area_code"] == ENGLAND_CODE]
    if england.empty:
        raise DataValidationError("districts: no England row (E92000001)", column="area_code")
    lad17 = districts_to_lad17(districts, changes)
    parts = lookup.merge(lad17, left_on="part_code", right_on="area_code", how="left",
                         suffixes=("", "_lad"), indicator=True)
    absent = parts["_merge"] == "left_only"
    if absent.any():
        raise DataValidationError(
            f"districts: no 2019 value for district {parts.loc[absent, 'part_code'].iloc[0]!r} "
            f"of area {parts.loc[absent, 'area_code'].iloc[0]!r}", column="area_code")
    eng = england.iloc[0]
    rows = []
    parts = parts.assign(weight=parts["population"] * parts["share"])
    for area_code, group in parts.groupby("area_code", sort=True):
        # the shares of one published district in one area are one estimate, not independent
        published = group.groupby("source_code", sort=True, dropna=False).agg(
            value=("value", "first"), lower=("lower", "first"), upper=("upper", "first"),
            weight=("weight", "sum"))
        weights = group["weight"]
        estimate = combined_estimate(published["value"], published["lower"],
                                     published["upper"], published["weight"])
        rows.append({
            "area_code": area_code, **estimate[["value", "lower", "upper", "se"]].to_dict(),
            "count": float((group["count"] * group["share"]).sum()),
            "population": float(weights.sum()), "districts": int(estimate["parts"]),
            "suppressed": ", ".join(sorted(group.loc[group["suppressed"].astype(bool),
                                                     "area_name"])),
            "split": ", ".join(sorted(set(group["split_from"]) - {""})),
            "method": estimate["method"]})
    frame = pd.DataFrame(rows)
    frame["comparison"] = methods.compare(frame["value"], frame["lower"], frame["upper"],
                                          eng["value"], POLARITY).to_numpy()
    england_row = {"area_code": ENGLAND_CODE, "value": eng["value"], "lower": eng["lower"],
                   "upper": eng["upper"], "se": np.nan, "count": eng["count"],
                   "population": eng["population"], "districts": 0, "suppressed": "",
                   "split": "", "comparison": "", "method": "published (APS)"}
    frame = pd.concat([frame, pd.DataFrame([england_row])], ignore_index=True)
    frame[["england_value", "england_lower", "england_upper"]] = (
        eng["value"], eng["lower"], eng["upper"])
    return frame[COLUMNS]
