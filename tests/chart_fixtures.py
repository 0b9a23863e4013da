"""A small synthetic metric store for chart tests (numbers are made up: tests of drawing only).

Deterministic (fixed seed). 44 areas E54000005..E54000048 in two regions, England, three parts
(CCGs) of the first area, and four indicators: a low-is-good proportion with counts over three
years, a high-is-good value with CIs, a no-polarity prevalence, and a monthly high-is-good series
with SPC columns and a 95 target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.schema import STORE_COLUMNS

AREA = "E54000005"
ENGLAND = "E92000001"
AREA_CODES = [f"E540000{n:02d}" for n in range(5, 49)]
INDICATOR_INFO = pd.DataFrame(
    [
        ("smoking", "Smoking prevalence in adults", "%", "low_is_good", "Test source A"),
        ("hle", "Healthy life expectancy at birth", "years", "high_is_good", "Test source B"),
        ("dm_prev", "Diabetes: QOF prevalence", "%", "none", "Test source C"),
        ("ae_4hr", "A&E attendances within 4 hours", "%", "high_is_good", "Test source D"),
    ],
    columns=["indicator", "name", "unit", "polarity", "source"],
)


def _label(value: float, lower: float, upper: float, england: float, polarity: str) -> str:
    if np.isnan(value) or np.isnan(lower):
        return "Not compared"
    if lower <= england <= upper:
        return "Similar"
    high = value > england
    if polarity == "none":
        return "Higher" if high else "Lower"
    good = high if polarity == "high_is_good" else not high
    return "Better" if good else "Worse"


def _row(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {column: np.nan for column in STORE_COLUMNS}
    row.update(
        area_set="stp2017", sex="Persons", note="", method="published", approximate=False,
        confidence=0.95, region_code="", parent_code="", comparison="Not compared",
        quintile=pd.NA, rank=np.nan, rank_of=np.nan, spc_point_type=None, is_latest=False,
    )
    row.update(fields)
    return row


def _annual(rng: np.random.Generator, indicator: str, polarity: str, centre: float,
            spread: float, periods: list[str]) -> list[dict[str, object]]:
    rows = []
    for year_index, period in enumerate(periods):
        start = pd.Timestamp(f"{2014 + year_index}-04-01")
        latest = year_index == len(periods) - 1
        denominators = rng.integers(20_000, 200_000, size=len(AREA_CODES)).astype(float)
        values = rng.normal(centre, spread, size=len(AREA_CODES))
        numerators = np.round(values / 100 * denominators)
        values = numerators / denominators * 100
        england = float(numerators.sum() / denominators.sum() * 100)
        half = 1.96 * np.sqrt(values * (100 - values) / denominators)
        common = dict(indicator=indicator, period=period, period_start=start, is_latest=latest,
                      england_value=england, england_lower=england - 0.1,
                      england_upper=england + 0.1)
        rows.append(_row(area_role="england", area_type="england", area_code=ENGLAND,
                         area_name="England", value=england, lower=england - 0.1,
                         upper=england + 0.1, numerator=numerators.sum(),
                         denominator=denominators.sum(), **{k: v for k, v in common.items()
                                                           if k not in ("indicator", "period",
                                                                        "period_start",
                                                                        "is_latest")},
                         indicator=indicator, period=period, period_start=start,
                         is_latest=latest))
        for index, code in enumerate(AREA_CODES):
            value = values[index]
            lower, upper = value - half[index], value + half[index]
            rows.append(_row(
                area_role="area", area_type="stp", area_code=code,
                area_name=f"Footprint {code[-2:]}",
                parent_code="E40000001" if index % 2 else "E40000002",
                numerator=numerators[index], denominator=denominators[index],
                value=value, lower=lower, upper=upper,
                comparison=_label(value, lower, upper, england, polarity),
                target=np.nan, **common,
            ))
        if latest:
            for part in range(3):
                value = centre + (part - 1) * spread
                rows.append(_row(
                    area_role="part", area_type="ccg", area_code=f"E3800000{part}",
                    area_name=f"CCG {part}", parent_code=AREA, value=value,
                    lower=value - 1.5, upper=value + 1.5,
                    comparison=_label(value, value - 1.5, value + 1.5, england, polarity),
                    **common,
                ))
    return rows


def _monthly(rng: np.random.Generator, months: int) -> list[dict[str, object]]:
    rows = []
    values = rng.normal(92, 1.0, size=months)
    values[months // 2] = 85.0  # one point beyond the lower limit
    mean = float(values.mean())
    moving_range = float(np.abs(np.diff(values)).mean())
    lpl, upl = mean - 2.66 * moving_range, mean + 2.66 * moving_range
    for month in range(months):
        start = pd.Timestamp("2016-04-01") + pd.DateOffset(months=month)
        value = float(values[month])
        point_type = "common_cause"
        if value < lpl:
            point_type = "special_cause_concern"
        elif value > upl:
            point_type = "special_cause_improvement"
        rows.append(_row(
            indicator="ae_4hr", area_role="area", area_type="stp", area_code=AREA,
            area_name="Footprint 05", period=start.strftime("%Y-%m"), period_start=start,
            value=value, england_value=90.0, target=95.0, target_gap=95.0 - value,
            spc_point_type=point_type, spc_mean=mean, spc_lpl=lpl, spc_upl=upl,
            is_latest=month == months - 1,
        ))
    return rows


def synthetic_store(months: int = 24, seed: int = 20161) -> pd.DataFrame:
    """The synthetic store, columns in schema order."""
    rng = np.random.default_rng(seed)
    periods = ["2014/15", "2015/16", "2016/17"]
    rows = (
        _annual(rng, "smoking", "low_is_good", 16.0, 2.0, periods)
        + _annual(rng, "hle", "high_is_good", 63.0, 2.5, periods)
        + _annual(rng, "dm_prev", "none", 6.5, 0.8, periods)
        + _monthly(rng, months)
    )
    store = pd.DataFrame(rows, columns=list(STORE_COLUMNS))
    store["quintile"] = store["quintile"].astype("Int64")
    return store


def bridge_steps() -> pd.DataFrame:
    """A do-nothing gap, three levers and the residual (GBP million)."""
    return pd.DataFrame(
        {
            "label": ["Do-nothing gap", "Provider efficiency", "Demand moderation",
                      "STF share", "Residual gap"],
            "amount_gbp_m": [300.0, -150.0, -60.0, -40.0, 50.0],
        }
    )


def tornado_rows() -> pd.DataFrame:
    """Residual gap when each assumption moves low/high (GBP million)."""
    return pd.DataFrame(
        {
            "assumption": ["Provider efficiency", "Demand growth", "Cost inflation"],
            "low_label": ["1.5% a year", "0.5% a year", "1.5% a year"],
            "high_label": ["2.5% a year", "1.5% a year", "2.5% a year"],
            "residual_low": [90.0, 30.0, 10.0],
            "residual_high": [10.0, 75.0, 120.0],
            "base": [50.0, 50.0, 50.0],
        }
    )


def artists(chart_or_figure: object, gid: str) -> list:
    """Every artist of a chart's figure with the given gid (how tests find drawn elements)."""
    figure = getattr(chart_or_figure, "figure", chart_or_figure)
    return figure.findobj(lambda artist: artist.get_gid() == gid)


def texts(chart_or_figure: object) -> list[str]:
    """Every text string drawn in a chart's figure (titles, labels, annotations, ticks)."""
    from matplotlib.text import Text

    figure = getattr(chart_or_figure, "figure", chart_or_figure)
    figure.canvas.draw()  # tick labels exist only after a draw
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]
