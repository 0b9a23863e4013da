"""The finance and efficiency section's HTML: the model (a MODEL, not a forecast), its
projection and assumptions, data caveats, and activity per 1,000 residents against the ~1% a
year demand moderation ambition (:mod:`stp_analytics.finance.activity`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from markupsafe import Markup, escape

from stp_analytics.content import narrative
from stp_analytics.content.display import (
    NOT_AVAILABLE,
    bullet_list,
    format_frame,
    frame_table,
    indicator_table,
    not_supplied,
    paragraph,
)
from stp_analytics.finance import activity as activity_model

if TYPE_CHECKING:
    from stp_analytics.content.pack_content import PackContext
    from stp_analytics.data.catalog import Catalog
    from stp_analytics.finance import FinanceAssumptions, FinanceResult

LOGGER = logging.getLogger(__name__)

ACTIVITY_TITLE = "Activity per 1,000 residents and its growth against the moderation ambition"
FINANCE_TITLE = "Finance and efficiency model"


def run_finance_model(
    area_code: str,
    assumptions: FinanceAssumptions | Mapping[str, object] | None = None,
    area_set: str = "stp2017",
) -> tuple[FinanceResult | None, Markup]:
    """The finance model for one area, or None and a "not yet available" notice (the cause is
    logged) when it cannot run; one failing model never stops the pack. The notice is empty
    when the model ran."""
    from stp_analytics.finance import finance_section

    try:
        result = finance_section(area_code, assumptions, area_set)
    except Exception:  # noqa: BLE001 - the pack shows the notice instead of the section
        LOGGER.exception("%s could not be computed", FINANCE_TITLE)
        return None, not_supplied(FINANCE_TITLE, NOT_AVAILABLE)
    if getattr(result, "not_applicable", False):  # an area set without the model (ICBs)
        return None, paragraph(result.notice)
    return result, Markup("")


def finance_html(finance_result: FinanceResult | None, notice: Markup | None = None) -> Markup:
    """The finance model's label (a MODEL, not a forecast) and its headline; when the model did
    not run (None), ``notice`` or a "not yet available" notice."""
    if finance_result is None:
        return notice or not_supplied(FINANCE_TITLE, NOT_AVAILABLE)
    return Markup(
        f'<p class="stp-model-label">{escape(finance_result.label)}</p>'
        f"{paragraph(finance_result.headline())}"
    )


FINANCE_COLUMNS = {
    "year": "Year", "population": "Population", "income_gbp_m": "Income (£m)",
    "spend_do_nothing_gbp_m": "Spend if nothing changes (£m)",
    "gap_do_nothing_gbp_m": "Do-nothing gap (£m)",
    "gap_do_nothing_per_head": "Do-nothing gap per head (£)",
    "residual_gap_gbp_m": "Gap after levers (£m)",
    "residual_gap_per_head": "Gap after levers per head (£)",
}


def finance_projection_table(finance_result: FinanceResult | None) -> Markup:
    """The model year by year: income, do-nothing spend and gap, gap after levers."""
    if finance_result is None:
        return not_supplied("Finance projection", NOT_AVAILABLE)
    table = format_frame(finance_result.projection, FINANCE_COLUMNS)
    return frame_table(table, caption="Do-nothing and do-something model to 2020/21 (MODEL)")


def finance_assumptions_table(finance_result: FinanceResult | None) -> Markup:
    """Every assumption of the model with its value and its source, as printed in the pack."""
    if finance_result is None:
        return not_supplied("Finance assumptions", NOT_AVAILABLE)
    columns = {"label": "Assumption", "display": "Value", "source": "Source"}
    table = finance_result.assumptions_table.loc[:, list(columns)].rename(columns=columns)
    return frame_table(table, caption="Model assumptions (notebook parameters)")


def finance_caveats(finance_result: FinanceResult | None) -> Markup:
    """The finance data caveats (name matching, years, attribution) as a list (none if None)."""
    caveats = list(finance_result.caveats) if finance_result is not None else []
    return bullet_list(caveats) if caveats else Markup("")


# ---------------------------------------------------------------- activity per 1,000


def _percent(fraction: float) -> str:
    """0.01 -> "1%", 0.015 -> "1.5%" (an assumption as printed)."""
    return f"{fraction * 100:g}%"


def _change(growth_pct: Any) -> str:
    """Growth in per cent as words: "up 5.2%", "down 1.3%", "unchanged"; "" if missing."""
    if narrative.is_missing(growth_pct):
        return ""
    rounded = round(float(growth_pct), 1)
    if rounded == 0:
        return "unchanged"
    return f"{'up' if rounded > 0 else 'down'} {abs(rounded):.1f}%"


def _noun(meta: narrative.IndicatorMeta) -> str:
    """What is counted, for a sentence: the catalogue unit without "a month" ("attendances")."""
    unit = meta.unit.strip()
    for suffix in (" a month", " per month", " a year"):
        unit = unit.removesuffix(suffix)
    return unit or "events"


def _yes_no(within: Any) -> str:
    return "" if narrative.is_missing(within) else "yes" if bool(within) else "no"


def activity_sentence(
    rows: pd.DataFrame, england: pd.DataFrame, meta: narrative.IndicatorMeta, moderation: float
) -> str:
    """One sentence (HTML-escaped, from ``activity_sentence.j2``) on the latest complete year."""
    last = rows.iloc[-1]
    previous = rows.iloc[-2]["financial_year"] if len(rows) > 1 else ""
    same_year = england[england["financial_year"] == last["financial_year"]]
    england_row = same_year.iloc[0] if not same_year.empty else {}
    return narrative.render(
        "activity_sentence", html=True,
        name=meta.name, year=last["financial_year"], area=last["area_name"], noun=_noun(meta),
        rate=narrative.format_number(last["per_1000"], 1),
        count=narrative.format_number(last["count"], 0),
        england_rate=narrative.format_number(england_row.get("per_1000"), 1),
        change=_change(last["per_1000_growth_pct"]) if previous else "",
        previous=previous,
        within=bool(last["within_ambition"]) if not narrative.is_missing(
            last["within_ambition"]) else False,
        ambition=_percent(moderation),
        england_change=_change(england_row.get("per_1000_growth_pct")),
    )


def activity_rows(rows: pd.DataFrame, england: pd.DataFrame) -> list[dict[str, str]]:
    """Table rows, one per financial year: the area's count, population, rate and growth, and
    England's rate and growth in the same year."""
    by_year = england.set_index("financial_year") if not england.empty else pd.DataFrame()
    records = []
    for row in rows.to_dict("records"):
        other = (by_year.loc[row["financial_year"]] if row["financial_year"] in by_year.index
                 else {})
        records.append({
            "year": row["financial_year"],
            "count": narrative.format_number(row["count"], 0),
            "population": narrative.format_number(row["population"], 0),
            "rate": narrative.format_number(row["per_1000"], 1),
            "growth": narrative.format_number(row["per_1000_growth_pct"], 1),
            "within": _yes_no(row["within_ambition"]),
            "england_rate": narrative.format_number(other.get("per_1000"), 1),
            "england_growth": narrative.format_number(other.get("per_1000_growth_pct"), 1),
        })
    return records


