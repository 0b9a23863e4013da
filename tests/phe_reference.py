"""PHEindicatormethods' reference workbooks (tests/reference/phe) as the methods tests read them."""

from pathlib import Path

import numpy as np

PHE = Path(__file__).parent / "reference" / "phe"
"""Folder of the reference CSVs exported from PHEindicatormethods' test workbooks."""

LEVELS = {0.95: ("lower95_0cl", "upper95_0cl"), 0.998: ("lower99_8cl", "upper99_8cl")}
"""Confidence level -> the workbook's (lower, upper) limit columns."""


def assert_close(actual, expected) -> None:
    """Equal to the workbook within a relative 1e-9, missing where the workbook is missing."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float),
        np.asarray(expected, dtype=float),
        rtol=1e-9,
        equal_nan=True,
    )
