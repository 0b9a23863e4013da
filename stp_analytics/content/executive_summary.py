"""The executive summary: each gap as a figure in natural units, then 3-5 key messages.

Figures come from :mod:`stp_analytics.metrics.gap_figures` applied to the pack's store (and the
finance model's result); :func:`summary_figures` returns them as one table, one row per figure,
so a test can check each against the store. A key message that calls something worse or better
than England states the confidence interval behind it, and one about an indicator with an SPC
series says what its latest months show, so the summary never contradicts a chart further on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from stp_analytics.content import display, narrative
from stp_analytics.content.pack_content import PackContext
from stp_analytics.metrics import gap_figures

LIFE_EXPECTANCY = "life_expectancy"
PREVENTABLE_MORTALITY = "u75_preventable_mortality"
DELAYED_DAYS = "delayed_transfer_days"
#: the age below which the preventable-mortality rate counts deaths
UNDER_AGE = 75
FIGURE_COLUMNS = ("gap", "measure", "figure", "unit", "text", "comparator", "period",
                  "in_total")
TABLE_COLUMNS = (("gap", "Gap"), ("measure", "Measure"), ("text", "Figure"),
                 ("comparator", "Compared with"), ("period", "Period"))
SPC_TEXT = {
    "improvement": "Its SPC chart shows special-cause improvement in {n} of the latest {of} "
                   "months.",
    "deterioration": "Its SPC chart shows special-cause deterioration in {n} of the latest {of} "
                     "months.",
    "common cause": "Its SPC chart shows only common-cause variation in the latest {of} months.",
}


def _row(gap: str, measure: str, figure: float, unit: str, text: str, comparator: str,
         period: str, in_total: bool = False) -> dict[str, Any]:
    return dict(zip(FIGURE_COLUMNS, (gap, measure, figure, unit, text, comparator, period,
                                     in_total), strict=True))


def under_age_population(pack: PackContext, age: int = UNDER_AGE) -> float | None:
    """The area's mid-2018 population aged under ``age`` (ONS single year of age, district
    shares); None when the area set has no age profile."""
    from stp_analytics.finance import ageing

    try:
        profiles = ageing.area_age_profiles(pack.area_set.name)
    except Exception:  # noqa: BLE001 - an area set without districts has no age profile
        return None
    if pack.area_code not in profiles.index:
        return None
    return float(profiles.loc[pack.area_code, [f"age_{a}" for a in range(age)]].sum())


def health_figures(pack: PackContext, population: float | None) -> list[dict[str, Any]]:
    """Life expectancy gap to England by sex (years) and excess preventable deaths a year."""
    rows = []
    for record in gap_figures.latest_difference(pack.store, pack.area_code,
                                                LIFE_EXPECTANCY).to_dict("records"):
        gap = float(record["difference"])
        side = "below" if gap < 0 else "above"
        tested = "" if record["status"] == "ok" else "; approximate, no interval to test"
        rows.append(_row(
            "health", f"Life expectancy at birth ({str(record['sex']).lower()})", gap, "years",
            f"{abs(gap):.1f} years {side} England ({record['value']:.1f} against "
            f"{record['england_value']:.1f}{tested})", "England, same period",
            str(record["period"])))
    rates = gap_figures.latest_difference(pack.store, pack.area_code, PREVENTABLE_MORTALITY)
    rates = rates[rates["sex"].eq("Persons")]
    if not rates.empty and population:
        rate = rates.iloc[0]
        deaths = gap_figures.excess_deaths(rate["value"], rate["england_value"], population)
        word = "more" if deaths >= 0 else "fewer"
        rows.append(_row(
            "health", "Preventable deaths under 75 a year", deaths, "deaths a year",
            f"about {abs(deaths):,.0f} {word} deaths a year than at England's rate "
            f"({rate['value']:.1f} against {rate['england_value']:.1f} per 100,000, "
            "age-standardised)", f"England's rate x {population:,.0f} residents under 75 "
            "(mid-2018)", str(rate["period"])))
    return rows


def care_shortfalls(pack: PackContext) -> list[gap_figures.Shortfall]:
    """People short of each care standard with counts, in catalogue order: only national
    standards (``target.kind: standard``; a reference level such as 85% bed occupancy counts
    no one) that are a share of people (a mean response time counts no people)."""
    found = []
    for indicator in pack.indicators("care"):
        entry = pack.catalog.indicators[indicator]
        if (entry.target is None or entry.target_kind != "standard"
                or entry.statistic != "proportion"):
            continue
        found.append(gap_figures.shortfall(pack.store, pack.area_code, indicator,
                                           float(entry.target), entry.polarity,
                                           monthly=entry.frequency == "monthly"))
    return [s for s in found if s is not None]


def care_figures(pack: PackContext) -> list[dict[str, Any]]:
    """People a year short of each standard, their total (overlaps and waiting lists left
    out) and delayed transfers as bed-days and beds."""
    rows = []
    shortfalls = care_shortfalls(pack)
    for item in shortfalls:
        entry = pack.catalog.indicators[item.indicator]
        value = narrative.format_value(item.latest_value, entry.unit, entry.decimals)
        if item.people == 0:
            text = f"standard met ({value} in {item.last_period})"
        elif item.yearly:
            span = (f"over {item.periods} months" if item.periods > 1 else "in the year")
            text = f"{item.people:,.0f} people {span} short of the standard"
        else:
            text = f"{item.people:,.0f} people waiting beyond the standard at the month end"
        if item.counted_in:
            text += (f" (part of {pack.catalog.indicators[item.counted_in].name}; "
                     "not added)")
        rows.append(_row("care", entry.name, item.people, "people", text,
                         entry.target_label or f"standard {entry.target:g}",
                         item.period_label, item.yearly and not item.counted_in))
    if shortfalls:
        total = gap_figures.yearly_total(shortfalls)
        rows.append(_row("care", "People a year short of the care standards", total, "people",
                         f"{total:,.0f} people (sum of the standards above, overlaps and "
                         "waiting lists left out)", "each standard",
                         "; ".join(sorted({s.period_label for s in shortfalls if s.yearly}))))
    delayed = gap_figures.area_series(pack.store, pack.area_code, DELAYED_DAYS)
    delayed = delayed[delayed["value"].notna()]
    if not delayed.empty:
        last = delayed.iloc[-1]
        beds = gap_figures.bed_days_as_beds(last["value"], str(last["period"]))
        rows.append(_row("care", "Delayed transfers of care", float(last["value"]),
                         "delayed bed-days in one month",
                         f"{last['value']:,.0f} delayed bed-days in one month, about "
                         f"{beds:,.0f} beds on an average day (not people)",
                         "no national standard", str(last["period"])))
    return rows


def finance_figures(finance_result: Any) -> list[dict[str, Any]]:
    """The 2020/21 gap, do nothing and after every lever, in £m and £ per head."""
    if finance_result is None:
        return []
    year = str(finance_result.projection["year"].iloc[-1])
    pairs = (("Do-nothing gap", finance_result.do_nothing_gap_gbp_m,
              finance_result.do_nothing_gap_per_head),
             ("Gap after every lever", finance_result.residual_gap_gbp_m,
              finance_result.residual_gap_per_head))
    rows = []
    for measure, gbp_m, per_head in pairs:
        word = "gap" if gbp_m >= 0 else "surplus"
        rows.append(_row("finance", measure, float(gbp_m), "£m",
                         f"£{abs(gbp_m):,.0f}m {word} (£{abs(per_head):,.0f} per head)",
                         "income in the model (not a forecast)", year))
    return rows


def summary_figures(pack: PackContext, finance_result: Any = None,
                    population: float | None = None) -> pd.DataFrame:
    """Every figure of the summary, one row each (:data:`FIGURE_COLUMNS`); ``population`` is
    the area's population under 75 (read from the age profiles when not given)."""
    if population is None:
        population = under_age_population(pack)
    rows = (health_figures(pack, population) + care_figures(pack)
            + finance_figures(finance_result))
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))


