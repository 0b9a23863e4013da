"""Caterpillar (benchmark) chart: values with confidence intervals, sorted, against England.

Draws either the parts of one area (its CCGs, local authorities or trusts: ``area_role ==
"part"``) or every area of the set with the chosen one highlighted. Each point's marker shape
and colour give its significance against England (Fingertips colours), so grey-scale print
keeps the meaning; the England value is a vertical line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stp_analytics.charts.alt import comparison_summary
from stp_analytics.charts.base import (
    Chart,
    axis_label,
    figure_and_axes,
    finish_chart,
    format_number,
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
from stp_analytics.charts.style import COMPARISON_LABELS, Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CATERPILLAR_COLUMNS: tuple[str, ...] = (
    "area_code", "area_name", "area_type", "value", "lower", "upper", "comparison",
)
_PART_WORDS = {"ccg": "CCGs", "lad": "local authorities", "utla": "local authorities",
               "trust": "trusts", "practice": "practices", "stp": "footprints"}


def prepare_caterpillar_data(
    store: pd.DataFrame,
    area_code: str,
    indicator: str,
    *,
    role: str = "part",
    part_type: str | None = None,
    period: str | None = None,
    sex: str = "Persons",
    indicator_info: pd.DataFrame | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Rows to draw, sorted by value (ascending, missing last), with England in ``attrs``.

    ``role="part"``: the parts of ``area_code`` (optionally one ``part_type``: ccg, lad, utla,
    trust); ``role="area"``: all areas of the set, ``area_code`` highlighted.
    """
    if role not in ("part", "area"):
        raise ParameterError(f"role: expected 'part' or 'area', got {role!r}")
    require_columns(store, ("indicator", "area_role", "period", *CATERPILLAR_COLUMNS),
                    "caterpillar chart")
    parent = area_code if role == "part" else None
    rows = select_rows(store, indicator=indicator, area_role=role, sex=sex, parent_code=parent)
    if part_type is not None:
        rows = rows[rows["area_type"] == part_type]
    if rows.empty:
        raise DataValidationError(
            f"caterpillar chart: no {role!r} rows for indicator {indicator!r} and area "
            f"{area_code!r}" + (f" of type {part_type!r}" if part_type else ""),
            column="area_role")
    chosen = resolve_period(rows, period, f"caterpillar chart, indicator {indicator!r}")
    rows = rows[rows["period"].astype(str) == chosen]
    data = rows.loc[:, list(CATERPILLAR_COLUMNS)].copy()
    for column in ("value", "lower", "upper"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    data["comparison"] = data["comparison"].fillna("Not compared").astype(str)
    data = data.sort_values(["value", "area_code"], na_position="last", ignore_index=True)
    england = first_value(rows, "england_value")
    if not np.isfinite(england):
        national = select_rows(store, indicator=indicator, area_role="england", sex=sex)
        england = first_value(national[national["period"].astype(str) == chosen], "value")
    own = select_rows(store, indicator=indicator, area_role="area", sex=sex, area_code=area_code)
    info = indicator_info_table(indicator_info, [indicator]).loc[indicator]
    data.attrs.update(
        area_code=area_code, area_name=area_name(store, area_code), role=role,
        indicator=indicator, name=info["name"], unit=info["unit"], polarity=info["polarity"],
        period=chosen, england_value=england,
        area_value=first_value(own[own["period"].astype(str) == chosen], "value"),
        part_words=_PART_WORDS.get(str(part_type or data["area_type"].iloc[0]), "parts"),
        source=source_text(pd.DataFrame([info]), None),
    )
    return data


def _caterpillar_alt_text(data: pd.DataFrame) -> str:
    attrs = data.attrs
    unit = f" {attrs['unit']}".rstrip()
    whose = (f"the {len(data)} {attrs['part_words']} of {attrs['area_name']}"
             if attrs["role"] == "part" else f"all {len(data)} areas, {attrs['area_name']} "
             "highlighted")
    text = (f"Caterpillar chart of {attrs['name']} ({attrs['period']}) for {whose}, sorted by "
            f"value with confidence intervals, England {format_number(attrs['england_value'])}"
            f"{unit}: {comparison_summary(data['comparison'])}.")
    valued = data[np.isfinite(data["value"])]
    if len(valued) > 1:
        top, bottom = valued.iloc[-1], valued.iloc[0]
        text += (f" Highest {top['area_name']} ({format_number(top['value'])}{unit}), lowest "
                 f"{bottom['area_name']} ({format_number(bottom['value'])}{unit}).")
    return text


def plot_caterpillar(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Draw a caterpillar chart from :func:`prepare_caterpillar_data` output."""
    require_columns(data, CATERPILLAR_COLUMNS, "plot_caterpillar data")
    colours = get_palette(palette)
    attrs = data.attrs
    y = np.arange(len(data))
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 1.5 + max(0.13 * len(data), 0.9))
        axes.hlines(y, data["lower"], data["upper"], color=colours.nhs_dark_grey,
                    linewidth=1.0, gid="caterpillar-ci")
        for label in COMPARISON_LABELS:
            chosen = (data["comparison"] == label).to_numpy()
            if chosen.any():
                axes.scatter(data["value"].to_numpy()[chosen], y[chosen], s=30, zorder=3,
                             marker=colours.comparison_marker(label),
                             color=colours.comparison_colour(label),
                             edgecolors=colours.nhs_black, linewidths=0.5, label=label,
                             gid="caterpillar-points")
        if np.isfinite(attrs.get("england_value", np.nan)):
            axes.axvline(attrs["england_value"], color=colours.spine_england, linestyle="--",
                         linewidth=1.0, label=f"England {format_number(attrs['england_value'])}",
                         gid="caterpillar-england")
        if attrs.get("role") == "part" and np.isfinite(attrs.get("area_value", np.nan)):
            axes.axvline(attrs["area_value"], color=colours.nhs_blue, linestyle=":",
                         linewidth=1.2, label=f"{attrs['area_name']} "
                         f"{format_number(attrs['area_value'])}", gid="caterpillar-area")
        highlight = (data["area_code"] == attrs.get("area_code")).to_numpy() & (
            attrs.get("role") == "area")
        labels = [f"> {n}" if h else str(n) for n, h in zip(data["area_name"], highlight,
                                                            strict=True)]
        axes.set_yticks(y, labels)
        axes.tick_params(axis="y", labelsize=6.5 if len(y) > 20 else 7)
        if highlight.any():
            axes.scatter(data["value"].to_numpy()[highlight], y[highlight], s=110,
                         facecolors="none", edgecolors=colours.nhs_blue, linewidths=1.4,
                         zorder=4, gid="caterpillar-highlight")
        axes.set_ylim(-0.7, len(data) - 0.3)
        unit = attrs.get("unit", "")
        axes.set_xlabel(axis_label(str(attrs.get("name")), unit, vertical=False))
        axes.xaxis.grid(True)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or (f"{attrs.get('name')}, {attrs.get('period')}: "
                            f"{attrs.get('part_words')} of {attrs.get('area_name')}"
                            if attrs.get("role") == "part" else
                            f"{attrs.get('name')}, {attrs.get('period')}: all areas"),
            source=source or attrs.get("source", "stp-packs metric store"),
            alt_text=_caterpillar_alt_text(data),
        )
    return chart
