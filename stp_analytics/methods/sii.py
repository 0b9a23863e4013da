"""Slope and relative index of inequality (SII, RII) for one area's quantiles, the PHE way.

Follows ``PHEindicatormethods::phe_sii`` (ukhsa-collaboration/PHEindicatormethods,
``R/SII_function.R`` with ``FindXValues`` and ``SimulationFunc`` in ``R/utils.R``, version with
the ``transform`` and ``intercept`` options); method from Low A & Low A, "Measuring the gap:
quantifying and comparing local health inequalities", J Public Health 2004;26:388-395.

* Quantiles are put in ascending order (1 = most deprived). Each has population share
  a_i = n_i / Σn and relative rank b_i = (cumulative share before it) + a_i / 2, the midpoint of
  its range in the cumulative population distribution.
* Weighted least squares: y_i·√a_i = α·√a_i + β·b_i·√a_i (no other intercept), i.e. the
  quantile values regressed on b with weights a. β is the fitted difference between b = 1 and
  b = 0; α the fitted value at b = 0 (the most deprived end).
* Without ``transform``: SII = m·β, RII = (α + β)/α, and 1/RII when the multiplier m < 0.
* With ``transform`` (rates: log; proportions: logit) the regression runs on g(y) and is
  back-transformed: SII = (g⁻¹(α + β) − g⁻¹(α))·m, RII = g⁻¹(α + β)/g⁻¹(α) (inverted when
  m < 0), intercept g⁻¹(α)·|m|.
* Confidence limits by simulation: each quantile's value is drawn ``repetitions`` times from a
  normal distribution with mean the value (log or logit of it for rates and proportions, always,
  as PHE does) and standard deviation the standard error; for rates and proportions without
  ``transform`` each draw is back-transformed before the regression. The limits are the sorted
  simulated SIIs (RIIs) at positions round(R·(1 − c)) and round(R·c), c = 1 − (1 − confidence)/2.
  With ``transform`` the simulated slopes' limits are pivoted about the fitted midpoint
  α + β/2 and back-transformed, as PHE does.
* Without ``se`` the standard error is derived from the 95% limits, as PHE does:
  se = (g(upper) − g(lower)) / (2·1.959964), with g the log (rates), logit (proportions) or
  identity (other): ``lower``/``upper`` must be 95% limits whatever ``confidence`` is. A given
  ``se`` is used as it is; for rates and proportions PHE applies it on the log / logit scale.

Differences from PHE, all deliberate: one area per call; a fixed ``seed`` (numpy's generator,
so limits are reproducible here but not equal draw-for-draw to R's); the intercept is always
reported times |m| (PHE leaves it unscaled without ``transform``); with ``transform`` the limits
swap when m < 0 for rates as for proportions (PHE's rate branch tests m < 1); missing inputs give
a missing result with a note instead of an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.methods._validate import (
    _format_value,
    broadcast,
    check_choice,
    check_confidence,
    check_finite,
    check_int,
    check_non_negative,
    check_not_above,
    check_positive,
)
from stp_analytics.methods.confidence import z_value

VALUE_TYPES: tuple[str, ...] = ("other", "rate", "proportion")
"""PHE's value_type 0, 1 and 2."""

MIN_QUANTILES, MAX_QUANTILES = 5, 100
MIN_REPETITIONS = 1000
SE_CONFIDENCE = 0.95
"""PHE derives standard errors from 95% confidence limits (hard-coded in phe_sii)."""

SII_SEED = 20200
"""Default seed of the simulation, so the same inputs give the same limits."""

SII_COLUMNS: tuple[str, ...] = (
    "sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper", "intercept",
    "quantiles", "confidence", "value_type", "transform", "multiplier", "method", "note",
)

TRANSFORM_LABELS = {"other": "none", "rate": "log", "proportion": "logit"}


def _forward(values: np.ndarray, value_type: str) -> np.ndarray:
    """g: log for rates, logit for proportions, identity otherwise."""
    if value_type == "rate":
        return np.log(values)
    if value_type == "proportion":
        return np.log(values / (1 - values))
    return values


