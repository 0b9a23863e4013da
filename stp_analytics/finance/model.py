"""The do-nothing / do-something finance gap MODEL, 2016/17 to 2020/21 (equations in
``docs/finance_model.md``).

For area i and year t = 0..4 (2016/17..2020/21), with share s_i of national funding:

* national funding F_t and fund STF_t: constant annual growth between the 2016/17 and 2020/21
  figures (linear if either is zero);
* income I_it = s_i F_t;  population P_it = P_i0 (1 + g_i)^t;
* do-nothing spending S_it = (I_i0 + G_i0) [(1 + g_i)(1 + n)(1 + c)]^t, where G_i0 is the
  starting gap (the acute trusts' 2018/19 deficit by default), n non-demographic growth and c
  cost inflation; do-nothing gap D_it = S_it - I_it;
* levers, applied in this order, each leaving a residual gap:
  efficiency e: S x (1 - e)^t; demand moderation d: x (1 - d)^t; the fund: income + a s_i STF_t;
  other local savings o: spending x (1 - o)^t.

Gaps are positive when spending exceeds income. Every lever is >= 0 by validation, so no
lever can increase the gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.finance.assumptions import FinanceAssumptions
from stp_analytics.finance.baseline import starting_gap

YEARS: tuple[str, ...] = ("2016/17", "2017/18", "2018/19", "2019/20", "2020/21")
HORIZON = len(YEARS) - 1
BN = 1e9

#: the residual-gap columns, in lever order, with the label each lever has in the pack
LEVERS: tuple[tuple[str, str], ...] = (
    ("gap_after_efficiency_gbp", "Provider efficiency"),
    ("gap_after_demand_moderation_gbp", "Demand moderation"),
    ("gap_after_stf_gbp", "Sustainability and transformation fund"),
    ("gap_after_other_savings_gbp", "Other local savings"),
)
RESIDUAL_COLUMN = LEVERS[-1][0]


def national_trajectory(start: float, end: float) -> np.ndarray:
    """Values for t = 0..4 from ``start`` to ``end``: constant growth, or linear with a zero."""
    steps = np.arange(len(YEARS), dtype=float)
    if start > 0 and end > 0:
        return start * (end / start) ** (steps / HORIZON)
    return start + (end - start) * steps / HORIZON


def national_figures(assumptions: FinanceAssumptions) -> pd.DataFrame:
    """DataFrame[year, place_based_funding_gbp, stf_gbp]: the national figures by year (£)."""
    return pd.DataFrame(
        {
            "year": YEARS,
            "place_based_funding_gbp": national_trajectory(
                assumptions.place_based_funding_2016_17 * BN,
                assumptions.place_based_funding_2020_21 * BN,
            ),
            "stf_gbp": national_trajectory(
                assumptions.stf_2016_17 * BN, assumptions.stf_2020_21 * BN
            ),
        }
    )


def project_gap(baseline: pd.DataFrame, assumptions: FinanceAssumptions) -> pd.DataFrame:
    """The projection for every area in ``baseline`` (see :func:`finance_baseline`), long form.

    Columns: area_code, year, t, population, income_gbp, stf_gbp, spend_do_nothing_gbp,
    gap_do_nothing_gbp, the four gap_after_* columns, and each gap per head (``*_per_head``).
    Needs baseline columns allocation_share, population_2016, population_growth and the trust
    position columns (see :func:`starting_gap`).
    """
    national = national_figures(assumptions)
    share = baseline["allocation_share"].to_numpy(dtype=float)[:, None]
    growth = (
        baseline["population_growth"].to_numpy(dtype=float)
        if assumptions.population_growth is None
        else np.full(len(baseline), assumptions.population_growth)
    )[:, None]
    steps = np.arange(len(YEARS), dtype=float)[None, :]
    income = share * national["place_based_funding_gbp"].to_numpy()[None, :]
    fund = share * assumptions.stf_share_received * national["stf_gbp"].to_numpy()[None, :]
    start_gap = starting_gap(baseline, assumptions.baseline_provider_position)
    start_spend = income[:, :1] + start_gap.to_numpy(dtype=float)[:, None]
    pressure = (1 + growth) * (1 + assumptions.non_demographic_growth) * (
        1 + assumptions.cost_inflation
    )
    spend = start_spend * pressure**steps
    after_efficiency = spend * (1 - assumptions.provider_efficiency) ** steps
    after_demand = after_efficiency * (1 - assumptions.demand_moderation) ** steps
    after_savings = after_demand * (1 - assumptions.other_local_savings) ** steps
    population = baseline["population_2016"].to_numpy(dtype=float)[:, None] * (1 + growth) ** steps
    columns = {
        "population": population,
        "income_gbp": income,
        "stf_gbp": fund,
        "spend_do_nothing_gbp": spend,
        "gap_do_nothing_gbp": spend - income,
        "gap_after_efficiency_gbp": after_efficiency - income,
        "gap_after_demand_moderation_gbp": after_demand - income,
        "gap_after_stf_gbp": after_demand - income - fund,
        "gap_after_other_savings_gbp": after_savings - income - fund,
    }
    frame = pd.DataFrame(
        {
            "area_code": np.repeat(baseline.index.to_numpy(), len(YEARS)),
            "year": np.tile(YEARS, len(baseline)),
            "t": np.tile(np.arange(len(YEARS)), len(baseline)),
            **{name: values.reshape(-1) for name, values in columns.items()},
        }
    )
    for name in [column for column in columns if column.startswith("gap_")]:
        frame[name.replace("_gbp", "_per_head")] = frame[name] / frame["population"]
    return frame


def gap_in_year(projection: pd.DataFrame, year: str = YEARS[-1]) -> pd.DataFrame:
    """The projection rows of one year, indexed by area_code."""
    return projection[projection["year"] == year].set_index("area_code")


def bridge_table(projection: pd.DataFrame, area_code: str, year: str = YEARS[-1]) -> pd.DataFrame:
    """Bridge (waterfall) steps for one area and year, £m: DataFrame[label, amount_gbp_m, kind].

    First row: the do-nothing gap (kind ``total``); one ``step`` per lever (its effect, <= 0);
    last row: the residual gap (``total``). Steps sum from the first total to the last.
    """
    row = gap_in_year(projection, year).loc[area_code]
    rows = [(f"Do-nothing gap {year}", row["gap_do_nothing_gbp"], "total")]
    previous = row["gap_do_nothing_gbp"]
    for column, label in LEVERS:
        rows.append((label, row[column] - previous, "step"))
        previous = row[column]
    rows.append((f"Residual gap {year}", row[RESIDUAL_COLUMN], "total"))
    table = pd.DataFrame(rows, columns=["label", "amount_gbp", "kind"])
    table["amount_gbp_m"] = table.pop("amount_gbp") / 1e6
    return table[["label", "amount_gbp_m", "kind"]]


def projection_table(projection: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """One area's projection by year, in £m and £ per head, for the pack."""
    rows = projection[projection["area_code"] == area_code]
    table = pd.DataFrame(
        {
            "year": rows["year"].to_numpy(),
            "population": rows["population"].to_numpy(),
            "income_gbp_m": rows["income_gbp"].to_numpy() / 1e6,
            "spend_do_nothing_gbp_m": rows["spend_do_nothing_gbp"].to_numpy() / 1e6,
            "gap_do_nothing_gbp_m": rows["gap_do_nothing_gbp"].to_numpy() / 1e6,
            "gap_do_nothing_per_head": rows["gap_do_nothing_per_head"].to_numpy(),
            "residual_gap_gbp_m": rows[RESIDUAL_COLUMN].to_numpy() / 1e6,
            "residual_gap_per_head": rows[RESIDUAL_COLUMN.replace("_gbp", "_per_head")].to_numpy(),
        }
    )
    return table.reset_index(drop=True)
