"""Which year the vendored CCG allocations file holds: inferred from its total, because the
source does not say.

The file (NHSSpend copy of NHS England's CCG core allocations, 2016 CCG structure) is compared
with NHS England's published CCG core allocation totals by year (January 2016 table, as
summarised by CIPFA; ``finance_calibration.yml``, ``ccg_core_allocations``). The file lacks
Newcastle Gateshead CCG, so its total is completed with an estimate for each missing CCG: the
CCG's ONS mid-2016 population times the file's lower and upper quartile allocation per head.
The year whose published total is nearest that range is the inference; the table shows every
year so a reader can check it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.data import finance_tables as sources
from stp_analytics.data.geography import area_population
from stp_analytics.finance.calibration import figure

TOTALS_KEY = "ccg_core_allocations"
ESTIMATE_QUANTILES = (0.25, 0.75)


def allocation_year_table() -> pd.DataFrame:
    """One row per published year: year, published_gbp_bn, file_low_gbp_bn, file_high_gbp_bn
    (the file's usable rows plus the low / high estimate for missing CCGs), difference_low_pct,
    difference_high_pct (file vs published), consistent (published total within the range)."""
    table = sources.ccg_allocation_table()
    used = table[table["set_aside"] == ""]
    per_head = used["allocation_gbp"] / used["population"]
    missing = sources.ccg_allocation_coverage()
    people = area_population("ccg2017", 2016).reindex(missing["code"]).fillna(0.0).sum()
    low, high = (float(people * per_head.quantile(q)) for q in ESTIMATE_QUANTILES)
    usable = float(used["allocation_gbp"].sum())
    file_low, file_high = (usable + low) / 1e9, (usable + high) / 1e9
    published = figure(TOTALS_KEY).values or {}
    rows = [
        {
            "year": year,
            "published_gbp_bn": total,
            "file_usable_gbp_bn": usable / 1e9,
            "file_low_gbp_bn": file_low,
            "file_high_gbp_bn": file_high,
            "difference_low_pct": (file_low / total - 1) * 100,
            "difference_high_pct": (file_high / total - 1) * 100,
            "consistent": file_low <= total <= file_high,
        }
        for year, total in published.items()
    ]
    return pd.DataFrame(rows)


def inferred_allocation_year() -> tuple[str, str]:
    """(year, sentence): the published year nearest the file's completed total, and why."""
    table = allocation_year_table()
    distance = np.minimum(table["difference_low_pct"].abs(), table["difference_high_pct"].abs())
    distance[table["consistent"]] = 0.0
    best = table.loc[distance.idxmin()]
    below = table[table["published_gbp_bn"] < best["file_usable_gbp_bn"]]["year"].tolist()
    sentence = (
        f"The CCG allocations file does not state its year. Its usable rows sum to "
        f"£{best['file_usable_gbp_bn']:.2f}bn; with an estimate for the missing CCG(s) the total "
        f"is £{best['file_low_gbp_bn']:.2f}bn to £{best['file_high_gbp_bn']:.2f}bn, nearest NHS "
        f"England's published CCG core allocation total for {best['year']} "
        f"(£{best['published_gbp_bn']:.2f}bn; the file is {best['difference_low_pct']:+.1f}% to "
        f"{best['difference_high_pct']:+.1f}% from it)"
        + (f"; the totals for {', '.join(below)} are below even the file's usable rows"
           if below else "")
        + ". This is an inference from totals, not a statement of the source."
    )
    return str(best["year"]), sentence


__all__ = ["allocation_year_table", "inferred_allocation_year"]
