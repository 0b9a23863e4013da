"""Funnel plot control limits and significance (PHE Fingertips method; Spiegelhalter 2005).

* Proportions: baseline P̄ = Σx/Σn. The control limit at denominator n is the proportion whose
  Wilson limit equals P̄ (95% -> 0.025 each side, 99.8% -> 0.001). Solving the Wilson bound for
  the observed proportion gives the closed form P̄ ± z·√(P̄(1 − P̄)/n), which is exactly what
  PHEindicatormethods' ``sigma_adjustment`` evaluates; limits are clipped to [0, 1]·multiplier.
* Ratios (O vs E) and rates: "High" if the lower CI of O/E (exact if O < 10, else Byar's) is
  above 1, "Low" if the upper CI is below 1; 99.8% first, then 95%.
* Spiegelhalter limits for standardised ratios: target·χ²_{α/2}(2E)/(2E) and
  target·χ²_{1−α/2}(2E+2)/(2E); with overdispersion τ², target·exp(±z·√(1/E + τ²)), τ² from
  :func:`overdispersion_tau2` (z-scores winsorised at the 10th and 90th percentiles).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from stp_analytics.errors import ParameterError
from stp_analytics.methods._validate import (
    broadcast,
    check_choice,
    check_confidence,
    check_counts,
    check_finite,
    check_multiplier,
    check_non_negative,
    check_not_above,
    check_positive,
)
from stp_analytics.methods.confidence import poisson_limits, z_value

FUNNEL_LABELS: tuple[str, ...] = (
    "High (0.001)",
    "High (0.025)",
    "Not significant",
    "Low (0.025)",
    "Low (0.001)",
)
FUNNEL_KINDS: tuple[str, ...] = ("proportion", "ratio", "rate")
OUTER, INNER = 0.998, 0.95
WINSOR_PERCENTILES = (10, 90)


def funnel_proportion_limits(
    denominators: Any, baseline: float, confidence: float, multiplier: float = 1
) -> pd.DataFrame:
    """Funnel control limits for a proportion at each denominator.

    Args:
        denominators: n at which to draw the limits (> 0).
        baseline: the overall proportion P̄ = Σx/Σn, between 0 and 1.
        confidence: 0.95 (the 0.025 limits) or 0.998 (the 0.001 limits); any level in [0.9, 1).
        multiplier: 1 for proportions, 100 for percentages.

    Returns:
        DataFrame[denominator, lower, upper, baseline, confidence] aligned with the input,
        limits clipped to [0, multiplier].
    """
    level = check_confidence(confidence)
    scale = check_multiplier(multiplier)
    arrays, index = broadcast(denominators=denominators, baseline=baseline)
    n, p = arrays["denominators"], arrays["baseline"]
    check_positive("denominators", n, index)
    check_finite("denominators", n, index)
    if np.isnan(p).any() or ((p < 0) | (p > 1)).any():
        raise ParameterError(f"baseline must be a proportion between 0 and 1 (got {baseline!r})")
    spread = z_value(level) * np.sqrt(p * (1 - p) / n)
    return pd.DataFrame(
        {
            "denominator": n,
            "lower": np.clip(p - spread, 0, 1) * scale,
            "upper": np.clip(p + spread, 0, 1) * scale,
            "baseline": p * scale,
            "confidence": level,
        },
        index=index,
    )


def _labels(
    high_outer: np.ndarray,
    high_inner: np.ndarray,
    low_outer: np.ndarray,
    low_inner: np.ndarray,
    missing: np.ndarray,
    index: pd.Index,
) -> pd.Series:
    labels = np.select(
        [missing, low_outer, low_inner, high_outer, high_inner],
        [None, "Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"],
        default="Not significant",
    )
    return pd.Series(labels, index=index, name="funnel", dtype="str")


def funnel_significance(
    numerator: Any, denominator: Any, kind: str = "proportion", expected: Any = None
) -> pd.Series:
    """Funnel-plot significance label of each area among all the areas given.

    Args:
        numerator: events (x, or O for ratios/rates), >= 0.
        denominator: population (n), > 0. With ``expected`` given (kind "ratio" or "rate") it
            is not used and may be None; otherwise it is required.
        kind: "proportion" (x <= n, against the Wilson-based limits around Σx/Σn), or "ratio" /
            "rate" (O against E using exact/Byar's limits of O/E).
        expected: expected events E per area; when None, E = n·Σx/Σn (the overall rate).

    Returns:
        Series of FUNNEL_LABELS aligned with the input; missing (NaN) where an input is missing.
    """
    check_choice("kind", kind, FUNNEL_KINDS)
    if denominator is None:
        if kind == "proportion" or expected is None:
            needs = "kind='proportion'" if kind == "proportion" else "expected=None"
            raise ParameterError(
                f"denominator is required with {needs} (got None); only a ratio or rate with "
                "expected given can do without it"
            )
        denominator = np.nan  # not used: E is given
    extra = {} if expected is None else {"expected": expected}
    arrays, index = check_counts("numerator", numerator, denominator, **extra)
    x, n = arrays["numerator"], arrays["denominator"]
    missing = np.isnan(x) | (np.isnan(n) if expected is None or kind == "proportion" else False)
    complete = ~missing
    overall = x[complete].sum() / n[complete].sum() if complete.any() else np.nan
    if kind == "proportion":
        check_not_above("numerator", x, "denominator", n, "proportion", index)
        observed = x / n
        outer = funnel_proportion_limits(n, np.nan_to_num(overall), OUTER)
        inner = funnel_proportion_limits(n, np.nan_to_num(overall), INNER)
        return _labels(
            observed > outer["upper"].to_numpy(),
            observed > inner["upper"].to_numpy(),
            observed < outer["lower"].to_numpy(),
            observed < inner["lower"].to_numpy(),
            missing,
            index,
        )
    if expected is not None:
        e = arrays["expected"]
        check_positive("expected", e, index)
        missing |= np.isnan(e)
    else:
        e = n * overall
    outer_lower, outer_upper, _ = poisson_limits(x, OUTER)
    inner_lower, inner_upper, _ = poisson_limits(x, INNER)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _labels(
            outer_lower / e > 1,
            inner_lower / e > 1,
            outer_upper / e < 1,
            inner_upper / e < 1,
            missing | ~(e > 0),
            index,
        )


def spiegelhalter_limits(
    expected: Any, target: float = 1, confidence: float = 0.95, overdispersion: float | None = None
) -> pd.DataFrame:
    """Funnel limits for a standardised ratio O/E at each expected count E (Spiegelhalter 2005).

    Args:
        expected: expected events E (> 0).
        target: the ratio the limits centre on (1, or 100 for ratios x 100).
        confidence: two-sided level in [0.9, 1).
        overdispersion: None for Poisson limits, or τ² (>= 0, e.g. from
            :func:`overdispersion_tau2`) for the random-effects limits
            target·exp(±z·√(1/E + τ²)).

    Returns:
        DataFrame[expected, lower, upper, confidence] aligned with the input.
    """
    level = check_confidence(confidence)
    arrays, index = broadcast(expected=expected)
    e = arrays["expected"]
    check_positive("expected", e, index)
    check_finite("expected", e, index)
    alpha = 1 - level
    if overdispersion is None:
        lower = target * stats.chi2.ppf(alpha / 2, 2 * e) / (2 * e)
        upper = target * stats.chi2.ppf(1 - alpha / 2, 2 * e + 2) / (2 * e)
    else:
        tau2 = float(overdispersion)
        if not (np.isfinite(tau2) and tau2 >= 0):
            raise ParameterError(f"overdispersion must be None or a number >= 0 (got {tau2})")
        half_width = z_value(level) * np.sqrt(1 / e + tau2)
        lower = target * np.exp(-half_width)
        upper = target * np.exp(half_width)
    return pd.DataFrame(
        {"expected": e, "lower": lower, "upper": upper, "confidence": level}, index=index
    )


def overdispersion_tau2(observed: Any, expected: Any) -> float:
    """Between-area variance τ² of log ratios (Spiegelhalter 2005, additive random effects).

    z_i = √E_i·ln(O_i/E_i), winsorised at the 10th and 90th percentiles (type-7, of the finite
    z-scores; O = 0 gives z = -inf, which winsorising pulls to the 10th percentile);
    φ = Σz²/k; τ² = max(0, (kφ − (k − 1))/(Σw − Σw²/Σw)) with w = E. Areas with a missing O
    or E are left out; fewer than 2 areas give τ² = 0.
    """
    arrays, index = broadcast(observed=observed, expected=expected)
    o, e = arrays["observed"], arrays["expected"]
    check_non_negative("observed", o, index)
    check_positive("expected", e, index)
    keep = ~(np.isnan(o) | np.isnan(e))
    o, e = o[keep], e[keep]
    if len(o) < 2:
        return 0.0
    with np.errstate(divide="ignore"):
        z = np.sqrt(e) * np.log(o / e)
    finite = z[np.isfinite(z)]
    if len(finite) == 0:
        return 0.0
    low, high = np.percentile(finite, WINSOR_PERCENTILES)
    z = np.clip(z, low, high)
    k = len(z)
    phi = np.sum(z**2) / k
    denominator = e.sum() - np.sum(e**2) / e.sum()
    if denominator <= 0:
        return 0.0
    return float(max(0.0, (k * phi - (k - 1)) / denominator))
