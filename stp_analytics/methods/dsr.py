"""Directly standardised rates with Dobson confidence limits (PHEindicatormethods ``phe_dsr``).

O = Σx_i (missing counts are 0); DSR = Σ(x_i·w_i/n_i)/Σw_i·m; V = Σx_i(w_i/n_i)²/(Σw_i)²;
L, U = DSR + √(V/O)·(Byar's_{L,U}(O) − O)·m (Dobson et al. 1991, Stat Med 10:457-62;
Byar's from Breslow & Day 1987). Value and limits are missing when O < 10.

Non-independent events (persons with f events, columns f1..f4, PHE 2.x): V = Σ_f f²·V_f,
where V_f is V computed from the numbers of persons with f events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

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
    check_confidence,
    check_multiplier,
    check_non_negative,
    check_positive,
)
from stp_analytics.methods.confidence import byars_lower, byars_upper

ESP2013: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)
"""European Standard Population 2013, 19 bands 0-4 ... 85-89, 90+ (sums to 100,000)."""

MIN_EVENTS = 10
DOBSON = "Dobson"
DOBSON_NON_INDEPENDENT = "Dobson, with confidence adjusted for non-independent events"


def _frequency_columns(event_frequencies: Mapping[int, str] | Sequence[str]) -> dict[int, str]:
    """{f: column}: a mapping as given, or a list of columns meaning f = 1, 2, 3, ..."""
    if isinstance(event_frequencies, Mapping):
        return {int(frequency): column for frequency, column in event_frequencies.items()}
    return {position + 1: column for position, column in enumerate(event_frequencies)}


def dsr(
    df: pd.DataFrame,
    count: str,
    pop: str,
    stdpop: str | Sequence[float],
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    *,
    event_frequencies: Mapping[int, str] | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Directly standardised rate per group, Dobson limits.

    Args:
        df: one row per group x standardisation band (e.g. age band).
        count: column of events per band (>= 0; missing counts as 0).
        pop: column of the band populations (> 0; a missing population makes the group missing).
        stdpop: column name of standard population weights, or one weight per band (e.g.
            :data:`ESP2013`) matched by position within every group.
        by: grouping column(s); None for one DSR over the whole table.
        confidence: two-sided level in [0.9, 1).
        multiplier: rate per this many (default per 100,000).
        event_frequencies: for non-independent events, the columns holding the number of
            persons with 1, 2, 3, ... events per band: a list (f = 1, 2, ...) or {f: column}.

    Returns:
        DataFrame indexed by group (by columns; a single row 0 without ``by``):
        total_count, total_pop, value, lower, upper, confidence, statistic ("dsr per 100000"),
        method ("Dobson"), note. With fewer than 10 events value and limits are NaN and note
        says why.
    """
    level = check_confidence(confidence)
    scale = check_multiplier(multiplier)
    columns = by_columns(df, by)
    x = numeric_column(df, count)
    n = numeric_column(df, pop)
    codes, index = group_codes(df, columns)
    weights = column_or_bands(df, stdpop, codes, "stdpop")
    check_non_negative(count, x)
    check_positive(pop, n)
    check_non_negative("stdpop", weights)
    groups = len(index)

    ratio = weights / n
    total_count = group_sum(x, codes, groups)
    total_weight = group_sum(weights, codes, groups)
    value = group_sum(x * ratio, codes, groups) / total_weight
    if event_frequencies is None:
        variance = group_sum(x * ratio**2, codes, groups) / total_weight**2
        method = DOBSON
    else:
        variance = np.zeros(groups)
        for frequency, column in _frequency_columns(event_frequencies).items():
            persons = numeric_column(df, column)
            check_non_negative(column, persons)
            variance += frequency**2 * group_sum(persons * ratio**2, codes, groups)
        variance /= total_weight**2
        method = DOBSON_NON_INDEPENDENT

    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(variance / total_count)
        lower = value + spread * (byars_lower(total_count, level) - total_count)
        upper = value + spread * (byars_upper(total_count, level) - total_count)
    pop_missing = group_any(np.isnan(n) | np.isnan(weights), codes, groups)
    too_few = total_count < MIN_EVENTS
    suppressed = pop_missing | too_few
    note = np.where(
        pop_missing,
        "population or standard population missing",
        np.where(too_few, "DSR not calculated for fewer than 10 events", ""),
    ).astype(object)
    leading = {
        "total_count": total_count,
        "total_pop": np.where(pop_missing, np.nan, group_sum(n, codes, groups)),
    }
    return result_frame(
        index,
        np.where(suppressed, np.nan, value * scale),
        np.where(suppressed, np.nan, lower * scale),
        np.where(suppressed, np.nan, upper * scale),
        level,
        f"dsr per {format_number(scale)}",
        method,
        note,
        leading=leading,
    )
