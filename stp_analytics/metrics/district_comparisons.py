"""Counting an area's districts by their own published comparison with England (issue 20 item 1).

For indicators with values only, a footprint has no interval and no test of its own. What the
source does publish is each district's verdict; :func:`district_verdict_counts` counts them:
"3 of 10 districts significantly worse than England, 1 better". This is a count of district
tests, never a test of the footprint.

Which districts: those of the area set's district lookup whose **majority** (share >= 0.5, the
share of its LSOAs) lies in the area, so a district only partly in a footprint (e.g. High Peak,
36% in Greater Manchester through Glossop) is counted in one footprint at most. A district that
the source publishes under a later merged code (e.g. Bournemouth, Christchurch and Poole) is
counted once, with the merged area's verdict.

:data:`COMBINED_AUTHORITIES` lists published areas whose parts are exactly some districts
(ONS): where they are exactly an area's districts, :func:`same_area_code` returns the code so
the published value, verdict and name can be shown for the footprint itself.
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.methods._validate import require_columns

MAJORITY = 0.5
#: combined authority -> its districts (ONS, LAD17 codes)
COMBINED_AUTHORITIES: dict[str, tuple[str, frozenset[str]]] = {
    "E47000001": ("Greater Manchester combined authority", frozenset(
        f"E080000{n:02d}" for n in range(1, 11))),
}
#: indices of inequality: a footprint's population-weighted mean of its districts' values is not
#: its own index, so it is neither shown as a figure nor ranked in a message
NOT_ADDITIVE: tuple[str, ...] = ("slope_index_of_inequality",)
COUNT_COLUMNS = ["districts", "worse", "better", "similar", "higher", "lower", "not_compared",
                 "no_value"]


def area_districts(lookup: pd.DataFrame, area_code: str) -> list[str]:
    """The LAD17 districts whose majority lies in ``area_code`` (``part_code, area_code,
    share`` lookup), sorted."""
    require_columns(lookup, ["part_code", "area_code", "share"], "lookup")
    mine = lookup[(lookup["area_code"] == area_code) & (lookup["share"] >= MAJORITY)]
    return sorted(mine["part_code"].astype(str))


def published_codes(districts: list[str], available: set[str], changes: pd.DataFrame
                    ) -> list[str]:
    """Each district's code as the source publishes it: its own when present, else the merged
    district that replaced it (``changes``: ``new_code, old_code``); each code once."""
    successor = dict(zip(changes["old_code"], changes["new_code"], strict=False))
    codes = []
    for code in districts:
        published = code if code in available else successor.get(code, code)
        if published not in codes:
            codes.append(published)
    return codes


def district_verdict_counts(verdicts: pd.DataFrame, codes: list[str]) -> dict[str, int]:
    """Count of the districts ``codes`` by verdict in ``verdicts`` (one period and sex of
    :func:`stp_analytics.data.loaders.district_verdicts.read_district_verdicts`). A district
    with no row or no value counts as ``no_value``."""
    require_columns(verdicts, ["area_code", "value", "verdict"], "verdicts")
    rows = verdicts[verdicts["area_code"].isin(codes) & verdicts["value"].notna()]
    found = rows.drop_duplicates("area_code")["verdict"].value_counts()
    counts = {"districts": len(codes), "no_value": len(codes) - int(found.sum())}
    for label in ("Worse", "Better", "Similar", "Higher", "Lower", "Not compared"):
        counts[label.lower().replace(" ", "_")] = int(found.get(label, 0))
    return {column: counts[column] for column in COUNT_COLUMNS}


def counts_sentence(counts: dict[str, int]) -> str:
    """"3 of 10 districts significantly worse than England, 1 better, 6 similar (each
    district's own comparison)"."""
    parts = [f"{counts['worse']} of {counts['districts']} districts significantly worse than "
             "England", f"{counts['better']} better"]
    for key, label in (("higher", "higher"), ("lower", "lower"), ("similar", "similar"),
                       ("not_compared", "not compared"), ("no_value", "without a value")):
        if counts[key]:
            parts.append(f"{counts[key]} {label}")
    return ", ".join(parts) + " (each district's own published comparison)"


def same_area_code(districts: list[str]) -> str | None:
    """The combined authority whose districts are exactly ``districts``, if any."""
    wanted = frozenset(districts)
    for code, (_, members) in COMBINED_AUTHORITIES.items():
        if members == wanted:
            return code
    return None
