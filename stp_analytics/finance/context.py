"""One footprint's finance MODEL results in the national context, for its pack.

* :func:`national_position` - the footprint's 2020/21 do-nothing and residual gaps beside the
  sums over every area of the set (the same figures ``stp-packs finance --national`` prints), its
  share of the national do-nothing gap and where its gap per head sits in the range of the areas;
* :func:`per_head_distribution` - every area's 2020/21 do-nothing gap per head, the footprint
  flagged (for a chart);
* :func:`outturn_comparison` - the model's national provider position 2015/16-2018/19 beside the
  reported outturns (:func:`~stp_analytics.finance.reconcile.provider_outturn_comparison`);
* :func:`footprint_outturn` - the footprint's projected 2018/19 provider position beside its acute
  trusts' reported 2018/19 result.

Everything is computed from the same assumptions and baseline as the pack's model, so the
footprint's figures here equal its row of the national reconciliation under the same ``-p``.
The national projection takes well under a second once the baseline is loaded (measured
0.06-0.09 s per table), so each pack computes it rather than reading a cache.
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.finance.model import YEARS
from stp_analytics.finance.reconcile import (
    footprint_provider_comparison,
    provider_outturn_comparison,
)
from stp_analytics.finance.section import FinanceResult

FINAL_YEAR = YEARS[-1]
POSITION_COLUMNS = ("measure", "area_value", "all_areas", "share_or_position")


def national_position(result: FinanceResult) -> pd.DataFrame:
    """DataFrame[measure, area_value, all_areas, share_or_position] for the 2020/21 gaps.

    Rows: the do-nothing gap (£m; the sum over the areas; the area's share of it), the residual
    gap after every lever (£m; the sum; the share), the do-nothing gap per head (£; the lowest to
    highest of the areas; the area's rank, 1 = largest), and the areas in deficit after every
    lever (yes/no; the count of the areas). Text columns, ready to print.
    """
    national = result.national
    count = len(national)
    do_nothing = float(national["gap_do_nothing_gbp_m"].sum())
    residual = float(national["residual_gap_gbp_m"].sum())
    low, high = result.per_head_range
    in_deficit = int((national["residual_gap_gbp_m"] > 0).sum())
    rows = [
        (f"Do-nothing gap {FINAL_YEAR} (£m)", _money(result.do_nothing_gap_gbp_m),
         f"{_money(do_nothing)} (sum of {count})", _share(result.do_nothing_gap_gbp_m, do_nothing)),
        (f"Residual gap after every lever {FINAL_YEAR} (£m)", _money(result.residual_gap_gbp_m),
         f"{_money(residual)} (sum of {count})", _share(result.residual_gap_gbp_m, residual)),
        (f"Do-nothing gap per head {FINAL_YEAR} (£)", _money(result.do_nothing_gap_per_head),
         f"{_money(low)} to {_money(high)} (range of {count})",
         f"rank {result.rank} of {count} (1 = largest)"),
        ("In deficit after every lever", "yes" if result.residual_gap_gbp_m > 0 else "no",
         f"{in_deficit} of {count} areas", ""),
    ]
    return pd.DataFrame(rows, columns=list(POSITION_COLUMNS))


def position_sentence(result: FinanceResult) -> str:
    """One sentence: the area's share of the national gap and where its gap per head sits."""
    total = float(result.national["gap_do_nothing_gbp_m"].sum())
    low, high = result.per_head_range
    count = len(result.national)
    third = ("the highest third" if result.per_head_position >= 2 / 3 else
             "the lowest third" if result.per_head_position < 1 / 3 else "the middle third")
    return (
        f"On the same assumptions, the {count} areas' do-nothing gaps sum to £{total:,.0f}m in "
        f"{FINAL_YEAR}; {result.area_name}'s £{result.do_nothing_gap_gbp_m:,.0f}m is "
        f"{_share(result.do_nothing_gap_gbp_m, total)}. Its gap per head "
        f"(£{result.do_nothing_gap_per_head:,.0f}) ranks {result.rank} of {count}, in "
        f"{third} of the range £{low:,.0f} to £{high:,.0f}."
    )


def do_nothing_tornado_rows(result: FinanceResult) -> pd.DataFrame:
    """Tornado rows for the 2020/21 do-nothing gap (£m): every assumption that moves it (the
    ``do_nothing_*`` columns of the sensitivity table) and the choice of starting position (its
    lowest and highest do-nothing gap among the choices). Columns as the residual tornado's."""
    rows = result.sensitivity
    moves = rows[(rows["do_nothing_high"] - rows["do_nothing_low"]).abs() > 1e-6]
    table = pd.DataFrame({
        "assumption": moves["assumption"], "low_label": moves["low_label"],
        "high_label": moves["high_label"], "residual_low": moves["do_nothing_low"],
        "residual_high": moves["do_nothing_high"], "base": moves["do_nothing_base"]})
    positions = result.starting_positions.sort_values(["do_nothing_gbp_m", "position"])
    if len(positions) > 1:
        low, high = positions.iloc[0], positions.iloc[-1]
        table = pd.concat([table, pd.DataFrame([{
            "assumption": "Starting position (baseline_provider_position)",
            "low_label": str(low["position"]), "high_label": str(high["position"]),
            "residual_low": float(low["do_nothing_gbp_m"]),
            "residual_high": float(high["do_nothing_gbp_m"]),
            "base": result.do_nothing_gap_gbp_m}])], ignore_index=True)
    return table.reset_index(drop=True)


def per_head_distribution(result: FinanceResult) -> pd.DataFrame:
    """DataFrame[area_code, area_name, gap_do_nothing_per_head, residual_gap_per_head, is_area]:
    every area in 2020/21, largest do-nothing gap per head first."""
    table = result.national.loc[:, ["area_code", "area_name", "gap_do_nothing_per_head",
                                     "residual_gap_per_head"]].copy()
    table["is_area"] = table["area_code"] == result.area_code
    return table.reset_index(drop=True)


def outturn_comparison(result: FinanceResult) -> pd.DataFrame:
    """The national provider position 2015/16-2018/19, model against reported, £bn."""
    return provider_outturn_comparison(result.assumptions, result.area_set)


def footprint_outturn(result: FinanceResult) -> pd.DataFrame:
    """The footprint's row of :func:`footprint_provider_comparison` for 2018/19 (£m)."""
    table = footprint_provider_comparison(result.assumptions, result.area_set)
    return table[table["area_code"] == result.area_code].reset_index(drop=True)


def footprint_outturn_sentence(row: pd.Series) -> str:
    """The footprint's projected 2018/19 provider position against its trusts' reported result,
    saying plainly that reported results include sustainability funding."""
    model = float(row["model_provider_position_gbp_m"])
    text = (f"The model's provider position for {row['area_name']} in 2018/19 (after provider "
            f"efficiency, demand moderation and the fund's sustainability element) is "
            f"{_signed(model)}.")
    if pd.isna(row["reported_actual_gbp_m"]):
        return text + (" Its acute trusts' reported 2018/19 results: data not supplied (no "
                       "trust of the footprint has a row in NHS Improvement's accounts).")
    return text + (
        f" Its {int(row['trusts_with_data'])} acute trusts reported "
        f"{_signed(float(row['reported_actual_gbp_m']))} together. Reported results include "
        "sustainability funding (the £2.45bn provider sustainability fund in 2018/19), and cover "
        "acute trusts only, while the model covers all of the footprint's place-based spending: "
        "the two are context for each other, not a test of the model.")


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _signed(value: float) -> str:
    return f"a surplus of £{value:,.0f}m" if value >= 0 else f"a deficit of £{-value:,.0f}m"


def _share(part: float, total: float) -> str:
    if not total:
        return "not defined (the sum is zero)"
    return f"{100 * part / total:.1f}% of the sum"  # of a surplus when both are negative


__all__ = [
    "do_nothing_tornado_rows",
    "footprint_outturn",
    "footprint_outturn_sentence",
    "national_position",
    "outturn_comparison",
    "per_head_distribution",
    "position_sentence",
]
