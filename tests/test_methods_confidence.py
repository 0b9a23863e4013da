"""Byar's and Wilson limits against PHEindicatormethods' byars_wilson workbook."""

import numpy as np
import pandas as pd
import pytest
from phe_reference import PHE

from stp_analytics.methods.confidence import (
    byars_lower,
    byars_upper,
    exact_lower,
    exact_upper,
    poisson_limits,
    z_value,
)
from stp_analytics.methods.proportions import wilson_limits

CASES = pd.read_csv(PHE / "byars_wilson.csv")


def _level(text: str) -> float:
    return float(text.rstrip("%")) / 100


@pytest.mark.parametrize("row", CASES.to_dict("records"), ids=lambda r: f"{r['method']}-{r['x']}")
def test_byars_wilson_reference_row(row):
    level = _level(row["confidence"])
    if row["method"] == "Byars":
        lower = byars_lower(np.array([row["x"]]), level)
        upper = byars_upper(np.array([row["x"]]), level)
    else:
        lower, upper = wilson_limits(np.array([row["x"]]), np.array([row["n"]]), level)
    expected = np.array([row["lowercl"], row["uppercl"]], dtype=float)
    np.testing.assert_allclose([lower[0], upper[0]], expected, rtol=1e-9, equal_nan=True)


def test_z_values():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


def test_exact_limits_at_zero_and_missing():
    lower = exact_lower(np.array([0.0, np.nan, 3.0]), 0.95)
    upper = exact_upper(np.array([0.0, np.nan, 3.0]), 0.95)
    assert lower[0] == 0
    assert np.isnan(lower[1]) and np.isnan(upper[1])
    assert upper[0] == pytest.approx(3.688879, abs=1e-6)  # chi2(0.975, 2) / 2
    assert 0 < lower[2] < 3 < upper[2]


def test_poisson_limits_switch_from_exact_to_byars_at_ten():
    lower, upper, method = poisson_limits(np.array([9.0, 10.0, np.nan]), 0.95)
    assert list(method) == ["Exact", "Byars", ""]
    assert lower[1] == pytest.approx(byars_lower(np.array([10.0]))[0])
    assert np.isnan(lower[2])


def test_bad_confidence_is_refused():
    with pytest.raises(ValueError, match="confidence must be between 0.9 and 1"):
        z_value(95)
