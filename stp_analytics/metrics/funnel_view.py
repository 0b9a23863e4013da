"""What a funnel plot (PHE method) shows for one proportion: the areas' points and the limits.

The baseline is the overall proportion of the areas, Σx/Σn; the 95% and 99.8% control limits
and each area's significance come from ``stp_analytics.methods`` (``funnel_proportion_limits``,
``funnel_significance``). :func:`funnel_frames` returns two tidy frames that
``charts.funnel`` only draws (reference/methods/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods
from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.metrics.rows import area_name, require_columns, resolve_period, select_rows

MULTIPLIERS: tuple[float, ...] = (1.0, 100.0, 1_000.0, 100_000.0)


def infer_multiplier(values: pd.Series, numerators: pd.Series, denominators: pd.Series) -> float:
    """The scale of the stored values (1, 100, 1,000 or 100,000 times x/n)."""
    ratio = (values / (numerators / denominators)).replace([np.inf, -np.inf], np.nan).dropna()
    if ratio.empty:
        raise DataValidationError("funnel plot: cannot tell the value scale (no x/n > 0)",
                                  column="value")
    observed = float(ratio.median())
    best = min(MULTIPLIERS, key=lambda m: abs(np.log(observed / m)))
    if abs(observed / best - 1) > 0.01:
        raise DataValidationError(
            f"funnel plot: values are {observed:g} x numerator/denominator, expected one of "
            f"{MULTIPLIERS}; pass multiplier= explicitly", column="value")
    return best


def _limit_curves(denominators: pd.Series, baseline: float, scale: float,
                  curve_points: int) -> pd.DataFrame:
    """95% and 99.8% limits on a log-spaced grid a little wider than the areas' denominators."""
    low, high = denominators.min(), denominators.max()
    grid = np.geomspace(max(low * 0.8, 1.0), high * 1.15, curve_points)
    inner = methods.funnel_proportion_limits(grid, baseline, 0.95, multiplier=scale)
    outer = methods.funnel_proportion_limits(grid, baseline, 0.998, multiplier=scale)
    return pd.DataFrame({"denominator": grid, "lower_95": inner["lower"].to_numpy(),
                         "upper_95": inner["upper"].to_numpy(),
                         "lower_998": outer["lower"].to_numpy(),
                         "upper_998": outer["upper"].to_numpy()})


def funnel_frames(
    store: pd.DataFrame,
    indicator: str,
    area_code: str,
    *,
    period: str | None = None,
    sex: str = "Persons",
    multiplier: float | None = None,
    curve_points: int = 120,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The areas' points (area_code, area_name, numerator, denominator, value, funnel) and the
    limit curves (denominator, lower_95, upper_95, lower_998, upper_998).

    One indicator and period (the latest unless given). The points' ``attrs`` carry indicator,
    area_code, area_name, period, baseline (in display units), multiplier and dropped (areas
    without counts).
    """
    require_columns(store, ("indicator", "area_role", "period", "numerator", "denominator",
                            "value", "area_code"), "funnel plot")
    rows = select_rows(store, indicator=indicator, area_role="area", sex=sex)
    chosen = resolve_period(rows, period, f"funnel plot, indicator {indicator!r}")
    rows = rows[rows["period"].astype(str) == chosen]
    numbers = rows[["numerator", "denominator", "value"]].apply(pd.to_numeric, errors="coerce")
    usable = numbers.notna().all(axis=1) & (numbers["denominator"] > 0)
    if usable.sum() < 2:
        raise DataValidationError(
            f"funnel plot: indicator {indicator!r} period {chosen!r} needs numerator and "
            f"denominator for the areas; {int(usable.sum())} area(s) have them",
            column="denominator")
    if area_code not in set(rows.loc[usable, "area_code"]):
        raise DataValidationError(
            f"funnel plot: area {area_code!r} has no counts for {indicator!r} {chosen}",
            column="area_code")
    points = rows.loc[usable, ["area_code", "area_name"]].assign(
        **{c: numbers.loc[usable, c].to_numpy() for c in numbers.columns})
    points = points.sort_values("area_code", ignore_index=True)
    scale = multiplier or infer_multiplier(points["value"], points["numerator"],
                                           points["denominator"])
    if scale <= 0:
        raise ParameterError(f"multiplier: expected a positive number, got {multiplier!r}")
    points["funnel"] = methods.funnel_significance(
        points["numerator"].to_numpy(), points["denominator"].to_numpy(), kind="proportion"
    ).to_numpy()
    baseline = float(points["numerator"].sum() / points["denominator"].sum())
    limits = _limit_curves(points["denominator"], baseline, scale, curve_points)
    points.attrs.update(
        indicator=indicator, area_code=area_code, area_name=area_name(store, area_code),
        period=chosen, baseline=baseline * scale, multiplier=scale,
        dropped=sorted(rows.loc[~usable, "area_code"].astype(str)),
    )
    return points, limits
