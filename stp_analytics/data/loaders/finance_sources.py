"""Catalogue loaders for the three finance sources (``ccg_allocations``,
``trust_financial_performance``, ``trust_loans``): the name-matched tables of
:mod:`stp_analytics.data.finance_tables` as observations."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.finance_tables import (
    DEFAULT_ALLOCATION_PERIOD,
    LOAN_YEARS,
    PERFORMANCE_PERIOD,
    ccg16_lsoas,
    ccg_allocation_table,
    combine_by_code,
    trust_loans_table,
    trust_performance_table,
)
from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    observations_frame,
)
from stp_analytics.errors import DataValidationError

# --------------------------------------------------------------------------------------------
# catalogue loaders (observations)
# --------------------------------------------------------------------------------------------


def _indicator_ids(indicators: list, defaults: dict[str, str]) -> dict[str, str]:
    """measure -> indicator id: an indicator's ``select: {measure: ...}`` or its id."""
    if not indicators:
        return dict(defaults)
    chosen: dict[str, str] = {}
    for indicator in indicators:
        select = getattr(indicator, "select", None) or {}
        identifier = getattr(indicator, "id", None) or getattr(indicator, "indicator_id", "")
        measure = select.get("measure", identifier)
        if measure not in defaults:
            raise DataValidationError(
                f"indicator {identifier!r} asks for measure {measure!r}; this loader gives "
                f"{', '.join(sorted(defaults))}"
            )
        chosen[measure] = identifier
    return chosen


def _ccg17_crosswalk() -> pd.DataFrame:
    """CCG16 code -> CCG17 code with the CCG16's LSOA-count share in each (2017 changes)."""
    from stp_analytics.data.geography import load_area_set

    lsoa = load_area_set("ccg2017").part_lookup("lsoa")[["part_code", "area_code"]]
    lsoa.columns = ["lsoa_code", "ccg17_code"]
    joined = ccg16_lsoas().merge(lsoa, on="lsoa_code", how="inner", validate="one_to_one")
    counts = joined.groupby(["ccg16_code", "ccg17_code"]).size().rename("lsoas").reset_index()
    counts["share"] = counts["lsoas"] / counts.groupby("ccg16_code")["lsoas"].transform("sum")
    return counts[["ccg16_code", "ccg17_code", "share"]]


def allocations_by_ccg17(path: Path | None = None) -> pd.DataFrame:
    """Usable allocation rows re-expressed on April 2017 CCGs (LSOA-count shares of 2016 CCGs).

    Columns ccg17_code, allocation_gbp, population, target_gbp. The target implied by the
    closing distance from target is allocation / (1 + DfT), so a merged CCG's DfT is
    sum(allocation) / sum(target) - 1 exactly.
    """
    table = ccg_allocation_table(path)
    used = table[table["set_aside"] == ""].copy()
    used["target_gbp"] = used["allocation_gbp"] / (1.0 + used["closing_dft_pct"] / 100.0)
    crosswalk = _ccg17_crosswalk()
    direct = used[~used["ccg_code"].isin(crosswalk["ccg16_code"])]
    crosswalk = pd.concat(
        [crosswalk, pd.DataFrame({"ccg16_code": direct["ccg_code"],
                                  "ccg17_code": direct["ccg_code"], "share": 1.0})],
        ignore_index=True,
    )
    merged = used.merge(crosswalk, left_on="ccg_code", right_on="ccg16_code", how="inner")
    for column in ("allocation_gbp", "population", "target_gbp"):
        merged[column] = merged[column] * merged["share"]
    grouped = merged.groupby("ccg17_code")[["allocation_gbp", "population", "target_gbp"]].sum()
    return grouped.reset_index().sort_values("ccg17_code", ignore_index=True)


@register_loader("ccg_allocations")
def load_ccg_allocations(path: Path, source: object = None, indicators: list | None = None
                         ) -> pd.DataFrame:
    """Observations at April 2017 CCGs: allocation per head (£) and distance from target (%).

    allocation_per_head: numerator allocation £, denominator population. distance_from_target:
    value = closing DfT %, numerator allocation £, denominator implied target £. The period is
    ``source.options['period']`` if given, else 2017/18 (the source does not state the year).
    """
    ids = _indicator_ids(indicators or [], {"allocation_per_head": "allocation_per_head",
                                            "distance_from_target": "distance_from_target"})
    options = getattr(source, "options", None) or {}
    period = str(options.get("period", DEFAULT_ALLOCATION_PERIOD))
    by_ccg = allocations_by_ccg17(path)
    parts = []
    if "allocation_per_head" in ids:
        parts.append(observations_frame(
            indicator=ids["allocation_per_head"], area_type="ccg", area_code=by_ccg["ccg17_code"],
            period=period, numerator=by_ccg["allocation_gbp"], denominator=by_ccg["population"],
            value=by_ccg["allocation_gbp"] / by_ccg["population"]))
    if "distance_from_target" in ids:
        parts.append(observations_frame(
            indicator=ids["distance_from_target"], area_type="ccg",
            area_code=by_ccg["ccg17_code"], period=period, numerator=by_ccg["allocation_gbp"],
            denominator=by_ccg["target_gbp"],
            value=(by_ccg["allocation_gbp"] / by_ccg["target_gbp"] - 1.0) * 100.0))
    table = ccg_allocation_table(path)
    aside = table[table["set_aside"] != ""]
    if len(aside):
        parts.append(observations_frame(
            indicator=next(iter(ids.values())), area_type="ccg", area_code=aside["ccg_code"],
            period=period, value=aside["allocation_per_head_gbp"],
            source_row=aside["source_row"], set_aside=aside["set_aside"]))
    return pd.concat(parts, ignore_index=True)


def _trust_observations(table: pd.DataFrame, value_columns: list[str],
                        series: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Observations at trusts, one part per (indicator, column, period) in ``series``, from the
    table's rows combined per ODS code (:func:`combine_by_code` over ``value_columns``)."""
    table = combine_by_code(table, value_columns)
    parts = [
        observations_frame(
            indicator=identifier, area_type="trust", area_code=table["trust_code"],
            period=period, value=table[column], source_row=table["source_row"],
            set_aside=table["set_aside"])
        for identifier, column, period in series
    ]
    return pd.concat(parts, ignore_index=True)


@register_loader("trust_financial_performance")
def load_trust_financial_performance(path: Path, source: object = None,
                                     indicators: list | None = None) -> pd.DataFrame:
    """Observations at trusts: 2018/19 surplus (+) or deficit (-), plan and actual, in £k."""
    measures = {
        "trust_surplus_deficit_plan": ("plan_gbp_k", PERFORMANCE_PERIOD),
        "trust_surplus_deficit_actual": ("actual_gbp_k", PERFORMANCE_PERIOD),
    }
    ids = _indicator_ids(indicators or [], {name: name for name in measures})
    value_columns = sorted({column for column, _ in measures.values()})
    series = [(identifier, *measures[measure]) for measure, identifier in ids.items()]
    return _trust_observations(trust_performance_table(path), value_columns, series)


@register_loader("trust_loans")
def load_trust_loans(path: Path, source: object = None, indicators: list | None = None
                     ) -> pd.DataFrame:
    """Observations at trusts: DHSC interim revenue support loans outstanding (£), by year."""
    ids = _indicator_ids(indicators or [], {"trust_loans_outstanding": "trust_loans_outstanding"})
    identifier = ids["trust_loans_outstanding"]
    series = [(identifier, column, period) for column, period in LOAN_YEARS.items()]
    return _trust_observations(trust_loans_table(path), list(LOAN_YEARS), series)
