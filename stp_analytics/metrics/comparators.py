"""England and region comparators, significance, quintiles and ranks among the areas of the set.

* ``comparison`` uses :func:`methods.compare` with each indicator's method ("single": the area's
  CI against England's value, as Fingertips; "double": CI overlap) and confidence; other methods
  (quintiles, none) give "Not compared".
* ``quintile`` uses :func:`methods.quintile` among the areas (role ``area``) for each indicator,
  period and sex; 1 is best.
* ``rank``: 1 = best (highest when high is good, lowest when low is good, highest when the
  indicator has no polarity); ties share the lowest rank; missing values are not ranked and
  ``rank_of`` counts the areas that are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods

GROUP = ["indicator", "period", "sex"]
COMPARED_METHODS = ("single", "double")


def add_comparators(rows: pd.DataFrame) -> pd.DataFrame:
    """Add england_value/lower/upper and region_value (same indicator, period and sex)."""
    england = rows.loc[rows["area_role"].eq("england"), [*GROUP, "value", "lower", "upper"]]
    england = england.drop_duplicates(GROUP).rename(columns={
        "value": "england_value", "lower": "england_lower", "upper": "england_upper"})
    regions = rows.loc[rows["area_role"].eq("region"), [*GROUP, "area_code", "value"]]
    regions = regions.rename(columns={"area_code": "region_code", "value": "region_value"})
    out = rows.merge(england, on=GROUP, how="left", validate="many_to_one")
    return out.merge(regions.drop_duplicates([*GROUP, "region_code"]),
                     on=[*GROUP, "region_code"], how="left", validate="many_to_one")


def add_comparison(rows: pd.DataFrame) -> pd.DataFrame:
    """Significance against England for area, part and region rows (``methods.compare``)."""
    comparison = pd.Series("Not compared", index=rows.index, dtype="str")
    eligible = ~rows["area_role"].eq("england") & rows["comparison_method"].isin(COMPARED_METHODS)
    keys = rows.loc[eligible, ["polarity", "comparison_method"]].drop_duplicates()
    for polarity, method in keys.itertuples(index=False):
        idx = rows.index[eligible & rows["polarity"].eq(polarity)
                         & rows["comparison_method"].eq(method)]
        part = rows.loc[idx]
        labels = methods.compare(
            part["value"].to_numpy(), part["lower"].to_numpy(), part["upper"].to_numpy(),
            part["england_value"].to_numpy(), polarity, method=method,
            benchmark_lower=part["england_lower"].to_numpy(),
            benchmark_upper=part["england_upper"].to_numpy(),
        )
        comparison[idx] = np.asarray(labels, dtype="object").astype("str")
    return rows.assign(comparison=comparison)


def add_quintiles_and_ranks(rows: pd.DataFrame) -> pd.DataFrame:
    """Quintile (methods.quintile), rank and rank_of among the areas of the set."""
    quintile = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    areas = rows.loc[rows["area_role"].eq("area")]
    for (_, polarity), group in areas.groupby(["indicator", "polarity"], sort=True):
        for _, block in group.groupby(["period", "sex"], sort=True):
            categories = methods.quintile(block["value"].to_numpy(), polarity)
            quintile[block.index] = pd.Series(categories).astype("Int64").array
    best_low = areas["polarity"].eq("low_is_good")
    score = areas["value"].where(best_low, -areas["value"])
    grouped = score.groupby([areas[c] for c in GROUP], sort=False)
    rank = grouped.rank(method="min", na_option="keep")
    rank_of = grouped.transform("count")
    out = rows.assign(
        quintile=quintile,
        rank=rank.reindex(rows.index).astype("Int64"),
        rank_of=rank_of.where(rank.notna()).reindex(rows.index).astype("Int64"),
    )
    return out


def add_target_gap(rows: pd.DataFrame) -> pd.DataFrame:
    """target_gap = how far short of the target (positive = short, negative = beyond it)."""
    gap = np.where(rows["polarity"].eq("low_is_good"),
                   rows["value"] - rows["target"], rows["target"] - rows["value"])
    gap = pd.Series(gap, index=rows.index).where(rows["polarity"].ne("none"))
    return rows.assign(target_gap=gap)