def activity_html(
    table: pd.DataFrame,
    catalog: Catalog | None,
    area_code: str,
    moderation: float,
    *,
    label: str = "area",
    indicators: tuple[str, ...] | list[str] = activity_model.ACTIVITY_INDICATORS,
) -> Markup:
    """Per indicator: a sentence and a table (financial year, count, ONS population, rate per
    1,000, growth per head, within the ambition, England), then how it was computed.

    ``table`` is :func:`stp_analytics.finance.activity.area_activity` output (the area's rows and
    England's). An indicator with no complete year for the area says "data not supplied".
    """
    if isinstance(table, Markup):  # a notice from display.try_call
        return table
    parts = []
    ambition = _percent(moderation)
    for indicator in indicators:
        meta = narrative.indicator_meta(catalog, indicator)
        mine = table[(table["indicator"] == indicator) & (table["area_code"] == area_code)]
        england = table[(table["indicator"] == indicator)
                        & (table["area_code"] == activity_model.ENGLAND_CODE)]
        title = f"{meta.name} per 1,000 residents"
        if mine.empty:
            parts.append(not_supplied(title))
            continue
        area = str(mine["area_name"].iloc[0])
        columns = (
            ("year", "Financial year"),
            ("count", f"{area}: {_noun(meta)} in the year (count)"),
            ("population", "Population (ONS mid-year, people)"),
            ("rate", "Per 1,000 residents"),
            ("growth", "Change per 1,000 on previous year (%)"),
            ("within", f"Within the ambition (growth at most {ambition} a year)"),
            ("england_rate", "England per 1,000 residents"),
            ("england_growth", "England change per 1,000 on previous year (%)"),
        )
        parts.append(paragraph(activity_sentence(mine, england, meta, moderation)))
        parts.append(indicator_table(activity_rows(mine, england), columns,
                                     caption=f"{title}: {area} and England by financial year"))
    parts.append(paragraph(narrative.render(
        "activity_method", html=True, label=label, ambition=ambition,
        population_source=activity_model.POPULATION_SOURCE)))
    return Markup("".join(parts))


def activity_section(
    pack: PackContext, assumptions: Mapping[str, object] | None = None
) -> Markup:
    """:func:`activity_html` for a pack (a :class:`stp_analytics.content.pack_content.PackContext`):
    indicators from the pack definition's finance section (default A&E attendances and
    emergency admissions), moderation from the ``demand_moderation`` finance assumption."""
    table, moderation, indicators = activity_data(pack, assumptions)
    return activity_html(table, pack.catalog, pack.area_code, moderation, label=pack.label,
                         indicators=indicators)


def activity_data(
    pack: Any, assumptions: Mapping[str, object] | None = None
) -> tuple[pd.DataFrame, float, tuple[str, ...]]:
    """What :func:`activity_section` shows: the area's and England's activity table
    (:func:`stp_analytics.finance.activity.area_activity`), the moderation ambition and the
    indicators."""
    from stp_analytics.finance import resolve_assumptions

    moderation = resolve_assumptions(assumptions).demand_moderation
    indicators = tuple(pack.section("finance").activity or activity_model.ACTIVITY_INDICATORS)

    def table() -> pd.DataFrame:
        return activity_model.area_activity(pack.store, pack.area_code, pack.area_set.name,
                                            indicators, moderation)

    # once per pack: the section shows it and the downloads read it again
    memo = getattr(pack, "memo", None)
    shown = memo(("activity", moderation, indicators), table) if memo else table()
    return shown, moderation, indicators
