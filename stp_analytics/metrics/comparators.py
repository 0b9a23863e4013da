"""England and region comparators, significance, quintiles and ranks among the areas of the set.

* ``comparison`` uses :func:`methods.compare` with each indicator's method ("single": the area's
  CI against England's value, as Fingertips; "double": CI overlap) and confidence; other methods
  (quintiles, none) give "Not compared".
* ``quintile`` uses :func:`methods.quintile` among the areas (role ``area``) for each indicator,
  period and sex; 1 is best.
* ``rank`` (:func:`methods.rank_areas`): 1 = best (highest when high is good, lowest when low
  is good, highest when the indicator has no polarity); ties share the lowest rank; missing
  values are not ranked and ``rank_of`` counts the areas that are.
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
    """Quintile (methods.quintile) and rank/rank_of (methods.rank_areas) among the areas."""
    quintile = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rank = quintile.copy()
    rank_of = quintile.copy()
    areas = rows.loc[rows["area_role"].eq("area")]
    for (_, polarity), group in areas.groupby(["indicator", "polarity"], sort=True):
        for _, block in group.groupby(["period", "sex"], sort=True):
            values = block["value"].to_numpy()
            quintile[block.index] = pd.Series(methods.quintile(values, polarity)).array
            ranks = methods.rank_areas(values, polarity)
            rank[block.index] = ranks["rank"].array
            rank_of[block.index] = ranks["rank_of"].where(ranks["rank"].notna()).array
    return rows.assign(quintile=quintile, rank=rank, rank_of=rank_of)


def add_target_gap(rows: pd.DataFrame) -> pd.DataFrame:
    """target_gap (methods.target_gap): positive = short of the target, negative = beyond it."""
    gap = methods.target_gap(rows["value"].to_numpy(), rows["target"].to_numpy(),
                             rows["polarity"].to_numpy())
    return rows.assign(target_gap=np.asarray(gap, dtype="float64"))
