"""NHS England delayed transfers of care: total delayed days by upper-tier LA and month.

File layout (psychty/DTOC compilation of the monthly sitreps): ``Code`` (ONS code from July
2015; older rows have NHS England's own LA numbers), ``Name``, one column per reason, ``Total
Delayed Transfers of Care`` (text; "-" for none reported) and ``Period`` ("April 2019").

Indicators select ``measure``:

* ``days`` — total delayed days in the month (a count);
* ``days_per_100k`` — the same per 100,000 people of all ages (ONS mid-year estimate of the
  month's calendar year, latest mid-2018, summed from districts to upper-tier LAs). The usual
  rate per 100,000 adults (18+) cannot be made: the vendored population has no age bands.

Options ``first_period`` / ``last_period`` (YYYY-MM) keep the months whose codes match the 2017
footprint lookups; rows outside are set aside with the reasons given in the options.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_not_negative,
    check_unique,
    normalise_period,
    observations_frame,
    read_csv_checked,
    set_aside_where,
    to_number,
)
from stp_analytics.errors import CatalogError
from stp_analytics.schema import ENGLAND_CODE

TOTAL = "Total Delayed Transfers of Care"
MEASURES = ("days", "days_per_100k")
LATEST_POPULATION_NOTE = "population: mid-2018 estimate (latest in the vendored file)"


def _population_by_year(years: pd.Series) -> dict[int, pd.Series]:
    """UTLA (and England) all-ages population for each mid-year in ``years``."""
    from stp_analytics.data.geography import utla_population

    result = {}
    for year in sorted(years.unique()):
        people = utla_population(int(year))
        result[int(year)] = pd.concat([people, pd.Series({ENGLAND_CODE: people.sum()})])
    return result


@register_loader("dtoc_utla")
def load_dtoc(path: Path, source, indicators: list) -> pd.DataFrame:
    """Delayed days (and per 100,000 people) per upper-tier LA and month."""
    table = read_csv_checked(path, ["Code", "Name", TOTAL, "Period"])
    table["Code"] = table["Code"].str.strip().replace("-", ENGLAND_CODE)
    table["period"] = table["Period"].map(normalise_period)
    options = source.options
    first, last = options.get("first_period"), options.get("last_period")
    early = table["period"] < first if first else pd.Series(False, index=table.index)
    late = table["period"] > last if last else pd.Series(False, index=table.index)
    kept = ~(early | late)
    check_unique(table[kept], ["Code", "period"], path)
    days = to_number(table, TOTAL, path)
    check_not_negative(table, days, TOTAL, path)
    year = table["period"].str[:4].astype(int).clip(2001, 2018)
    frames = []
    for indicator in indicators:
        measure = indicator.select.get("measure")
        if measure not in MEASURES:
            raise CatalogError(f"indicator {indicator.id!r}: select measure {measure!r} is not "
                               f"allowed; expected one of: {', '.join(MEASURES)}")
        denominator: object = np.nan
        note: object = ""
        if measure == "days_per_100k":
            population = _population_by_year(year[kept])
            denominator = [population[y].get(code, np.nan) if k else np.nan
                           for y, code, k in zip(year, table["Code"], kept, strict=True)]
            latest = table["period"].str[:4].astype(int) > 2018
            note = np.where(latest, LATEST_POPULATION_NOTE, "")
        frame = observations_frame(
            indicator=indicator.id,
            area_type=np.where(table["Code"] == ENGLAND_CODE, "england", "utla"),
            area_code=table["Code"],
            period=table["period"],
            numerator=days,
            denominator=denominator,
            source_row=table["source_row"],
            note=note,
        )
        set_aside_where(frame, early, str(options.get("early_reason", f"before {first}")))
        set_aside_where(frame, late, str(options.get("late_reason", f"after {last}")))
        set_aside_where(frame, frame["numerator"].isna(), "no total reported")
        if measure == "days_per_100k":
            set_aside_where(frame, frame["denominator"].isna(),
                            "no ONS population for this upper-tier LA code")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
