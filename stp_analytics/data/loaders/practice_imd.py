"""Reader for the practice deprivation score: Fingertips indicator 93553 by GP practice.

:func:`read_practice_imd` turns the Fingertips export of "Deprivation score (IMD 2019)" by GP
practice into ``practice_code, practice_name, imd_score`` (England rows left out). Every practice
row must carry a number >= 0 and a practice code may appear once; otherwise a
:class:`~stp_analytics.errors.DataValidationError` names the file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_unique, file_label, read_csv_checked, to_number
from stp_analytics.errors import DataValidationError

PRACTICE_IMD_FILE = "OHID_fingertips_93553_IMD2019_score_by_GP_practice.csv.gz"
IMD_INDICATOR_ID = "93553"
PRACTICE_AREA_TYPE = "GP"


def first_row_error(table: pd.DataFrame, failed: pd.Series, problem: str, path: Path,
                     column: str) -> DataValidationError:
    """The error for the first row where ``failed`` is True ({value} = that row's cell)."""
    position = int(np.flatnonzero(failed.to_numpy())[0])
    return DataValidationError(problem.format(value=table[column].iloc[position]),
                               file=file_label(path), row=int(table["source_row"].iloc[position]),
                               column=column)


def read_practice_imd(path: Path) -> pd.DataFrame:
    """Practice IMD 2019 scores from a Fingertips 93553 export (one row per practice)."""
    table = read_csv_checked(path, ["Indicator ID", "Area Code", "Area Name", "Area Type",
                                    "Value"])
    wrong = table["Indicator ID"].str.strip() != IMD_INDICATOR_ID
    if wrong.any():
        raise first_row_error(table, wrong, f"indicator {{value!r}} is not {IMD_INDICATOR_ID} "
                               "(Deprivation score (IMD 2019))", path, "Indicator ID")
    practices = table[table["Area Type"].str.strip() == PRACTICE_AREA_TYPE].copy()
    if practices.empty:
        raise DataValidationError(f"no rows with Area Type {PRACTICE_AREA_TYPE!r} (GP practices)",
                                  file=file_label(path), column="Area Type")
    practices["Area Code"] = practices["Area Code"].str.strip()
    check_unique(practices, ["Area Code"], path)
    score = to_number(practices, "Value", path)
    blank = score.isna().to_numpy()
    if blank.any():
        raise first_row_error(practices, pd.Series(blank), "deprivation score is blank "
                               "(every practice needs a score)", path, "Value")
    negative = (score < 0).to_numpy()
    if negative.any():
        raise first_row_error(practices, pd.Series(negative), "deprivation score {value} is "
                               "below zero (IMD scores are 0 or more)", path, "Value")
    return pd.DataFrame({
        "practice_code": practices["Area Code"].to_numpy(),
        "practice_name": practices["Area Name"].to_numpy(),
        "imd_score": score.to_numpy(dtype=float),
    })
