"""The do-nothing / do-something finance gap MODEL, 2016/17 to 2020/21 (equations in
``docs/finance_model.md``).

The base year is 2015/16 (the year of the provider sector's underlying deficit). For area i and
year t = 0..4 (2016/17..2020/21), k = t + 1 years after the base, with share s_i of national
funding:

* national funding F_t and fund STF_t between the 2016/17 and 2020/21 figures: constant annual
  growth (linear if either is zero), or the shape of NHS England's published allocations by year
  (``income_path = published``); base-year funding F_b = F_0 / (1 + f), f the 2016/17 growth;
* income I_it = s_i F_t;  population P_it = P_i0 (1 + g_i)^t;
* do-nothing spending S_it = (s_i F_b + G_i) prod_{j<=t} (1 + g_i)(1 + a_i)(1 + n)(1 + c_j), where
  G_i is the starting gap (see :func:`~stp_analytics.finance.baseline.starting_gap`), g_i
  population growth, a_i ageing (England's rate x the area's ageing index), n non-demographic
  growth and c_j the cost inflation of year j; do-nothing gap D_it = S_it - I_it;
* levers, applied in this order, each leaving a residual gap:
  provider efficiency e on the provider share p: S x (1 - p (1 - (1 - e)^k)); demand moderation d:
  x (1 - d)^k; the fund: income + a s_i min(STF_t, Z), Z its sustainability element (the
  transformation element pays for new services outside the do-nothing spending, so it is not a
  lever); other local savings o: spending x (1 - o)^k.

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
    ("gap_after_stf_gbp", "Sustainability and transformation fund (sustainability element)"),
    ("gap_after_other_savings_gbp", "Other local savings"),
)
RESIDUAL_COLUMN = LEVERS[-1][0]


#: published series whose yearly shape ``income_path = published`` follows
PUBLISHED_SHAPES = {
    "place_based_funding_gbp": "place_based_allocations",
    "stf_gbp": "sustainability_transformation_allocations",
}


def national_trajectory(start: float, end: float, shape: tuple[float, ...] | None = None
                        ) -> np.ndarray:
    """Values for t = 0..4 from ``start`` to ``end``: constant growth (linear with a zero), or,
    given a published series ``shape`` (one value a year), its path rescaled to the end points:
    start + (end - start) (A_t - A_0) / (A_4 - A_0)."""
    steps = np.arange(len(YEARS), dtype=float)
    if shape is not None:
        series = np.asarray(shape, dtype=float)
        return start + (end - start) * (series - series[0]) / (series[-1] - series[0])
    if start > 0 and end > 0:
        return start * (end / start) ** (steps / HORIZON)
    return start + (end - start) * steps / HORIZON


def _published_shape(key: str) -> tuple[float, ...]:
    from stp_analytics.finance.calibration import figure_value

    return tuple(figure_value(key, year) for year in YEARS)


def national_figures(assumptions: FinanceAssumptions) -> pd.DataFrame:
    """DataFrame[year, place_based_funding_gbp, stf_gbp]: the national figures by year (£)."""
    published = assumptions.income_path == "published"
    ends = {
        "place_based_funding_gbp": (assumptions.place_based_funding_2016_17,
                                    assumptions.place_based_funding_2020_21),
        "stf_gbp": (assumptions.stf_2016_17, assumptions.stf_2020_21),
    }
    columns = {
        name: national_trajectory(start * BN, end * BN,
                                  _published_shape(PUBLISHED_SHAPES[name]) if published else None)
        for name, (start, end) in ends.items()
    }
    return pd.DataFrame({"year": YEARS, **columns})


def base_year_funding(assumptions: FinanceAssumptions) -> float:
    """National place-based funding in the 2015/16 base year, £: F_0 / (1 + 2016/17 growth)."""
    return assumptions.place_based_funding_2016_17 * BN / (1 + assumptions.funding_growth_2016_17)


def cost_inflation_path(assumptions: FinanceAssumptions) -> np.ndarray:
    """Cost inflation of each year 2016/17..2020/21: ``cost_inflation`` in every year if set,
    else the path by year (``cost_inflation_2016_17`` ...)."""
    if assumptions.cost_inflation is not None:
        return np.full(len(YEARS), float(assumptions.cost_inflation))
    return np.array([getattr(assumptions, f"cost_inflation_{year.replace('/', '_')}")
                     for year in YEARS], dtype=float)


def fund_lever_path(assumptions: FinanceAssumptions) -> np.ndarray:
    """The national fund that counts as a lever each year, £: the fund, capped at its
    sustainability element (``stf_sustainability``; blank: the whole fund counts)."""
    fund = national_figures(assumptions)["stf_gbp"].to_numpy(dtype=float)
    if assumptions.stf_sustainability is None:
        return fund
    return np.minimum(fund, assumptions.stf_sustainability * BN)


def ageing_rate(baseline: pd.DataFrame, assumptions: FinanceAssumptions) -> np.ndarray:
    """Each area's ageing a year: England's rate x the area's ageing index (1 if not known)."""
    relative = (baseline["ageing_relative"].fillna(1.0).to_numpy(dtype=float)
                if "ageing_relative" in baseline else np.ones(len(baseline)))
    return assumptions.ageing_uplift * relative


