"""Tornado chart: the residual finance gap when each assumption moves down or up.

Input is the finance model's sensitivity table (``stp_analytics.finance.sensitivity_table``):
``assumption, low_label, high_label, residual_low, residual_high, base`` (£m). Bars run from the
base residual to each moved residual, widest swing on top; the low move is solid, the high move
hatched, and each bar end is labelled with the assumption's value and the residual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stp_analytics.charts.base import Chart, figure_and_axes, finish_chart, gbp_m, wrap
from stp_analytics.charts.data import require_columns
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TORNADO_INPUT: tuple[str, ...] = (
    "assumption", "low_label", "high_label", "residual_low", "residual_high", "base",
)


def prepare_tornado_data(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by swing (widest first) with a ``swing`` column; one base for all rows."""
    require_columns(rows, TORNADO_INPUT, "tornado chart")
    if rows.empty:
        raise DataValidationError("tornado chart: no sensitivity rows", column="assumption")
    data = rows.loc[:, list(TORNADO_INPUT)].reset_index(drop=True).copy()
    for column in ("residual_low", "residual_high", "base"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
        bad = np.flatnonzero(~np.isfinite(data[column].to_numpy()))
        if bad.size:
            raise DataValidationError("tornado chart: number is missing", row=int(bad[0]),
                                      column=column)
    if not np.allclose(data["base"], data["base"].iloc[0], rtol=0, atol=1e-6):
        raise DataValidationError("tornado chart: every row must share the same base residual",
                                  column="base")
    data["swing"] = (data["residual_high"] - data["residual_low"]).abs()
    return data.sort_values(["swing", "assumption"], ascending=[False, True],
                            ignore_index=True)


def _tornado_alt_text(data: pd.DataFrame, area: str, measure: str = "Residual gap") -> str:
    widest = data.iloc[0]
    what = "residual finance gap" if measure == "Residual gap" else measure.lower()
    return (f"Tornado chart of the {what} for {area}: base "
            f"{gbp_m(data['base'].iloc[0])}; {len(data)} assumptions moved one at a time. "
            f"Widest swing: {widest['assumption']} ({gbp_m(widest['residual_low'])} at "
            f"{widest['low_label']} to {gbp_m(widest['residual_high'])} at "
            f"{widest['high_label']}).")


def _end_text(ax: Axes, value: float, y: float, base: float, text: str) -> None:
    right = value >= base
    ax.annotate(text, (value, y), xytext=(3 if right else -3, 0), textcoords="offset points",
                ha="left" if right else "right", va="center", fontsize=6, gid="tornado-label")


def plot_tornado(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    area_name: str = "the area",
    title: str | None = None,
    source: str = "stp-packs finance model (data_catalog/finance_assumptions.yml)",
    measure: str = "Residual gap",
) -> Chart:
    """Draw a tornado chart from :func:`prepare_tornado_data` output; ``measure`` names the gap
    the rows move (the residual gap by default; the do-nothing gap for its own chart)."""
    require_columns(data, (*TORNADO_INPUT, "swing"), "plot_tornado data")
    colours = get_palette(palette)
    base = float(data["base"].iloc[0])
    y = np.arange(len(data))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 1.4 + 0.42 * len(data))
        for side, colour, hatch, name in (("low", colours.nhs_blue, None, "Low value"),
                                          ("high", colours.nhs_pale_blue, "///", "High value")):
            ends = data[f"residual_{side}"].to_numpy()
            axes.barh(y, ends - base, left=base, height=0.6, color=colour, hatch=hatch,
                      edgecolor=colours.nhs_dark_blue, linewidth=0.6, label=name,
                      gid=f"tornado-{side}")
            for position, end, label in zip(y, ends, data[f"{side}_label"], strict=True):
                _end_text(axes, end, position, base, f"{label}: {gbp_m(end)}")
        axes.axvline(base, color=colours.nhs_black, linewidth=1.0,
                     label=f"Base {gbp_m(base)}", gid="tornado-base")
        axes.set_yticks(y, [wrap(a, 26) for a in data["assumption"]])
        axes.set_ylim(len(data) - 0.4, -0.6)
        axes.set_xlabel(f"{measure} in 2020/21 (£ million)")
        axes.margins(x=0.35)
        axes.xaxis.grid(True)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=6.5)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or f"{area_name}: how the {measure.lower()} moves with each assumption",
            source=source, alt_text=_tornado_alt_text(data, area_name, measure),
        )
    return chart
