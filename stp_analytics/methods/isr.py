"""Indirectly standardised ratios and rates (PHEindicatormethods ``calculate_ISRatio`` /
``calculate_ISRate``).

E = Σ(x_ref,i/n_ref,i)·n_i. Ratio = O/E × refvalue (1 or 100); limits =
(exact if O < 10 else Byar's)(O)/E × refvalue. Rate = O/E × (Σx_ref/Σn_ref)·m with the same
scaling of the limits. O may be supplied separately as totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import ParameterError
from stp_analytics.methods._frames import (
    by_columns,
    column_or_bands,
    group_any,
    group_codes,
    group_sum,
    numeric_column,
)
from stp_analytics.methods._output import format_number, result_frame
from stp_analytics.methods._validate import (
    as_float,
    check_choice,
    check_confidence,
    check_multiplier,
    check_non_negative,
    check_positive,
)
from stp_analytics.methods.confidence import poisson_limits

ISR_KINDS: tuple[str, ...] = ("ratio", "rate")


def _observed_totals(observed: Any, index: pd.Index) -> np.ndarray:
    """Observed totals per group: a Series/mapping keyed by group, or values in group order."""
    if isinstance(observed, pd.Series) and not isinstance(observed.index, pd.RangeIndex):
        missing = [key for key in index if key not in observed.index]
        if missing:
            raise ParameterError(f"observed has no total for group {missing[0]!r}")
        observed = observed.loc[index]
    elif isinstance(observed, dict):
        observed = pd.Series(observed).reindex(index)
    values, _ = as_float("observed", observed)
    if len(values) != len(index):
        raise ParameterError(
            f"observed must give one total per group (got {len(values)} for {len(index)} groups)"
        )
    check_non_negative("observed", values)
    return values


def isr(
    df: pd.DataFrame,
    count: str | None,
    pop: str,
    ref_count: str | Sequence[float],
    ref_pop: str | Sequence[float],
    by: str | Sequence[str] | None = None,
    kind: str = "ratio",
    refvalue: float = 1,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    *,
    observed: Any = None,
) -> pd.DataFrame:
    """Indirectly standardised ratio (kind="ratio") or rate (kind="rate") per group.

    Args:
        df: one row per group x band.
        count: column of observed events per band (missing counts as 0); may be None when
            ``observed`` gives the totals.
        pop: column of band populations (>= 0; a zero population contributes no expected events).
        ref_count, ref_pop: reference events and populations per band: column names, or one
            value per band matched by position within every group. ref_pop must be > 0.
        by: grouping column(s); None for one result over the whole table.
        kind: "ratio" or "rate".
        refvalue: ratio scale (1, or 100 for ratios x 100); ratios only.
        multiplier: rate per this many; rates only.
        confidence: two-sided level in [0.9, 1).
        observed: observed totals per group (Series or dict keyed by group, or a list in group
            order; a scalar without ``by``) used instead of summing ``count``.

    Returns:
        DataFrame indexed by group: observed, expected, ref_rate (per multiplier, rates only),
        value, lower, upper, confidence, statistic, method ("Exact" when O < 10, else "Byars"),
        note. Zero expected events give NaN with a note.
    """
    check_choice("kind", kind, ISR_KINDS)
    level = check_confidence(confidence)
    if kind == "rate":
        scale = check_multiplier(multiplier)
    else:
        scale = check_multiplier(refvalue, "refvalue")
    columns = by_columns(df, by)
    n = numeric_column(df, pop)
    codes, index = group_codes(df, columns)
    reference_count = column_or_bands(df, ref_count, codes, "ref_count")
    reference_pop = column_or_bands(df, ref_pop, codes, "ref_pop")
    check_non_negative(pop, n)
    check_non_negative("ref_count", reference_count)
    check_positive("ref_pop", reference_pop)
    groups = len(index)
    if observed is not None:
        total_observed = _observed_totals(observed, index)
    elif count is None:
        raise ParameterError("isr needs count (a column of events) or observed (totals)")
    else:
        x = numeric_column(df, count)
        check_non_negative(count, x)
        total_observed = group_sum(x, codes, groups)

    expected = group_sum(reference_count / reference_pop * n, codes, groups)
    inputs_missing = group_any(
        np.isnan(n) | np.isnan(reference_count) | np.isnan(reference_pop), codes, groups
    )
    expected = np.where(inputs_missing, np.nan, expected)
    lower, upper, method = poisson_limits(total_observed, level)
    if kind == "rate":
        # reference rate Σx_ref/Σn_ref over the bands of each group (same for every group when
        # the reference is given per band)
        ref_rate = group_sum(reference_count, codes, groups) / group_sum(
            reference_pop, codes, groups
        )
        factor = ref_rate * scale
        statistic = f"indirectly standardised rate per {format_number(scale)}"
        leading_extra = {"ref_rate": factor}
    else:
        factor = np.full(groups, scale)
        statistic = f"indirectly standardised ratio x {format_number(scale)}"
        leading_extra = {}
    usable = expected > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        per_expected = np.where(usable, factor / expected, np.nan)
    observed_note = np.where(np.isnan(total_observed), "observed missing", "")
    note = np.where(
        np.isnan(expected),
        "population or reference data missing",
        np.where(~usable, "no expected events", observed_note),
    ).astype(object)
    leading = {"observed": total_observed, "expected": expected, **leading_extra}
    return result_frame(
        index,
        total_observed * per_expected,
        lower * per_expected,
        upper * per_expected,
        level,
        statistic,
        method,
        note,
        leading=leading,
    )