def project_arrays(baseline: pd.DataFrame, assumptions: FinanceAssumptions
                   ) -> dict[str, np.ndarray]:
    """The projection as arrays of shape (areas, years), £ (population in people): population,
    income_gbp, stf_gbp (the area's share of the whole fund), stf_lever_gbp (the part that
    counts as a lever), spend_do_nothing_gbp, gap_do_nothing_gbp and the four gap_after_*.
    :func:`project_gap` lays them out as a table."""
    national = national_figures(assumptions)
    share = baseline["allocation_share"].to_numpy(dtype=float)[:, None]
    growth = (
        baseline["population_growth"].to_numpy(dtype=float)
        if assumptions.population_growth is None
        else np.full(len(baseline), assumptions.population_growth)
    )[:, None]
    steps = np.arange(len(YEARS), dtype=float)[None, :]
    years_on = steps + 1  # years after the 2015/16 base
    income = share * national["place_based_funding_gbp"].to_numpy()[None, :]
    fund = share * assumptions.stf_share_received * national["stf_gbp"].to_numpy()[None, :]
    lever_fund = share * assumptions.stf_share_received * fund_lever_path(assumptions)[None, :]
    start_gap = starting_gap(baseline, assumptions).to_numpy(dtype=float)[:, None]
    start_spend = share * base_year_funding(assumptions) + start_gap
    pressure = (
        (1 + growth)
        * (1 + ageing_rate(baseline, assumptions))[:, None]
        * (1 + assumptions.non_demographic_growth)
        * (1 + cost_inflation_path(assumptions))[None, :]
    )
    spend = start_spend * np.cumprod(pressure, axis=1)
    kept = (1 - assumptions.provider_efficiency) ** years_on
    efficiency = assumptions.provider_share * (1 - kept)
    after_efficiency = spend * (1 - efficiency)
    after_demand = after_efficiency * (1 - assumptions.demand_moderation) ** years_on
    after_savings = after_demand * (1 - assumptions.other_local_savings) ** years_on
    population = baseline["population_2016"].to_numpy(dtype=float)[:, None] * (1 + growth) ** steps
    return {
        "population": population,
        "income_gbp": income,
        "stf_gbp": fund,
        "spend_do_nothing_gbp": spend,
        "gap_do_nothing_gbp": spend - income,
        "gap_after_efficiency_gbp": after_efficiency - income,
        "gap_after_demand_moderation_gbp": after_demand - income,
        "stf_lever_gbp": lever_fund,
        "gap_after_stf_gbp": after_demand - income - lever_fund,
        "gap_after_other_savings_gbp": after_savings - income - lever_fund,
    }


def project_gap(baseline: pd.DataFrame, assumptions: FinanceAssumptions) -> pd.DataFrame:
    """The projection for every area in ``baseline`` (see :func:`finance_baseline`), long form.

    Columns: area_code, year, t, population, income_gbp, stf_gbp, spend_do_nothing_gbp,
    gap_do_nothing_gbp, the four gap_after_* columns, and each gap per head (``*_per_head``).
    Needs baseline columns allocation_share, population_2016, population_growth, optionally
    ageing_relative (else 1) and the trust position columns (see :func:`starting_gap`).
    """
    columns = project_arrays(baseline, assumptions)
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
