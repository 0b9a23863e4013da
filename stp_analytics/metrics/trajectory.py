"""Where an area needs to be by 2020/21, and whether it is on the way: then and now.

For an indicator with a national standard (catalogue ``target``) and a direction (``polarity``):

* **baseline**: the area's value in 2016/17, or the period nearest to it. A monthly series with
  counts is taken a financial year at a time (the year's numerators over its denominators), so a
  baseline or a latest figure is never one winter month;
* **level needed in 2020/21**: the standard (an area already at the standard needs to stay there);
* **improvement a year**: (standard - baseline) / years from the baseline's mid-point to
  2020/21's;
* **the trajectory**: a straight line from the baseline to the standard in 2020/21;
* **then and now** (:data:`RULE`): the latest actual (the latest complete financial year of a
  monthly series) against the trajectory's level at the same mid-point: **on track** when it is at
  or beyond it in the standard's direction, **off track** when it falls short, **standard met**
  when it already meets the standard, **baseline only** when the data hold no later period.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from stp_analytics.metrics.gap_figures import area_series

BASELINE_YEAR = "2016/17"
TARGET_YEAR = "2020/21"
RULE = ("On track: the latest actual is at or beyond the straight line from the baseline to the "
        "standard in 2020/21, read at the latest actual's mid-point; off track: short of it; "
        "standard met: the latest actual already meets the standard.")
ON_TRACK, OFF_TRACK, MET, BASELINE_ONLY = "on track", "off track", "standard met", "baseline only"
DAYS_A_YEAR = 365.25


def fy_midpoint(year: str) -> pd.Timestamp:
    """The middle of a financial year "2016/17" (1 October 2016)."""
    return pd.Timestamp(int(year[:4]), 10, 1)


def financial_year(start: pd.Timestamp) -> str:
    """The financial year ("2016/17") a date falls in."""
    first = start.year if start.month >= 4 else start.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def yearly_points(rows: pd.DataFrame, monthly: bool) -> pd.DataFrame:
    """The series as (period, midpoint, value), oldest first: a monthly series with counts as
    complete financial years (12 months), any other series as its periods (mid-point: start +
    half a year)."""
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["period", "midpoint", "value"])
    if monthly and rows["numerator"].notna().all() and rows["denominator"].notna().all():
        years = rows.assign(year=[financial_year(s) for s in rows["period_start"]])
        sums = years.groupby("year").agg(numerator=("numerator", "sum"),
                                         denominator=("denominator", "sum"),
                                         months=("period", "count"))
        sums = sums[sums["months"] == 12]
        shares = rows["numerator"] / rows["denominator"]
        scale = float((rows["value"] / shares)[shares > 0].median())  # e.g. 100 for a %
        return pd.DataFrame({"period": sums.index,
                             "midpoint": [fy_midpoint(y) for y in sums.index],
                             "value": sums["numerator"] / sums["denominator"] * scale}
                            ).reset_index(drop=True)
    return pd.DataFrame({"period": rows["period"].astype(str).to_numpy(),
                         "midpoint": (rows["period_start"] + pd.DateOffset(months=6)).to_numpy(),
                         "value": rows["value"].astype(float).to_numpy()})


@dataclasses.dataclass(frozen=True)
class Trajectory:
    """One indicator's path from its baseline to the standard in 2020/21, and the latest actual."""

    indicator: str
    polarity: str
    baseline_period: str
    baseline: float
    baseline_midpoint: pd.Timestamp
    target: float
    per_year: float
    latest_period: str
    latest: float
    expected: float  # the trajectory's level at the latest actual's mid-point
    status: str

    def level_at(self, when: pd.Timestamp) -> float:
        """The trajectory's level at a date (the baseline before it, the standard after 2020/21)."""
        years = (when - self.baseline_midpoint).days / DAYS_A_YEAR
        end = (fy_midpoint(TARGET_YEAR) - self.baseline_midpoint).days / DAYS_A_YEAR
        return self.baseline + self.per_year * min(max(years, 0.0), end)


def _better_or_equal(value: float, reference: float, polarity: str) -> bool:
    return value >= reference if polarity == "high_is_good" else value <= reference


def trajectory(points: pd.DataFrame, indicator: str, target: float,
               polarity: str) -> Trajectory | None:
    """The trajectory of one indicator from :func:`yearly_points` (None without points or
    direction)."""
    if points.empty or polarity not in ("high_is_good", "low_is_good"):
        return None
    distance = (points["midpoint"] - fy_midpoint(BASELINE_YEAR)).abs()
    base = points.loc[distance.idxmin()]
    last = points.iloc[-1]
    years = (fy_midpoint(TARGET_YEAR) - base["midpoint"]).days / DAYS_A_YEAR
    needed = 0.0 if _better_or_equal(base["value"], target, polarity) else target - base["value"]
    per_year = needed / years if years > 0 else 0.0
    path = Trajectory(indicator, polarity, str(base["period"]), float(base["value"]),
                      pd.Timestamp(base["midpoint"]), float(target), float(per_year),
                      str(last["period"]), float(last["value"]), float("nan"), "")
    expected = path.level_at(pd.Timestamp(last["midpoint"]))
    if last["period"] == base["period"]:
        status = BASELINE_ONLY
    elif _better_or_equal(last["value"], target, polarity):
        status = MET
    else:
        status = ON_TRACK if _better_or_equal(last["value"], expected, polarity) else OFF_TRACK
    return dataclasses.replace(path, expected=float(expected), status=status)


def area_trajectory(store: pd.DataFrame, area_code: str, indicator: str, target: float,
                    polarity: str, monthly: bool) -> tuple[Trajectory | None, pd.DataFrame]:
    """The area's trajectory for ``indicator`` and the yearly points it was read from."""
    points = yearly_points(area_series(store, area_code, indicator), monthly)
    return trajectory(points, indicator, target, polarity), points


def trajectory_table(paths: list[Trajectory]) -> pd.DataFrame:
    """The trajectories as a table, one row each."""
    columns = [field.name for field in dataclasses.fields(Trajectory)]
    return pd.DataFrame([dataclasses.asdict(p) for p in paths], columns=columns)
