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
    area_type: str = ""  # named when a source has areas of more than one type (e.g. stp, icb)

    @property
    def difference(self) -> float:
        """England minus the sum over the areas."""
        return self.england - self.areas_sum

    def format(self) -> str:
        """'indicator 2019-03: 44 areas sum to 1,234 against England 1,300 (66 or 5.1%: why)'."""
        share = self.difference / self.england * 100 if self.england else float("nan")
        kind = f" ({self.area_type})" if self.area_type else ""
        return (f"{self.indicator} {self.period}: {self.areas:,} areas{kind} sum to "
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
        kinds = sorted(set(parts["area_type"]))
        for kind in kinds:  # each type of area on its own (2017 footprints, 2022 ICBs)
            result = _reconcile_one(str(indicator_id), england, parts[parts["area_type"] == kind],
                                    explanation or UNEXPLAINED, kind if len(kinds) > 1 else "")
            if result is not None:
                results.append(result)
    return results


#: how an explanation's ``{area}`` reads for the areas of each type
AREA_WORDS = {"stp": "footprint", "icb": "ICB", "ccg": "CCG"}


def explain(explanation: str, area_word: str) -> str:
    """The source's ``england_difference`` with ``{area}`` read as ``area_word`` (e.g. "which
    has no {area}" is "which has no footprint" in a footprint pack, "... no ICB" in an ICB's)."""
    return explanation.replace("{area}", area_word)


def _reconcile_one(indicator: str, england: pd.DataFrame, parts: pd.DataFrame, explanation: str,
                   area_type: str) -> Reconciliation | None:
    """The latest period both have: the parts' numerators summed against England's."""
    periods = sorted(set(england["period"]) & set(parts["period"]))
    if england.empty or not periods:
        return None
    latest = periods[-1]
    in_period = parts[parts["period"].eq(latest)]
    kinds = sorted(set(in_period["area_type"]))
    explanation = explain(explanation, AREA_WORDS.get(kinds[0], "area") if len(kinds) == 1
                          else "area")
    total = england.loc[england["period"].eq(latest) & england["sex"].eq("Persons"), "numerator"]
    if total.empty:
        return None
    return Reconciliation(indicator=indicator, period=str(latest), areas=len(in_period),
                          areas_sum=float(in_period["numerator"].sum()),
                          england=float(total.iloc[0]), explanation=explanation,
                          area_type=area_type)
