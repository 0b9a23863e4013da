"""The inputs of the charts whose statistics come from the metrics layer (funnel and SPC).

``metrics.funnel_view`` and ``metrics.spc_view`` compute the funnel's limits and significance
and the SPC variation and assurance; the chart modules (``charts.funnel``, ``charts.spc``) only
label and draw them. These two functions join the steps for the pack and the gallery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from stp_analytics.charts.data import indicator_info_table

if TYPE_CHECKING:
    from stp_analytics.charts.funnel import FunnelData


def funnel_data(store: pd.DataFrame, indicator: str, area_code: str, *,
                indicator_info: Any = None,
                multiplier: float | None = None) -> FunnelData:
    """The funnel plot's data: ``metrics.funnel_view.funnel_frames`` labelled for drawing.

    ``indicator_info`` is what ``charts.data.indicator_info_table`` reads (a Catalog, a frame or
    a mapping)."""
    from stp_analytics.charts.funnel import prepare_funnel_data
    from stp_analytics.metrics.funnel_view import funnel_frames

    points, limits = funnel_frames(store, indicator, area_code, multiplier=multiplier)
    return prepare_funnel_data(points, limits, indicator_info=indicator_info)


def spc_data(store: pd.DataFrame, area_code: str, indicator: str, *,
             indicator_info: Any = None, area_role: str | None = None) -> pd.DataFrame:
    """The SPC chart's data: ``metrics.spc_view.spc_series`` (with the indicator's polarity)
    labelled for drawing."""
    from stp_analytics.charts.spc import prepare_spc_data
    from stp_analytics.metrics.spc_view import spc_series

    polarity = indicator_info_table(indicator_info, [indicator]).loc[indicator, "polarity"]
    series = spc_series(store, area_code, indicator, polarity=polarity, area_role=area_role)
    return prepare_spc_data(series, indicator_info=indicator_info)
