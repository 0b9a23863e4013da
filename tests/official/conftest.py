"""Shared fixtures for the official-layout tests: each vendored sample is read once a session."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import pytest

from stp_analytics.data.official import OfficialFile, read_official
from stp_analytics.paths import data_catalog_dir

SAMPLES = {
    "rtt_legacy": "NHSE_RTT_incomplete_commissioner_May-2015_revised__"
                  "Incomplete-Commissioner-May15-revised-XLS-2102K.xls.gz",
    "rtt_current": "NHSE_RTT_admitted_commissioner_Dec-2024_revised__"
                   "Admitted-Commissioner-Dec24-XLSX-2M-revised.xlsx.gz",
    "cwt": "NHSE_CWT_CRS_provider_data_extract_Oct-2024_to_Mar-2025__"
           "CWT-CRS-Oct-2024-to-Mar-2025-Data-Extract-Provider.xlsx.gz",
    "dm01": "NHSE_DM01_diagnostics_provider_web_file_March-2025__"
            "Monthly-Diagnostics-Web-File-Provider-March-2025_SW40K.xls.gz",
    "ae": "NHSE_AE_monthly_CSV_by_provider_March-2025__Monthly-AE-March-2025.csv.gz",
    "ambsys_csv": "NHSE_AmbSYS_CSV_extract_Aug-2017_from_artemchumakk_sixminutes.csv.gz",
    "ambsys_xlsx": "NHSE_AmbSYS_time_series_to_Aug-2025__AmbSYS-Time-Series-until-20250831.xlsx.gz",
    "kh03": "NHSE_KH03_beds_open_overnight_Q4-2024-25__Beds-Open-Overnight-Web_File-Q4-2024-25"
            ".xlsx.gz",
    "workforce": "NHSD_workforce_statistics_England_and_Organisation_March-2025.xlsx.gz",
    "epraccur": "NHSD_ODS_epraccur_Dec-2019_psychty.csv.gz",
    "registered": "NHSD_gp-reg-pat-prac-all_Jan-2021.csv.gz",
    "fingertips": "OHID_fingertips_93553_IMD2019_score_by_GP_practice.csv.gz",
}


def sample_path(key: str) -> Path:
    """The vendored sample file for ``key``."""
    return data_catalog_dir() / "official_samples" / SAMPLES[key]


@functools.cache
def read_sample(key: str) -> OfficialFile:
    """The sample read by its detected layout's reader (once per test session)."""
    return read_official(sample_path(key))


def unzipped(key: str, folder: Path) -> Path:
    """The sample decompressed into ``folder`` (its name without .gz), for editing in tests."""
    target = folder / SAMPLES[key].removesuffix(".gz")
    target.write_bytes(gzip.decompress(sample_path(key).read_bytes()))
    return target


@pytest.fixture(scope="module")
def samples():
    """Access to the session-cached samples: ``samples("dm01")``."""
    return read_sample
