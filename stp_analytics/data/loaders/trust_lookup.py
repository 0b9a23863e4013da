"""The NHS trust -> 2017 footprint lookup kept as data (``areas/nhs_trust_footprint.csv``).

One row per trust (acute, mental health, community, specialist, ambulance): ``trust_code,
trust_name, area_code, icb22_code, hq_postcode, basis``; a blank ``area_code`` means the trust is
deliberately not mapped (ambulance trusts serve several footprints) and ``basis`` says why.
Loaders of trust-level files that aggregate to footprints themselves read it with
:func:`read_trust_lookup`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders.common import check_unique, read_csv_checked

LOOKUP_COLUMNS = ("trust_code", "trust_name", "area_code", "basis")


def read_trust_lookup(path: Path) -> pd.DataFrame:
    """The lookup with stripped codes; a trust listed twice is an error naming both rows."""
    lookup = read_csv_checked(path, LOOKUP_COLUMNS)
    lookup["trust_code"] = lookup["trust_code"].str.strip()
    lookup["area_code"] = lookup["area_code"].str.strip()
    check_unique(lookup, ["trust_code"], path, column="trust_code")
    return lookup
