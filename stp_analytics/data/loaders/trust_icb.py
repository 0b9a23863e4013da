"""Trust-level sources re-aggregated to the 42 ICBs of 2022 (area set ``icb2022``).

The trust loaders (workforce, sickness absence, bed sitreps) sum trusts into 2017 footprints
themselves. With the source option ``icb_lookup_file`` (``areas/icb2022/nhs_trust.csv``: every
trust -> the ICB of its **ODS headquarters**, catchment proportions not used) they also emit the
same sums per ICB, as observations of area type ``icb``. Only a set whose ``area_type`` is
``icb`` reads those rows (``metrics/aggregate.py``, ``_native``), so ``stp2017`` stores are
unchanged. A trust kept for the footprints but with no ICB (not in the ICB lookup, or blank there
with its basis) is set aside for the ICBs and counted, with its reason.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import file_label
from stp_analytics.data.loaders.trust_lookup import read_trust_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

ICB_OPTION = "icb_lookup_file"
ICB_SET = "icb2022"
ICB_AREA_TYPE = "icb"
NOT_IN_LOOKUP = "trust not in the ICB trust lookup (icb2022)"


def icb_lookup(source) -> pd.DataFrame | None:
    """The trust -> ICB lookup named by the source's ``icb_lookup_file`` option, or None; an
    ``area_code`` that is neither blank nor an ICB of ``icb2022`` is an error naming the row."""
    name = source.options.get(ICB_OPTION)
    if not name:
        return None
    path = source.resolve(str(name))
    lookup = read_trust_lookup(path)
    known = set(icb_codes())
    unknown = lookup["area_code"].ne("") & ~lookup["area_code"].isin(known)
    if unknown.any():
        first = lookup[unknown].iloc[0]
        raise DataValidationError(f"unknown ICB code {first['area_code']!r} (not an area of "
                                  f"{ICB_SET})", file=file_label(path),
                                  row=int(first["source_row"]), column="area_code")
    return lookup


@lru_cache(maxsize=1)
def icb_codes() -> tuple[str, ...]:
    """The 42 ICB codes of the ``icb2022`` set (E54...)."""
    from stp_analytics.data.geography import load_area_set

    return tuple(load_area_set(ICB_SET).areas["area_code"])


def icb_sums(rows: pd.DataFrame, code: str, by: list[str], sums: list[str],
             lookup: pd.DataFrame) -> pd.DataFrame:
    """Sums of ``sums`` per ICB and ``by`` over the trusts of ``rows`` (the rows the footprint
    sums kept, with ``source_row``); trusts with no ICB come back as ``area_type`` ``trust``
    rows with a ``set_aside`` reason. Columns: area_type, area_code, *by, *sums, source_row,
    set_aside."""
    table = lookup.set_index("trust_code")
    area = rows[code].map(table["area_code"])
    reason = pd.Series(np.where(area.isna(), NOT_IN_LOOKUP,
                                "trust with no ICB: " + rows[code].map(table["basis"]).fillna("")),
                       index=rows.index)
    mapped = area.notna() & area.ne("")
    summed = (rows[mapped].assign(area_code=area[mapped])
              .groupby(["area_code", *by], sort=True)
              .agg(**{c: (c, "sum") for c in sums}, source_row=("source_row", "min"))
              .reset_index().assign(area_type=ICB_AREA_TYPE, set_aside=""))
    aside = rows[~mapped].assign(area_type="trust", area_code=rows.loc[~mapped, code],
                                 set_aside=reason[~mapped])
    columns = ["area_type", "area_code", *by, *sums, "source_row", "set_aside"]
    return pd.concat([summed.loc[:, columns], aside.loc[:, columns]], ignore_index=True)


@lru_cache(maxsize=2)
def icb_list_sizes(year: str) -> pd.Series:
    """QOF TOTAL list size per ICB (practices by the icb2022 practice lookup of that QOF year,
    set-aside practices in none) and England (every practice)."""
    from stp_analytics.data.geography import load_area_set
    from stp_analytics.data.geography.sources import qof_list_sizes

    sizes = qof_list_sizes(year)
    lookup = load_area_set(ICB_SET).part_lookup("practice", year)
    placed = lookup["part_code"].map(sizes) * lookup["share"]
    by_icb = placed.groupby(lookup["area_code"]).sum().astype("float64")
    by_icb[ENGLAND_CODE] = float(sizes.sum())
    return by_icb
