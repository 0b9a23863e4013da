"""NHS Digital Out of Area Placements in mental health services: one month, by native STP code.

File: the ``Stp`` breakdown rows of the open data file for February 2017 (``Question,
Breakdown1, Breakdown1Code, Breakdown2, value``; ``Breakdown1Code`` an E54 code, ``England``
for the total, ``999`` for organisations not in scope). Values are counts, ``*`` where
suppressed; NHS Digital rounds them to the nearest 5.

Each indicator selects ``question`` (e.g. "OAPs active at period end"); with ``per_100k: true``
the count is divided by the registered adults (QOF 18+ list size of ``adults_file``, year
``adults_period``). The month comes from ``PublicationPeriod`` ("2017/02" -> "2017-02").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    check_unique,
    is_marker,
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.data.loaders.registered import registered_adults
from stp_analytics.errors import CatalogError
from stp_analytics.schema import ENGLAND_CODE

COLUMNS = ("PublicationPeriod", "Question", "Breakdown1", "Breakdown1Code", "Breakdown2", "value")
ROUNDED_NOTE = "counts rounded to the nearest 5 by the publisher"


@register_loader("oaps_stp")
def load_oaps(path: Path, source, indicators: list) -> pd.DataFrame:
    """Placements (and per 100,000 registered adults) per footprint and England."""
    require_options(source.options, ["adults_file", "adults_period"], source.id)
    table = read_csv_checked(path, COLUMNS)
    for column in COLUMNS[:5]:
        table[column] = table[column].str.strip()
    table["period"] = table["PublicationPeriod"].str.replace("/", "-", regex=False)
    check_unique(table, ["PublicationPeriod", "Question", "Breakdown1", "Breakdown1Code",
                         "Breakdown2"], path, column="Breakdown1Code")
    suppressed = is_marker(table, "value", ["*"])
    counts = to_number(table.assign(value=table["value"].where(~suppressed, "")), "value", path)
    adults = registered_adults(source.resolve(str(source.options["adults_file"])),
                               str(source.options["adults_period"]))
    frames = []
    for indicator in indicators:
        question = indicator.select.get("question")
        if not question:
            raise CatalogError(f"indicator {indicator.id!r}: select needs 'question' (e.g. "
                               "'OAPs active at period end')")
        rows = table["Question"].eq(question)
        code = table.loc[rows, "Breakdown1Code"]
        england = code.eq("England")
        area_code = code.where(~england, ENGLAND_CODE)
        denominator: object = np.nan
        if indicator.select.get("per_100k"):
            denominator = area_code.map(adults)
        frame = observations_frame(
            indicator=indicator.id, area_type=np.where(england, "england", "stp"),
            area_code=area_code, period=table.loc[rows, "period"],
            numerator=counts[rows], denominator=denominator,
            source_row=table.loc[rows, "source_row"],
            note=np.where(england, "", ROUNDED_NOTE))
        other = (table.loc[rows, "Breakdown1"].ne("Stp")
                 | table.loc[rows, "Breakdown2"].ne("")).to_numpy()
        set_aside_where(frame, other, "not the STP breakdown")
        set_aside_where(frame, code.eq("999").to_numpy(),
                        "organisation not in scope (999): no footprint; in England's row")
        set_aside_where(frame, suppressed[rows].to_numpy(), "suppressed (*) by the publisher")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
