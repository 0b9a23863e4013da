"""NHS workforce statistics: total staff FTE of the footprint's NHS trusts, monthly.

File: a derived extract of sheet "5. All Staff, NHSE & Org - FTE" of NHS Digital's "NHS Workforce
Statistics, March 2025 England and Organisation" workbook: ``sheet_row`` (row in the sheet),
``organisation_code``, ``organisation_name`` and one column per month-end (``YYYY-MM``), every
organisation row plus England (code ``ENGLAND``). The organisations sum exactly to England.

The trust -> footprint lookup is data (``lookup_file``: ``trust_code, trust_name, area_code,
icb22_code, hq_postcode, basis``). Ambulance trusts have no footprint (they serve several) and
are set aside and counted, as are clinical commissioning groups (not trusts), organisations with
no staff in the months kept, and the file's England row (it counts CCGs and ambulance trusts
too). England is the sum over every trust the lookup maps, i.e. all NHS trusts in the file
except ambulance trusts, so footprints and England count the same kind of organisation.
An organisation with staff that is in neither the lookup nor a CCG is an error.

With ``icb_lookup_file`` the same kept trusts are also summed per ICB (``trust_icb.py``; per
1,000 over the ICB's registered patients).

Indicators select ``per_1000: true`` for FTE per 1,000 registered patients (QOF list size),
otherwise the FTE itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_not_negative,
    check_unique,
    file_label,
    observations_frame,
    read_csv_checked,
    require_options,
    to_number,
)
from stp_analytics.data.loaders.registered import (
    LIST_NOTE,
    registered_for_months,
    uses_latest_list,
)
from stp_analytics.data.loaders.trust_icb import (
    ICB_AREA_TYPE,
    icb_list_sizes,
    icb_lookup,
    icb_sums,
)
from stp_analytics.data.loaders.trust_lookup import read_trust_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

SOURCE_ENGLAND = "ENGLAND"
ID_COLUMNS = ("sheet_row", "organisation_code", "organisation_name")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
CCG_NAME = re.compile(r"^NHS .* CCG$")


@register_loader("workforce_fte")
def load_workforce(path: Path, source, indicators: list) -> pd.DataFrame:
    """Staff FTE (and per 1,000 registered) per footprint and England, one row per month."""
    require_options(source.options, ["lookup_file"], source.id)
    table = read_csv_checked(path, ID_COLUMNS)
    table["organisation_code"] = table["organisation_code"].str.strip()
    months = [c for c in table.columns if MONTH.fullmatch(c)]
    if not months:
        raise DataValidationError("no month columns (YYYY-MM) after the id columns",
                                  file=file_label(path), row=1)
    check_unique(table, ["organisation_code"], path, column="organisation_code")
    for month in months:
        check_not_negative(table, to_number(table, month, path), month, path)
    long = _long(table, months, path)
    lookup = read_trust_lookup(source.resolve(str(source.options["lookup_file"])))
    long = _classify(long, lookup, path)
    rows = _footprints_and_england(long)
    icbs = icb_lookup(source)
    if icbs is not None:
        kept = long[long["set_aside"].eq("")]
        rows = pd.concat([rows, icb_sums(kept, "organisation_code", ["period"], ["fte"], icbs)],
                         ignore_index=True)
    icb = rows["area_type"].eq(ICB_AREA_TYPE).to_numpy()
    frames = []
    for indicator in indicators:
        per_1000 = bool(indicator.select.get("per_1000"))
        denominator: object = np.nan
        note: object = ""
        if per_1000:
            denominator = np.where(
                icb, registered_for_months(rows["area_code"], rows["period"], icb_list_sizes),
                registered_for_months(rows["area_code"], rows["period"]))
            note = np.where(uses_latest_list(rows["period"]), LIST_NOTE, "")
        frame = observations_frame(
            indicator=indicator.id, area_type=rows["area_type"], area_code=rows["area_code"],
            period=rows["period"], numerator=rows["fte"], denominator=denominator,
            source_row=rows["source_row"], set_aside=rows["set_aside"], note=note)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _long(table: pd.DataFrame, months: list[str], path: Path) -> pd.DataFrame:
    """One row per organisation and month with its FTE."""
    values = pd.DataFrame({m: to_number(table, m, path) for m in months}, index=table.index)
    ids = table.loc[:, ["organisation_code", "organisation_name", "source_row"]]
    long = pd.concat([ids, values], axis=1).melt(
        id_vars=["organisation_code", "organisation_name", "source_row"], value_vars=months,
        var_name="period", value_name="fte")
    return long


def _classify(long: pd.DataFrame, lookup: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Attach each row's footprint or the reason it is set aside; error on unknown codes."""
    code = long["organisation_code"]
    area = code.map(lookup.set_index("trust_code")["area_code"])
    basis = code.map(lookup.set_index("trust_code")["basis"])
    reason = pd.Series("", index=long.index, dtype="object")
    reason[code.eq(SOURCE_ENGLAND)] = ("England row of the file (counts CCGs and ambulance "
                                       "trusts too): England here is the sum of the trusts")
    reason[area.eq("")] = "trust with no footprint: " + basis[area.eq("")].fillna("")
    ccg = area.isna() & long["organisation_name"].str.strip().str.match(CCG_NAME)
    reason[ccg] = "clinical commissioning group (not a trust)"
    unmapped = area.isna() & reason.eq("")
    staffed = long.loc[unmapped].groupby("organisation_code")["fte"].sum()
    if (staffed > 0).any():
        first = long[unmapped & code.isin(staffed.index[staffed > 0])].iloc[0]
        raise DataValidationError(
            f"unknown organisation code {first['organisation_code']!r} "
            f"({first['organisation_name']}) has staff but is neither in the trust lookup nor "
            "a CCG", file=file_label(path), row=int(first["source_row"]),
            column="organisation_code")
    reason[unmapped] = "no staff in the months kept"
    return long.assign(area_code=area, set_aside=reason)


def _footprints_and_england(long: pd.DataFrame) -> pd.DataFrame:
    """Sums per footprint and month, England as the sum of every mapped trust, and the rows
    set aside (kept, with their reasons, so validate counts them)."""
    kept = long[long["set_aside"].eq("")]
    by_area = kept.groupby(["area_code", "period"], sort=True).agg(
        fte=("fte", "sum"), source_row=("source_row", "min")).reset_index()
    by_area["area_type"] = "stp"
    england = kept.groupby("period", sort=True).agg(
        fte=("fte", "sum"), source_row=("source_row", "min")).reset_index()
    england = england.assign(area_code=ENGLAND_CODE, area_type="england")
    aside = long[long["set_aside"].ne("")].assign(
        area_code=long["organisation_code"], area_type="trust")
    columns = ["area_type", "area_code", "period", "fte", "source_row", "set_aside"]
    result = pd.concat([by_area.assign(set_aside=""), england.assign(set_aside=""),
                        aside], ignore_index=True)
    return result.loc[:, columns]
