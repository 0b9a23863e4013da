"""Period labels -> start dates and reference years, for ordering periods and picking populations.

Labels follow the observation contract (docs/ARCHITECTURE.md): "2016/17" (financial year, starts
1 April), "2016-04" (month), "2016" (calendar year), "2014-16" (rolling three years). A full date
"2016-04-01" is read as its month. Anything else is a data error that names the period.
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.errors import DataValidationError

_PATTERNS = {
    "financial_year": r"^(?P<y>\d{4})/(?P<y2>\d{2})$",
    "month": r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-\d{2})?$",
    "year": r"^(?P<y>\d{4})$",
    "rolling": r"^(?P<y>\d{4})-(?P<y2>\d{2})$",
}


def _parse_unique(labels: pd.Series, monthly: bool) -> pd.DataFrame:
    """Start date and reference (mid-period) year for each distinct label."""
    text = labels.astype("str").str.strip()
    start = pd.Series(pd.NaT, index=labels.index, dtype="datetime64[ns]")
    ref_year = pd.Series(pd.NA, index=labels.index, dtype="Int64")
    # "2010-12" is December 2010 in a monthly series and 2010-2012 in an annual one.
    order = ("month", "financial_year", "year", "rolling") if monthly else (
        "financial_year", "year", "rolling", "month")
    for kind in order:
        pattern = _PATTERNS[kind]
        parts = text.str.extract(pattern)
        hit = parts["y"].notna() & start.isna()
        if kind == "month":
            hit &= parts["m"].astype("float").between(1, 12)
        if kind == "rolling":
            first = parts["y"].astype("float")
            span = (first // 100) * 100 + parts["y2"].astype("float") - first
            hit &= span.between(1, 9)
        if not hit.any():
            continue
        year = parts.loc[hit, "y"].astype("int64")
        if kind == "financial_year":
            start[hit] = pd.to_datetime({"year": year, "month": 4, "day": 1})
            ref_year[hit] = year
        elif kind == "month":
            month = parts.loc[hit, "m"].astype("int64")
            start[hit] = pd.to_datetime({"year": year, "month": month, "day": 1})
            ref_year[hit] = year.where(month >= 4, year - 1)
        elif kind == "year":
            start[hit] = pd.to_datetime({"year": year, "month": 1, "day": 1})
            ref_year[hit] = year
        else:  # rolling "2014-16": mid year is the reference
            end = (year // 100) * 100 + parts.loc[hit, "y2"].astype("int64")
            start[hit] = pd.to_datetime({"year": year, "month": 1, "day": 1})
            ref_year[hit] = (year + end) // 2
    return pd.DataFrame({"period_start": start, "ref_year": ref_year})


def period_table(
    periods: pd.Series, *, monthly: bool = False, file: str | None = None
) -> pd.DataFrame:
    """Map each distinct period label to ``period_start`` (Timestamp) and ``ref_year`` (int).

    The reference year is the year whose mid-year population estimate weights the period:
    the start year of a financial year ("2016/17" -> 2016, months April-March likewise), the year
    itself, or the middle year of a rolling period ("2014-16" -> 2015). ``monthly`` says how to
    read an ambiguous label such as "2010-12" (a month, or the rolling years 2010-2012).
    Raises DataValidationError naming the first label that fits none of the formats.
    """
    labels = pd.Series(pd.unique(periods.astype("str")), dtype="str")
    parsed = _parse_unique(labels, monthly)
    bad = parsed["period_start"].isna()
    if bad.any():
        raise DataValidationError(
            f"period {labels[bad].iloc[0]!r} is not one of '2016/17', '2016-04', '2016', '2014-16'",
            file=file,
            column="period",
        )
    parsed.insert(0, "period", labels)
    return parsed
