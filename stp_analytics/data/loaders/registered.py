"""Registered population per 2017 footprint and England for loaders that divide by it.

QOF TOTAL list size of every practice, grouped by QOF's own STP code (it agrees with the
footprint lookup for every practice): the 2016-17 list for months before April 2017, the 2017-18
list from then on (the latest vendored; rows from April 2018 say so in a note).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import file_label, read_csv_checked, to_number
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

FIRST_2017_18_MONTH = "2017-04"
LATEST_LIST_MONTH = "2018-04"
LIST_NOTE = "population: QOF 2017/18 list sizes (latest vendored)"
QOF_COLUMNS = ("PRACTICE_CODE", "INDICATOR_GROUP_CODE", "PATIENT_LIST_TYPE", "PATIENT_LIST_SIZE")


@lru_cache(maxsize=2)
def list_sizes(year: str) -> pd.Series:
    """QOF TOTAL list size per footprint (QOF's STP code) and England (every practice)."""
    from stp_analytics.data.geography.sources import qof_list_sizes, qof_practices

    sizes = qof_list_sizes(year)
    stp = qof_practices(year).set_index("practice_code")["stp_code"]
    by_stp = sizes.groupby(sizes.index.map(stp)).sum().astype("float64")
    by_stp[ENGLAND_CODE] = float(sizes.sum())
    return by_stp


def registered_for_months(area_codes: pd.Series, months: pd.Series,
                          sizes: Callable[[str], pd.Series] = list_sizes) -> pd.Series:
    """Registered population of each (area code, YYYY-MM month) pair; NaN for unknown codes.

    ``sizes(year)`` gives the list size per area code (default: the 2017 footprints)."""
    early = (months < FIRST_2017_18_MONTH).to_numpy()
    population = pd.Series(np.nan, index=area_codes.index)
    for year, mask in (("2016/17", early), ("2017/18", ~early)):
        population[mask] = area_codes[mask].map(sizes(year)).to_numpy()
    return population


def uses_latest_list(months: pd.Series) -> pd.Series:
    """True for months that use a list size older than their year (from April 2018)."""
    return months >= LATEST_LIST_MONTH


def registered_adults(qof_path: Path, year: str) -> pd.Series:
    """Registered adults (QOF 18+ list size of the depression rows) per footprint and England.

    ``qof_path`` is a QOF prevalence file of ``year`` ("2016/17" or "2017/18"); practices are
    placed by QOF's own STP code of that year.
    """
    from stp_analytics.data.geography.sources import qof_practices

    qof = read_csv_checked(qof_path, QOF_COLUMNS)
    rows = qof[qof["INDICATOR_GROUP_CODE"].str.strip().eq("DEP")]
    wrong = rows["PATIENT_LIST_TYPE"].str.strip().ne("18OV")
    if wrong.any():
        first = rows[wrong].iloc[0]
        raise DataValidationError(
            f"depression list type {first['PATIENT_LIST_TYPE']!r}; expected '18OV' (adults)",
            file=file_label(qof_path), row=int(first["source_row"]), column="PATIENT_LIST_TYPE")
    size = to_number(rows, "PATIENT_LIST_SIZE", qof_path)
    stp = rows["PRACTICE_CODE"].str.strip().map(
        qof_practices(year).set_index("practice_code")["stp_code"])
    adults = size.groupby(stp).sum()
    adults[ENGLAND_CODE] = size.sum()
    return adults

