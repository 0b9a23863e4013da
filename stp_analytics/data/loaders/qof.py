"""QOF recorded prevalence by practice (NHS Digital ``PREVALENCE_yyyy.csv``).

Each indicator selects one ``INDICATOR_GROUP_CODE`` (e.g. ``group: DM``) and states the list
type its denominator must have (``list_type: 17OV``: diabetes counts patients aged 17+, obesity
18+, depression 18+, the others the TOTAL list). The register is the numerator and the list size
of that type the denominator. ``measure: list_size`` instead gives the group's list size as a
count (with ``group: HYP``, whose list is TOTAL: the registered population). Blank registers
and zero list sizes are set aside and counted, with the reasons in the source options.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    file_label,
    observations_frame,
    read_csv_checked,
    require_options,
    set_aside_where,
    to_number,
)
from stp_analytics.errors import CatalogError, DataValidationError

COLUMNS = ("PRACTICE_CODE", "INDICATOR_GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE",
           "PATIENT_LIST_SIZE")


@register_loader("qof_prevalence")
def load_qof_prevalence(path: Path, source, indicators: list) -> pd.DataFrame:
    """Practice registers and list sizes for each selected QOF group (one period per file)."""
    require_options(source.options, ["period"], source.id)
    table = read_csv_checked(path, COLUMNS)
    register = to_number(table, "REGISTER", path)
    list_size = to_number(table, "PATIENT_LIST_SIZE", path)
    group = table["INDICATOR_GROUP_CODE"].str.strip()
    list_type = table["PATIENT_LIST_TYPE"].str.strip()
    frames = []
    for indicator in indicators:
        wanted_type = str(indicator.select.get("list_type", "TOTAL"))
        if "group" not in indicator.select:
            raise CatalogError(f"indicator {indicator.id!r}: select needs 'group' (a QOF "
                               "INDICATOR_GROUP_CODE such as DM)")
        rows = group == str(indicator.select["group"])
        wrong = rows & (list_type != wanted_type)
        if wrong.any():
            first = wrong[wrong].index[0]
            raise DataValidationError(
                f"group {indicator.select['group']} has list type {list_type[first]!r}; the "
                f"catalogue expects {wanted_type!r} for {indicator.id}",
                file=file_label(path), row=int(table.at[first, "source_row"]),
                column="PATIENT_LIST_TYPE")
        if indicator.select.get("measure") == "list_size":
            numerator, denominator = list_size[rows], None
        else:
            numerator, denominator = register[rows], list_size[rows]
        frame = observations_frame(
            indicator=indicator.id,
            area_type="practice",
            area_code=table.loc[rows, "PRACTICE_CODE"],
            period=str(source.options["period"]),
            numerator=numerator,
            denominator=denominator if denominator is not None else float("nan"),
            source_row=table.loc[rows, "source_row"],
        )
        set_aside_where(frame, frame["numerator"].isna(),
                        str(source.options.get("blank_reason", "blank value in the source")))
        if denominator is not None:
            set_aside_where(frame, frame["denominator"] == 0,
                            str(source.options.get("zero_list_reason", "list size is zero")))
        elif source.options.get("zero_list_reason"):
            set_aside_where(frame, frame["numerator"] == 0, str(source.options["zero_list_reason"]))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
