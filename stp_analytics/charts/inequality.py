"""Inequality inside an area: values by deprivation quantile with CIs and the fitted SII line.

:func:`prepare_sii_data` picks one area's rows from the outputs of
:func:`stp_analytics.metrics.inequality.quantile_proportions` and
:func:`~stp_analytics.metrics.inequality.area_sii`; :func:`plot_sii` draws each quantile at its
relative rank (the midpoint of its share of the area's population, 0 = most deprived end) with
its confidence interval, and the line (or, for a log / logit fit, the curve) whose slope is the
slope index of inequality. Drawing only: every number comes from the prepared frame.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from stp_analytics.charts.base import Chart, figure_and_axes, finish_chart, format_number
from stp_analytics.charts.data import require_columns
from stp_analytics.charts.style import Palette, get_palette, style_context
from stp_analytics.errors import DataValidationError, ParameterError

SII_CHART_COLUMNS: tuple[str, ...] = (
    "quantile", "rank", "value", "lower", "upper", "practices", "denominator",
)
QUANTILE_COLUMNS: tuple[str, ...] = (
    "area_code", "quantile", "practices", "numerator", "denominator", "value", "lower", "upper",
)
SII_COLUMNS: tuple[str, ...] = (
    "area_code", "sii", "sii_lower", "sii_upper", "rii", "intercept", "multiplier", "transform",
    "confidence", "quantiles", "note",
)
CURVE_POINTS = 101


def _inverse(values: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log":
        return np.exp(values)
    if transform == "logit":
        return 1 / (1 + np.exp(-values))
    return values


def _forward(values: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log":
        return np.log(values)
    if transform == "logit":
        return np.log(values / (1 - values))
    return values


def fitted_line(intercept: float, sii: float, multiplier: float, transform: str,
                rank: np.ndarray) -> np.ndarray:
    """The fitted values at relative ranks ``rank`` on the chart's scale (|multiplier|).

    From the SII output: y(0) = intercept and y(1) = intercept + sign(m)·SII; a straight line
    without a transform, else g⁻¹ of the straight line through g(y(0)/|m|) and g(y(1)/|m|).
    """
    scale = abs(multiplier)
    start, end = intercept, intercept + np.sign(multiplier) * sii
    if transform == "none":
        return start + (end - start) * rank
    a, b = _forward(np.array([start, end]) / scale, transform)
    return scale * _inverse(a + (b - a) * rank, transform)


def prepare_sii_data(
    quantiles: pd.DataFrame,
    sii: pd.DataFrame,
    area_code: str,
    *,
    name: str,
    unit: str = "%",
    area_name: str | None = None,
    source: str = "",
) -> pd.DataFrame:
    """One area's quantiles (value, CI, relative rank, fitted value) with the SII in ``attrs``.

    The quantile values must be on the SII's scale (|multiplier|: 100 for percentages); the
    check is value = numerator / denominator x |multiplier|.
    """
    require_columns(quantiles, QUANTILE_COLUMNS, "SII chart (quantile table)")
    require_columns(sii, SII_COLUMNS, "SII chart (SII table)")
    rows = quantiles[quantiles["area_code"] == area_code].sort_values("quantile")
    fit = sii[sii["area_code"] == area_code]
    if rows.empty or fit.empty:
        raise DataValidationError(f"SII chart: no rows for area {area_code!r}",
                                  column="area_code")
    fit = fit.iloc[0]
    scale = abs(float(fit["multiplier"]))
    data = rows.loc[:, ["quantile", "practices", "numerator", "denominator", "value", "lower",
                        "upper"]].reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = data["numerator"] / data["denominator"] * scale
    valued = data["value"].notna()
    if not np.allclose(data.loc[valued, "value"], expected[valued], rtol=1e-9):
        raise ParameterError(
            f"SII chart: quantile values are not on the SII's scale (x{format_number(scale, 0)}); "
            "build the quantile table with the same multiplier as the SII")
    present = data["denominator"] > 0
    share = np.where(present, data["denominator"], 0) / data.loc[present, "denominator"].sum()
    data["rank"] = np.where(present, np.cumsum(share) - share / 2, np.nan)
    data["fitted"] = (fitted_line(fit["intercept"], fit["sii"], fit["multiplier"],
                                  fit["transform"], data["rank"].to_numpy())
                      if np.isfinite(fit["sii"]) else np.nan)
    data.attrs.update(
        area_code=area_code, area_name=area_name or area_code, name=name, unit=unit,
        source=source, sii=float(fit["sii"]), sii_lower=float(fit["sii_lower"]),
        sii_upper=float(fit["sii_upper"]), rii=float(fit["rii"]),
        intercept=float(fit["intercept"]), multiplier=float(fit["multiplier"]),
        transform=str(fit["transform"]), confidence=float(fit["confidence"]),
        note=str(fit["note"]), count=len(data),
    )
    return data


def _label(count: int) -> str:
    return {5: "quintile", 10: "decile"}.get(count, "quantile")


def sii_sentence(data: pd.DataFrame) -> str:
    """The finding in words, for alt text: the two ends, the fitted gap and the SII with CI."""
    attrs = data.attrs
    unit = attrs["unit"]
    gap_unit = "percentage points" if unit == "%" else unit
    label = _label(attrs["count"])
    valued = data[data["value"].notna()]
    text = f"{attrs['name']} in {attrs['area_name']}'s practices by national deprivation {label}"
    if valued.empty:
        return text + ": no values."
    first, last = valued.iloc[0], valued.iloc[-1]
    text += (f": {format_number(first['value'])}{unit} in {label} {int(first['quantile'])} "
             f"(most deprived) and {format_number(last['value'])}{unit} in {label} "
             f"{int(last['quantile'])} (least deprived).")
    if not np.isfinite(attrs["sii"]):
        return text + f" No slope index of inequality: {attrs['note']}."
    ends = fitted_line(attrs["intercept"], attrs["sii"], attrs["multiplier"], attrs["transform"],
                       np.array([0.0, 1.0]))
    level = format_number(100 * attrs["confidence"], 0)
    text += (f" The fitted line runs from {format_number(ends[0])}{unit} at the most deprived "
             f"end to {format_number(ends[1])}{unit} at the least deprived: slope index of "
             f"inequality {format_number(attrs['sii'], 2)} {gap_unit} ({level}% CI "
             f"{format_number(attrs['sii_lower'], 2)} to {format_number(attrs['sii_upper'], 2)}),"
             f" relative index {format_number(attrs['rii'], 2)}.")
    if attrs["note"]:
        text += f" Note: {attrs['note']}."
    return text


def plot_sii(
    data: pd.DataFrame,
    *,
    ax=None,
    palette: Palette | Mapping[str, object] | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Chart:
    """Values by deprivation quantile with CI bars and the fitted SII line (drawing only)."""
    require_columns(data, SII_CHART_COLUMNS, "plot_sii data")
    colours = get_palette(palette)
    attrs = data.attrs
    label = _label(attrs["count"])
    with style_context():
        figure, axes, owns = figure_and_axes(ax, 3.0)
        shown = data[data["value"].notna()]
        axes.errorbar(shown["rank"], shown["value"],
                      yerr=[shown["value"] - shown["lower"], shown["upper"] - shown["value"]],
                      fmt="o", color=colours.nhs_blue, ecolor=colours.nhs_dark_grey,
                      markersize=5, capsize=3, linewidth=1.0, gid="sii-quantiles",
                      label=f"{label.capitalize()} value with "
                            f"{format_number(100 * attrs['confidence'], 0)}% CI")
        for _, row in shown.iterrows():
            axes.annotate(f"{label[0].upper()}{int(row['quantile'])}", (row["rank"], row["upper"]),
                          xytext=(0, 3), textcoords="offset points", ha="center", fontsize=6,
                          color=colours.nhs_dark_grey, gid="sii-quantile-label")
        if np.isfinite(attrs["sii"]):
            grid = np.linspace(0, 1, CURVE_POINTS)
            axes.plot(grid, fitted_line(attrs["intercept"], attrs["sii"], attrs["multiplier"],
                                        attrs["transform"], grid),
                      color=colours.nhs_orange, linestyle="--", linewidth=1.4, gid="sii-fit",
                      label=f"Fitted line (SII {format_number(attrs['sii'], 2)})")
        axes.set_xlim(0, 1)
        axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0],
                        ["0\nmost deprived", "0.25", "0.5", "0.75", "1\nleast deprived"])
        axes.set_xlabel(f"Relative rank of the registered population by national deprivation "
                        f"{label} of its practice")
        axes.set_ylabel(f"{attrs['name']} ({attrs['unit']})" if attrs["unit"] else attrs["name"])
        axes.yaxis.grid(True)
        axes.legend(loc="best", fontsize=6.5)
        chart = finish_chart(
            figure, axes, owns_figure=owns, palette=colours, data=data,
            title=title or (f"{attrs['name']}: {attrs['area_name']} by deprivation {label} "
                            "of practice"),
            source=source or attrs.get("source") or "stp-packs",
            alt_text="Chart of " + sii_sentence(data),
        )
    return chart
