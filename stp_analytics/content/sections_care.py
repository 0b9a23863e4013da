"""Care chapter sections added for issue 18: headlines over 12 months with the gap to each
standard in patients, England's RTT series as national context, the ambulance services behind
the response times and workforce growth against population growth.

Each function returns a :class:`~stp_analytics.content.sections.Section` (HTML pieces plus the
numbers behind them); the numbers come from :mod:`stp_analytics.metrics.care_headline` and
:mod:`stp_analytics.metrics.workforce_growth`, never computed here.
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.content import display, narrative
from stp_analytics.content.pack_content import PackContext, indicator_name
from stp_analytics.content.sections import Section
from stp_analytics.metrics.care_headline import care_headlines, gaps_by_period
from stp_analytics.metrics.specs import indicator_specs
from stp_analytics.metrics.workforce_growth import workforce_growth
from stp_analytics.schema import ENGLAND_CODE

#: what a person counted in the numerator did, for "N more people would have ..." sentences
PATIENT_PHRASES = {
    "iapt_recovery": "people finishing IAPT treatment would have moved to recovery",
    "ae_four_hour_type1": "type 1 A&E attendances would have been seen within 4 hours",
    "ae_four_hour_all": "A&E attendances (all types) would have been seen within 4 hours",
}
SPC_TEXT = {
    "common_cause": "common cause variation",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: unusually high",
    "special_cause_neutral_low": "special cause: unusually low",
}
ASSURANCE_TEXT = {"consistent_pass": "will consistently meet the standard",
                  "consistent_fail": "will consistently miss the standard",
                  "inconsistent": "may or may not meet the standard"}
HEADLINE_TITLE = "Care standards over the latest 12 months"
RTT_ENGLAND = "rtt_18_weeks_england"


def _headline_data(pack: PackContext) -> pd.DataFrame:
    indicators = [i for i in pack.indicators("care")
                  if pack.catalog.indicators[i].target is not None]
    return care_headlines(pack.store, indicator_specs(pack.catalog), pack.area_code, indicators)


def _number(value: object, decimals: int) -> str:
    return "" if narrative.is_missing(value) else narrative.format_number(value, decimals)


def _headline_rows(pack: PackContext, data: pd.DataFrame) -> list[dict[str, str]]:
    rows = []
    for row in data.to_dict("records"):
        meta = narrative.indicator_meta(pack.catalog, row["indicator"])
        verdict = SPC_TEXT.get(row["spc_point_type"], "")
        if row["spc_assurance"]:
            verdict += f"; {ASSURANCE_TEXT[row['spc_assurance']]}"
        rows.append({
            "indicator": meta.name, "period": row["period"],
            "value": _number(row["value"], meta.decimals),
            "england": _number(row["england_value"], meta.decimals),
            "standard": _number(row["target"], meta.decimals),
            "gap": _number(row["target_gap"], meta.decimals),
            "patients": _number(row["patients_short"], 0), "spc": verdict})
    return rows


def _patient_sentences(pack: PackContext, data: pd.DataFrame) -> list[str]:
    """A sentence per standard counted in patients; an annual series gives every year."""
    specs = indicator_specs(pack.catalog).set_index("indicator", drop=False)
    sentences = []
    for row in data.to_dict("records"):
        if narrative.is_missing(row["patients_short"]):
            continue
        meta = narrative.indicator_meta(pack.catalog, row["indicator"])
        phrase = PATIENT_PHRASES.get(row["indicator"], f"would have met the standard "
                                                       f"({meta.name})")
        standard = f"the {narrative.format_number(row['target'], 0)}% standard"
        periods = ([row] if row["months"] else gaps_by_period(
            pack.store, specs.loc[row["indicator"]].to_dict(), pack.area_code)
            .to_dict("records"))
        parts = [(f"{p['patients_short']:,.0f} more {phrase} in {p['period']} at {standard} "
                  f"({narrative.format_number(p['value'])}% achieved)")
                 if p["patients_short"] else
                 f"{standard} was met in {p['period']} ({narrative.format_number(p['value'])}%)"
                 for p in periods if not narrative.is_missing(p["patients_short"])]
        sentences.append(f"{meta.name}: " + "; ".join(parts) + ".")
    return sentences


HEADLINE_COLUMNS = (("indicator", "Indicator"), ("period", "Period"), ("value", "Value"),
                    ("england", "England"), ("standard", "Standard"),
                    ("gap", "Short of standard (points)"), ("patients", "Short (patients)"),
                    ("spc", "SPC, latest month"))


def care_headlines_section(pack: PackContext) -> Section:
    """Each care standard with data: latest 12 months (monthly series) or latest year, England,
    the gap in points and in patients, and the SPC verdict (data: ``headlines``)."""
    data = _headline_data(pack)
    pieces = [display.heading(HEADLINE_TITLE),
              display.paragraph("Monthly series are pooled over their latest 12 months (the "
                                "months are in the SPC charts); annual ones show the latest "
                                "year. Gaps in patients are each indicator's own: type 1 A&E "
                                "attendances are part of all types, so the two are never "
                                "added."),
              display.bullet_list(_patient_sentences(pack, data)),
              display.indicator_table(_headline_rows(pack, data), HEADLINE_COLUMNS,
                                      caption=HEADLINE_TITLE)]
    return Section(HEADLINE_TITLE, pieces, {"headlines": data})


def rtt_england(pack: PackContext) -> Section:
    """England's RTT incomplete pathways within 18 weeks, monthly, against 92% (SPC chart)."""
    from stp_analytics import charts
    from stp_analytics.content import chart_inputs

    title = "Referral to treatment: England (national context)"
    rows = pack.store[(pack.store["indicator"] == RTT_ENGLAND)
                      & (pack.store["area_code"] == ENGLAND_CODE)].sort_values("period_start")
    if rows.empty:
        return Section(title, [display.heading(title), display.not_supplied(title)])
    last = rows.iloc[-1]
    text = (f"England's own series: {narrative.format_number(last['value'])}% of incomplete "
            f"pathways within 18 weeks in {last['period']}, against the 92% standard. The "
            f"{pack.label}'s own figure is not supplied by default (see the standards below).")

    def draw() -> object:
        data = chart_inputs.spc_data(pack.store, ENGLAND_CODE, RTT_ENGLAND,
                                     indicator_info=pack.catalog, area_role="england")
        return charts.plot_spc(data)

    chart = display.try_chart(indicator_name(pack, RTT_ENGLAND), draw)
    return Section(title, [display.heading(title), display.paragraph(text), chart],
                   {"rtt_england": rows.reset_index(drop=True)})


