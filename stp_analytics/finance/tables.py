"""National tables: every area's do-nothing and residual gap in one year, sorted."""

from __future__ import annotations

import pandas as pd

from stp_analytics.finance.model import RESIDUAL_COLUMN, YEARS, gap_in_year

NATIONAL_COLUMNS = (
    "rank",
    "area_code",
    "area_name",
    "population",
    "gap_do_nothing_gbp_m",
    "gap_do_nothing_per_head",
    "residual_gap_gbp_m",
    "residual_gap_per_head",
    "note",
)


def national_table(baseline: pd.DataFrame, projection: pd.DataFrame,
                   year: str = YEARS[-1]) -> pd.DataFrame:
    """One row per area in ``year``, sorted by do-nothing gap per head, largest first (rank 1).

    Ties are broken by area code so the order is deterministic.
    """
    rows = gap_in_year(projection, year)
    table = pd.DataFrame(
        {
            "area_code": rows.index,
            "area_name": baseline.loc[rows.index, "area_name"].to_numpy(),
            "population": rows["population"].to_numpy(),
            "gap_do_nothing_gbp_m": rows["gap_do_nothing_gbp"].to_numpy() / 1e6,
            "gap_do_nothing_per_head": rows["gap_do_nothing_per_head"].to_numpy(),
            "residual_gap_gbp_m": rows[RESIDUAL_COLUMN].to_numpy() / 1e6,
            "residual_gap_per_head": rows[RESIDUAL_COLUMN.replace("_gbp", "_per_head")]
            .to_numpy(),
            "note": baseline.loc[rows.index, "note"].to_numpy(),
        }
    )
    table = table.sort_values(
        ["gap_do_nothing_per_head", "area_code"], ascending=[False, True], ignore_index=True
    )
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[list(NATIONAL_COLUMNS)]
