"""Spine chart (Fingertips area profile): every indicator against England and the range of areas.

Fingertips rules (fingertipscharts ``area_profiles``; reference/methods/README.md): England sits
at the centre line; bars run worst -> 25th percentile -> 75th percentile -> best across the areas
of the set (the 44 footprints), light/dark/light grey; best is always on the right, so
low-is-good indicators are mirrored; the half-width of the scale is the largest distance from
England; the area is a circle in its significance colour. Indicators without polarity are drawn
lowest-to-highest and coloured Higher/Lower (no judgement). Text columns give the value, England,
worst and best, and the comparison in words so colour is never the only carrier of meaning.
An optional ``comparison_text`` column (given by the caller, e.g. an approximate value's
districts' own comparisons) replaces the words of a row that is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.alt import comparison_summary, join_names
from stp_analytics.charts.base import (
    Chart,
    figure_and_axes,
    finish_chart,
    format_number,
    shorten,
)
from stp_analytics.charts.data import (
    area_name,
    first_value,
    indicator_info_table,
    require_columns,
    resolve_period,
    select_rows,
    source_text,
)
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SPINE_COLUMNS: tuple[str, ...] = (
    "indicator", "name", "unit", "polarity", "period", "value", "england_value",
    "worst", "worst_quartile", "best_quartile", "best", "comparison", "n_areas",
    "pos_value", "pos_worst", "pos_worst_quartile", "pos_best_quartile", "pos_best",
)
_NEEDED = ("indicator", "area_role", "area_code", "period", "sex", "value", "comparison")


def _scale(values: dict[str, float], england: float, mirror: bool) -> dict[str, float]:
    """Positions on [0, 1] with England at 0.5 and best on the right (fingertipscharts)."""
    finite = [abs(v - england) for v in values.values() if np.isfinite(v)]
    half = max(finite, default=0.0)
    if not np.isfinite(england) or half == 0:
        return {key: np.nan for key in values}
    sign = -1.0 if mirror else 1.0
    return {key: 0.5 + sign * (v - england) / (2 * half) for key, v in values.items()}


def _spine_row(
    store: pd.DataFrame, area_code: str, indicator: str, info: pd.Series, sex: str,
    period: str | None,
) -> dict[str, Any]:
    area_rows = select_rows(store, indicator=indicator, area_role="area", sex=sex)
    chosen = resolve_period(area_rows, period, f"spine chart, indicator {indicator!r}")
    of_period = area_rows[area_rows["period"].astype(str) == chosen]
    own = of_period[of_period["area_code"] == area_code]
    values = pd.to_numeric(of_period["value"], errors="coerce").dropna().to_numpy()
    value = first_value(own, "value")
    england = first_value(own, "england_value")
    if not np.isfinite(england):
        national = select_rows(store, indicator=indicator, area_role="england", sex=sex)
        england = first_value(national[national["period"].astype(str) == chosen], "value")
    mirror = info["polarity"] == "low_is_good"
    if values.size:
        lowest, q25, q75, highest = np.quantile(values, [0.0, 0.25, 0.75, 1.0])
    else:
        lowest = q25 = q75 = highest = np.nan
    worst, worst_q, best_q, best = (highest, q75, q25, lowest) if mirror else (
        lowest, q25, q75, highest)
    comparison = str(own["comparison"].iloc[0]) if not own.empty and pd.notna(
        own["comparison"].iloc[0]) else "Not compared"
    positions = _scale(
        {"value": value, "worst": worst, "worst_quartile": worst_q,
         "best_quartile": best_q, "best": best}, england, mirror,
    )
    return {
        "indicator": indicator, "name": info["name"], "unit": info["unit"],
        "polarity": info["polarity"], "period": chosen, "value": value,
        "england_value": england, "worst": worst, "worst_quartile": worst_q,
        "best_quartile": best_q, "best": best,
        "comparison": comparison if np.isfinite(value) else "Not compared",
        "n_areas": int(values.size),
        **{f"pos_{key}": pos for key, pos in positions.items()},
    }


def prepare_spine_data(
    store: pd.DataFrame,
    area_code: str,
    *,
    indicators: Iterable[str] | None = None,
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
    sex: str = "Persons",
    period: str | None = None,
) -> pd.DataFrame:
    """One row per indicator: the area's value and comparison, England, the range and positions.

    ``indicators`` defaults to every indicator with area rows for ``sex`` (sorted); the period
    is each indicator's latest unless given. Positions (``pos_*``) are on [0, 1], England 0.5,
    best to the right. The area must be one of the ``area`` rows of the store.
    """
    require_columns(store, _NEEDED, "spine chart")
    area_rows = select_rows(store, area_role="area", sex=sex)
    if area_code not in set(area_rows["area_code"]):
        raise DataValidationError(
            f"spine chart: area {area_code!r} has no 'area' rows for sex {sex!r} in the store",
            column="area_code",
        )
    wanted = sorted(set(area_rows["indicator"])) if indicators is None else list(indicators)
    info = indicator_info_table(indicator_info, wanted)
    columns = [c for c in (*_NEEDED, "period_start", "england_value") if c in store.columns]
    relevant = store.loc[store["indicator"].isin(wanted) & (store["sex"] == sex)
                         & store["area_role"].isin(("area", "england")), columns]
    groups = dict(tuple(relevant.groupby("indicator", sort=False)))
    rows = [
        _spine_row(groups.get(indicator, relevant.iloc[:0]), area_code, indicator,
                   info.loc[indicator], sex, period)
        for indicator in wanted
    ]
    table = pd.DataFrame(rows, columns=list(SPINE_COLUMNS))
    table.attrs.update(area_code=area_code, area_name=area_name(store, area_code),
                       source=source_text(info, None))
    return table


def _comparison_note(row: Any) -> str:
    """The optional ``comparison_text`` of a row (e.g. districts' own comparisons for an
    approximate value, given by the caller), shown instead of "Not compared"."""
    note = getattr(row, "comparison_text", "")
    return note if isinstance(note, str) else ""


def _spine_alt_text(data: pd.DataFrame, name: str) -> str:
    worse = data.loc[data["comparison"] == "Worse", "name"]
    text = (f"Spine chart of {len(data)} indicators for {name} against England and the range "
            f"of areas: {comparison_summary(data['comparison'])}.")
    if not worse.empty:
        text += f" Significantly worse: {join_names(worse)}."
    if "comparison_text" in data:
        notes = data[data["comparison_text"].fillna("").astype(str) != ""]
        if not notes.empty:
            text += " Approximate values, not tested, with their districts' own comparisons: " + (
                "; ".join(f"{n} ({t})" for n, t in zip(notes["name"], notes["comparison_text"],
                                                          strict=True))) + "."
    missing = data.loc[~np.isfinite(data["value"].astype(float)), "name"]
    if not missing.empty:
        text += f" Data not supplied: {join_names(missing)}."
    return text


# x layout (axes data units, 0..100): text columns and the spine between SPINE_LEFT..RIGHT
_COLUMNS = {"period": 38.0, "value": 44.5, "england": 51.0, "worst": 57.5, "best": 87.0,
            "compared": 95.5}
SPINE_LEFT, SPINE_RIGHT = 61.0, 83.0


def _spine_x(position: float) -> float:
    return SPINE_LEFT + position * (SPINE_RIGHT - SPINE_LEFT)


def _draw_header(ax: Axes) -> None:
    headings = {"period": "Period", "value": "Value", "england": "England",
                "worst": "Worst/\nLowest", "best": "Best/\nHighest", "compared": "vs\nEngland"}
    ax.text(0, -0.9, "Indicator", ha="left", va="center", fontweight="bold", fontsize=7,
            in_layout=False)
    for key, heading in headings.items():
        ax.text(_COLUMNS[key], -0.9, heading, ha="center", va="center", fontweight="bold",
                fontsize=6.5, in_layout=False)
    ax.text(_spine_x(0.5), -0.9, "England\naverage", ha="center", va="center",
            fontweight="bold", fontsize=6.5, in_layout=False)


def _draw_rows(ax: Axes, data: pd.DataFrame, palette: Palette, decimals: int) -> None:
    for y, row in enumerate(data.itertuples(index=False)):
        ax.text(0, y - 0.17, shorten(row.name, 46), ha="left", va="center", fontsize=6.3,
                gid="spine-label", in_layout=False)
        ax.text(0, y + 0.2, shorten(row.unit, 60), ha="left", va="center", fontsize=5.5,
                color=palette.nhs_dark_grey, gid="spine-unit", in_layout=False)
        cells = {"period": row.period, "value": format_number(row.value, decimals),
                 "england": format_number(row.england_value, decimals),
                 "worst": format_number(row.worst, decimals),
                 "best": format_number(row.best, decimals),
                 "compared": row.comparison if np.isfinite(row.value) else "No data"}
        note = _comparison_note(row)
        if note and np.isfinite(row.value):
            cells["compared"] = note.replace(": ", ":\n", 1)
        for key, text in cells.items():
            ax.text(_COLUMNS[key], y, text, ha="center", va="center",
                    fontsize=5.2 if "\n" in text else 6.5, gid=f"spine-{key}", in_layout=False)
    segments = (("pos_worst", "pos_worst_quartile", palette.spine_worst_to_25th),
                ("pos_worst_quartile", "pos_best_quartile", palette.spine_25th_to_75th),
                ("pos_best_quartile", "pos_best", palette.spine_75th_to_best))
    ys = np.arange(len(data))
    for start, end, colour in segments:
        left = _spine_x(data[start].to_numpy(float))
        right = _spine_x(data[end].to_numpy(float))
        ax.barh(ys, right - left, left=left, height=0.55, color=colour, edgecolor="none",
                gid="spine-bar")


def plot_spine(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
    decimals: int = 1,
) -> Chart:
    """Draw a spine chart from :func:`prepare_spine_data` output."""
    require_columns(data, SPINE_COLUMNS, "plot_spine data")
    colours = get_palette(palette)
    name = data.attrs.get("area_name", data.attrs.get("area_code", "the area"))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 1.3 + 0.3 * len(data))
        _draw_rows(axes, data, colours, decimals)
        axes.vlines(_spine_x(0.5), -0.5, len(data) - 0.5, color=colours.spine_england,
                    linewidth=1.2, gid="spine-england-line")
        has_value = np.isfinite(data["pos_value"].to_numpy(float))
        points = data[has_value]
        axes.scatter(
            _spine_x(points["pos_value"].to_numpy(float)), np.flatnonzero(has_value),
            s=38, c=[colours.comparison_colour(c) for c in points["comparison"]],
            edgecolors=colours.nhs_black, linewidths=0.6, zorder=3, gid="spine-area",
        )
        _draw_header(axes)
        _spine_legend(axes, data, colours)
        axes.set_xlim(0, 100)
        axes.set_ylim(len(data) - 0.5, -1.5)
        axes.set_axis_off()
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or f"{name}: indicators compared with England and the range of areas",
            source=source or data.attrs.get("source", "stp-packs metric store"),
            alt_text=_spine_alt_text(data, name),
        )
    return chart


def _spine_legend(ax: Axes, data: pd.DataFrame, palette: Palette) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = [c for c in ("Better", "Similar", "Worse", "Higher", "Lower", "Not compared")
             if c in set(data["comparison"])]
    handles = [Line2D([], [], marker="o", linestyle="none", markerfacecolor=
                      palette.comparison_colour(c), markeredgecolor=palette.nhs_black,
                      label=c) for c in shown]
    handles += [
        Patch(color=palette.spine_worst_to_25th, label="Worst to 25th / 75th to best"),
        Patch(color=palette.spine_25th_to_75th, label="25th to 75th percentile"),
        Line2D([], [], color=palette.spine_england, label="England"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncol=min(len(handles), 5), fontsize=6.5, handletextpad=0.4, columnspacing=1.0)