def message_suffix(pack: PackContext, message: narrative.KeyMessage) -> str:
    """What a key message adds: the interval behind "worse"/"better", and the SPC signal."""
    extra = []
    if message.rule in ("worse_than_england", "better_than_england"):
        rows = narrative.area_rows(pack.store, pack.area_code)
        row = rows[rows["indicator"].eq(message.indicator)]
        if not row.empty and not narrative.is_missing(row.iloc[0]["lower"]):
            record = row.iloc[0]
            decimals = narrative.indicator_meta(pack.catalog, message.indicator).decimals
            extra.append(
                f"Its {float(record['confidence']) * 100:g}% confidence interval "
                f"({narrative.format_number(record['lower'], decimals)}–"
                f"{narrative.format_number(record['upper'], decimals)}) excludes England's value.")
    signal = gap_figures.latest_spc_signal(pack.store, pack.area_code, message.indicator)
    if signal is not None:
        kind, n, of = signal
        extra.append(SPC_TEXT[kind].format(n=n, of=of))
    return " ".join(extra)


def summary_messages(pack: PackContext, n: int = 5) -> list[narrative.KeyMessage]:
    """Up to ``n`` key messages (ranks among the worst and published verdicts first, then the
    narrative rules: :func:`key_message_rules.ranked_messages`), each with
    :func:`message_suffix`."""
    from stp_analytics.content.key_message_rules import ranked_messages

    messages = ranked_messages(pack, n)
    out = []
    for message in messages:
        suffix = message_suffix(pack, message)
        if suffix:
            message = narrative.KeyMessage(
                message.rule, message.indicator, message.score, f"{message.text} {suffix}",
                Markup(f"{message.html} {escape(suffix)}"))
        out.append(message)
    return out


def figures_html(figures: pd.DataFrame, area_name: str,
                 what: str = "the three gaps") -> Markup:
    """The figures as one table (a "data not supplied" notice when there are none)."""
    records: list[Mapping[str, Any]] = [
        {**record, "gap": str(record["gap"]).capitalize()}
        for record in figures.to_dict("records")]
    return display.indicator_table(records, TABLE_COLUMNS,
                                   caption=f"{area_name}: {what} in natural units")
