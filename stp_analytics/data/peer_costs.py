"""NHS England Trust Peer Finder inputs (2019/20): each trust's operating expenses, market forces
factor and activity, for the finance chapter's efficiency context.

File: ``data_catalog/sources/NHSE_trust_peer_finder_Raw_data_1920.csv.gz`` (the ``Raw Data``
sheet saved as CSV; provenance in data_catalog/SOURCES.md). Columns used: ``Procode`` (ODS
trust code), ``Patients`` and ``Attendances`` (activity counts), ``Operating Expenses`` (£000,
published as negative numbers) and ``MFF payment index`` (the market forces factor, >= 1).
Every trust of the file must be in the trust lookup (``areas/nhs_trust_footprint.csv``), whose
``basis`` says which trusts are acute (the Health Foundation's acute trust lookup).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import (
    check_unique,
    file_label,
    read_csv_checked,
    to_number,
)
from stp_analytics.data.loaders.trust_lookup import read_trust_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

PEER_FINDER_FILE = "NHSE_trust_peer_finder_Raw_data_1920.csv.gz"
LOOKUP_FILE = "areas/nhs_trust_footprint.csv"
PERIOD = "2019/20"
COLUMNS = ("Procode", "Patients", "Attendances", "Operating Expenses", "MFF payment index")
ACUTE_BASIS = "acute trust"


def _first_bad(table: pd.DataFrame, bad: pd.Series, message: str, column: str,
               path: Path) -> None:
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(message, file=file_label(path),
                                  row=int(table["source_row"].iloc[position]), column=column)


def read_peer_costs(path: Path | None = None, lookup_path: Path | None = None) -> pd.DataFrame:
    """DataFrame[trust_code, trust_name, area_code, icb22_code, acute, patients, attendances,
    operating_expenses_gbp, mff_index, source_row]: one row per trust of the file.

    ``operating_expenses_gbp`` is positive £ (the file's negative £000 turned round). Errors
    (:class:`DataValidationError` naming file, row and column): a missing column, a value that
    is not a number, a duplicated trust, a trust not in the lookup, a market forces factor not
    above zero, activity not above zero, operating expenses that are not an expense (>= 0).
    """
    path = path or data_catalog_dir() / "sources" / PEER_FINDER_FILE
    table = read_csv_checked(path, COLUMNS, usecols=COLUMNS)
    table["Procode"] = table["Procode"].str.strip()
    check_unique(table, ["Procode"], path, column="Procode")
    numbers = {column: to_number(table, column, path) for column in COLUMNS[1:]}
    for column, values in numbers.items():
        _first_bad(table, values.isna(), "value missing", column, path)
    for column in ("Patients", "Attendances", "MFF payment index"):
        _first_bad(table, numbers[column] <= 0, f"{column} must be above zero", column, path)
    _first_bad(table, numbers["Operating Expenses"] >= 0,
               "operating expenses must be negative (an expense, £000)", "Operating Expenses",
               path)
    lookup = read_trust_lookup(lookup_path or data_catalog_dir() / LOOKUP_FILE).set_index(
        "trust_code")
    known = table["Procode"].isin(lookup.index)
    _first_bad(table, ~known, f"unknown trust code {table.loc[~known, 'Procode'].head(1).tolist()}"
               " (not in the trust lookup)", "Procode", path)
    rows = lookup.reindex(table["Procode"])
    return pd.DataFrame({
        "trust_code": table["Procode"].to_numpy(),
        "trust_name": rows["trust_name"].to_numpy(),
        "area_code": rows["area_code"].fillna("").to_numpy(),
        "icb22_code": rows["icb22_code"].fillna("").to_numpy(),
        "acute": rows["basis"].fillna("").str.startswith(ACUTE_BASIS).to_numpy(),
        "patients": numbers["Patients"].to_numpy(),
        "attendances": numbers["Attendances"].to_numpy(),
        "operating_expenses_gbp": -numbers["Operating Expenses"].to_numpy() * 1000.0,
        "mff_index": numbers["MFF payment index"].to_numpy(),
        "source_row": table["source_row"].to_numpy(),
    })


__all__ = ["PERIOD", "read_peer_costs"]
