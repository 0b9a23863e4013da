"""Combining independent survey estimates: a population-weighted value and its confidence interval.

A survey such as the ONS Annual Population Survey publishes, for each district, an estimated
percentage with a confidence interval from its own sample, and a weighted count (the estimate
applied to the district's population). An area made of whole or shared districts then has

    value = Σ wᵢ pᵢ / Σ wᵢ        (wᵢ = the district's population x the area's share of it)

which equals Σ counts / Σ populations, and, the district samples being independent, the
variance of a weighted sum of independent estimates (Kish, *Survey Sampling*, 1965, §3.3,
stratified estimator):

    SE² = Σ wᵢ² SEᵢ² / (Σ wᵢ)²,   SEᵢ = (upperᵢ - lowerᵢ) / (2 z)

with ``z`` the normal quantile of the published intervals' level (PHE Technical Guide,
"Confidence intervals": the standard error recovered from a symmetric interval). The interval
is value ± z·SE at the requested level. A district's weighted count is never used as a sample
size: doing so (e.g. Wilson limits on millions of weighted people) would give an interval far
too narrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import ParameterError
from stp_analytics.methods._validate import as_float, check_confidence, check_non_negative
from stp_analytics.methods.confidence import z_value

METHOD = "weighted survey estimates (Kish)"


def combined_estimate(
    values: Any, lower: Any, upper: Any, weights: Any, *, published_confidence: float = 0.95,
    confidence: float = 0.95,
) -> pd.Series:
    """Population-weighted value of independent survey estimates with its CI (see module).

    All four arrays align (one entry per district or district share); entries with a missing
    value are left out (their weight too). Returns a Series ``value, lower, upper, se,
    confidence, parts, method``; ``value`` is missing when no entry has one.
    """
    published_z = z_value(check_confidence(published_confidence))
    z = z_value(check_confidence(confidence))
    p, _ = as_float("values", values)
    low, _ = as_float("lower", lower)
    high, _ = as_float("upper", upper)
    w, _ = as_float("weights", weights)
    if not len(p) == len(low) == len(high) == len(w):
        raise ParameterError("values, lower, upper and weights must have the same length")
    used = ~np.isnan(p)
    check_non_negative("weights", w[used])
    if (high[used] < low[used]).any() or np.isnan(low[used]).any() or np.isnan(high[used]).any():
        raise ParameterError("every value needs its interval, with lower <= upper")
    total = w[used].sum()
    if not used.any() or total <= 0:
        return pd.Series({"value": np.nan, "lower": np.nan, "upper": np.nan, "se": np.nan,
                          "confidence": confidence, "parts": int(used.sum()), "method": METHOD})
    share = w[used] / total
    value = float((share * p[used]).sum())
    se = float(np.sqrt((share ** 2 * ((high[used] - low[used]) / (2 * published_z)) ** 2).sum()))
    return pd.Series({"value": value, "lower": value - z * se, "upper": value + z * se,
                      "se": se, "confidence": confidence, "parts": int(used.sum()),
                      "method": METHOD})
