"""The pack's charts, one call each: drawn from the pack's metric store, or a notice when data lack.

The notebook asks for a chart by kind and indicator (``indicator_charts(pack, "health",
"trends")``) instead of repeating the prepare/plot pair in every cell; each chart is drawn inside
:func:`stp_analytics.content.display.try_chart`, so a missing indicator shows "data not supplied"
and
never stops the pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from stp_analytics import charts
from stp_analytics.content import alt_text, chart_inputs
from stp_analytics.content.display import NOT_AVAILABLE, not_supplied, try_chart
from stp_analytics.content.pack_content import PackContext, indicator_name, with_data

if TYPE_CHECKING:
    from stp_analytics.finance import FinanceResult

#: section setting (in ``packs/<pack>.yml``) -> the functions that prepare one indicator's data
#: from the store (a name in :mod:`stp_analytics.content.chart_inputs` when the metrics layer
#: computes what the chart shows, else in :mod:`stp_analytics.charts`) and draw it (in charts)
INDICATOR_CHARTS: dict[str, tuple[str, str]] = {
    "trends": ("prepare_trend_data", "plot_trend"),
    "variation": ("prepare_caterpillar_data", "plot_caterpillar"),
    "spc": ("spc_data", "plot_spc"),
    "funnel": ("funnel_data", "plot_funnel"),
}


def _once(pack: PackContext, key: tuple[str, ...], compute: Any) -> Any:
    """``compute()`` once per pack and key: a chart's data are prepared for the chart and read
    again for the pack's numbers (``pack-data.csv``); the store does not change in between."""
    return pack.memo(("chart_data", *key), compute)


def chart_data(pack: PackContext, kind: str, indicator: str) -> Any:
    """The data one indicator's chart of ``kind`` draws (see :data:`INDICATOR_CHARTS`)."""
    name = INDICATOR_CHARTS[kind][0]
    prepare = getattr(chart_inputs, name, None) or getattr(charts, name)
    return _once(pack, (kind, indicator), lambda: prepare(
        pack.store, area_code=pack.area_code, indicator=indicator, indicator_info=pack.catalog))


def _draw(pack: PackContext, kind: str, indicator: str) -> Any:
    data = chart_data(pack, kind, indicator)
    chart = getattr(charts, INDICATOR_CHARTS[kind][1])(data)
    return alt_text.with_finding(chart, alt_text.finding(pack, kind, indicator, data))


def indicator_chart(pack: PackContext, kind: str, indicator: str) -> Markup:
    """One indicator's chart of ``kind`` (a key of :data:`INDICATOR_CHARTS`) as HTML."""
    if kind not in INDICATOR_CHARTS:
        raise ValueError(f"chart kind {kind!r}: expected one of {', '.join(INDICATOR_CHARTS)}")
    if pack.unavailable(indicator):
        return not_supplied(indicator_name(pack, indicator), pack.unavailable(indicator))
    return try_chart(indicator_name(pack, indicator), _draw, pack, kind, indicator)


def indicator_charts(pack: PackContext, section: str, kind: str) -> list[Markup]:
    """The charts of ``kind`` for every indicator the pack definition lists under ``section``.

    One piece of HTML per chart, so that the notebook shows each as its own output (an output is
    the unit the PDF keeps on one page).
    """
    indicators: Iterable[str] = getattr(pack.section(section), kind)
    return [indicator_chart(pack, kind, indicator) for indicator in indicators]


def spine_data(pack: PackContext, section: str = "health") -> Any:
    """What the spine chart draws: a gap's indicators with data, less ``not_in_spine``; in the
    health gap an approximate value's "vs England" is its districts' own comparisons."""
    excluded = set(pack.section(section).not_in_spine)
    indicators = with_data(pack, [i for i in pack.indicators(section) if i not in excluded])
    def prepare() -> Any:
        data = charts.prepare_spine_data(pack.store, pack.area_code, indicators=indicators,
                                         indicator_info=pack.catalog)
        if section != "health":
            return data
        from stp_analytics.content import district_summary  # approximate values: districts

        labels = district_summary.spine_labels(district_summary.district_records(pack))
        return district_summary.with_district_labels(data, labels)

    return _once(pack, ("spine", section, *indicators), prepare)


def spine_chart(pack: PackContext, section: str = "health") -> Markup:
    """The spine chart of a gap's indicators with data, less the section's ``not_in_spine``."""
    def draw() -> Any:
        data = spine_data(pack, section)
        return alt_text.with_finding(charts.plot_spine(data),
                                     alt_text.spine_finding(data, pack.area_name))

    return try_chart("Spine chart", draw)


def bridge_chart(pack: PackContext, finance_result: FinanceResult | None) -> Markup:
    """The finance model's bridge from the 2016/17 position to the 2020/21 gap (a notice when
    the model did not run)."""
    if finance_result is None:
        return not_supplied("Bridge chart", NOT_AVAILABLE)
    return try_chart("Bridge chart", lambda: charts.plot_bridge(
        charts.prepare_bridge_data(finance_result.bridge), area_name=pack.area_name))


def tornado_chart(pack: PackContext, finance_result: FinanceResult | None) -> Markup:
    """The finance model's sensitivity of the 2020/21 gap to each assumption (a notice when
    the model did not run)."""
    if finance_result is None:
        return not_supplied("Sensitivity", NOT_AVAILABLE)
    return try_chart("Sensitivity", lambda: charts.plot_tornado(
        charts.prepare_tornado_data(finance_result.sensitivity), area_name=pack.area_name))
