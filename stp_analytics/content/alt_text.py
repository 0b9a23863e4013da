"""Alt text that states each chart's finding, written from the data the chart draws.

The charts describe what they draw ("SPC chart of ..., 36 points"); a reader who cannot see the
chart needs what it shows first: "Greater Manchester's A&E 4-hour performance fell from 88.0%
to 79.1% over 3 years (2016-04 to 2019-03), below the 95.0% standard." :func:`with_finding`
puts that sentence before the chart's own description. Charts stay drawing-only: the words are
chosen here, from the prepared data (``prepare_*``) the chart is drawn from.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.content import narrative
from stp_analytics.content.pack_content import PackContext
from stp_analytics.schema import BETTER, WORSE


def _value(value: float, unit: str, decimals: int) -> str:
    return narrative.format_value(value, unit, decimals) or narrative.NOT_SUPPLIED


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _lower(name: str) -> str:
    """ "Smoking prevalence" -> "smoking prevalence"; "A&E ..." and "IAPT ..." stay."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _span(first: pd.Series, last: pd.Series) -> str:
    """ "over 3 years (2016-04 to 2019-03)" or "over 8 months (...)" between two rows."""
    start, end = pd.Timestamp(first["period_start"]), pd.Timestamp(last["period_start"])
    months = (end.year - start.year) * 12 + end.month - start.month
    length = (f"{round(months / 12)} years" if months >= 24 else
              f"{months} month{'s' if months != 1 else ''}")
    return f"over {length} ({first['period']} to {last['period']})"


def _movement(first: float, last: float, decimals: int) -> str:
    if round(first, decimals) == round(last, decimals):
        return "stayed at"
    return "rose from" if last > first else "fell from"


def series_finding(data: pd.DataFrame, area_name: str, name: str, unit: str,
                   decimals: int = 1) -> str:
    """How a series moved from its first to its latest value, and where the latest stands
    against its target (a standard) or, without one, England."""
    name = _lower(name)
    valued = data[np.isfinite(pd.to_numeric(data["value"], errors="coerce"))]
    if valued.empty:
        return f"{_possessive(area_name)} {name}: data not supplied."
    first, last = valued.iloc[0], valued.iloc[-1]
    latest = _value(last["value"], unit, decimals)
    if len(valued) == 1:
        text = f"{_possessive(area_name)} {name} was {latest} in {last['period']}"
    else:
        moved = _movement(float(first["value"]), float(last["value"]), decimals)
        start = "" if moved == "stayed at" else f"{_value(first['value'], unit, decimals)} to "
        text = (f"{_possessive(area_name)} {name} {moved} {start}{latest} "
                f"{_span(first, last)}")
    target = pd.to_numeric(pd.Series([last.get("target")]), errors="coerce").iloc[0]
    england = pd.to_numeric(pd.Series([last.get("england_value")]), errors="coerce").iloc[0]
    if np.isfinite(target):
        side = "below" if last["value"] < target else "at or above"
        text += f", {side} the {_value(target, unit, decimals)} standard"
    elif np.isfinite(england):
        text += f", against {_value(england, unit, decimals)} for England"
    return text + "."


def spc_latest(data: pd.DataFrame) -> str:
    """What the latest point of an SPC series shows (special cause or common cause)."""
    kind = str(data["spc_point_type"].iloc[-1]) if len(data) else ""
    if "improvement" in kind:
        return " The latest month shows special-cause improvement."
    if "concern" in kind:
        return " The latest month shows special-cause concern."
    return " The latest month shows common-cause variation only." if kind else ""


def spine_finding(data: pd.DataFrame, area_name: str) -> str:
    """How many of the spine's indicators are significantly worse or better than England,
    naming the worse ones."""
    worse = data.loc[data["comparison"].eq(WORSE), "name"].tolist()
    better = data.loc[data["comparison"].eq(BETTER), "name"].tolist()
    text = (f"Of {len(data)} indicators for {area_name}, {len(worse)} "
            f"{'is' if len(worse) == 1 else 'are'} significantly worse than England and "
            f"{len(better)} significantly better")
    return text + (f" (worse: {'; '.join(worse)})." if worse else ".")


def funnel_finding(data: Any, decimals: int = 1) -> str:
    """Where the area lies in the funnel: its value and whether it is outside the limits."""
    own = data.points[data.points["area_code"] == data.area_code].iloc[0]
    return (f"{_possessive(data.area_name)} {_lower(data.name)} ({data.period}) was "
            f"{_value(own['value'], data.unit, decimals)} against "
            f"{_value(data.baseline, data.unit, decimals)} for all {len(data.points)} areas: "
            f"{str(own['funnel']).lower()}.")


def caterpillar_finding(data: pd.DataFrame, decimals: int = 1) -> str:
    """The range across the chart's areas and how many differ from England."""
    attrs = data.attrs
    valued = data[np.isfinite(pd.to_numeric(data["value"], errors="coerce"))]
    if valued.empty:
        return f"{attrs['name']}: data not supplied."
    low, high = valued.loc[valued["value"].idxmin()], valued.loc[valued["value"].idxmax()]
    worse = int(valued["comparison"].eq(WORSE).sum())
    better = int(valued["comparison"].eq(BETTER).sum())
    unit = attrs.get("unit", "")
    return (f"{attrs['name']} ({attrs['period']}) ranged from "
            f"{_value(low['value'], unit, decimals)} in {low['area_name']} to "
            f"{_value(high['value'], unit, decimals)} in {high['area_name']}; {worse} "
            f"significantly worse than England, {better} significantly better.")


def finding(pack: PackContext, kind: str, indicator: str, data: Any) -> str:
    """The finding of one indicator's chart of ``kind`` (trends, spc, funnel, variation)."""
    meta = narrative.indicator_meta(pack.catalog, indicator)
    if kind == "funnel":
        return funnel_finding(data, meta.decimals)
    if kind == "variation":
        return caterpillar_finding(data, meta.decimals)
    frame = data if "target" in data else data.assign(target=data.attrs.get("target"))
    text = series_finding(frame, pack.area_name, meta.name, meta.unit, meta.decimals)
    return text + (spc_latest(data) if kind == "spc" else "")


def with_finding(chart: Any, text: str) -> Any:
    """The chart with ``text`` put before its own description in its alt text."""
    chart.alt_text = f"{text} {chart.alt_text}".strip()
    return chart
