"""Everything the pack's finance section shows, computed in one call (the notebook only displays).

:func:`finance_section` returns a :class:`FinanceResult`: the area's baseline, the projection
table (£m and £ per head), the bridge steps, the sensitivity (tornado) rows, the assumptions in
use with their sources, the national table and the data caveats, all from the same assumptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from stp_analytics.data import finance_tables as sources
from stp_analytics.data.geography import resolve_area
from stp_analytics.finance.applicability import FinanceNotApplicable, finance_not_applicable
from stp_analytics.finance.assumptions import (
    FinanceAssumptions,
    assumptions_table,
    resolve_assumptions,
)
from stp_analytics.finance.baseline import finance_baseline
from stp_analytics.finance.model import (
    RESIDUAL_COLUMN,
    YEARS,
    bridge_table,
    gap_in_year,
    project_gap,
    projection_table,
)
from stp_analytics.finance.sensitivity import sensitivity_table, starting_position_table
from stp_analytics.finance.tables import national_table

MODEL_LABEL = (
    "MODEL, not a forecast: every figure follows from the assumptions listed, applied to the "
    "baseline data; change an assumption and the figures change."
)


@dataclass(frozen=True)
class FinanceResult:
    """The finance section of one area's pack (money in £m unless a column says per head)."""

    area_code: str
    area_name: str
    area_set: str
    assumptions: FinanceAssumptions
    baseline: pd.Series = field(repr=False)
    projection: pd.DataFrame = field(repr=False)
    bridge: pd.DataFrame = field(repr=False)
    sensitivity: pd.DataFrame = field(repr=False)
    assumptions_table: pd.DataFrame = field(repr=False)
    national: pd.DataFrame = field(repr=False)
    caveats: tuple[str, ...] = ()
    label: str = MODEL_LABEL
    starting_positions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def _final(self) -> pd.Series:
        return self.projection.iloc[-1]

    @property
    def do_nothing_gap_gbp_m(self) -> float:
        """Do-nothing gap in 2020/21, £m (positive = spending above income)."""
        return float(self._final()["gap_do_nothing_gbp_m"])

    @property
    def do_nothing_gap_per_head(self) -> float:
        """Do-nothing gap in 2020/21, £ per head."""
        return float(self._final()["gap_do_nothing_per_head"])

    @property
    def residual_gap_gbp_m(self) -> float:
        """Residual gap in 2020/21 after every lever, £m."""
        return float(self._final()["residual_gap_gbp_m"])

    @property
    def residual_gap_per_head(self) -> float:
        """Residual gap in 2020/21 after every lever, £ per head."""
        return float(self._final()["residual_gap_per_head"])

    @property
    def rank(self) -> int:
        """Rank of the do-nothing gap per head among the areas (1 = largest)."""
        return int(self.national.loc[self.national["area_code"] == self.area_code, "rank"].iloc[0])

    @property
    def national_gap_share(self) -> float:
        """The area's share of the do-nothing gap summed over all areas in 2020/21 (a fraction;
        negative if the area is in surplus while the sum is a gap)."""
        total = float(self.national["gap_do_nothing_gbp_m"].sum())
        return self.do_nothing_gap_gbp_m / total if total else float("nan")

    @property
    def per_head_range(self) -> tuple[float, float]:
        """Lowest and highest do-nothing gap per head among the areas in 2020/21 (£)."""
        values = self.national["gap_do_nothing_per_head"]
        return float(values.min()), float(values.max())

    @property
    def per_head_position(self) -> float:
        """Where the area's do-nothing gap per head sits in the range: 0 = lowest, 1 = highest."""
        low, high = self.per_head_range
        return (self.do_nothing_gap_per_head - low) / (high - low) if high > low else 0.5

    def headline(self) -> str:
        """One plain-English sentence with the model's 2020/21 result for the area."""
        def money(value: float) -> str:
            word = "gap" if value >= 0 else "surplus"
            return f"a {word} of £{abs(value):,.0f}m"

        return (
            f"On the model's assumptions, {self.area_name} would face "
            f"{money(self.do_nothing_gap_gbp_m)}"
            f" (£{abs(self.do_nothing_gap_per_head):,.0f} per head) in {YEARS[-1]} if nothing "
            f"changed, ranking {self.rank} of {len(self.national)} by gap per head; after the "
            f"levers the model shows {money(self.residual_gap_gbp_m)}"
            f" (£{abs(self.residual_gap_per_head):,.0f} per head)."
        )


def _method_counts(matches: pd.DataFrame) -> str:
    counts = matches["method"].value_counts()
    order = ["exact", "normalised", "hand", "unmatched", "set_aside"]
    words = {"set_aside": "set aside"}
    return ", ".join(f"{int(counts[m])} {words.get(m, m)}" for m in order if m in counts)


