"""An area's age profile against England's: the share of the population in each age band.

:func:`plot_age_profile` draws only: horizontal bars for the area, England as markers joined by a
line, from a frame ``band, area_share, england_share`` (prepared by the content layer from
:func:`stp_analytics.metrics.age_profile.band_shares`). The alt text comes with the data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from stp_analytics.charts.base import Chart, figure_and_axes, finish_chart
from stp_analytics.charts.data import require_columns
from stp_analytics.charts.style import Palette, get_palette, style_context

AGE_PROFILE_COLUMNS = ("band", "area_share", "england_share")


def plot_age_profile(
    data: pd.DataFrame, *, area_name: str, alt_text: str, ax=None,
    palette: Palette | Mapping[str, object] | None = None, source: str = "",
) -> Chart:
    """Bars: the area's share of people in each band; markers: England's (drawing only)."""
    require_columns(data, AGE_PROFILE_COLUMNS, "plot_age_profile data")
    colours = get_palette(palette)
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 3.6)
        position = np.arange(len(data))
        axes.barh(position, data["area_share"], color=colours.nhs_light_blue, height=0.8,
                  label=area_name, gid="age-area")
        axes.plot(data["england_share"], position, color=colours.nhs_black, marker="o",
                  markersize=3, linewidth=1.0, label="England", gid="age-england")
        axes.set_yticks(position, data["band"].tolist(), fontsize=6.5)
        axes.set_xlabel("Share of the population (%)")
        axes.set_ylabel("Age (years)")
        axes.xaxis.grid(True)
        axes.legend(loc="lower right", fontsize=6.5)
        chart = finish_chart(figure, axes, owns_figure=owns, palette=colours, data=data,
                             title=f"Population by age, mid-2018: {area_name} and England",
                             source=source or "ONS mid-year population estimates (MYE2)",
                             alt_text=alt_text)
    return chart
