"""SPC chart (NHS England "Making Data Count" XmR) drawn from the metric store's SPC columns.

The store holds, per month, the value, mean, lower/upper process limits and the point type
(``methods.xmr``); ``metrics.spc_view.spc_series`` picks one area's series and works out the
variation and assurance (``methods.assurance_type``). This module only draws them: points
coloured and shaped by type (common cause grey circle; improvement blue up-triangle; concern orange
down-triangle; neutral purple square/diamond), mean, process limits, target, the variation icon
(type of the last point) and the assurance icon (target against the limits), and a trial-limits
note when there are fewer than 13 points (reference/methods/README.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.base import (
    Chart,
    add_source_line,
    add_title,
    axis_label,
    format_number,
    new_figure,
)
from stp_analytics.charts.data import indicator_info_table, require_columns, source_text
from stp_analytics.charts.icons import (
    assurance_colour,
    assurance_symbol,
    draw_icon,
    variation_symbol,
)
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import SPC_POINT_TYPES, SPC_SERIES_COLUMNS, SPC_TRIAL_LIMIT_POINTS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Making Data Count: fewer points than this give trial limits.
TRIAL_LIMIT_POINTS: int = SPC_TRIAL_LIMIT_POINTS
SPC_DATA_COLUMNS = SPC_SERIES_COLUMNS  # the columns prepare_spc_data needs
#: the attrs of the series the chart reads (``metrics.spc_view.spc_series`` sets them)
SPC_ATTRS: tuple[str, ...] = (
    "indicator", "area_name", "variation", "variation_side", "assurance", "trial_limits",
    "target",
)
POINT_LABELS: dict[str, str] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neutral (high)",
    "special_cause_neutral_low": "Special cause: neutral (low)",
}


def prepare_spc_data(
    series: pd.DataFrame,
    *,
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """``metrics.spc_view.spc_series`` output labelled for drawing: a copy whose ``attrs`` add
    the indicator's name, unit, polarity and source line."""
    require_columns(series, SPC_DATA_COLUMNS, "SPC chart")
    missing = [key for key in SPC_ATTRS if key not in series.attrs]
    if missing:
        raise DataValidationError(
            f"SPC chart: the series lacks {missing} (build it with metrics.spc_view.spc_series)")
    data = series.copy()
    indicator = data.attrs["indicator"]
    info = indicator_info_table(indicator_info, [indicator]).loc[indicator]
    data.attrs.update(name=info["name"], unit=info["unit"], polarity=info["polarity"],
                      source=source_text(pd.DataFrame([info]), None))
    return data


def _spc_alt_text(data: pd.DataFrame) -> str:
    attrs = data.attrs
    unit = f" {attrs.get('unit', '')}".rstrip()
    special = data[data["spc_point_type"] != "common_cause"]
    last = data.iloc[-1]
    _, variation = variation_symbol(attrs["variation"], attrs["variation_side"])
    _, assurance = assurance_symbol(attrs["assurance"])
    text = (
        f"SPC chart of {attrs['name']} for {attrs['area_name']}, {len(data)} points from "
        f"{data['period'].iloc[0]} to {last['period']}: mean {format_number(last['spc_mean'])}"
        f"{unit}, process limits {format_number(last['spc_lpl'])} to "
        f"{format_number(last['spc_upl'])}{unit}; {len(special)} special-cause point(s). "
        f"Latest value {format_number(last['value'])}{unit} ({last['period']}): "
        f"{variation.lower()}. {assurance}"
    )
    if np.isfinite(attrs["target"]):
        text += f" against a target of {format_number(attrs['target'])}{unit}"
    text += "."
    if attrs["trial_limits"]:
        text += f" Trial limits: fewer than {TRIAL_LIMIT_POINTS} points."
    return text


def _draw_series(ax: Axes, data: pd.DataFrame, palette: Palette) -> None:
    x = np.arange(len(data))
    ax.plot(x, data["value"], color=palette.nhs_mid_grey, linewidth=1.0, zorder=2,
            gid="spc-line")
    for point_type in SPC_POINT_TYPES:
        chosen = (data["spc_point_type"] == point_type).to_numpy()
        if chosen.any():
            ax.scatter(x[chosen], data["value"].to_numpy()[chosen], s=24,
                       marker=palette.spc_marker(point_type),
                       color=palette.spc_colour(point_type), zorder=3,
                       label=POINT_LABELS[point_type], gid=f"spc-points-{point_type}")
    ax.plot(x, data["spc_mean"], color=palette.spc_mean, linewidth=1.0, label="Mean",
            gid="spc-mean")
    ax.plot(x, data["spc_upl"], color=palette.nhs_dark_grey, linewidth=0.9, linestyle="--",
            label="Process limits", gid="spc-limit")
    ax.plot(x, data["spc_lpl"], color=palette.nhs_dark_grey, linewidth=0.9, linestyle="--",
            gid="spc-limit")
    if data["target"].notna().any():
        ax.plot(x, data["target"], color=palette.spc_target, linewidth=1.1, linestyle=(0, (4, 2)),
                label=f"Target {format_number(data.attrs['target'])}", gid="spc-target")
    step = max(1, int(np.ceil(len(data) / 12)))
    ax.set_xticks(x[::step], [str(p) for p in data["period"].iloc[::step]], rotation=45,
                  ha="right")
    ax.set_xlim(-0.7, len(data) - 0.3)


def _draw_icons(ax: Axes, data: pd.DataFrame, palette: Palette) -> None:
    attrs = data.attrs
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 2.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    letter, caption = variation_symbol(attrs["variation"], attrs["variation_side"])
    draw_icon(ax, (0.5, 1.95), letter, palette.spc_colour(attrs["variation"]), caption,
              gid="spc-variation-icon")
    letter, caption = assurance_symbol(attrs["assurance"])
    draw_icon(ax, (0.5, 0.75), letter, assurance_colour(attrs["assurance"], palette), caption,
              gid="spc-assurance-icon")


def plot_spc(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Draw an XmR chart with icons from :func:`prepare_spc_data` output."""
    require_columns(data, SPC_DATA_COLUMNS, "plot_spc data")
    colours = get_palette(palette)
    attrs = data.attrs
    with style_context():
        if ax is None:
            figure = new_figure(3.4)
            axes, icon_axes = figure.subplots(1, 2, width_ratios=[5.0, 1.0])
        else:
            figure, axes = ax.figure, ax
            icon_axes = ax.inset_axes([1.02, 0.0, 0.2, 1.0])
        _draw_series(axes, data, colours)
        _draw_icons(icon_axes, data, colours)
        unit = attrs.get("unit", "")
        axes.set_ylabel(axis_label(attrs.get("name", "Value"), unit))
        axes.set_xlabel("Period")
        if attrs.get("trial_limits"):
            axes.text(0.01, 0.98, f"Trial limits: fewer than {TRIAL_LIMIT_POINTS} points",
                      transform=axes.transAxes, ha="left", va="top", fontsize=6.5,
                      fontstyle="italic", color=colours.nhs_dark_grey, gid="spc-trial-note",
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}, zorder=5)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=3, fontsize=6.5)
        chart_title = title or f"{attrs.get('name')}: {attrs.get('area_name')}"
        add_title(figure, axes, chart_title, owns_figure=ax is None, palette=colours)
        chart_source = source or attrs.get("source", "stp-packs metric store")
        add_source_line(figure, axes, chart_source, owns_figure=ax is None, palette=colours)
    return Chart(figure=figure, title=chart_title, alt_text=_spc_alt_text(data),
                 source=chart_source, data=data)