def _inverse(values: np.ndarray, value_type: str) -> np.ndarray:
    """g⁻¹: exp for rates, inverse logit for proportions, identity otherwise."""
    if value_type == "rate":
        return np.exp(values)
    if value_type == "proportion":
        return 1 / (1 + np.exp(-values))
    return values


def _check_options(
    value_type: str, transform: Any, multiplier: Any, se: Any, lower: Any, upper: Any
) -> float:
    """Arguments and options (STYLE.md order: these first). Returns the multiplier."""
    check_choice("value_type", value_type, VALUE_TYPES)
    if not isinstance(transform, (bool, np.bool_)):
        raise ParameterError(f"transform must be True or False (got {transform!r})")
    if transform and value_type == "other":
        raise ParameterError(
            "transform=True needs value_type 'rate' (log) or 'proportion' (logit) "
            "(got value_type='other')"
        )
    if transform and se is not None:
        raise ParameterError(
            "se must not be given when transform=True: PHE derives the standard errors from "
            "lower and upper on the transformed scale"
        )
    if se is None and (lower is None or upper is None):
        raise ParameterError("sii needs either se, or both lower and upper (95% limits)")
    try:
        scale = float(multiplier)
    except (TypeError, ValueError):
        raise ParameterError(
            f"multiplier must be a non-zero number (got {multiplier!r})"
        ) from None
    if not np.isfinite(scale) or scale == 0:
        raise ParameterError(f"multiplier must be a non-zero number (got {_format_value(scale)})")
    return scale


def _check_domain(
    arrays: dict[str, np.ndarray], value_type: str, index: pd.Index, minimum: int
) -> None:
    """Domain rules on the (complete or missing) inputs."""
    for name, values in arrays.items():
        check_finite(name, values, index)
    quantile = arrays["quantile"]
    if np.isnan(quantile).any():
        position = int(np.flatnonzero(np.isnan(quantile))[0])
        raise DataValidationError(f"quantile must not be missing (got NaN at position {position})")
    labels, counts = np.unique(quantile, return_counts=True)
    if (counts > 1).any():
        raise DataValidationError(
            "quantile labels must be unique within the area (quantile "
            f"{_format_value(labels[counts > 1][0])} appears {int(counts[counts > 1][0])} times)"
        )
    if not minimum <= len(labels) <= MAX_QUANTILES:
        rule = ", as PHE's phe_sii does" if minimum == MIN_QUANTILES else ""
        raise DataValidationError(
            f"sii needs between {minimum} and {MAX_QUANTILES} quantiles{rule} (got {len(labels)})"
        )
    check_positive("population", arrays["population"], index)
    if "se" in arrays:
        check_non_negative("se", arrays["se"], index)
    if "lower" in arrays:
        check_not_above("lower", arrays["lower"], "upper", arrays["upper"], "confidence interval",
                        index)
    if value_type == "rate":
        for name in ("value", "lower", "upper"):
            if name in arrays:
                check_positive(name, arrays[name], index)
    elif value_type == "proportion":
        for name in ("value", "lower", "upper"):
            if name in arrays:
                _check_open_unit(name, arrays[name], index)


def _check_open_unit(name: str, values: np.ndarray, index: pd.Index) -> None:
    """Proportions must lie strictly between 0 and 1 (their logit is taken)."""
    failed = (values <= 0) | (values >= 1)
    if failed.any():
        position = int(np.flatnonzero(failed)[0])
        raise DataValidationError(
            f"{name} must be a proportion strictly between 0 and 1 for value_type='proportion' "
            f"(its logit is taken; pass proportions, not percentages) "
            f"(got {_format_value(values[position])} at position {position})"
        )


def _result(
    values: dict[str, float], level: float, value_type: str, transform: bool, scale: float,
    quantiles: int, method: str, note: str,
) -> pd.DataFrame:
    row = {name: float(values.get(name, np.nan)) for name in SII_COLUMNS[:7]}
    row.update(
        quantiles=quantiles,
        confidence=level,
        value_type=value_type,
        transform=TRANSFORM_LABELS[value_type] if transform else "none",
        multiplier=scale,
        method=method,
        note=note,
    )
    return pd.DataFrame([row], columns=list(SII_COLUMNS))


