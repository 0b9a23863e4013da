"""Funnel plot (PHE method) of a proportion across all the areas of the set (the 44 footprints).

The baseline (Σx/Σn of the areas drawn), the 95% and 99.8% control limits and each area's
significance are computed in the metrics layer (``metrics.funnel_view.funnel_frames``); this
module only labels and draws them. Points outside the limits get their own marker shapes; the
chosen area is highlighted and labelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.base import (
    Chart,
    axis_label,
    figure_and_axes,
    finish_chart,
    format_number,
    plain_log_ticks,
)
from stp_analytics.charts.data import indicator_info_table, require_columns, source_text
from stp_analytics.charts.style import Palette, get_palette, style_context

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: the columns :func:`prepare_funnel_data` needs in the points and limits frames
POINT_COLUMNS: tuple[str, ...] = (
    "area_code", "area_name", "numerator", "denominator", "value", "funnel")
LIMIT_COLUMNS: tuple[str, ...] = (
    "denominator", "lower_95", "upper_95", "lower_998", "upper_998")
#: marker of each funnel label: outside the limits is a triangle (filled beyond 99.8%)
FUNNEL_MARKERS: dict[str, str] = {
    "High (0.001)": "^", "High (0.025)": "^", "Not significant": "o",
    "Low (0.025)": "v", "Low (0.001)": "v",
}


@dataclass
class FunnelData:
    """Points, limit curves and labels of a funnel plot."""

    points: pd.DataFrame  # area_code, area_name, numerator, denominator, value, funnel
    limits: pd.DataFrame  # denominator, lower_95, upper_95, lower_998, upper_998
    baseline: float  # in display units (times the multiplier)
    multiplier: float
    area_code: str
    area_name: str
    indicator: str
    name: str
    unit: str
    period: str
    source: str = ""
    dropped: list[str] = field(default_factory=list)  # areas without counts


def prepare_funnel_data(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
) -> FunnelData:
    """The funnel plot of ``metrics.funnel_view.funnel_frames`` output, labelled from
    ``indicator_info`` (name, unit, source)."""
    require_columns(points, POINT_COLUMNS, "funnel plot points")
    require_columns(limits, LIMIT_COLUMNS, "funnel plot limits")
    attrs = points.attrs
    indicator = attrs["indicator"]
    info = indicator_info_table(indicator_info, [indicator])
    return FunnelData(
        points=points, limits=limits, baseline=attrs["baseline"],
        multiplier=attrs["multiplier"], area_code=attrs["area_code"],
        area_name=attrs["area_name"], indicator=indicator, name=info.loc[indicator, "name"],
        unit=info.loc[indicator, "unit"], period=attrs["period"], source=source_text(info, None),
        dropped=list(attrs["dropped"]),
    )


def _funnel_alt_text(data: FunnelData) -> str:
    own = data.points[data.points["area_code"] == data.area_code].iloc[0]
    outside = (data.points["funnel"] != "Not significant").sum()
    unit = f" {data.unit}".rstrip()
    return (
        f"Funnel plot of {data.name} ({data.period}) for {len(data.points)} areas against "
        f"their overall value of {format_number(data.baseline)}{unit}, with 95% and 99.8% "
        f"control limits; {outside} area(s) outside the 95% limits. {data.area_name}: "
        f"{format_number(own['value'])}{unit}, {own['funnel'].lower()}."
    )


def _draw_points(ax: Axes, data: FunnelData, palette: Palette) -> None:
    others = data.points[data.points["area_code"] != data.area_code]
    for label, marker in FUNNEL_MARKERS.items():
        chosen = others[others["funnel"] == label]
        if chosen.empty:
            continue
        beyond = "0.001" in label
        ax.scatter(chosen["denominator"], chosen["value"], marker=marker, s=22,
                   facecolors=palette.nhs_dark_grey if beyond else "white",
                   edgecolors=palette.nhs_dark_grey, linewidths=0.8, zorder=3,
                   label=f"{label}", gid="funnel-points")
    own = data.points[data.points["area_code"] == data.area_code]
    ax.scatter(own["denominator"], own["value"], marker="o", s=60, color=palette.nhs_blue,
               edgecolors=palette.nhs_black, linewidths=0.8, zorder=4,
               label=data.area_name, gid="funnel-highlight")
    x = own["denominator"].iloc[0]
    right_half = np.log(x) > np.log(data.limits["denominator"]).mean()
    ax.annotate(f"{data.area_name} ({own['funnel'].iloc[0]})", (x, own["value"].iloc[0]),
                xytext=(-7 if right_half else 7, 6), textcoords="offset points",
                ha="right" if right_half else "left", fontsize=7, fontweight="bold",
                color=palette.nhs_blue, gid="funnel-label",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85})


def plot_funnel(
    data: FunnelData,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
    denominator_label: str = "Denominator (people)",
) -> Chart:
    """Draw a funnel plot from :func:`prepare_funnel_data` output."""
    colours = get_palette(palette)
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 3.6)
        limits = data.limits
        axes.axhline(data.baseline, color=colours.nhs_black, linewidth=0.9,
                     label="Overall value", gid="funnel-baseline")
        for level, colour, style, text in (("95", colours.funnel_95, "--", "95% limits"),
                                           ("998", colours.funnel_998, "-", "99.8% limits")):
            axes.plot(limits["denominator"], limits[f"upper_{level}"], color=colour,
                      linestyle=style, linewidth=1.0, label=text, gid=f"funnel-limit-{level}")
            axes.plot(limits["denominator"], limits[f"lower_{level}"], color=colour,
                      linestyle=style, linewidth=1.0, gid=f"funnel-limit-{level}")
        _draw_points(axes, data, colours)
        axes.set_xscale("log")
        plain_log_ticks(axes)
        axes.set_xlabel(f"{denominator_label}, log scale")
        axes.set_ylabel(axis_label(data.name, data.unit))
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or f"{data.name}, {data.period}: {data.area_name} among all areas",
            source=source or data.source, alt_text=_funnel_alt_text(data),
        )
    return chart
