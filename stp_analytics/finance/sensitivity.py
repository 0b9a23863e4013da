"""One-way sensitivity of the 2020/21 do-nothing and residual gaps: each assumption moved down and
up by the step stated in ``finance_assumptions.yml`` (``sensitivity``), all others held at their
values; and the same gaps under each choice of starting position.

A moved value is kept inside the parameter's range. ``population_growth`` left blank (each
area's own ONS rate) is moved by shifting every area's own rate by the step; ``cost_inflation``
left blank (the path by year) by shifting every year of the path.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from stp_analytics.finance.assumptions import FinanceAssumptions, assumption_specs, format_value
from stp_analytics.finance.model import RESIDUAL_COLUMN, YEARS, project_arrays

TORNADO_COLUMNS = ("assumption", "low_label", "high_label", "residual_low", "residual_high", "base")
PATH_PREFIX = "cost_inflation_"


def _gaps(baseline: pd.DataFrame, assumptions: FinanceAssumptions, area_code: str | None,
          year: str) -> tuple[float, float]:
    """(do-nothing, residual) gap in ``year``, £m: one area's, or the sum over all (None).

    Every area is projected even for one area's figures, because the default starting gap
    apportions a national figure by comparing the areas (``starting_gap``)."""
    arrays = project_arrays(baseline, assumptions)
    column = YEARS.index(year)
    rows = slice(None) if area_code is None else baseline.index.get_loc(area_code)
    return (float(np.sum(arrays["gap_do_nothing_gbp"][rows, column])) / 1e6,
            float(np.sum(arrays[RESIDUAL_COLUMN][rows, column])) / 1e6)


def _residual(baseline: pd.DataFrame, assumptions: FinanceAssumptions, area_code: str,
              year: str) -> float:
    return _gaps(baseline, assumptions, area_code, year)[1]


def _moved(baseline: pd.DataFrame, assumptions: FinanceAssumptions, name: str, value: float,
           shift: float) -> tuple[pd.DataFrame, FinanceAssumptions]:
    """Baseline and assumptions with ``name`` moved by ``shift`` (clipped to its range)."""
    spec = assumption_specs()[name]
    if value is None and name != "population_growth":  # a blank meaning a path by year
        path = {field: min(max(getattr(assumptions, field) + shift, spec.minimum), spec.maximum)
                for field in assumptions.as_dict() if field.startswith(PATH_PREFIX)}
        return baseline, dataclasses.replace(assumptions, **path)
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
        what = "own rate" if name == "population_growth" else "each year"
        return f"{what} {sign} {abs(shift) * 100:g} points"
    clipped = min(max(value + shift, spec.minimum), spec.maximum)
    return format_value(spec, clipped)


def sensitivity_table(baseline: pd.DataFrame, assumptions: FinanceAssumptions,
                      area_code: str | None, year: str = YEARS[-1]) -> pd.DataFrame:
    """Tornado rows, £m: DataFrame[assumption, name, low_label, high_label, residual_low,
    residual_high, base, swing, do_nothing_low, do_nothing_high, do_nothing_base], widest
    residual swing first.

    ``residual_low`` is the residual gap with the assumption at its low value; the do_nothing_*
    columns are the do-nothing gap likewise. ``area_code`` None gives the sums over all areas.
    """
    base_do_nothing, base = _gaps(baseline, assumptions, area_code, year)
    rows = []
    for name, spec in assumption_specs().items():
        if spec.sensitivity is None:
            continue
        value = getattr(assumptions, name)
        results = {}
        for side, shift in (("low", -spec.sensitivity), ("high", spec.sensitivity)):
            moved_baseline, moved = _moved(baseline, assumptions, name, value, shift)
            results[side] = _gaps(moved_baseline, moved, area_code, year)
        rows.append(
            {
                "assumption": spec.label,
                "name": name,
                "low_label": _label(name, value, -spec.sensitivity),
                "high_label": _label(name, value, spec.sensitivity),
                "residual_low": results["low"][1],
                "residual_high": results["high"][1],
                "base": base,
                "swing": abs(results["high"][1] - results["low"][1]),
                "do_nothing_low": results["low"][0],
                "do_nothing_high": results["high"][0],
                "do_nothing_base": base_do_nothing,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["swing", "name"], ascending=[False, True], ignore_index=True)


def starting_position_table(baseline: pd.DataFrame, assumptions: FinanceAssumptions,
                            area_code: str | None, year: str = YEARS[-1]) -> pd.DataFrame:
    """The do-nothing and residual gap in ``year`` (£m) under each choice of starting position,
    all other assumptions as given: DataFrame[position, in_use, do_nothing_gbp_m,
    residual_gbp_m]. ``area_code`` None gives the sums over all areas."""
    spec = assumption_specs()["baseline_provider_position"]
    rows = []
    for position in spec.choices:
        moved = dataclasses.replace(assumptions, baseline_provider_position=position)
        do_nothing, residual = _gaps(baseline, moved, area_code, year)
        rows.append({"position": position,
                     "in_use": position == assumptions.baseline_provider_position,
                     "do_nothing_gbp_m": do_nothing, "residual_gbp_m": residual})
    return pd.DataFrame(rows)
