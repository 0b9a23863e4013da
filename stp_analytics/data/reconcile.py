"""Footprints reconcile to England: the sum over a source's areas against its England row.

For every count-based indicator whose loader gives both an England row and rows for areas
(footprints, trusts, local authorities...), :func:`reconcile` compares, for the latest period
with an England row, the sum of the areas' numerators with England's numerator, and states what
explains the difference: the source option ``england_difference`` (e.g. "NHS England direct
commissioning (X24), which has no footprint"), else "not explained by the source". ``stp-packs
validate`` prints one line per indicator, so a reader can see that nothing fell through a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ENGLAND_TYPE = "england"
COUNTED = ("count", "proportion", "rate")
UNEXPLAINED = "not explained by the source"


@dataclass(frozen=True)
class Reconciliation:
    """One indicator's areas against England in one period."""

    indicator: str
    period: str
    areas: int
    areas_sum: float
    england: float
    explanation: str

    @property
    def difference(self) -> float:
        """England minus the sum over the areas."""
        return self.england - self.areas_sum

    def format(self) -> str:
        """'indicator 2019-03: 44 areas sum to 1,234 against England 1,300 (66 or 5.1%: why)'."""
        share = self.difference / self.england * 100 if self.england else float("nan")
        return (f"{self.indicator} {self.period}: {self.areas:,} areas sum to "
                f"{self.areas_sum:,.0f} against England {self.england:,.0f} (difference "
                f"{self.difference:,.0f}, {share:.1f}%: {self.explanation})")


def reconcile(observations: pd.DataFrame, indicators: dict, explanation: str = ""
              ) -> list[Reconciliation]:
    """Reconciliations for the count-based indicators of one source's observations."""
    results = []
    for indicator_id, rows in observations.groupby("indicator", sort=True):
        indicator = indicators.get(indicator_id)
        if indicator is None or indicator.statistic not in COUNTED:
            continue
        england = rows[rows["area_type"].eq(ENGLAND_TYPE) & rows["numerator"].notna()]
        parts = rows[rows["area_type"].ne(ENGLAND_TYPE) & rows["sex"].eq("Persons")]
        if england.empty or parts.empty:
            continue
        periods = sorted(set(england["period"]) & set(parts["period"]))
        if not periods:
            continue
        latest = periods[-1]
        in_period = parts[parts["period"].eq(latest)]
        total = england.loc[england["period"].eq(latest) & england["sex"].eq("Persons"),
                            "numerator"]
        if total.empty:
            continue
        results.append(Reconciliation(
            indicator=str(indicator_id), period=str(latest), areas=len(in_period),
            areas_sum=float(in_period["numerator"].sum()), england=float(total.iloc[0]),
            explanation=explanation or UNEXPLAINED))
    return results
