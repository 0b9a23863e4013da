"""Headlines of care indicators from the metric store: a monthly series over its latest 12
months (not one month) with the SPC chart's verdict, and the gap to a national standard in
patients as well as points.

* :func:`gap_in_patients`: how many more people (events) would have met the standard, from the
  counts: ``ceil(target x denominator - numerator)`` for a high-is-good proportion (e.g. IAPT
  recovery: 50% of those finishing treatment), ``ceil(numerator - target x denominator)`` for a
  low-is-good one; 0 when the standard is met; None without counts or a percentage standard.
* :func:`standard_gap`: that gap for one store row (an area or England, one period).
* :func:`care_headlines`: one row per indicator for an area: the latest 12 months of a monthly
  series (ratio of the summed numerators and denominators, so a mean response time is total
  seconds over total incidents and a proportion is pooled; counts are summed), else the latest
  period; England over the same months; the standard, the gap in points and in patients; the
  latest month's SPC point type and the assurance of the limits against the standard.

Each indicator's gap is its own: A&E type 1 and all-types gaps overlap (type 1 is inside all
types) and are never added together.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.methods import assurance_type
from stp_analytics.schema import ENGLAND_CODE

HEADLINE_COLUMNS = (
    "indicator", "period", "months", "value", "numerator", "denominator", "england_value",
    "target", "target_gap", "patients_short", "england_patients_short", "spc_point_type",
    "spc_assurance",
)
MONTHS = 12
IMPROVEMENT = {"high_is_good": "increase", "low_is_good": "decrease"}


def gap_in_patients(numerator: float, denominator: float, target: float | None,
                    polarity: str, *, statistic: str = "proportion",
                    multiplier: float = 100) -> int | None:
    """People short of a percentage standard (0 when met; None when it cannot be counted)."""
    counts = (numerator, denominator, target)
    if statistic != "proportion" or polarity not in IMPROVEMENT or any(
            v is None or not np.isfinite(float(v)) for v in counts) or denominator <= 0:
        return None
    needed = float(target) / float(multiplier) * float(denominator)
    short = needed - numerator if polarity == "high_is_good" else numerator - needed
    return max(0, math.ceil(round(short, 6)))


def standard_gap(row: dict[str, Any], spec: dict[str, Any]) -> int | None:
    """:func:`gap_in_patients` of one store row with its indicator's spec."""
    return gap_in_patients(row.get("numerator"), row.get("denominator"), row.get("target"),
                           spec["polarity"], statistic=spec["statistic"],
                           multiplier=spec["multiplier"])


def _pooled(rows: pd.DataFrame, spec: dict[str, Any]) -> tuple[float, float, float]:
    """(value, numerator, denominator) of rows pooled: counts summed, ratios of sums."""
    numerator = float(rows["numerator"].sum(min_count=1))
    if spec["statistic"] == "count":
        return numerator, numerator, float("nan")
    if rows["numerator"].isna().any() or rows["denominator"].isna().any():
        return float("nan"), float("nan"), float("nan")
    denominator = float(rows["denominator"].sum())
    value = numerator / denominator * spec["multiplier"] if denominator > 0 else float("nan")
    return value, numerator, denominator


def _series(store: pd.DataFrame, indicator: str, code: str) -> pd.DataFrame:
    rows = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                 & store["area_role"].isin(["area", "england"]) & (store["sex"] == "Persons")]
    return rows.sort_values("period_start")


