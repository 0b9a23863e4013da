"""Trend lines: an area's value over time with its confidence band, England and the target.

One chart (:func:`plot_trend`) or small multiples of several indicators
(:func:`plot_trend_small_multiples`). Lines differ in colour, line style and marker and are
labelled at their ends, so they read in grey-scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.base import (
    Chart,
    add_source_line,
    add_title,
    axis_label,
    figure_and_axes,
    finish_chart,
    format_number,
    new_figure,
    shorten,
    wrap,
)
from stp_analytics.charts.data import (
    area_name,
    combine_sources,
    indicator_info_table,
    numeric_series,
    require_columns,
    select_rows,
    source_text,
)
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TREND_COLUMNS: tuple[str, ...] = (
    "period", "period_start", "value", "lower", "upper", "england_value", "target",
)


def prepare_trend_data(
    store: pd.DataFrame,
    area_code: str,
    indicator: str,
    *,
    sex: str = "Persons",
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """An area's series of one indicator in period order, with England and target columns."""
    require_columns(store, ("indicator", "area_code", "sex", *TREND_COLUMNS), "trend chart")
    rows = select_rows(store, indicator=indicator, area_code=area_code, sex=sex)
    if rows.empty:
        raise DataValidationError(
            f"trend chart: no rows for indicator {indicator!r}, area {area_code!r}, sex {sex!r}",
            column="area_code")
    data = numeric_series(rows, TREND_COLUMNS,
                          ("value", "lower", "upper", "england_value", "target"))
    if data["england_value"].isna().all():
        national = select_rows(store, indicator=indicator, area_role="england", sex=sex)
        by_period = national.drop_duplicates("period").set_index("period")["value"]
        data["england_value"] = data["period"].map(by_period).astype(float)
    info = indicator_info_table(indicator_info, [indicator]).loc[indicator]
    data.attrs.update(indicator=indicator, name=info["name"], unit=info["unit"],
                      polarity=info["polarity"], area_code=area_code,
                      area_name=area_name(store, area_code),
                      source=source_text(pd.DataFrame([info]), None))
    return data


def prepare_trend_small_multiples_data(
    store: pd.DataFrame,
    area_code: str,
    indicators: Iterable[str],
    *,
    sex: str = "Persons",
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
) -> list[pd.DataFrame]:
    """One :func:`prepare_trend_data` frame per indicator, in the order given."""
    return [prepare_trend_data(store, area_code, i, sex=sex, indicator_info=indicator_info)
            for i in indicators]


def _trend_sentence(data: pd.DataFrame) -> str:
    attrs = data.attrs
    unit = f" {attrs.get('unit', '')}".rstrip()
    valued = data[np.isfinite(data["value"])]
    if valued.empty:
        return f"{attrs['name']}: data not supplied."
    first, last = valued.iloc[0], valued.iloc[-1]
    text = (f"{attrs['name']} went from {format_number(first['value'])}{unit} in "
            f"{first['period']} to {format_number(last['value'])}{unit} in {last['period']}")
    if np.isfinite(last["england_value"]):
        text += f" (England {format_number(last['england_value'])}{unit})"
    if np.isfinite(last["target"]):
        text += f", target {format_number(last['target'])}{unit}"
    return text + "."


def _end_label(ax: Axes, x: float, y: float, text: str, colour: str) -> None:
    if np.isfinite(y):
        ax.annotate(text, (x, y), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=6, color=colour, gid="trend-end-label", annotation_clip=False)


def _draw_trend(ax: Axes, data: pd.DataFrame, palette: Palette, *, compact: bool) -> None:
    x = np.arange(len(data))
    last = len(data) - 1
    if data[["lower", "upper"]].notna().all(axis=1).any():
        ax.fill_between(x, data["lower"], data["upper"], color=palette.nhs_pale_blue,
                        alpha=0.8, linewidth=0, label="95% confidence interval", gid="trend-ci")
    ax.plot(x, data["value"], color=palette.nhs_blue, marker="o", markersize=3.5,
            linewidth=1.5, label=data.attrs["area_name"], gid="trend-area")
    _end_label(ax, last, data["value"].iloc[-1], "Area" if compact else "", palette.nhs_blue)
    if data["england_value"].notna().any():
        ax.plot(x, data["england_value"], color=palette.spine_england, marker="s",
                markersize=3, linestyle="--", linewidth=1.0, label="England", gid="trend-england")
        _end_label(ax, last, data["england_value"].iloc[-1], "England", palette.spine_england)
    if data["target"].notna().any():
        ax.plot(x, data["target"], color=palette.spc_target, linestyle=":", linewidth=1.3,
                label="Target", gid="trend-target")
        _end_label(ax, last, data["target"].iloc[-1], "Target", palette.spc_target)
    step = max(1, int(np.ceil(len(data) / (3 if compact else 10))))
    ax.set_xticks(x[::step], [str(p) for p in data["period"].iloc[::step]],
                  rotation=0 if compact else 30, ha="center" if compact else "right")
    ax.set_xlim(-0.4, last + (0.9 if len(data) > 1 else 0.4))
    unit = data.attrs.get("unit", "")
    ax.set_ylabel(wrap(shorten(unit, 40), 22) if compact else axis_label(data.attrs["name"], unit))
    ax.yaxis.grid(True)


def plot_trend(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Draw one trend chart from :func:`prepare_trend_data` output."""
    require_columns(data, TREND_COLUMNS, "plot_trend data")
    colours = get_palette(palette)
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 3.0)
        _draw_trend(axes, data, colours, compact=False)
        axes.set_xlabel("Period")
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=6.5)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or f"{data.attrs['name']}: {data.attrs['area_name']} and England",
            source=source or data.attrs.get("source", "stp-packs metric store"),
            alt_text=(f"Trend chart for {data.attrs['area_name']}: " + _trend_sentence(data)),
        )
    return chart


def plot_trend_small_multiples(
    datasets: Sequence[pd.DataFrame],
    *,
    ncols: int = 3,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Small multiples: one small trend panel per indicator, shared legend and source line."""
    if not datasets:
        raise ParameterError("datasets: expected at least one prepared trend frame, got none")
    if ncols < 1:
        raise ParameterError(f"ncols: expected a positive integer, got {ncols!r}")
    for frame in datasets:
        require_columns(frame, TREND_COLUMNS, "plot_trend_small_multiples data")
    colours = get_palette(palette)
    ncols = min(ncols, len(datasets))
    nrows = int(np.ceil(len(datasets) / ncols))
    area = datasets[0].attrs["area_name"]
    with style_context():
        figure = new_figure(0.6 + 1.9 * nrows)
        grid = figure.subplots(nrows, ncols, squeeze=False)
        for panel, frame in zip(grid.flat, datasets, strict=False):
            _draw_trend(panel, frame, colours, compact=True)
            panel.set_title(wrap(frame.attrs["name"], 38), fontsize=7.5, loc="left",
                            color=colours.nhs_dark_blue)
        for panel in list(grid.flat)[len(datasets):]:
            panel.set_axis_off()
        chart_title = title or f"{area}: trends against England"
        add_title(figure, grid.flat[0], chart_title, owns_figure=True, palette=colours)
        chart_source = source or combine_sources(d.attrs.get("source", "") for d in datasets)
        add_source_line(figure, grid.flat[0], chart_source, owns_figure=True, palette=colours)
    alt = (f"Small-multiple trend charts of {len(datasets)} indicators for {area}: "
           + " ".join(_trend_sentence(d) for d in datasets))
    return Chart(figure=figure, title=chart_title, alt_text=alt, source=chart_source,
                 data=list(datasets))
