"""Confidence limits for counts: the normal z, Byar's approximation and exact Poisson limits.

Formulas (reference/methods/README.md; PHEindicatormethods ``byars_lower``/``byars_upper``):

* z = Φ⁻¹(1 − α/2), α = 1 − confidence.
* Byar's (Breslow & Day 1987): L = x·(1 − 1/(9x) − z/(3√x))³ (missing if negative),
  U = (x+1)·(1 − 1/(9(x+1)) + z/(3√(x+1)))³.
* Exact Poisson (used when x < 10): L = χ²_{α/2}(2x)/2 (0 when x = 0),
  U = χ²_{1−α/2}(2x+2)/2.

All functions are vectorised over numpy arrays; missing counts give missing limits.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from stp_analytics.methods._validate import check_confidence

EXACT_BELOW = 10
"""Counts below this use exact Poisson limits; 10 and above use Byar's (PHE convention)."""


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    level = check_confidence(confidence)
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def byars_lower(count: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Byar's lower limit of a Poisson count; NaN where it would be negative or count <= 0."""
    x = np.asarray(count, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    return np.where((x > 0) & (lower >= 0), lower, np.nan)


def byars_upper(count: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Byar's upper limit of a Poisson count."""
    x1 = np.asarray(count, dtype=float) + 1
    z = z_value(confidence)
    with np.errstate(invalid="ignore"):
        return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def exact_lower(count: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Exact Poisson lower limit χ²_{α/2}(2x)/2; 0 when the count is 0."""
    x = np.asarray(count, dtype=float)
    alpha = 1 - check_confidence(confidence)
    with np.errstate(invalid="ignore"):
        lower = stats.chi2.ppf(alpha / 2, np.where(x > 0, 2 * x, 1)) / 2
    return np.where(x == 0, 0.0, np.where(np.isnan(x), np.nan, lower))


def exact_upper(count: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Exact Poisson upper limit χ²_{1−α/2}(2x+2)/2."""
    x = np.asarray(count, dtype=float)
    alpha = 1 - check_confidence(confidence)
    return stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2


def poisson_limits(
    count: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limits for a count: exact when count < 10, Byar's otherwise (PHE).

    Returns (lower, upper, method) where method is "Exact", "Byars" or "" (count missing).
    """
    x = np.asarray(count, dtype=float)
    exact = x < EXACT_BELOW
    lower = np.where(exact, exact_lower(x, confidence), byars_lower(x, confidence))
    upper = np.where(exact, exact_upper(x, confidence), byars_upper(x, confidence))
    method = np.where(np.isnan(x), "", np.where(exact, "Exact", "Byars")).astype(object)
    return lower, upper, method
