"""Readers for the raw ICB (July 2022) geography files in ``data_catalog/sources/``.

ONS LSOA11 -> sub-ICB location (LOC22) -> ICB22 -> LAD22 and LOC22 -> ICB22 -> NHS England
region lookups, the ODS practice (epraccur, February 2023) and trust (etr, December 2024) files,
and the two LSOA-count crosswalks from 2017 CCGs and districts to ICBs. Each reader keeps the
columns it relies on under short names and fails with a DataValidationError naming the file and
the missing column. Provenance: ``data_catalog/SOURCES.md``, section "ICB geography (2022)".
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from stp_analytics.data.geography.sources import _read
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import sources_dir

LSOA_ICB_FILE = "ONS_LSOA11_LOC22_ICB22_LAD22_lookup_July2022.csv.gz"
LOC_ICB_FILE = "ONS_LOC22_ICB22_NHSER22_lookup_July2022.csv.gz"
EPRACCUR_FILE = "NHSD_ODS_epraccur_2023-02.csv.gz"
ETR_FILE = "NHSD_ODS_etr_trusts_2024-12.csv.gz"
CCG_ICB_FILE = "ICB22_from_STP17_CCG17_LSOA11_crosswalk.csv.gz"
LAD_ICB_FILE = "ICB22_LAD17_LAD22_LSOA11_crosswalk.csv.gz"
#: ODS standard files have 27 fields and no header row (positions from the ODS specification)
ODS_FIELDS = 27


@lru_cache(maxsize=1)
def lsoa_icb_lookup() -> pd.DataFrame:
    """ONS LSOA11 -> LOC22 -> ICB22 -> LAD22 (July 2022), one row per LSOA (32,844)."""
    return _read(
        LSOA_ICB_FILE,
        {
            "LSOA11CD": "lsoa_code",
            "LSOA11NM": "lsoa_name",
            "LOC22CD": "loc_code",
            "ICB22CD": "icb_code",
            "LAD22CD": "lad22_code",
        },
    )


@lru_cache(maxsize=1)
def loc_icb_lookup() -> pd.DataFrame:
    """ONS LOC22 -> ICB22 -> NHS England region (July 2022), one row per sub-ICB location (106)."""
    return _read(
        LOC_ICB_FILE,
        {
            "LOC22CD": "loc_code",
            "LOC22CDH": "loc_ods_code",
            "LOC22NM": "loc_name",
            "ICB22CD": "icb_code",
            "ICB22CDH": "icb_ods_code",
            "ICB22NM": "icb_name",
            "NHSER22CD": "region_code",
            "NHSER22NM": "region_name",
        },
        encoding="utf-8-sig",
    )


def _read_ods(file_name: str, columns: dict[int, str]) -> pd.DataFrame:
    """An ODS standard file (no header; 27 fields): keep the fields named by position (0-based)."""
    path = sources_dir() / file_name
    if path.exists():
        width = pd.read_csv(path, nrows=1, header=None, dtype=str).shape[1]
        if width != ODS_FIELDS:
            raise DataValidationError(
                f"expected the {ODS_FIELDS} fields of an ODS standard file, found {width}",
                file=file_name,
                row=1,
            )
    return _read(file_name, columns, header=None)


@lru_cache(maxsize=1)
def epraccur() -> pd.DataFrame:
    """ODS GP practices, February 2023: code, name, ICB ODS code, close date, status, and
    commissioner (the sub-ICB location's ODS code, ``LOC22CDH``)."""
    return _read_ods(
        EPRACCUR_FILE,
        {
            0: "practice_code",
            1: "practice_name",
            3: "icb_ods_code",
            11: "close_date",
            12: "status",
            14: "commissioner",
        },
    )


@lru_cache(maxsize=1)
def etr() -> pd.DataFrame:
    """ODS NHS trusts, about December 2024: code, name and the ICB ODS code of the headquarters."""
    return _read_ods(ETR_FILE, {0: "trust_code", 1: "trust_name", 3: "icb_ods_code"})


def _counts(file_name: str, columns: dict[str, str]) -> pd.DataFrame:
    frame = _read(file_name, {**columns, "n_lsoa11": "lsoas"})
    lsoas = pd.to_numeric(frame["lsoas"], errors="coerce")
    bad = lsoas.isna() | (lsoas <= 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataValidationError(
            f"n_lsoa11 must be a positive whole number, found {frame['lsoas'].iloc[row]!r}",
            file=file_name,
            row=row + 2,
            column="n_lsoa11",
        )
    return frame.assign(lsoas=lsoas.astype("int64"))


@lru_cache(maxsize=1)
def ccg_icb_crosswalk() -> pd.DataFrame:
    """CCG17 -> LOC22 -> ICB22 with the number of 2011 LSOAs in each overlap (213 rows)."""
    return _counts(
        CCG_ICB_FILE,
        {"CCG17CD": "ccg_code", "CCG17NM": "ccg_name", "LOC22CD": "loc_code",
         "ICB22CD": "icb_code"},
    )


@lru_cache(maxsize=1)
def lad_icb_crosswalk() -> pd.DataFrame:
    """LAD17 x LAD22 -> ICB22 with the number of 2011 LSOAs in each overlap (337 rows)."""
    return _counts(
        LAD_ICB_FILE,
        {"LAD17CD": "lad_code", "LAD17NM": "lad_name", "LAD22CD": "lad22_code",
         "ICB22CD": "icb_code"},
    )