def _method(repetitions: int) -> str:
    return (f"PHE SII (weighted least squares on relative rank; CI by simulation, "
            f"{repetitions} reps)")


def missing_sii(
    note: str,
    *,
    quantiles: int,
    value_type: str = "other",
    transform: bool = False,
    multiplier: float = 1,
    confidence: float = 0.95,
    repetitions: int = 100_000,
) -> pd.DataFrame:
    """The one-row result of :func:`sii` with every statistic missing and ``note`` saying why.

    For callers that know beforehand an SII cannot be computed (e.g. an area with no practices
    in one quintile), so that their rows keep the same columns.
    """
    return _result({}, check_confidence(confidence), value_type, transform, float(multiplier),
                   quantiles, _method(repetitions), note)


def _positions(repetitions: int, level: float) -> tuple[int, int]:
    """0-based positions of PHE's lower and upper percentiles among the sorted simulations."""
    critical = level + (1 - level) / 2
    lower = int(np.round(repetitions * (1 - critical)))  # numpy, like R, rounds half to even
    upper = int(np.round(repetitions * critical))
    return max(lower, 1) - 1, min(upper, repetitions) - 1


def sii(
    quantile: Any,
    population: Any,
    value: Any,
    *,
    value_type: str = "other",
    transform: bool = False,
    multiplier: float = 1,
    se: Any = None,
    lower: Any = None,
    upper: Any = None,
    confidence: float = 0.95,
    repetitions: int = 100_000,
    seed: int = SII_SEED,
    min_quantiles: int = MIN_QUANTILES,
) -> pd.DataFrame:
    """Slope and relative index of inequality of one area's quantiles (PHE ``phe_sii``).

    Args:
        quantile: quantile number of each row (1 = most deprived), 5 to 100 distinct numbers in
            any order; they are sorted ascending.
        population: population of each quantile (> 0).
        value: the indicator value of each quantile (a proportion in (0, 1) for
            value_type="proportion", > 0 for "rate").
        value_type: "other" (PHE 0), "rate" (1) or "proportion" (2).
        transform: fit on the log (rate) or logit (proportion) scale and back-transform
            (PHE's recommendation for rates and proportions); needs lower and upper, not se.
        multiplier: scales the SII and its limits (100 for percentage points); negative
            inverts the RII (and flips the SII's sign) for indicators where low is good.
        se: standard error of each value; when None it is derived from lower and upper.
        lower, upper: 95% confidence limits of each value (on the value's scale).
        confidence: level of the SII / RII limits, in [0.9, 1).
        repetitions: simulations for the limits (>= 1000; PHE's default 100,000).
        seed: seed of numpy's random generator (fixed, so output is deterministic).
        min_quantiles: fewest quantiles accepted: 5 as in PHE; 2 to 4 only for a caller that
            fits an area on the quantiles it has and says so (the fit is exact with 2).

    Returns:
        One-row DataFrame[sii, sii_lower, sii_upper, rii, rii_lower, rii_upper, intercept,
        quantiles, confidence, value_type, transform, multiplier, method, note]. When a value,
        population, se or limit is missing every statistic is NaN and ``note`` names the
        first missing input. An RII whose denominator (fitted value at the most deprived end)
        is zero is NaN.

    Raises:
        ParameterError: bad option (value_type, transform with se or with "other", neither se
            nor both limits, multiplier 0, confidence, repetitions < 1000, seed), or inputs of
            different lengths or not numeric.
        DataValidationError: missing or duplicated quantile labels, fewer than
            ``min_quantiles`` (5) or more than 100 quantiles, population <= 0, se < 0,
            lower > upper, a rate <= 0 or a proportion outside (0, 1).
    """
    scale = _check_options(value_type, transform, multiplier, se, lower, upper)
    level = check_confidence(confidence)
    reps = check_int("repetitions", repetitions, MIN_REPETITIONS)
    rng_seed = check_int("seed", seed, 0)
    minimum = check_int("min_quantiles", min_quantiles, 2)
    inputs: dict[str, Any] = {"quantile": quantile, "population": population, "value": value}
    if se is not None:
        inputs["se"] = se
    else:
        inputs.update(lower=lower, upper=upper)
    arrays, index = broadcast(**inputs)
    _check_domain(arrays, value_type, index, minimum)

    order = np.argsort(arrays["quantile"], kind="stable")
    data = {name: values[order] for name, values in arrays.items()}
    k = len(order)
    method = _method(reps)
    for name in ("population", "value", "se", "lower", "upper"):
        if name in data and np.isnan(data[name]).any():
            label = _format_value(data["quantile"][np.isnan(data[name])][0])
            return _result({}, level, value_type, transform, scale, k, method,
                           f"{name} missing for quantile {label}")

    share = data["population"] / data["population"].sum()
    rank = np.cumsum(share) - share / 2
    root = np.sqrt(share)
    design = np.column_stack([root, rank * root])  # columns: α·√a and β·b·√a
    observed = _forward(data["value"], value_type) if transform else data["value"]
    (alpha, beta), *_ = np.linalg.lstsq(design, root * observed, rcond=None)

    mean = _forward(data["value"], value_type)
    if se is not None:
        spread = data["se"]
    else:
        spread = (_forward(data["upper"], value_type) - _forward(data["lower"], value_type)) / (
            2 * z_value(SE_CONFIDENCE)
        )
    draws = np.random.default_rng(rng_seed).normal(mean[:, None], spread[:, None], size=(k, reps))
    if not transform:
        draws = _inverse(draws, value_type)
    hat = np.linalg.solve(design.T @ design, design.T)  # (XᵀX)⁻¹Xᵀ, as PHE's SimulationFunc
    simulated_alpha, simulated_beta = hat @ (draws * root[:, None])
    low, high = _positions(reps, level)

    with np.errstate(divide="ignore", invalid="ignore"):
        if not transform:
            estimates = {
                "sii": scale * beta,
                "rii": (alpha + beta) / alpha,
                "intercept": alpha * abs(scale),
            }
            simulated_rii = (simulated_alpha + simulated_beta) / simulated_alpha
            if scale < 0:
                estimates["rii"] = 1 / estimates["rii"]
                simulated_rii = 1 / simulated_rii
            simulated_sii = np.sort(scale * simulated_beta)
            simulated_rii = np.sort(simulated_rii)
            estimates.update(
                sii_lower=simulated_sii[low], sii_upper=simulated_sii[high],
                rii_lower=simulated_rii[low], rii_upper=simulated_rii[high],
            )
        else:
            estimates = _back_transformed(alpha, beta, np.sort(simulated_beta)[[low, high]],
                                          value_type, scale)
    estimates = {name: (number if np.isfinite(number) else np.nan)
                 for name, number in estimates.items()}
    return _result(estimates, level, value_type, transform, scale, k, method, "")


def _back_transformed(
    alpha: float, beta: float, slope_limits: np.ndarray, value_type: str, scale: float
) -> dict[str, float]:
    """SII, RII, intercept and limits from a fit on the log / logit scale (PHE transform=TRUE).

    The simulated slope limits t are pivoted about the fitted midpoint h = α + β/2: the line
    through (0, h − t/2) and (1, h + t/2) is back-transformed at both ends.
    """
    start, end = _inverse(np.array([alpha, alpha + beta]), value_type)
    middle = alpha + beta / 2
    ends = _inverse(middle + slope_limits / 2, value_type)
    starts = _inverse(middle - slope_limits / 2, value_type)
    sii_bounds = (ends - starts) * scale
    rii_bounds = ends / starts
    rii = end / start
    if scale < 0:  # the upper slope gives the lower SII, and the RII is inverted
        sii_bounds = sii_bounds[::-1]
        rii_bounds = 1 / rii_bounds[::-1]
        rii = 1 / rii
    return {
        "sii": (end - start) * scale,
        "rii": rii,
        "intercept": start * abs(scale),
        "sii_lower": sii_bounds[0],
        "sii_upper": sii_bounds[1],
        "rii_lower": rii_bounds[0],
        "rii_upper": rii_bounds[1],
    }
