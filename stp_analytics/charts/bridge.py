"""Bridge (waterfall) chart of the 2020/21 finance gap: do-nothing gap, each lever, residual.

Input is the finance model's step table (``stp_analytics.finance.bridge_table``): one row per
step with ``label`` and ``amount_gbp_m``, and optionally ``kind`` ("total" for the do-nothing and
residual gaps, "step" for a lever; without it the first and last rows are totals). Totals are
solid NHS Blue bars; levers that close the gap are hatched green, any that widen it are
cross-hatched orange; every bar carries its amount as text, so grey-scale print reads the same.
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

BRIDGE_COLUMNS: tuple[str, ...] = ("label", "amount_gbp_m", "kind", "start", "end")


def prepare_bridge_data(steps: pd.DataFrame, *, tolerance_gbp_m: float = 0.05) -> pd.DataFrame:
    """Each bar's start and end (£m); checks that the steps add up to the residual.

    Raises DataValidationError naming the row when an amount is missing, a kind is unknown, or
    the first total plus the steps differs from the last total by more than ``tolerance_gbp_m``.
    """
    require_columns(steps, ("label", "amount_gbp_m"), "bridge chart")
    if len(steps) < 2:
        raise DataValidationError("bridge chart: expected at least a gap and a residual row",
                                  column="amount_gbp_m")
    data = steps.reset_index(drop=True).loc[:, ["label", "amount_gbp_m"]].copy()
    data["label"] = data["label"].astype(str)
    data["amount_gbp_m"] = pd.to_numeric(data["amount_gbp_m"], errors="coerce").astype(float)
    if "kind" in steps.columns:
        data["kind"] = steps["kind"].astype(str).to_numpy()
    else:
        data["kind"] = ["total"] + ["step"] * (len(data) - 2) + ["total"]
    for row, (amount, kind) in enumerate(zip(data["amount_gbp_m"], data["kind"], strict=True)):
        if not np.isfinite(amount):
            raise DataValidationError("bridge chart: amount is missing", row=row,
                                      column="amount_gbp_m")
        if kind not in ("total", "step"):
            raise DataValidationError(f"bridge chart: kind {kind!r} is not 'total' or 'step'",
                                      row=row, column="kind")
    if data["kind"].iloc[0] != "total":
        raise DataValidationError("bridge chart: the first row must be a total (the gap)",
                                  row=0, column="kind")
    starts, ends, level = [], [], 0.0
    for row, (amount, kind) in enumerate(zip(data["amount_gbp_m"], data["kind"], strict=True)):
        if kind == "total":
            if row > 0 and abs(amount - level) > tolerance_gbp_m:
                raise DataValidationError(
                    f"bridge chart: total {amount:.2f} does not equal the running total "
                    f"{level:.2f} of the rows above (tolerance {tolerance_gbp_m})",
                    row=row, column="amount_gbp_m")
            starts.append(0.0)
            level = amount
        else:
            starts.append(level)
            level += amount
        ends.append(level if kind == "step" else amount)
    data["start"], data["end"] = starts, ends
    return data


def _bridge_alt_text(data: pd.DataFrame, area: str) -> str:
    gap, residual = data["amount_gbp_m"].iloc[0], data["amount_gbp_m"].iloc[-1]
    levers = data[data["kind"] == "step"]
    parts = "; ".join(f"{label} {gbp_m(amount, signed=True)}" for label, amount in
                      zip(levers["label"], levers["amount_gbp_m"], strict=True))
    return (f"Bridge chart of the finance gap for {area}: do-nothing gap {gbp_m(gap)}; "
            f"levers {parts}; residual gap {gbp_m(residual)}.")


def _bar_style(kind: str, amount: float, palette: Palette) -> dict[str, object]:
    if kind == "total":
        return {"color": palette.nhs_blue, "hatch": None, "edgecolor": palette.nhs_blue}
    if amount <= 0:
        return {"color": "#C6E5B5", "hatch": "///", "edgecolor": "#007F3B"}
    return {"color": "#FAD9B8", "hatch": "xx", "edgecolor": palette.nhs_orange}


def plot_bridge(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    area_name: str = "the area",
    title: str | None = None,
    source: str = "stp-packs finance model (data_catalog/finance_assumptions.yml); NHS "
                  "planning guidance 2016/17-2020/21",
) -> Chart:
    """Draw a bridge chart from :func:`prepare_bridge_data` output."""
    require_columns(data, BRIDGE_COLUMNS, "plot_bridge data")
    colours = get_palette(palette)
    x = np.arange(len(data))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 3.4)
        for position, row in zip(x, data.itertuples(index=False), strict=True):
            bottom, top = sorted((row.start, row.end))
            style = _bar_style(row.kind, row.amount_gbp_m, colours)
            axes.bar(position, top - bottom, bottom=bottom, width=0.62, linewidth=0.8,
                     gid=f"bridge-{row.kind}", **style)
            text = gbp_m(row.amount_gbp_m, signed=row.kind == "step")
            axes.annotate(text, (position, top), xytext=(0, 2), textcoords="offset points",
                          ha="center", va="bottom", fontsize=6.5, gid="bridge-value")
        for position in x[:-1]:
            level = data["end"].iloc[position]
            axes.plot([position + 0.31, position + 0.69], [level, level],
                      color=colours.nhs_mid_grey, linewidth=0.7, gid="bridge-connector")
        axes.axhline(0, color=colours.nhs_black, linewidth=0.7)
        axes.set_xticks(x, [wrap(label, 14) for label in data["label"]])
        axes.tick_params(axis="x", labelsize=6.5)
        axes.set_ylabel("£ million (positive = shortfall)")
        axes.yaxis.grid(True)
        axes.margins(y=0.12)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or f"{area_name}: closing the finance gap (£ million)",
            source=source, alt_text=_bridge_alt_text(data, area_name),
        )
    return chart
