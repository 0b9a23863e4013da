"""AmbSYS ambulance response times: each footprint gets its ambulance service's whole-area figure.

File: the vendored extract of the AmbSYS time series in the AmbSYS CSV layout (read by
:func:`stp_analytics.data.official.ambulance.read_csv`: England row ``Eng`` and one row per
ambulance trust and month; mean response = total seconds / incidents). Lookup
(``lookup_file``, ``areas/ambulance_service_ccg2017.csv``): each April 2017 CCG -> its
ambulance service (trust code), with its LSOA count. A footprint takes the service covering
most of its LSOAs; a footprint whose CCGs are covered by two services says so in its note.
The figure is always the service's whole area, never the footprint's own incidents.

England is the file's England row. Trust rows are kept set aside (each is shown through the
footprints it serves), so `validate` counts them; a trust in the file that is not in the lookup
is an error, as is a footprint of the lookup whose service has no rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_unique,
    file_label,
    observations_frame,
    read_csv_checked,
    require_options,
    selected_measure,
)
from stp_analytics.data.official import ambulance as ambsys
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import ENGLAND_CODE

LOOKUP_COLUMNS = ("ccg_code", "area_code", "n_lsoa11", "trust_code", "service")
TRUST_ROW = "ambulance trust row: shown as the figure of the footprints it serves"
MEASURES = {key: (count, seconds) for key, count, seconds, _ in ambsys.CATEGORIES}


def footprint_services(lookup: pd.DataFrame) -> pd.DataFrame:
    """One row per footprint: its main service (most LSOAs) and a note on any other."""
    by_service = (lookup.groupby(["area_code", "trust_code", "service"], sort=True)["n_lsoa11"]
                  .sum().reset_index())
    by_service["share"] = by_service["n_lsoa11"] / by_service.groupby("area_code")[
        "n_lsoa11"].transform("sum")
    by_service = by_service.sort_values(["area_code", "share", "trust_code"],
                                        ascending=[True, False, True])
    rows = []
    for area, services in by_service.groupby("area_code", sort=True):
        main = services.iloc[0]
        note = f"figure for the whole area of {main['service']} ({main['trust_code']})"
        others = [f"{s.service} ({s.trust_code}, {s.share:.0%} of the footprint's LSOAs)"
                  for s in services.iloc[1:].itertuples()]
        if others:
            note += "; the footprint is also served by " + ", ".join(others)
        rows.append({"area_code": area, "trust_code": main["trust_code"],
                     "service": main["service"], "services": len(services), "note": note})
    return pd.DataFrame(rows)


def read_service_lookup(path: Path) -> pd.DataFrame:
    """The CCG -> ambulance service lookup, checked (one row per CCG, whole LSOA counts)."""
    lookup = read_csv_checked(path, LOOKUP_COLUMNS)
    for column in ("ccg_code", "area_code", "trust_code", "service"):
        lookup[column] = lookup[column].str.strip()
    check_unique(lookup, ["ccg_code"], path, column="ccg_code")
    counts = pd.to_numeric(lookup["n_lsoa11"], errors="coerce")
    bad = counts.isna() | (counts <= 0)
    if bad.any():
        first = lookup[bad].iloc[0]
        raise DataValidationError(f"n_lsoa11 {first['n_lsoa11']!r} is not a positive count",
                                  file=file_label(path), row=int(first["source_row"]),
                                  column="n_lsoa11")
    return lookup.assign(n_lsoa11=counts)


@register_loader("ambsys_response")
def load_ambulance(path: Path, source, indicators: list) -> pd.DataFrame:
    """Mean C1 / C2 response (seconds over incidents) per footprint (its service) and England."""
    require_options(source.options, ["lookup_file"], source.id)
    data = ambsys.read_csv(Path(path))
    trusts = data.observations
    lookup = read_service_lookup(source.resolve(str(source.options["lookup_file"])))
    unknown = sorted(set(trusts["area_code"]) - set(lookup["trust_code"]))
    if unknown:
        first = trusts[trusts["area_code"].eq(unknown[0])].iloc[0]
        raise DataValidationError(
            f"ambulance trust {unknown[0]!r} is not in the service lookup "
            f"{source.options['lookup_file']}", file=file_label(path),
            row=int(first["source_row"]), column="Org Code")
    services = footprint_services(lookup)
    frames = []
    for indicator in indicators:
        measure = selected_measure(indicator, list(MEASURES))
        rows = trusts[trusts["indicator"].eq(measure)].assign(indicator=indicator.id)
        frames += [_footprints(rows, services), _england(data, indicator.id, measure),
                   rows.assign(set_aside=rows["set_aside"].where(rows["set_aside"].ne(""),
                                                                 TRUST_ROW))]
    return pd.concat(frames, ignore_index=True)


def _footprints(rows: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """The main service's row of each month copied to each footprint it serves."""
    joined = services.merge(rows, left_on="trust_code", right_on="area_code",
                            suffixes=("", "_trust"))
    missing = sorted(set(services["trust_code"]) - set(rows["area_code"]))
    if missing:
        raise DataValidationError(f"no rows for ambulance trust(s) {', '.join(missing)}, "
                                  "which the service lookup names")
    joined = joined.sort_values(["area_code", "period"], kind="stable")
    note = np.where(joined["note_trust"].ne(""), joined["note"] + "; " + joined["note_trust"],
                    joined["note"])
    return observations_frame(
        indicator=joined["indicator"], area_type="stp", area_code=joined["area_code"],
        period=joined["period"], numerator=joined["numerator"],
        denominator=joined["denominator"], source_row=joined["source_row"],
        set_aside=joined["set_aside"], note=note)


def _england(data, indicator: str, measure: str) -> pd.DataFrame:
    """England: the file's England row of each month (its incidents and total seconds)."""
    count, seconds = MEASURES[measure]
    published = data.totals.published
    periods = sorted({key.split(" ")[1] for key in published})
    return observations_frame(
        indicator=indicator, area_type="england", area_code=ENGLAND_CODE, period=periods,
        numerator=[published[f"{seconds} {p}"] for p in periods],
        denominator=[published[f"{count} {p}"] for p in periods])