def _set_aside_text(matches: pd.DataFrame) -> str:
    aside = matches[matches["method"] == "set_aside"]
    if aside.empty:
        return "no rows are set aside"
    items = [f"row {int(r.source_row)} '{r.source_name}' ({r.reason.split(':')[0]})"
             for r in aside.itertuples()]
    return "set aside: " + "; ".join(items)


def data_caveats(baseline_row: pd.Series | None = None) -> tuple[str, ...]:
    """The data caveats of the finance section; area-specific ones when a baseline row is given.

    Counts are read from the match tables, so they stay true if the data change.
    """
    ccg = sources.ccg_allocation_matches()
    performance = sources.trust_performance_matches()
    loans = sources.trust_loan_matches()
    missing_ccgs = ", ".join(sources.ccg_allocation_coverage()["name"]) or "none"
    caveats = [
        MODEL_LABEL,
        "CCG allocations: the source (NHS England core CCG allocations via the NHSSpend "
        "repository) does not state the year (its total points to 2018/19, an inference); the "
        "model uses only each footprint's share of the total and assumes the share holds from "
        "2015/16 to 2020/21.",
        f"CCG allocations are matched by name ({_method_counts(ccg)}); the last two column "
        f"headers of the file are shifted (checked and corrected); {_set_aside_text(ccg)}; "
        f"CCGs with no allocation row: {missing_ccgs}, so their footprint's share is "
        "understated and every other footprint's slightly overstated.",
        "A CCG lying in two footprints (2016 boundaries) is split by its share of LSOAs.",
        f"Trust surplus/deficit 2018/19 (NHS Improvement accounts) is matched by name "
        f"({_method_counts(performance)}): only acute trusts in the Health Foundation lookup have "
        "a footprint; mental health, community, ambulance and specialist trusts are not "
        f"attributed; {_set_aside_text(performance)}; a trust whose every row is set aside has "
        "data not supplied. Reported results include sustainability funding (the £2.45bn "
        "provider sustainability fund in 2018/19): the model starts before it (the 2015/16 "
        "underlying deficit, or reported results with the footprint's share of the fund taken "
        "out) and adds the fund once, as a lever: only its sustainability element (£1.8bn a "
        "year, stf_sustainability), because the transformation element pays for new services "
        "that the do-nothing spending does not contain.",
        f"DHSC interim revenue support loans (BBC compilation) are matched by name "
        f"({_method_counts(loans)}); 'N/A' is read as no loan; loans are shown as context and "
        "are not part of the gap.",
        "Population growth is each footprint's observed average annual growth 2011-2016 (ONS "
        "mid-year estimates); ONS projections are not in the data. Ageing is a national rate "
        "scaled by the movement of the footprint's own mid-2018 age profile into ages 65 and "
        "over (no published age-cost curve by single year of age was available).",
        "National funding and fund figures are given for 2016/17 and 2020/21 only; the years "
        "between follow a constant growth rate, or the shape of NHS England's published "
        "allocations (income_path).",
    ]
    if baseline_row is not None and str(baseline_row.get("note", "")):
        caveats.append(f"This area: {baseline_row['note']}.")
    return tuple(caveats)


def finance_section(
    area_code: str,
    assumptions: FinanceAssumptions | Mapping[str, object] | None = None,
    area_set: str = "stp2017",
) -> FinanceResult | FinanceNotApplicable:
    """The finance section for one area (code or name) under ``assumptions`` (a
    :class:`FinanceAssumptions`, a dict of overrides of the YAML defaults, or None); a
    :class:`FinanceNotApplicable` notice for a set with ``finance_model: false`` (ICBs)."""
    not_applicable = finance_not_applicable(area_code, area_set)
    if not_applicable is not None:
        return not_applicable
    resolved = resolve_assumptions(assumptions)
    code = resolve_area(area_code, area_set)
    baseline = finance_baseline(area_set)
    projection = project_gap(baseline, resolved)
    row = baseline.loc[code]
    return FinanceResult(
        area_code=code,
        area_name=str(row["area_name"]),
        area_set=area_set,
        assumptions=resolved,
        baseline=row,
        projection=projection_table(projection, code),
        bridge=bridge_table(projection, code),
        sensitivity=sensitivity_table(baseline, resolved, code),
        assumptions_table=assumptions_table(resolved),
        national=national_table(baseline, projection),
        caveats=data_caveats(row),
        starting_positions=starting_position_table(baseline, resolved, code),
    )


__all__ = ["FinanceResult", "data_caveats", "finance_section", "gap_in_year", "RESIDUAL_COLUMN"]
