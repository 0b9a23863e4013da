"""An area's age profile: people and shares by age band from a single-year-of-age profile
(issue 20 item 6: the footprint's population by age against England's).

The profile is a Series ``age_0`` .. ``age_89``, ``age_90plus`` (ONS MYE2 mid-2018, persons:
:func:`stp_analytics.finance.ageing.area_age_profiles` for an area, the England row for England).
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.errors import DataValidationError

OLDEST = 90


def band_shares(profile: pd.Series, width: int = 5) -> pd.DataFrame:
    """``band, age_from, people, share`` (share of all ages, in %) by bands of ``width`` years;
    the last band is 90+."""
    missing = [f"age_{age}" for age in range(OLDEST) if f"age_{age}" not in profile.index]
    if missing or "age_90plus" not in profile.index:
        raise DataValidationError(f"age profile lacks {(missing or ['age_90plus'])[0]}",
                                  column=(missing or ["age_90plus"])[0])
    if OLDEST % width:
        raise DataValidationError(f"band width {width} does not divide {OLDEST}")
    rows = []
    for start in range(0, OLDEST, width):
        people = float(sum(profile[f"age_{age}"] for age in range(start, start + width)))
        rows.append({"band": f"{start}-{start + width - 1}", "age_from": start, "people": people})
    rows.append({"band": f"{OLDEST}+", "age_from": OLDEST,
                 "people": float(profile["age_90plus"])})
    frame = pd.DataFrame(rows)
    total = frame["people"].sum()
    if total <= 0:
        raise DataValidationError("age profile has no people")
    frame["share"] = 100 * frame["people"] / total
    return frame


def share_aged(bands: pd.DataFrame, age_from: int, age_to: int | None = None) -> float:
    """Share (%) of the population in the bands starting at ``age_from`` .. ``age_to``."""
    chosen = bands["age_from"] >= age_from
    if age_to is not None:
        chosen &= bands["age_from"] <= age_to
    return float(bands.loc[chosen, "share"].sum())
