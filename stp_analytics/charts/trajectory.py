"""Trajectory charts: for each indicator with a standard, the baseline, the straight path to the
standard in 2020/21 and the actuals since (small multiples, one panel per indicator).

The panels come from :mod:`stp_analytics.metrics.trajectory` (prepared in the content layer):
this module only draws. Lines differ in colour, style and marker, so they read in grey-scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stp_analytics.charts.base import (
    Chart,
    add_source_line,
    add_title,
    format_number,
    new_figure,
    shorten,
    wrap,
)
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import ParameterError

#: height of the legend's band, inches
LEGEND_IN = 0.3


@dataclass(frozen=True)
class TrajectoryPanel:
    """One indicator: its yearly actuals (period, midpoint, value), the path from the baseline
    (``start``: date, level) to 2020/21 (``end``: date, level; the baseline's level when it
    already meets the ``standard``) and the status text."""

    name: str
    unit: str
    actuals: pd.DataFrame
    start: tuple[pd.Timestamp, float]
    end: tuple[pd.Timestamp, float]
    status: str
    standard: float


def _years(when: pd.Timestamp) -> float:
    return when.year + (when.day_of_year - 1) / 365.25


def _draw(ax, panel: TrajectoryPanel, palette: Palette) -> None:
    x = [_years(pd.Timestamp(t)) for t in panel.actuals["midpoint"]]
    (x0, y0), (x1, y1) = ((_years(t), v) for t, v in (panel.start, panel.end))
    ax.plot([x0, x1], [y0, y1], color=palette.nhs_orange, linestyle="--", linewidth=1.3,
            label="Path to the standard", gid="trajectory-path")
    ax.axhline(panel.standard, color=palette.spc_target, linestyle=":", linewidth=1.0,
               label="Standard")
    ax.plot(x, panel.actuals["value"], color=palette.nhs_blue, marker="o", markersize=3.5,
            linewidth=1.5, label="Actual", gid="trajectory-actual")
    ax.plot([x0], [y0], marker="s", color=palette.nhs_dark_blue, markersize=5,
            linestyle="none", label="Baseline")
    ticks = list(range(int(np.floor(min(*x, x0))), int(np.ceil(max(*x, x1)))))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_ylabel(wrap(shorten(panel.unit, 40), 22), fontsize=6.5)
    ax.yaxis.grid(True)
    ax.set_title(wrap(f"{panel.name}: {panel.status}", 40), fontsize=7.5, loc="left",
                 color=palette.nhs_dark_blue)


def _legend_above_source(figure, ax, height_in: float = LEGEND_IN) -> None:
    """The shared legend in a band of its own between the panels and the source line."""
    height = figure.get_figheight()
    band_in = figure.get_layout_engine().get()["rect"][1] * height
    total = height + height_in
    figure.set_figheight(total)
    figure.get_layout_engine().set(rect=(0.0, (band_in + height_in) / total, 1.0,
                                         1.0 - (band_in + height_in) / total))
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncols=4, fontsize=6.5, frameon=False,
                  bbox_to_anchor=(0.5, band_in / total), bbox_transform=figure.transFigure)


def panel_sentence(panel: TrajectoryPanel) -> str:
    """The panel's finding in words, for the alt text."""
    first, last = panel.actuals.iloc[0], panel.actuals.iloc[-1]
    return (f"{panel.name}: {format_number(panel.start[1])} at the baseline, "
            f"{format_number(last['value'])} in {last['period']} (first {first['period']}), "
            f"standard {format_number(panel.standard)} by 2020/21 - {panel.status}.")


def plot_trajectories(panels: Sequence[TrajectoryPanel], *, area_name: str, title: str,
                      source: str, ncols: int = 2,
                      palette: Palette | Mapping[str, object] | None = None) -> Chart:
    """Small multiples of :class:`TrajectoryPanel`, a shared legend and one source line."""
    if not panels:
        raise ParameterError("panels: expected at least one trajectory panel, got none")
    colours = get_palette(palette)
    ncols = min(ncols, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    with style_context():
        figure = new_figure(0.7 + 1.8 * nrows)
        grid = figure.subplots(nrows, ncols, squeeze=False)
        for ax, panel in zip(grid.flat, panels, strict=False):
            _draw(ax, panel, colours)
        for ax in list(grid.flat)[len(panels):]:
            ax.set_axis_off()
        add_title(figure, grid.flat[0], title, owns_figure=True, palette=colours)
        add_source_line(figure, grid.flat[0], source, owns_figure=True, palette=colours)
        _legend_above_source(figure, grid.flat[0])
    alt = (f"Trajectory charts for {area_name}, baseline to the standard in 2020/21 with the "
           "actuals since: " + " ".join(panel_sentence(p) for p in panels))
    return Chart(figure=figure, title=title, alt_text=alt, source=source, data=list(panels))
