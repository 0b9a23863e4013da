"""Finance MODEL in context: an area's gap per head among all areas, and the model's national
provider position against the reported outturns.

* ``prepare_per_head_data`` / ``plot_per_head_range`` - one bar per area (its 2020/21 do-nothing
  gap per head, largest first), the pack's area solid NHS Blue and labelled, the others pale;
  input from :func:`stp_analytics.finance.context.per_head_distribution`.
* ``prepare_outturn_data`` / ``plot_outturn`` - grouped bars by year: the model's provider
  position and the reported provider sector outturn (which includes sustainability funding),
  £bn; input from :func:`stp_analytics.finance.reconcile.provider_outturn_comparison`.

Charts draw only: every number comes from the finance layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stp_analytics.charts.base import Chart, figure_and_axes, finish_chart
from stp_analytics.charts.data import require_columns
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PER_HEAD_INPUT = ("area_name", "gap_do_nothing_per_head", "is_area")
OUTTURN_INPUT = ("year", "model_provider_position", "reported_outturn")
MODEL_SOURCE = "stp-packs finance model (data_catalog/finance_assumptions.yml)"


def _numbers(data: pd.DataFrame, column: str, chart: str, *, allow_missing: bool = False
             ) -> None:
    data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    bad = np.flatnonzero(~np.isfinite(data[column].to_numpy()))
    if bad.size and not allow_missing:
        raise DataValidationError(f"{chart}: number is missing", row=int(bad[0]), column=column)


def prepare_per_head_data(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by gap per head, largest first; exactly one row must be the area."""
    require_columns(rows, PER_HEAD_INPUT, "per head range chart")
    data = rows.loc[:, list(PER_HEAD_INPUT)].reset_index(drop=True).copy()
    _numbers(data, "gap_do_nothing_per_head", "per head range chart")
    if int(data["is_area"].astype(bool).sum()) != 1:
        raise DataValidationError("per head range chart: expected exactly one row of the area",
                                  column="is_area")
    data["is_area"] = data["is_area"].astype(bool)
    return data.sort_values(["gap_do_nothing_per_head", "area_name"], ascending=[False, True],
                            ignore_index=True)


def plot_per_head_range(data: pd.DataFrame, *, ax: Axes | None = None,
                        palette: Palette | Mapping[str, object] | None = None,
                        year: str = "2020/21", source: str = MODEL_SOURCE) -> Chart:
    """Draw :func:`prepare_per_head_data` output: a bar per area, the area highlighted."""
    require_columns(data, PER_HEAD_INPUT, "plot_per_head_range data")
    colours = get_palette(palette)
    position = int(np.flatnonzero(data["is_area"].to_numpy())[0])
    area = data.iloc[position]
    values = data["gap_do_nothing_per_head"].to_numpy()
    x = np.arange(len(data))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 2.6)
        axes.bar(x, values, width=0.8, color=colours.nhs_pale_blue,
                 edgecolor=colours.nhs_dark_blue, linewidth=0.3, gid="per-head-areas")
        axes.bar([position], [values[position]], width=0.8, color=colours.nhs_blue,
                 edgecolor=colours.nhs_dark_blue, linewidth=0.6, gid="per-head-area")
        axes.annotate(f"{area['area_name']}: £{values[position]:,.0f}",
                      (position, values[position]), xytext=(0, 4), textcoords="offset points",
                      ha="center", va="bottom", fontsize=6.5, gid="per-head-label")
        axes.axhline(0, color=colours.nhs_black, linewidth=0.8)
        axes.set_xticks([])
        axes.set_xlabel(f"The {len(data)} areas, largest gap per head first")
        axes.set_ylabel(f"Do-nothing gap per head {year} (£)")
        axes.yaxis.grid(True)
        alt = (f"Bar chart of the {year} do-nothing gap per head of {len(data)} areas (model): "
               f"{area['area_name']} is £{values[position]:,.0f}, rank {position + 1} of "
               f"{len(data)}, in a range of £{values.min():,.0f} to £{values.max():,.0f}.")
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=f"{area['area_name']}: do-nothing gap per head among the {len(data)} areas",
            source=source, alt_text=alt,
        )
    return chart


def prepare_outturn_data(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in year order with numeric model and reported columns (reported may be missing)."""
    require_columns(rows, OUTTURN_INPUT, "outturn chart")
    if rows.empty:
        raise DataValidationError("outturn chart: no years", column="year")
    data = rows.loc[:, list(OUTTURN_INPUT)].reset_index(drop=True).copy()
    _numbers(data, "model_provider_position", "outturn chart")
    _numbers(data, "reported_outturn", "outturn chart", allow_missing=True)
    data["year"] = data["year"].astype(str)
    return data


def plot_outturn(data: pd.DataFrame, *, ax: Axes | None = None,
                 palette: Palette | Mapping[str, object] | None = None,
                 source: str = MODEL_SOURCE + "; reported outturns: NAO, NHS Improvement "
                 "(data_catalog/finance_calibration.yml)") -> Chart:
    """Draw :func:`prepare_outturn_data` output: model (solid) and reported (hatched) bars."""
    require_columns(data, OUTTURN_INPUT, "plot_outturn data")
    colours = get_palette(palette)
    x = np.arange(len(data))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 2.8)
        for offset, column, colour, hatch, name in (
                (-0.2, "model_provider_position", colours.nhs_blue, None, "Model"),
                (0.2, "reported_outturn", colours.nhs_pale_blue, "///",
                 "Reported (includes sustainability funding)")):
            values = data[column].to_numpy()
            axes.bar(x + offset, np.nan_to_num(values), width=0.38, color=colour, hatch=hatch,
                     edgecolor=colours.nhs_dark_blue, linewidth=0.6, label=name,
                     gid=f"outturn-{column}")
            for position, value in zip(x, values, strict=True):
                text = "n/a" if np.isnan(value) else f"{value:+.2f}"
                axes.annotate(text, (position + offset, 0 if np.isnan(value) else value),
                              xytext=(0, 3 if not value < 0 else -3), textcoords="offset points",
                              ha="center", va="bottom" if not value < 0 else "top", fontsize=6)
        axes.axhline(0, color=colours.nhs_black, linewidth=0.8)
        axes.set_xticks(x, list(data["year"]))
        axes.set_ylabel("Provider position (£bn, surplus +)")
        axes.margins(y=0.2)
        axes.yaxis.grid(True)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=6.5)
        last = data.iloc[-1]
        reported = ("not published" if np.isnan(last["reported_outturn"])
                    else f"£{last['reported_outturn']:+.2f}bn")
        alt = (f"Bar chart of the national provider position by year, model against reported: "
               f"in {last['year']} the model shows £{last['model_provider_position']:+.2f}bn "
               f"and the reported outturn was {reported} (reported results include "
               "sustainability funding).")
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title="Provider position, model against what was reported (all areas)",
            source=source, alt_text=alt,
        )
    return chart
