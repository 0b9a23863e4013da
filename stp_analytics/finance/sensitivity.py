"""One-way sensitivity of the residual 2020/21 gap: each assumption moved down and up by the step
stated in ``finance_assumptions.yml`` (``sensitivity``), all others held at their values.

A moved value is kept inside the parameter's range. ``population_growth`` left blank (each
area's own ONS rate) is moved by shifting every area's own rate by the step.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from stp_analytics.finance.assumptions import FinanceAssumptions, assumption_specs, format_value
from stp_analytics.finance.model import RESIDUAL_COLUMN, YEARS, gap_in_year, project_gap

TORNADO_COLUMNS = ("assumption", "low_label", "high_label", "residual_low", "residual_high", "base")


def _residual(baseline: pd.DataFrame, assumptions: FinanceAssumptions, area_code: str,
              year: str) -> float:
    projection = project_gap(baseline.loc[[area_code]], assumptions)
    return float(gap_in_year(projection, year).loc[area_code, RESIDUAL_COLUMN]) / 1e6


def _moved(baseline: pd.DataFrame, assumptions: FinanceAssumptions, name: str, value: float,
           shift: float) -> tuple[pd.DataFrame, FinanceAssumptions]:
    """Baseline and assumptions with ``name`` moved by ``shift`` (clipped to its range)."""
    spec = assumption_specs()[name]
    if value is None:  # each area's own population growth, shifted
        moved = baseline.copy()
        moved["population_growth"] = (moved["population_growth"] + shift).clip(
            spec.minimum, spec.maximum
        )
        return moved, assumptions
    new_value = min(max(value + shift, spec.minimum), spec.maximum)
    return baseline, dataclasses.replace(assumptions, **{name: new_value})


def _label(name: str, value: float | None, shift: float) -> str:
    spec = assumption_specs()[name]
    if value is None:
        sign = "+" if shift > 0 else "-"
        return f"own rate {sign} {abs(shift) * 100:g} points"
    clipped = min(max(value + shift, spec.minimum), spec.maximum)
    return format_value(spec, clipped)


def sensitivity_table(baseline: pd.DataFrame, assumptions: FinanceAssumptions, area_code: str,
                      year: str = YEARS[-1]) -> pd.DataFrame:
    """Tornado rows for one area, £m: DataFrame[assumption, name, low_label, high_label,
    residual_low, residual_high, base, swing], widest swing first.

    ``residual_low`` is the residual gap with the assumption at its low value.
    """
    base = _residual(baseline, assumptions, area_code, year)
    rows = []
    for name, spec in assumption_specs().items():
        if spec.sensitivity is None:
            continue
        value = getattr(assumptions, name)
        results = {}
        for side, shift in (("low", -spec.sensitivity), ("high", spec.sensitivity)):
            moved_baseline, moved = _moved(baseline, assumptions, name, value, shift)
            results[side] = _residual(moved_baseline, moved, area_code, year)
        rows.append(
            {
                "assumption": spec.label,
                "name": name,
                "low_label": _label(name, value, -spec.sensitivity),
                "high_label": _label(name, value, spec.sensitivity),
                "residual_low": results["low"],
                "residual_high": results["high"],
                "base": base,
                "swing": abs(results["high"] - results["low"]),
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["swing", "name"], ascending=[False, True], ignore_index=True)
