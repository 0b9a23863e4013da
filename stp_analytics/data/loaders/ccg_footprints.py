"""CCG (ODS code) -> 2017 footprint for files by commissioner across the 2016-2019 CCG changes.

* era ``ccg16``: the April 2016 CCGs, each apportioned to the 2017 footprints by the population
  of its LSOAs (ONS LSOA11 -> CCG16 lookup; LSOA population = its April 2017 district's ONS
  mid-2016 population shared equally by the district's LSOAs);
* era ``ccg17``: the April 2017 CCGs (ONS CCG17 -> STP17, share 1) and the CCGs formed by the
  April 2018 and April 2019 mergers (the successors table, each merger lying in one footprint).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders.common import file_label, read_csv_checked
from stp_analytics.errors import DataValidationError

SUCCESSOR_COLUMNS = ("new_code", "new_name", "first_month", "old_code", "old_name")
CCG16_LOOKUP_FILE = "ONS_LSOA11_CCG16_LAD16_lookup_April2016.csv.gz"


def ccg_footprints(successors_path: Path) -> pd.DataFrame:
    """DataFrame[era, org_code, area_code, share]: see the module docstring."""
    from stp_analytics.data.geography.sources import ccg_lookup

    ccg17 = ccg_lookup()
    whole = pd.DataFrame({"org_code": ccg17["ccg_ods_code"], "area_code": ccg17["stp_code"],
                          "share": 1.0})
    successors = read_successors(successors_path)
    merged = successors.drop_duplicates("new_code").rename(columns={"new_code": "org_code"})
    ccg17_era = pd.concat([whole, merged.loc[:, ["org_code", "area_code"]].assign(share=1.0)],
                          ignore_index=True).assign(era="ccg17")
    return pd.concat([ccg16_shares().assign(era="ccg16"), ccg17_era], ignore_index=True)


def read_successors(successors_path: Path) -> pd.DataFrame:
    """The 2018 and 2019 CCG mergers (``new_code``, ``old_code``, ``source_row``, ..., and the
    2017 footprint ``area_code``), each old code an April 2017 CCG and each merger inside one
    footprint; else an error naming the row."""
    from stp_analytics.data.geography.sources import ccg_lookup

    ccg17 = ccg_lookup()
    successors = read_csv_checked(successors_path, SUCCESSOR_COLUMNS)
    successors["old_code"] = successors["old_code"].str.strip()
    successors["new_code"] = successors["new_code"].str.strip()
    stp_of = ccg17.set_index("ccg_ods_code")["stp_code"]
    successors["area_code"] = successors["old_code"].map(stp_of)
    unknown = successors["area_code"].isna()
    if unknown.any():
        first = successors[unknown].iloc[0]
        raise DataValidationError(f"old CCG {first['old_code']!r} is not an April 2017 CCG",
                                  file=file_label(successors_path),
                                  row=int(first["source_row"]), column="old_code")
    spread = successors.groupby("new_code")["area_code"].nunique()
    if (spread > 1).any():
        raise DataValidationError(f"merged CCG {spread[spread > 1].index[0]!r} spans more than "
                                  "one footprint", file=file_label(successors_path),
                                  column="old_code")
    return successors


@lru_cache(maxsize=1)
def ccg16_shares() -> pd.DataFrame:
    """April 2016 CCG (ODS code) -> 2017 footprint with the population share of its LSOAs.

    LSOA population: its April 2017 district's ONS mid-2016 population over the district's
    LSOAs (no LSOA populations are vendored). Shares of one CCG sum to 1.
    """
    from stp_analytics.data.geography.population import lad_population
    from stp_analytics.data.geography.sources import lsoa_lookup
    from stp_analytics.paths import sources_dir

    lsoas = lsoa_lookup().loc[:, ["lsoa_code", "stp_code", "lad_code"]]
    ccg16 = pd.read_csv(sources_dir() / CCG16_LOOKUP_FILE,
                        usecols=["LSOA11CD", "CCG16CDH"], dtype=str)
    lsoas = lsoas.merge(ccg16.rename(columns={"LSOA11CD": "lsoa_code", "CCG16CDH": "org_code"}),
                        on="lsoa_code", validate="one_to_one")
    per_lsoa = lad_population(2016) / lsoas.groupby("lad_code").size()
    lsoas["people"] = lsoas["lad_code"].map(per_lsoa)
    people = lsoas.groupby(["org_code", "stp_code"], sort=True)["people"].sum()
    share = (people / people.groupby(level="org_code").transform("sum")).rename("share")
    return share.reset_index().rename(columns={"stp_code": "area_code"})


def join_ccg_footprints(ccgs: pd.DataFrame, lookup: pd.DataFrame, path: Path, *,
                        code_column: str, period_column: str, what: str = "CCG",
                        period_word: str = "") -> pd.DataFrame:
    """``ccgs`` (with ``era`` and ``org_code``) joined to :func:`ccg_footprints`' lookup; a code
    the lookup does not know is an error naming the file, its row and ``code_column``."""
    joined = ccgs.merge(lookup, on=["era", "org_code"], how="left")
    unknown = joined["area_code"].isna()
    if unknown.any():
        first = joined[unknown].iloc[0]
        raise DataValidationError(
            f"unknown {what} code {first['org_code']!r} in {period_word}{first[period_column]} "
            "(not an April 2016 or 2017 CCG, nor a merged CCG in the successors table)",
            file=file_label(path), row=int(first["source_row"]), column=code_column)
    return joined
