"""Reader for adult smoking prevalence 2019 with counts (Fingertips 92443, APS, district level).

:func:`read_aps_smoking` reads the Fingertips export vendored as :data:`APS_SMOKING_FILE` into
``area_code, area_name, area_type, value, lower, upper, count, population, suppressed``:

* ``count`` is the survey-weighted number of current smokers aged 18+ (written with thousands
  separators, ``"6,144,703"``); ``population`` the weighted population 18+ it is out of,
  ``count / value x 100`` (the file's ``Denominator`` is empty);
* ``lower``/``upper`` are the published 95% limits (from the APS sample, not from ``count``);
* districts whose value PHE suppressed (Isles of Scilly, City of London: blank value, count
  ``-``) are kept with ``suppressed`` True and missing numbers, so a footprint can say so.

Districts carry April 2019 codes (LAD19, e.g. East Suffolk E07000244). Bad data (missing column,
non-numeric value or count, a value without a count, a code that is not a district, England or a
region, a duplicated code, another indicator) raises
:class:`~stp_analytics.errors.DataValidationError` naming file, row and column.

:func:`load_aps_smoking` is the catalogue loader ``aps_smoking`` (indicator
``smoking_prevalence_2019``, aggregation ``survey_weighted_mean``,
:mod:`stp_analytics.metrics.survey_aggregate`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import (
    FIRST_DATA_ROW,
    check_unique,
    observations_frame,
    read_csv_checked,
    set_aside_where,
    to_number,
)
from stp_analytics.data.loaders.practice_imd import first_row_error
from stp_analytics.schema import ENGLAND_CODE

APS_SMOKING_FILE = "FT_92443_smoking_prevalence_APS_2019_LTLA419_with_counts_via_STAPM.csv.gz"
APS_INDICATOR_ID = "92443"
COLUMNS = ["Indicator ID", "Area Code", "AreaName", "Area Type", "Time period", "Value",
           "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count"]
#: England, a region (E12) or a lower-tier district (E06-E09)
AREA_CODE_PATTERN = r"E92000001|E12\d{6}|E0[6-9]\d{6}"


def read_aps_smoking(path: Path) -> pd.DataFrame:
    """APS 2019 adult smoking by district, with England and any region rows (see module)."""
    table = read_csv_checked(path, COLUMNS)
    table["Area Code"] = table["Area Code"].str.strip()
    wrong = table["Indicator ID"].str.strip() != APS_INDICATOR_ID
    if wrong.any():
        raise first_row_error(table, wrong, f"indicator {{value!r}} is not {APS_INDICATOR_ID} "
                              "(adult smoking prevalence, APS)", path, "Indicator ID")
    unknown = ~table["Area Code"].str.fullmatch(AREA_CODE_PATTERN)
    if unknown.any():
        raise first_row_error(table, unknown, "area code {value!r} is not a district (E06-E09), "
                              "a region (E12) or England", path, "Area Code")
    check_unique(table, ["Area Code"], path)
    numbers = {name: to_number(table, column, path) for name, column in (
        ("value", "Value"), ("lower", "Lower CI 95.0 limit"), ("upper", "Upper CI 95.0 limit"),
        ("count", "Count"))}
    for name, column in (("count", "Count"), ("lower", "Lower CI 95.0 limit"),
                         ("upper", "Upper CI 95.0 limit")):
        lacking = numbers["value"].notna() & numbers[name].isna()
        if lacking.any():
            raise first_row_error(table, lacking, f"a value without a {name} ({{value!r}})",
                                  path, column)
    bad = numbers["value"].notna() & ~numbers["value"].between(0, 100, inclusive="neither")
    if bad.any():
        raise first_row_error(table, bad, "value {value} is not a percentage above 0 and "
                              "below 100", path, "Value")
    suppressed = numbers["value"].isna().to_numpy()
    return pd.DataFrame({
        "area_code": table["Area Code"].to_numpy(),
        "area_name": table["AreaName"].str.strip().to_numpy(),
        "area_type": np.where(table["Area Code"] == ENGLAND_CODE, "england",
                              np.where(table["Area Code"].str.startswith("E12"), "region",
                                       "lad")),
        "value": numbers["value"].to_numpy(),
        "lower": numbers["lower"].to_numpy(),
        "upper": numbers["upper"].to_numpy(),
        "count": numbers["count"].to_numpy(),
        "population": (numbers["count"] / numbers["value"] * 100).to_numpy(),
        "suppressed": suppressed,
    })


@register_loader("aps_smoking")
def load_aps_smoking(path: Path, source: Any, indicators: list) -> pd.DataFrame:
    """Catalogue loader: the districts and England of :func:`read_aps_smoking` as observations
    (``numerator`` the weighted smokers, ``denominator`` the weighted adults, the published value
    and limits) for each indicator naming the source, period ``options.period`` (default
    "2019"). Suppressed districts and region rows are set aside with the reason."""
    districts = read_aps_smoking(path)
    # a 2019 merger keeps its own code: the survey rule apportions it with its variance
    # (metrics.survey_aggregate); copying its value to each old district would not
    base = observations_frame(
        indicator="", area_type=districts["area_type"], area_code=districts["area_code"],
        period=str(source.options.get("period", "2019")), sex="Persons",
        numerator=districts["count"], denominator=districts["population"],
        value=districts["value"], lower=districts["lower"], upper=districts["upper"],
        source_row=np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(districts)))
    set_aside_where(base, districts["area_type"].eq("region"), "region row (not used)")
    set_aside_where(base, districts["suppressed"], "value suppressed by PHE")
    return pd.concat([base.assign(indicator=indicator.id) for indicator in indicators],
                     ignore_index=True)
