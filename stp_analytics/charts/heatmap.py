"""League heat map: every area of the set (44 footprints) x key indicators, by comparison.

Each cell is coloured by the area's significance against England (Fingertips colours) and
carries the category's letter (B better, S similar, W worse, H higher, L lower, - not compared),
so the map reads in grey-scale. Used on the national index page; one area may be highlighted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.base import Chart, figure_and_axes, finish_chart, shorten
from stp_analytics.charts.data import (
    indicator_info_table,
    require_columns,
    resolve_period,
    select_rows,
    source_text,
)
from stp_analytics.charts.style import COMPARISON_LABELS, Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_DARK_CELLS = ("Worse", "Lower")


@dataclass
class HeatmapData:
    """Comparison labels (rows areas, columns indicators) and what to call them."""

    comparisons: pd.DataFrame  # index area_code, columns indicator ids, values labels
    area_names: pd.Series  # index area_code
    indicator_names: pd.Series  # index indicator id
    periods: pd.Series  # index indicator id
    highlight: str | None
    source: str


def prepare_heatmap_data(
    store: pd.DataFrame,
    indicators: Iterable[str] | None = None,
    *,
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
    sex: str = "Persons",
    highlight: str | None = None,
    sort_by: str = "name",
) -> HeatmapData:
    """Latest comparison label of every area for each indicator.

    Rows are sorted by area name (``sort_by="name"``) or by most "Worse" cells first
    (``sort_by="worse"``, ties by name). Missing cells are "Not compared".
    """
    if sort_by not in ("name", "worse"):
        raise ParameterError(f"sort_by: expected 'name' or 'worse', got {sort_by!r}")
    require_columns(store, ("indicator", "area_role", "area_code", "area_name", "period",
                            "comparison"), "league heat map")
    keep = [c for c in ("indicator", "area_code", "area_name", "period", "period_start",
                        "comparison") if c in store.columns]
    areas = select_rows(store, area_role="area", sex=sex).loc[:, keep]
    if areas.empty:
        raise DataValidationError(f"league heat map: no 'area' rows for sex {sex!r}",
                                  column="area_role")
    wanted = sorted(set(areas["indicator"])) if indicators is None else list(
        dict.fromkeys(indicators))
    names = areas.drop_duplicates("area_code").set_index("area_code")["area_name"].astype(str)
    columns, periods = {}, {}
    groups = dict(tuple(areas[areas["indicator"].isin(wanted)].groupby("indicator", sort=False)))
    for indicator in wanted:
        rows = groups.get(indicator, areas.iloc[:0])
        period = resolve_period(rows, None, f"league heat map, indicator {indicator!r}")
        latest = rows[rows["period"].astype(str) == period].drop_duplicates("area_code")
        columns[indicator] = latest.set_index("area_code")["comparison"]
        periods[indicator] = period
    table = pd.DataFrame(columns, index=names.index).reindex(columns=wanted)
    table = table.where(table.isin(COMPARISON_LABELS), "Not compared")
    order = pd.DataFrame({"name": names, "worse": -(table == "Worse").sum(axis=1)})
    keys = ["name"] if sort_by == "name" else ["worse", "name"]
    table = table.loc[order.sort_values(keys, kind="mergesort").index]
    if highlight is not None and highlight not in table.index:
        raise DataValidationError(f"league heat map: highlight area {highlight!r} not found",
                                  column="area_code")
    info = indicator_info_table(indicator_info, wanted)
    return HeatmapData(comparisons=table, area_names=names.loc[table.index],
                       indicator_names=info["short_name"], periods=pd.Series(periods),
                       highlight=highlight, source=source_text(info, None))


def _heatmap_alt_text(data: HeatmapData) -> str:
    table = data.comparisons
    worse = (table == "Worse").sum(axis=1)
    most = worse.idxmax() if len(worse) else None
    text = (f"League heat map of {len(table)} areas by {table.shape[1]} indicators, each cell "
            f"coloured and lettered by comparison with England.")
    if most is not None and worse.max() > 0:
        text += (f" Most cells significantly worse: {data.area_names[most]} "
                 f"({int(worse.max())} of {table.shape[1]}).")
    if data.highlight is not None:
        own = table.loc[data.highlight]
        text += (f" {data.area_names[data.highlight]}: {int((own == 'Worse').sum())} worse, "
                 f"{int((own == 'Better').sum())} better.")
    return text


def _draw_codes(ax: Axes, table: pd.DataFrame, palette: Palette) -> None:
    """Each cell's letter, one marker collection per category (fast: no per-cell text)."""
    import matplotlib

    rows, cols = np.indices(table.shape)
    labels = table.to_numpy()
    for label in COMPARISON_LABELS:
        chosen = labels == label
        if not chosen.any():
            continue
        code = palette.comparison_code(label).replace("$", "")
        with matplotlib.rc_context({"text.parse_math": True}):  # letter markers are "$B$"
            ax.scatter(cols[chosen] + 0.5, rows[chosen] + 0.5, s=22, linewidths=0,
                       marker=f"$\\mathregular{{{code}}}$", gid=f"heatmap-code-{label}",
                       color="white" if label in _DARK_CELLS else palette.nhs_black)


def plot_heatmap(
    data: HeatmapData,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Draw the league heat map from :func:`prepare_heatmap_data` output."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    colours = get_palette(palette)
    table = data.comparisons
    codes = table.apply(lambda column: column.map(COMPARISON_LABELS.index)).to_numpy(float)
    n_rows, n_cols = table.shape
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 2.2 + 0.15 * n_rows)
        cmap = ListedColormap([colours.comparison_colour(c) for c in COMPARISON_LABELS])
        axes.pcolormesh(codes, cmap=cmap, vmin=-0.5, vmax=len(COMPARISON_LABELS) - 0.5,
                        edgecolors="white", linewidth=0.6, gid="heatmap-cells")
        _draw_codes(axes, table, colours)
        axes.set_xticks(np.arange(n_cols) + 0.5, [
            shorten(f"{data.indicator_names[i]} ({data.periods[i]})", 36) for i in table.columns],
            )
        axes.xaxis.tick_top()
        axes.set_yticks(np.arange(n_rows) + 0.5, [
            f"> {name}" if code == data.highlight else name
            for code, name in data.area_names.items()])
        axes.set_xlim(0, n_cols)
        axes.set_ylim(n_rows, 0)
        axes.tick_params(length=0, labelsize=5.5)  # persistent: applies to ticks made later
        axes.tick_params(axis="x", labelrotation=90)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if data.highlight is not None:
            row = list(table.index).index(data.highlight)
            axes.add_patch(Rectangle((0, row), n_cols, 1, fill=False, linewidth=1.6,
                                     edgecolor=colours.nhs_blue, gid="heatmap-highlight"))
        handles = [Patch(facecolor=colours.comparison_colour(c), edgecolor=colours.nhs_dark_grey,
                         label=f"{colours.comparison_code(c)}  {c}") for c in COMPARISON_LABELS]
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.005),
                    ncol=3, fontsize=6)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or "League table: every area compared with England",
            source=source or data.source, alt_text=_heatmap_alt_text(data),
        )
    return chart
