"""Each district's own Fingertips comparison with England, from the Trafford Data Lab extracts.

The extracts behind the approximate health indicators (values only, no counts) carry PHE's
verdict for every area in a ``significance`` or ``compared_to_England`` column (Better, Worse,
Similar, Not compared; Higher, Lower where the indicator has no polarity). The indicator
loader drops it; :func:`read_district_verdicts` keeps it:
``area_code, area_name, period, sex, value, verdict``. Bad data (neither verdict column, an
unknown verdict, a duplicated area x period x sex, a non-numeric value) raises
:class:`~stp_analytics.errors.DataValidationError` naming file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders.common import (
    check_unique,
    normalise_period,
    read_csv_checked,
    to_number,
)
from stp_analytics.data.loaders.fingertips import SEX_NAMES
from stp_analytics.data.loaders.practice_imd import first_row_error
from stp_analytics.errors import DataValidationError

VERDICT_COLUMNS = ("significance", "compared_to_England")
VERDICTS = ("Better", "Worse", "Similar", "Not compared", "Higher", "Lower")


def read_district_verdicts(path: Path, sex_column: str | None = None) -> pd.DataFrame:
    """Every area's value and published verdict against England (see module)."""
    table = read_csv_checked(path, ["area_code", "period", "value"]
                             + ([sex_column] if sex_column else []))
    found = [column for column in VERDICT_COLUMNS if column in table.columns]
    if not found:
        raise DataValidationError(
            f"no verdict column: expected one of {', '.join(VERDICT_COLUMNS)}",
            file=Path(path).name, row=1, column=VERDICT_COLUMNS[0])
    column = found[0]
    verdict = table[column].str.strip()
    unknown = ~verdict.isin(VERDICTS)
    if unknown.any():
        raise first_row_error(table, unknown, f"verdict {{value!r}} is not one of "
                              f"{', '.join(VERDICTS)}", path, column)
    sex = (table[sex_column].str.strip().str.lower().map(SEX_NAMES)
           .fillna(table[sex_column].str.strip()) if sex_column else "Persons")
    frame = pd.DataFrame({
        "area_code": table["area_code"].str.strip(),
        "area_name": table["area_name"].str.strip() if "area_name" in table else "",
        "period": table["period"].map({label: normalise_period(label)  # once per label
                                       for label in table["period"].unique()}),
        "sex": sex,
        "value": to_number(table, "value", path),
        "verdict": verdict,
        "source_row": table["source_row"],
    })
    check_unique(frame, ["area_code", "period", "sex"], path)
    return frame.drop(columns="source_row")