def ambulance_services(pack: PackContext) -> Section:
    """Which ambulance service's whole-area figure the response times are (data: ``service``)."""
    from stp_analytics.data.loaders.ambulance import footprint_services, read_service_lookup

    title = "Ambulance response times: which service"
    source = pack.catalog.sources.get("ambulance_response")
    if source is None or pack.area_set.name != "stp2017":
        return Section(title, [])
    services = footprint_services(read_service_lookup(
        source.resolve(str(source.options["lookup_file"]))))
    mine = services[services["area_code"] == pack.area_code]
    if mine.empty:
        return Section(title, [])
    note = str(mine["note"].iloc[0])
    text = (f"Ambulance response times in this pack are the {note}: AmbSYS publishes them by "
            f"ambulance service, so they are not the {pack.label}'s own incidents.")
    return Section(title, [display.paragraph(text)], {"service": mine.reset_index(drop=True)})


def workforce_growth_section(pack: PackContext) -> Section:
    """Trust staff growth since March 2016 against population growth, and the trusts left
    unmapped (data: ``growth``, ``unmapped``)."""
    from stp_analytics.data.loaders.trust_lookup import read_trust_lookup

    title = "Workforce growth since March 2016"
    growth = workforce_growth(pack.store, pack.area_code, pack.area_set.name, pack.area_name)
    if growth.empty:
        reason = pack.unavailable("staff_fte") or narrative.NOT_SUPPLIED
        return Section(title, [display.heading(title), display.not_supplied(title, reason)])
    shown = growth.assign(period=growth["start"] + " to " + growth["end"])
    table = display.format_frame(shown, {"area": "Area", "measure": "Measure",
                                         "period": "Period", "start_value": "Start",
                                         "end_value": "End"})
    table["Growth"] = [narrative.format_number(v) + "%" for v in shown["growth_percent"]]
    source = pack.catalog.sources["workforce"]
    lookup = read_trust_lookup(source.resolve(str(source.options["lookup_file"])))
    unmapped = lookup[lookup["area_code"].eq("")].loc[:, ["trust_code", "trust_name", "basis"]]
    text = (f"Trusts left unmapped ({len(unmapped)}, not in any {pack.label}'s or England's "
            "staff): " + "; ".join(f"{r.trust_code} {r.trust_name}" for r in
                                    unmapped.itertuples()) + ".")
    return Section(title, [display.heading(title),
                           display.frame_table(table, caption=title),
                           display.paragraph(text)],
                   {"growth": growth, "unmapped": unmapped.reset_index(drop=True)})


def care_reconciliation(pack: PackContext) -> Section:
    """For each count-based care indicator, the areas' sum against England's total and what
    explains the difference (data: ``reconciliation``)."""
    from stp_analytics.metrics.area_reconcile import areas_against_england

    title = f"Care indicators: the {pack.label_plural} against England"
    data = areas_against_england(pack.store, pack.catalog, pack.indicators("care"), pack.label)
    shown = data.assign(indicator=[indicator_name(pack, i) for i in data["indicator"]])
    table = display.format_frame(shown, {"indicator": "Indicator", "period": "Period",
                                         "areas": pack.label_plural.capitalize(),
                                         "areas_sum": "Sum of the areas", "england": "England",
                                         "difference": "Difference"})
    table["Difference (%)"] = [narrative.format_number(v, 2) for v in
                               shown["difference_percent"]]
    table["What explains it"] = shown["explanation"].to_numpy()
    text = (f"Counts (numerators) of every {pack.label} added up and set against England's own "
            "total, so a reader can see that nothing fell through a lookup.")
    return Section(title, [display.heading(title), display.paragraph(text),
                           display.frame_table(table, caption=title)],
                   {"reconciliation": data})
