"""Finding areas: resolve a code or name, the footprint table and the NHS England regions.

Names are compared after normalising (lower case, '&' read as 'and', punctuation and runs of
spaces collapsed). A query resolves to the area whose code or name equals it, else to the only
area whose name contains it ("greater manchester"); several matches or none raise
:class:`UnknownAreaError`, the latter naming the three closest names (``difflib``).
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from stp_analytics.data.geography.area_set import AreaSet, load_area_set
from stp_analytics.errors import UnknownAreaError

ENGLAND_NAME = "England"
CLOSEST = 3


def normalise_name(text: str) -> str:
    """Lower case, '&' as 'and', every run of punctuation or space turned into one space."""
    text = str(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _names(areas: pd.DataFrame) -> dict[str, str]:
    """Normalised name -> area code."""
    return dict(zip(areas["area_name"].map(normalise_name), areas["area_code"], strict=True))


def resolve_area(query: str, area_set: str | AreaSet = "stp2017") -> str:
    """The code of the area matching ``query`` (a code, an ODS code where the set has them, or
    a name; case-insensitive).

    Raises UnknownAreaError listing the candidates when several areas match, or the three closest
    names when none does.
    """
    areas_of_set = load_area_set(area_set)
    areas = areas_of_set.area_table
    wanted = normalise_name(query)
    label = areas_of_set.label
    if not wanted:
        raise UnknownAreaError(f"empty {label} name or code: {query!r}")
    codes = {code.lower(): code for code in areas["area_code"]}
    if wanted.replace(" ", "") in codes:
        return codes[wanted.replace(" ", "")]
    if "area_ods_code" in areas:  # e.g. an ICB's ODS code, QOP
        ods = dict(zip(areas["area_ods_code"].str.lower(), areas["area_code"], strict=True))
        if wanted.replace(" ", "") in ods:
            return ods[wanted.replace(" ", "")]
    names = _names(areas)
    if wanted in names:
        return names[wanted]
    containing = [code for name, code in names.items() if wanted in name]
    if len(containing) == 1:
        return containing[0]
    display = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if containing:
        candidates = "; ".join(f"{display[code]} ({code})" for code in sorted(containing))
        raise UnknownAreaError(
            f"{query!r} matches {len(containing)} {areas_of_set.label_plural} in "
            f"{areas_of_set.name}: {candidates}. Give more of the name or the code."
        )
    compact = wanted.replace(" ", "")
    if re.fullmatch(r"[a-z]\d{5,10}", compact):  # an ONS-style code: suggest the closest codes
        closest_codes = difflib.get_close_matches(compact, list(codes), n=CLOSEST, cutoff=0.0)
        closest = [codes[code] for code in closest_codes]
    else:
        closest_names = difflib.get_close_matches(wanted, list(names), n=CLOSEST, cutoff=0.0)
        closest = [names[name] for name in closest_names]
    suggestions = "; ".join(f"{display[code]} ({code})" for code in closest)
    raise UnknownAreaError(
        f"no {label} called {query!r} in {areas_of_set.name}; closest: {suggestions}"
    )


def footprint_table(area_set: str | AreaSet = "stp2017") -> pd.DataFrame:
    """One row per area: area_code, area_name, region_code, region_name, registered_population."""
    return load_area_set(area_set).areas


def regions(area_set: str | AreaSet = "stp2017") -> pd.DataFrame:
    """The NHS England regions of the set's areas: DataFrame[region_code, region_name]."""
    areas = load_area_set(area_set).area_table
    table = areas[["region_code", "region_name"]].drop_duplicates()
    return table.sort_values("region_code", ignore_index=True)
