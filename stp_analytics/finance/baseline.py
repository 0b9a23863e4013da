"""Per-area finance baseline: funding share, allocation per head, provider position, loans.

Method (one row per area of the area set):

* CCG core allocations (NHSSpend copy of NHS England's table; year not stated) are matched to
  April 2016 CCGs by name and spread over each CCG's LSOAs equally (LSOA-count share), then
  summed to the areas through the area set's LSOA lookup. A CCG lying in two areas (Cumbria in
  2016) is split by its share of LSOAs, an approximation.
* ``allocation_share`` = the area's allocation / the sum over all areas; it apportions the
  national figures in :mod:`stp_analytics.finance.model`, so apportioned totals always equal the
  national figures.
* Distance from target = allocation / implied target - 1, where a CCG's implied target is its
  allocation / (1 + closing DfT).
* Provider position: the 2018/19 plan and actual surplus (+) / deficit (-) of the area's acute
  trusts (Health Foundation lookup) with data, summed; DHSC interim revenue support loans
  outstanding per year, summed (a trust not in the loans list had none listed).
* Population: ONS mid-year estimates apportioned to areas (``geography.area_population``);
  growth = the observed average annual growth from mid-2011 to mid-2016.
* Ageing: ``ageing_relative`` = the area's ageing index relative to England's, from its own
  mid-2018 single-year-of-age profile (:mod:`stp_analytics.finance.ageing`).
* Starting gap (:func:`starting_gap`): the provider sector's 2015/16 underlying deficit
  apportioned by allocation share plus the area's difference from its share in its acute trusts'
  reported 2018/19 results (default), or those results with the provider sustainability fund
  taken out, or balance.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from stp_analytics.data import finance_tables as sources
from stp_analytics.data.geography import area_population, load_area_set
from stp_analytics.errors import ParameterError
from stp_analytics.finance.ageing import area_ageing_index

GROWTH_FROM, GROWTH_TO = 2011, 2016
BASE_POPULATION_YEAR = 2016
LOAN_COLUMNS = {
    "loans_outstanding_2016_17_gbp": "loans_2016_17_gbp",
    "loans_outstanding_2017_18_gbp": "loans_2017_18_gbp",
    "loans_outstanding_2018_19_gbp": "loans_2018_19_gbp",
}


def _allocations_by_area(area_set) -> pd.DataFrame:
    """allocation_gbp, allocation_population, target_gbp per area, plus missing CCG names."""
    table = sources.ccg_allocation_table()
    used = table[table["set_aside"] == ""].copy()
    used["target_gbp"] = used["allocation_gbp"] / (1.0 + used["closing_dft_pct"] / 100.0)
    ccg_lsoas = sources.ccg16_lsoas()
    lsoa_areas = area_set.part_lookup("lsoa")[["part_code", "area_code", "share"]]
    spread = ccg_lsoas.merge(lsoa_areas, left_on="lsoa_code", right_on="part_code", how="inner")
    weights = spread.groupby(["ccg16_code", "area_code"])["share"].sum().rename("lsoas")
    weights = weights.reset_index()
    weights["weight"] = weights["lsoas"] / weights.groupby("ccg16_code")["lsoas"].transform("sum")
    merged = used.merge(weights, left_on="ccg_code", right_on="ccg16_code", how="inner")
    values = ["allocation_gbp", "population", "target_gbp"]
    weighted = merged[values].mul(merged["weight"], axis=0)
    by_area = weighted.groupby(merged["area_code"]).sum()
    by_area = by_area.rename(columns={"population": "allocation_population"})
    missing = sources.ccg_allocation_coverage().merge(
        weights, left_on="code", right_on="ccg16_code"
    )
    notes = missing.groupby("area_code")["name"].agg(lambda names: "; ".join(sorted(set(names))))
    by_area["ccgs_missing"] = notes
    return by_area


def _trusts_by_area(area_set) -> pd.DataFrame:
    """Plan/actual surplus (£), loans by year (£) and coverage notes per area."""
    if "trust" not in area_set.part_types:
        return pd.DataFrame(index=pd.Index([], name="area_code"))
    lookup = area_set.part_lookup("trust")[["part_code", "part_name", "area_code", "share"]]
    performance = sources.combine_by_code(
        sources.trust_performance_table(), ["plan_gbp_k", "actual_gbp_k"]
    )
    performance = performance[performance["set_aside"] == ""]
    loans = sources.combine_by_code(sources.trust_loans_table(), list(LOAN_COLUMNS))
    loans = loans[loans["set_aside"] == ""]
    joined = lookup.merge(performance, left_on="part_code", right_on="trust_code", how="left")
    joined = joined.merge(loans[["trust_code", *LOAN_COLUMNS]], left_on="part_code",
                          right_on="trust_code", how="left", suffixes=("", "_loans"))
    has_data = joined["actual_gbp_k"].notna()
    result = pd.DataFrame(
        {
            "trust_plan_gbp": (joined["plan_gbp_k"] * 1000.0 * joined["share"]),
            "trust_actual_gbp": (joined["actual_gbp_k"] * 1000.0 * joined["share"]),
            "trusts_in_lookup": 1,
            "trusts_with_data": has_data.astype(int),
            **{new: joined[old].fillna(0.0) * joined["share"]
               for old, new in LOAN_COLUMNS.items()},
            "trusts_with_loans": (joined[list(LOAN_COLUMNS)].fillna(0.0).sum(axis=1) > 0)
            .astype(int),
        }
    )
    by_area = result.groupby(joined["area_code"]).sum(min_count=1)
    missing = joined.loc[~has_data].groupby("area_code")["part_name"]
    by_area["trusts_missing"] = missing.agg(lambda names: "; ".join(sorted(names)))
    return by_area


def _population(area_set) -> pd.DataFrame:
    start = area_population(area_set, GROWTH_FROM)
    end = area_population(area_set, GROWTH_TO)
    years = GROWTH_TO - GROWTH_FROM
    growth = (end / start) ** (1.0 / years) - 1.0
    return pd.DataFrame(
        {"population_2016": area_population(area_set, BASE_POPULATION_YEAR),
         "population_growth": growth}
    )


NO_TRUST_LOOKUP = (
    "this area set has no acute trust lookup: the provider position is data not supplied and "
    "the model starts from balance"
)


def _notes(frame: pd.DataFrame) -> pd.Series:
    notes = []
    has_trusts = "trust_actual_gbp" in frame
    for row in frame.itertuples():
        parts = [] if has_trusts else [NO_TRUST_LOOKUP]
        if isinstance(row.ccgs_missing, str) and row.ccgs_missing:
            parts.append(
                f"CCG allocation data not supplied for {row.ccgs_missing}: the footprint's "
                "funding share, and so its income, is understated"
            )
        if isinstance(getattr(row, "trusts_missing", None), str) and row.trusts_missing:
            parts.append(
                f"2018/19 trust results not in the source for {row.trusts_missing} (data not "
                "supplied; a trust merged before 2018/19 has no row of its own)"
            )
        notes.append(". ".join(parts))
    return pd.Series(notes, index=frame.index, dtype=str)


@lru_cache(maxsize=4)
def _baseline(area_set_name: str) -> pd.DataFrame:
    area_set = load_area_set(area_set_name)
    areas = area_set.areas.set_index("area_code")[["area_name", "region_name"]]
    frame = areas.join(_population(area_set)).join(_allocations_by_area(area_set))
    frame = frame.join(area_ageing_index(area_set_name))
    frame = frame.join(_trusts_by_area(area_set))
    for column in ("allocation_gbp", "allocation_population", "target_gbp"):
        frame[column] = frame[column].fillna(0.0)
    frame["allocation_per_head"] = frame["allocation_gbp"] / frame["allocation_population"]
    frame["distance_from_target_pct"] = (frame["allocation_gbp"] / frame["target_gbp"] - 1) * 100
    frame["allocation_share"] = frame["allocation_gbp"] / frame["allocation_gbp"].sum()
    for column in ("ccgs_missing", "trusts_missing"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    frame["note"] = _notes(frame)
    frame.index.name = "area_code"
    return frame.sort_index()


def finance_baseline(area_set: str = "stp2017") -> pd.DataFrame:
    """One row per area: population and growth, allocation, share, DfT, provider position, loans.

    Money columns are in £. Areas with no allocation data have share 0 (see ``note``).
    """
    if not isinstance(area_set, str):
        area_set = getattr(area_set, "name", area_set)
    return _baseline(str(area_set)).copy()


def area_baseline(area_code: str, area_set: str = "stp2017") -> pd.Series:
    """The baseline row of one area (its code); ParameterError if not in the set."""
    frame = finance_baseline(area_set)
    if area_code not in frame.index:
        raise ParameterError(f"area {area_code!r} is not in area set {area_set!r}")
    return frame.loc[area_code]


BN = 1e9


def _reported_gap(baseline: pd.DataFrame, column: str) -> pd.Series:
    """Minus the area's acute trusts' summed reported 2018/19 result (£, positive = deficit);
    0 where the area set has no trust data."""
    if column not in baseline:
        return pd.Series(0.0, index=baseline.index)
    return -baseline[column].fillna(0.0).astype(float)


def starting_gap(baseline: pd.DataFrame, assumptions) -> pd.Series:
    """The model's starting gap G_i0 in the 2015/16 base year (£, positive = shortfall).

    By ``assumptions.baseline_provider_position``:

    * ``underlying``: U s_i + (R_i - s_i sum(R)), where U is the provider sector's 2015/16
      underlying deficit, s_i the allocation share and R_i minus the area's acute trusts' reported
      2018/19 result: the national figure spread by funding share, moved by how far the area's
      trusts did worse (or better) than their share. The areas sum to U exactly.
    * ``actual`` / ``plan``: R_i (actual or plan) + s_i x the 2018/19 provider sustainability
      fund, because reported results include the fund and the model adds the fund once, as a lever.
    * ``share``: U s_i, the national figure spread by funding share alone (no 2018/19 trust
      results: the fallback of a pack built as at a month before those results existed).
    * ``none``: 0.
    """
    position = assumptions.baseline_provider_position
    if position == "none":
        return pd.Series(0.0, index=baseline.index)
    share = baseline["allocation_share"].astype(float)
    if position == "share":
        return assumptions.provider_underlying_deficit * BN * share
    reported = _reported_gap(baseline, "trust_plan_gbp" if position == "plan"
                             else "trust_actual_gbp")
    if position == "underlying":
        underlying = assumptions.provider_underlying_deficit * BN
        return underlying * share + (reported - share * reported.sum())
    return reported + share * assumptions.psf_2018_19 * BN


__all__ = ["area_baseline", "finance_baseline", "starting_gap"]
