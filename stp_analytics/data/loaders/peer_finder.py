"""NHS England Trust Peer Finder inputs (2019/20): staff sickness absence of the footprint's trusts.

File: the ``Raw Data`` sheet saved as CSV, one row per acute, mental health or community trust
(``Procode``) with ``FTE staff`` and ``Absence Rate`` (a fraction). A footprint's absence rate is
the FTE-weighted mean of its trusts' rates: numerator ``rate x FTE`` (FTE lost), denominator FTE,
so the catalogue's ``statistic: mean`` gives their ratio. England is every trust of the file
(the file has no ambulance trusts). Trusts go to footprints with the trust lookup
(``lookup_file``); a trust not in it is an error. With ``icb_lookup_file`` the same trusts are
also summed per ICB (``trust_icb.py``).
"""

from __future__ import annotations

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
from stp_analytics.data.loaders.trust_icb import icb_lookup, icb_sums
from stp_analytics.data.loaders.trust_lookup import read_trust_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

COLUMNS = ("Procode", "FTE staff", "Absence Rate")


@register_loader("trust_peer_finder")
def load_peer_finder(path: Path, source, indicators: list) -> pd.DataFrame:
    """FTE-weighted sickness absence per footprint and England for the file's year."""
    require_options(source.options, ["lookup_file", "period"], source.id)
    table = read_csv_checked(path, COLUMNS)
    table["Procode"] = table["Procode"].str.strip()
    check_unique(table, ["Procode"], path, column="Procode")
    fte, rate = (to_number(table, c, path) for c in ("FTE staff", "Absence Rate"))
    for values, column in ((fte, "FTE staff"), (rate, "Absence Rate")):
        check_not_negative(table, values, column, path)
    above = rate > 1
    if above.any():
        position = int(np.flatnonzero(above.to_numpy())[0])
        raise DataValidationError(f"absence rate {rate.iloc[position]:g} is above 1 (expected a "
                                  "fraction)", file=file_label(path),
                                  row=int(table["source_row"].iloc[position]),
                                  column="Absence Rate")
    lookup = read_trust_lookup(source.resolve(str(source.options["lookup_file"])))
    area = table["Procode"].map(lookup.set_index("trust_code")["area_code"])
    if area.isna().any():
        first = table[area.isna()].iloc[0]
        raise DataValidationError(f"unknown trust code {first['Procode']!r} (not in the trust "
                                  "lookup)", file=file_label(path), row=int(first["source_row"]),
                                  column="Procode")
    rows = pd.DataFrame({"trust_code": table["Procode"], "area_code": area, "lost": rate * fte,
                         "fte": fte, "source_row": table["source_row"]})
    rows = rows[rows["area_code"].ne("") & rows["lost"].notna()]
    by_area = rows.groupby("area_code", sort=True).agg(
        lost=("lost", "sum"), fte=("fte", "sum"), source_row=("source_row", "min")).reset_index()
    england = pd.DataFrame({"area_code": [ENGLAND_CODE], "lost": [rows["lost"].sum()],
                            "fte": [rows["fte"].sum()], "source_row": [rows["source_row"].min()]})
    every = pd.concat([by_area, england], ignore_index=True)
    every = every.assign(
        area_type=np.where(every["area_code"].eq(ENGLAND_CODE), "england", "stp"), set_aside="")
    icbs = icb_lookup(source)
    if icbs is not None:
        every = pd.concat([every, icb_sums(rows, "trust_code", [], ["lost", "fte"], icbs)],
                          ignore_index=True)
    return pd.concat([observations_frame(
        indicator=indicator.id, area_type=every["area_type"],
        area_code=every["area_code"], period=str(source.options["period"]),
        numerator=every["lost"], denominator=every["fte"], source_row=every["source_row"],
        set_aside=every["set_aside"])
        for indicator in indicators], ignore_index=True)