def headline(store: pd.DataFrame, spec: dict[str, Any], area_code: str) -> dict[str, Any] | None:
    """The headline row of one indicator for one area (None when the area has no value)."""
    indicator = spec["indicator"]
    area = _series(store, indicator, area_code)
    area = area[area["value"].notna()]
    if area.empty:
        return None
    last = area.iloc[-1]
    monthly = spec["frequency"] == "monthly"
    chosen = area.tail(MONTHS) if monthly else area.tail(1)
    periods = list(chosen["period"])
    england = _series(store, indicator, ENGLAND_CODE)
    england = england[england["period"].isin(periods)]
    value, numerator, denominator = _pooled(chosen, spec)
    if not monthly:
        value = float(last["value"])
    england_value = (_pooled(england, spec)[0] if monthly and len(england) == len(periods)
                     else float(england["value"].iloc[-1]) if not monthly and len(england)
                     else float("nan"))
    target = float(last["target"]) if pd.notna(last["target"]) else float("nan")
    sign = {"high_is_good": -1, "low_is_good": 1}.get(spec["polarity"])
    # a reference level with no direction (polarity none) is not a standard to fall short of
    gap = sign * (value - target) if sign and np.isfinite(target) else float("nan")
    england_short = None
    if len(england) == len(periods) and np.isfinite(target):
        pooled = _pooled(england, spec)
        england_short = gap_in_patients(pooled[1], pooled[2], target, spec["polarity"],
                                        statistic=spec["statistic"],
                                        multiplier=spec["multiplier"])
    assurance = None
    if monthly and pd.notna(last.get("spc_lpl")):
        assurance = assurance_type(float(last["spc_lpl"]), float(last["spc_upl"]),
                                   target if np.isfinite(target) else None,
                                   IMPROVEMENT.get(spec["polarity"]))
    return {
        "indicator": indicator,
        "period": (f"{periods[0]} to {periods[-1]}" if monthly and len(periods) > 1
                   else str(periods[-1])),
        "months": len(periods) if monthly else 0,
        "value": value, "numerator": numerator, "denominator": denominator,
        "england_value": england_value, "target": target, "target_gap": gap,
        "patients_short": gap_in_patients(numerator, denominator, target, spec["polarity"],
                                          statistic=spec["statistic"],
                                          multiplier=spec["multiplier"]),
        "england_patients_short": england_short,
        "spc_point_type": str(last.get("spc_point_type") or "") if monthly else "",
        "spc_assurance": assurance or "",
    }


def gaps_by_period(store: pd.DataFrame, spec: dict[str, Any], area_code: str) -> pd.DataFrame:
    """Every period of an area's series: period, value, target and the gap in patients."""
    rows = _series(store, spec["indicator"], area_code)
    rows = rows[rows["value"].notna()]
    short = [standard_gap(row, spec) for row in rows.to_dict("records")]
    return pd.DataFrame({"period": rows["period"].to_numpy(), "value": rows["value"].to_numpy(),
                         "target": rows["target"].to_numpy(), "patients_short": short})


def care_headlines(store: pd.DataFrame, specs: pd.DataFrame, area_code: str,
                   indicators: list[str]) -> pd.DataFrame:
    """One headline row per indicator with data, in the order given (``HEADLINE_COLUMNS``).

    ``specs``: :func:`stp_analytics.metrics.specs.indicator_specs` of the catalogue (indicator,
    statistic, multiplier, polarity, frequency).
    """
    by_id = specs.set_index("indicator", drop=False)
    rows = []
    for indicator in indicators:
        if indicator in by_id.index:
            row = headline(store, by_id.loc[indicator].to_dict(), area_code)
            if row is not None:
                rows.append(row)
    return pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))


def twelve_month_rows(store: pd.DataFrame, specs: pd.DataFrame, area_code: str,
                      latest: pd.DataFrame) -> pd.DataFrame:
    """``latest`` (an area's latest store rows) with each monthly indicator that has a standard
    given its value, England value and gap over its latest 12 months; ``period`` becomes
    "over <first> to <last>"."""
    if latest.empty:
        return latest
    monthly = set(specs.loc[specs["frequency"].eq("monthly") & specs["target"].notna(),
                            "indicator"])
    wanted = [i for i in latest["indicator"] if i in monthly]
    headlines = care_headlines(store, specs, area_code, wanted).set_index("indicator")
    rows = latest.set_index("indicator", drop=False).copy()
    for indicator, row in headlines.iterrows():
        rows.loc[indicator, ["value", "england_value", "target_gap", "period"]] = [
            row["value"], row["england_value"], row["target_gap"], f"over {row['period']}"]
    return rows.reset_index(drop=True)
