"""Readers for the raw geography files in ``data_catalog/sources/`` (ONS, QOF, Health Foundation).

Each reader returns a tidy DataFrame with short column names and checks the columns it relies on,
so a changed file fails with a message naming the file and the missing column. Results are cached:
each raw file is read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.paths import sources_dir

LSOA_LOOKUP_FILE = "ONS_LSOA11_CCG17_STP17_LAD17_lookup_April2017.csv.gz"
CCG_STP_FILE = "ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz"
CCG_REGION_FILE = "ONS_CCG17_to_NHSER17_region_lookup_April2017_v3.csv.gz"
LAD_COUNTY_FILE = "ONS_LAD17_to_County17_lookup_Dec2017.csv.gz"
MYE_FILE = "ONS_MYEB3_summary_components_of_change_series_UK_(2018).csv.gz"
TRUST_FILE = "HF_Trust-STP-lookup.csv.gz"
CERVICAL_FILE = "BBC_PHE_cervical_screening_coverage_by_practice_Dec2017.csv.gz"
QOF_ORG_FILES = {
    "2017/18": "QOF_ORGANISATION_REFERENCE_1718.csv.gz",
    "2016/17": "QOF_ORGANISATION_REFERENCE_1617.csv.gz",
}
QOF_PREVALENCE_FILES = {
    "2017/18": "QOF_PREVALENCE_1718.csv.gz",
    "2016/17": "QOF_PREVALENCE_1617.csv.gz",
}
MYE_YEARS = range(2001, 2019)


def _read(file_name: str, columns: dict[str, str], **read_options) -> pd.DataFrame:
    """Read ``file_name`` from the sources folder, keep ``columns`` and rename them."""
    path: Path = sources_dir() / file_name
    if not path.exists():
        raise DataValidationError("source file not found", file=str(path))
    header = pd.read_csv(path, nrows=0, **read_options).columns
    missing = [name for name in columns if name not in header]
    if missing:
        raise DataValidationError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(header)}",
            file=file_name,
        )
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, usecols=list(columns), **read_options
    )
    return frame[list(columns)].rename(columns=columns)


def check_qof_year(year: str) -> str:
    """Return ``year`` if it is a QOF year with vendored files, else raise ParameterError."""
    if year not in QOF_ORG_FILES:
        raise ParameterError(
            f"QOF year {year!r} is not available; expected one of {', '.join(QOF_ORG_FILES)}"
        )
    return year


@lru_cache(maxsize=1)
def lsoa_lookup() -> pd.DataFrame:
    """ONS LSOA11 -> CCG17 -> STP17 -> LAD17 (April 2017), one row per LSOA (32,844)."""
    return _read(
        LSOA_LOOKUP_FILE,
        {
            "LSOA11CD": "lsoa_code",
            "LSOA11NM": "lsoa_name",
            "CCG17CD": "ccg_code",
            "CCG17NM": "ccg_name",
            "STP17CD": "stp_code",
            "STP17NM": "stp_name",
            "LAD17CD": "lad_code",
            "LAD17NM": "lad_name",
        },
    )


@lru_cache(maxsize=1)
def ccg_lookup() -> pd.DataFrame:
    """ONS CCG17 -> STP17 and CCG17 -> NHS England region (April 2017), one row per CCG (207)."""
    stp = _read(
        CCG_STP_FILE,
        {
            "CCG17CD": "ccg_code",
            "CCG17CDH": "ccg_ods_code",
            "CCG17NM": "ccg_name",
            "STP17CD": "stp_code",
            "STP17NM": "stp_name",
        },
    )
    region = _read(
        CCG_REGION_FILE,
        {"CCG17CD": "ccg_code", "NHSER17CD": "region_code", "NHSER17NM": "region_name"},
    )
    merged = stp.merge(region, on="ccg_code", how="left", validate="one_to_one")
    unmatched = merged.loc[merged["region_code"].isna() | (merged["region_code"] == ""), "ccg_code"]
    if len(unmatched):
        raise DataValidationError(
            f"CCG(s) {', '.join(unmatched)} have no NHS England region", file=CCG_REGION_FILE
        )
    return merged.sort_values("ccg_code", ignore_index=True)


@lru_cache(maxsize=1)
def lad_county_lookup() -> pd.DataFrame:
    """ONS LAD17 -> county (Dec 2017) for two-tier districts (E07 -> E10)."""
    return _read(
        LAD_COUNTY_FILE,
        {"LAD17CD": "lad_code", "CTY17CD": "county_code", "CTY17NM": "county_name"},
    )


@lru_cache(maxsize=2)
def qof_practices(year: str = "2017/18") -> pd.DataFrame:
    """QOF organisation reference: practice -> CCG (E38 code as QOF gives it) -> STP."""
    return _read(
        QOF_ORG_FILES[check_qof_year(year)],
        {
            "PRACTICE_CODE": "practice_code",
            "PRACTICE_NAME": "practice_name",
            "CCG_GEOGRAPHY_CODE": "ccg_code",
            "CCG_NAME": "ccg_name",
            "STP_CODE": "stp_code",
        },
    )


@lru_cache(maxsize=2)
def qof_list_sizes(year: str = "2017/18") -> pd.Series:
    """Total registered list size per practice (QOF ``PATIENT_LIST_TYPE == "TOTAL"``).

    The prevalence file repeats the list size on every indicator-group row; the TOTAL value must
    be the same on each of a practice's rows and is taken once.
    """
    file_name = QOF_PREVALENCE_FILES[check_qof_year(year)]
    rows = _read(
        file_name,
        {
            "PRACTICE_CODE": "practice_code",
            "PATIENT_LIST_TYPE": "list_type",
            "PATIENT_LIST_SIZE": "list_size",
        },
    )
    total = rows[rows["list_type"] == "TOTAL"]
    sizes = pd.to_numeric(total["list_size"], errors="coerce")
    if sizes.isna().any():
        bad = int(sizes[sizes.isna()].index[0])
        raise DataValidationError(
            "list size is not a number", file=file_name, row=bad + 2, column="PATIENT_LIST_SIZE"
        )
    per_practice = sizes.groupby(total["practice_code"]).agg(["min", "max"])
    conflicting = per_practice.index[per_practice["min"] != per_practice["max"]]
    if len(conflicting):
        raise DataValidationError(
            f"practice {conflicting[0]} has more than one TOTAL list size",
            file=file_name,
            column="PATIENT_LIST_SIZE",
        )
    return per_practice["max"].astype("int64").rename("list_size")


@lru_cache(maxsize=1)
def cervical_screening_ccgs() -> pd.DataFrame:
    """Practice -> CCG name as PHE gave it in the cervical screening file of December 2017."""
    return _read(CERVICAL_FILE, {"Organisation.Code": "practice_code", "CCG": "ccg_name"})


@lru_cache(maxsize=1)
def trust_lookup() -> pd.DataFrame:
    """Health Foundation acute trust -> STP17 lookup (its region column is wrong and not read)."""
    return _read(
        TRUST_FILE,
        {"code": "trust_code", "Trust": "trust_name", "STP_code": "stp_code"},
        encoding="utf-8-sig",
    )


@lru_cache(maxsize=1)
def mid_year_estimates() -> pd.DataFrame:
    """ONS MYEB3 mid-year population, England LADs (2018 codes = LAD17), one column per year."""
    columns = {"ladcode18": "lad_code", "country": "country"}
    columns.update({f"population_{year}": str(year) for year in MYE_YEARS})
    frame = _read(MYE_FILE, columns)
    frame = frame[frame["country"] == "E"].drop(columns="country").set_index("lad_code")
    values = frame.apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        lad = values.index[values.isna().any(axis=1)][0]
        raise DataValidationError(f"population for {lad} is not a number", file=MYE_FILE)
    return values.astype("int64").sort_index()
