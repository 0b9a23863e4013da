"""CCG (ODS code) -> the 42 ICBs of 2022, for loaders by commissioner across 2016-2019.

The same rule as the ``icb2022`` area set's CCG parts (``areas/icb2022/ccg.csv``): a CCG goes to
each ICB with the share of its 2011 LSOAs that lie there (LSOA counts, not population), each LSOA
placed by the set's LSOA lookup (ONS LSOA11 -> LOC22 -> ICB22):

* era ``ccg16``: the April 2016 CCGs (ONS LSOA11 -> CCG16 lookup);
* era ``ccg17``: the April 2017 CCGs (ONS LSOA11 -> CCG17), and each CCG formed by the April
  2018 and April 2019 mergers with the LSOAs of the CCGs it replaced (the successors table).

Loaders that sum commissioners into 2017 footprints add the same sums per ICB, as rows of area
type ``icb`` that only an ICB set reads (:mod:`stp_analytics.metrics.aggregate`, ``_native``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders.ccg_footprints import CCG16_LOOKUP_FILE, read_successors
from stp_analytics.data.loaders.trust_icb import ICB_AREA_TYPE, ICB_SET

ICB_OPTION = "icb_rows"
SPLIT_NOTE = ("CCGs mapped to the 2022 ICBs by their share of 2011 LSOAs (a CCG split between "
              "ICBs is apportioned)")


def wants_icb_rows(source) -> bool:
    """True when the catalogue asks this commissioner source for ICB rows
    (``options: {icb_rows: true}``)."""
    return bool(source.options.get(ICB_OPTION))


def ccg_icbs(successors_path: Path) -> pd.DataFrame:
    """DataFrame[era, org_code, area_code, share]: every CCG of 2016, 2017 and the 2018-19
    mergers with its ICBs and LSOA shares (shares of one CCG sum to 1)."""
    ccg17 = _ccg17_lsoas()
    successors = read_successors(successors_path)
    merged = (successors.loc[:, ["new_code", "old_code"]]
              .merge(ccg17.rename(columns={"org_code": "old_code"}), on="old_code")
              .loc[:, ["new_code", "lsoa_code"]].rename(columns={"new_code": "org_code"})
              .drop_duplicates())
    return pd.concat([_shares(_ccg16_lsoas()).assign(era="ccg16"),
                      _shares(pd.concat([ccg17, merged], ignore_index=True)).assign(era="ccg17")],
                     ignore_index=True).loc[:, ["era", "org_code", "area_code", "share"]]


def icb_rows(joined: pd.DataFrame, value_columns: list[str], by: list[str],
             flags: tuple[str, ...] = ()) -> pd.DataFrame:
    """Commissioner rows joined to :func:`ccg_icbs` summed per ICB and ``by``: each value times
    its share (NaN when no part has a value). Columns: area_type (``icb``), area_code, *by,
    *value_columns, source_row (the first), *flags (true if any part's is), split (a share below
    1 or an April 2016 CCG went into the sum)."""
    parts = joined.assign(**{c: joined[c] * joined["share"] for c in value_columns},
                          split=joined["share"].lt(1) | joined["era"].eq("ccg16"))
    grouped = parts.groupby(["area_code", *by], sort=True)
    summed = pd.concat([grouped[c].sum(min_count=1) for c in value_columns]
                       + [grouped["source_row"].min()]
                       + [grouped[f].any() for f in (*flags, "split")], axis=1)
    return summed.reset_index().assign(area_type=ICB_AREA_TYPE)


def _shares(lsoas: pd.DataFrame) -> pd.DataFrame:
    """org_code x ICB with the share of the organisation's LSOAs in the ICB."""
    placed = lsoas.assign(area_code=lsoas["lsoa_code"].map(_lsoa_icb()))
    counts = placed.groupby(["org_code", "area_code"], sort=True).size()
    share = counts / counts.groupby(level="org_code").transform("sum")
    return share.rename("share").reset_index()


@lru_cache(maxsize=1)
def _lsoa_icb() -> pd.Series:
    """LSOA11 code -> ICB code (the icb2022 set's LSOA lookup; every LSOA lies in one ICB)."""
    from stp_analytics.data.geography import load_area_set

    lookup = load_area_set(ICB_SET).part_lookup("lsoa")
    return lookup.set_index("part_code")["area_code"]


@lru_cache(maxsize=1)
def _ccg17_lsoas() -> pd.DataFrame:
    from stp_analytics.data.geography.sources import ccg_lookup, lsoa_lookup

    ods = ccg_lookup().set_index("ccg_code")["ccg_ods_code"]
    lsoas = lsoa_lookup()
    return pd.DataFrame({"org_code": lsoas["ccg_code"].map(ods), "lsoa_code": lsoas["lsoa_code"]})


@lru_cache(maxsize=1)
def _ccg16_lsoas() -> pd.DataFrame:
    from stp_analytics.paths import sources_dir

    ccg16 = pd.read_csv(sources_dir() / CCG16_LOOKUP_FILE, usecols=["LSOA11CD", "CCG16CDH"],
                        dtype=str)
    return ccg16.rename(columns={"LSOA11CD": "lsoa_code", "CCG16CDH": "org_code"})
