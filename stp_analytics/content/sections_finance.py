"""Finance chapter sections that put the footprint's MODEL results in the national context
(issue 21): its share of the national gap and where its gap per head sits among the areas; the
model's provider position against what was reported, nationally and for the footprint.

Each function returns a :class:`~stp_analytics.content.sections.Section` for one notebook cell;
the numbers come from :mod:`stp_analytics.finance.context` and the charts only draw them. When
the model did not run the sections show a "not yet available" notice.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from stp_analytics import charts
from stp_analytics.content import display, vintage
from stp_analytics.content.display import NOT_AVAILABLE, not_supplied, try_chart
from stp_analytics.content.pack_content import PackContext
from stp_analytics.content.sections import Section, not_in_vintage
from stp_analytics.finance import FinanceResult, efficiency
from stp_analytics.finance import context as finance_context

POSITION_TITLE = "The {label} in the national picture (MODEL)"
OUTTURN_TITLE = "Model against what was reported"
POSITION_HEADERS = {"measure": "Measure (2020/21 unless stated)", "area_value": "This area",
                    "all_areas": "All areas", "share_or_position": "Share or position"}
OUTTURN_HEADERS = {"year": "Year", "model_provider_position": "Model (£bn)",
                   "reported_outturn": "Reported outturn (£bn)",
                   "sustainability_funding": "Sustainability funding in it (£bn)",
                   "reported_underlying": "Reported underlying (£bn)"}
FOOTPRINT_HEADERS = {"model_provider_position_gbp_m": "Model 2018/19 (£m)",
                     "reported_actual_gbp_m": "Acute trusts reported 2018/19 (£m)",
                     "difference_gbp_m": "Model minus reported (£m)",
                     "trusts_with_data": "Trusts with data"}
REPORTED_NOTE = (
    "Reported results include sustainability funding: the £1.8bn sustainability and "
    "transformation fund in 2016/17 and 2017/18 and the £2.45bn provider sustainability fund in "
    "2018/19. The model's provider position is its gap after provider efficiency, demand "
    "moderation and the fund's sustainability element, with the sign turned (surplus +); it "
    "assumes commissioners end in balance. The 2015/16 model figure is the starting gap "
    "(the underlying deficit by default).")


def _unavailable(title: str, reason: str = NOT_AVAILABLE) -> Section:
    """A section of its heading and a notice (the model did not run, or no data)."""
    return Section(title, [display.heading(title), not_supplied(title, reason)])


def _draw(title: str, prepare: str, plot: str, data: pd.DataFrame, **options: object) -> Markup:
    """``charts.<plot>(charts.<prepare>(data), **options)`` as HTML, or a notice."""
    return try_chart(title, lambda: getattr(charts, plot)(getattr(charts, prepare)(data),
                                                           **options))


def national_position(pack: PackContext, finance_result: FinanceResult | None) -> Section:
    """The footprint's share of the national do-nothing gap and its gap per head among the
    areas: a sentence, a table and a bar chart (data: ``national_position``, ``per_head``)."""
    title = POSITION_TITLE.format(label=getattr(pack, "label", "footprint"))
    if finance_result is None:
        return _unavailable(title)
    table = finance_context.national_position(finance_result)
    per_head = finance_context.per_head_distribution(finance_result)
    shown = table.rename(columns=POSITION_HEADERS)
    return Section(title, [
        display.heading(title),
        display.paragraph(finance_context.position_sentence(finance_result)),
        display.frame_table(shown, caption="The area beside the sum and range of all areas "
                                           "(MODEL, same assumptions)"),
        _draw(title, "prepare_per_head_data", "plot_per_head_range", per_head),
    ], {"national_position": table, "per_head": per_head})


DO_NOTHING_TITLE = "Sensitivity of the do-nothing gap and the starting position"


def do_nothing_sensitivity(pack: PackContext, finance_result: FinanceResult | None) -> Section:
    """How the 2020/21 do-nothing gap moves with each assumption that changes it and with the
    choice of starting position (data: ``do_nothing_sensitivity``, ``starting_positions``)."""
    title = DO_NOTHING_TITLE
    if finance_result is None:
        return _unavailable(title)
    rows = finance_context.do_nothing_tornado_rows(finance_result)
    chart = _draw(title, "prepare_tornado_data", "plot_tornado", rows,
                  area_name=pack.area_name, measure="Do-nothing gap")
    positions = finance_result.starting_positions
    shown = pd.DataFrame({
        "Starting position": [f"{p}{' (in use)' if used else ''}"
                              for p, used in zip(positions["position"], positions["in_use"],
                                                 strict=True)],
        "Do-nothing gap 2020/21 (£m)": positions["do_nothing_gbp_m"].map(lambda v: f"{v:,.0f}"),
        "Residual gap 2020/21 (£m)": positions["residual_gbp_m"].map(lambda v: f"{v:,.0f}")})
    return Section(title, [display.heading(title), chart, display.frame_table(
        shown, caption="The 2020/21 gaps under each starting position (MODEL)")],
        {"do_nothing_sensitivity": rows, "starting_positions": positions})


def _outturn_table(outturn: pd.DataFrame) -> Markup:
    shown = outturn.loc[:, list(OUTTURN_HEADERS)].copy()
    for column in list(OUTTURN_HEADERS)[1:]:
        shown[column] = shown[column].map(lambda v: "n/a" if pd.isna(v) else f"{v:+.2f}")
    return display.frame_table(shown.rename(columns=OUTTURN_HEADERS),
                               caption="National provider position: model and reported")


def _footprint_table(row: pd.DataFrame) -> Markup:
    shown = row.loc[:, list(FOOTPRINT_HEADERS)].copy()
    for column in list(FOOTPRINT_HEADERS)[:3]:
        shown[column] = shown[column].map(lambda v: "data not supplied" if pd.isna(v)
                                          else f"{v:,.0f}")
    return display.frame_table(shown.rename(columns=FOOTPRINT_HEADERS),
                               caption="This area's provider position 2018/19: model and "
                                       "reported (reported includes the provider "
                                       "sustainability fund)")


def projected_against_reported(pack: PackContext, finance_result: FinanceResult | None
                               ) -> Section:
    """The model's national provider position 2015/16-2018/19 against the reported outturns
    (chart and table) and the footprint's projected 2018/19 position against its acute trusts'
    reported results (data: ``outturn``, ``footprint_outturn``)."""
    if finance_result is None:
        return _unavailable(OUTTURN_TITLE)
    outturn = finance_context.outturn_comparison(finance_result)
    footprint = finance_context.footprint_outturn(finance_result)
    pieces = [display.heading(OUTTURN_TITLE), display.paragraph(REPORTED_NOTE),
              _draw(OUTTURN_TITLE, "prepare_outturn_data", "plot_outturn", outturn),
              _outturn_table(outturn)]
    if footprint.empty:
        pieces.append(not_supplied("This area's provider position 2018/19"))
    else:
        pieces += [display.paragraph(finance_context.footprint_outturn_sentence(
            footprint.iloc[0])), _footprint_table(footprint)]
    return Section(OUTTURN_TITLE, pieces, {"outturn": outturn, "footprint_outturn": footprint})


EFFICIENCY_TITLE = "Efficiency context: acute trusts' cost per patient, 2019/20"
EFFICIENCY_HEADERS = {"trust_name": "Acute trust", "cost_per_patient": "Cost per patient (£)",
                      "cost_per_attendance": "Cost per attendance (£)",
                      "position": "Rank among acute trusts (1 = lowest cost per patient)",
                      "quartile": "Quarter (1 = lowest cost)", "period": "Year"}
EFFICIENCY_NOTE = (
    "Operating expenses divided by the market forces factor (which takes out unavoidable "
    "differences in local costs) and by the number of patients treated, from NHS England's "
    "Trust Peer Finder inputs for 2019/20 (a later year than the model). The patient is the unit "
    "of activity because it counts the people each trust treated in every setting, and is less "
    "sensitive than attendances to how follow-up contacts are counted; cost per attendance is "
    "shown beside it. Peers: every acute trust in the file (it has no peer groups); mental "
    "health and community trusts are left out. Neither measure is adjusted for case mix, so a "
    "specialist or teaching trust's high cost per patient is a question, not a finding.")


def efficiency_context(pack: PackContext) -> Section:
    """The area's acute trusts' MFF-adjusted cost per patient against all acute trusts, 2019/20
    (data: ``trust_costs``); "data not supplied" when none of its trusts is in the file."""
    if vintage.after_vintage(pack.as_at, "2020-03-31"):
        return not_in_vintage(pack, "Efficiency context",
                              "the trust peer-finder figures it uses")
    title = EFFICIENCY_TITLE
    try:
        rows = efficiency.area_trust_costs(pack.area_code, pack.area_set.name)
        summary = efficiency.area_summary(pack.area_code, pack.area_set.name)
    except Exception:  # noqa: BLE001 - the pack shows the notice instead
        display.LOGGER.exception("%s could not be computed", title)
        return _unavailable(title)
    if rows.empty:
        reason = ("no acute trust of this area is in the 2019/20 Trust Peer Finder file"
                  if pack.area_set.name in efficiency.AREA_COLUMNS else
                  f"trusts are not placed in {pack.label_plural}")
        return _unavailable(title, reason)
    shown = rows.assign(position=[f"{r} of {n}" for r, n in zip(rows["rank"], rows["peers"],
                                                                strict=True)])
    for column in ("cost_per_patient", "cost_per_attendance"):
        shown[column] = shown[column].map(lambda v: f"{v:,.0f}")
    sentence = (
        f"Together, the {int(summary['area_trusts'])} acute trusts of {pack.area_name} spent "
        f"£{summary['area_cost_per_patient']:,.0f} per patient in 2019/20 (adjusted for the "
        f"market forces factor), against £{summary['all_acute_cost_per_patient']:,.0f} for all "
        f"{int(summary['acute_trusts'])} acute trusts together; the median acute trust spent "
        f"£{float(rows['peer_median_per_patient'].iloc[0]):,.0f}.")
    return Section(title, [
        display.heading(title), display.paragraph(EFFICIENCY_NOTE), display.paragraph(sentence),
        display.frame_table(shown.loc[:, list(EFFICIENCY_HEADERS)].rename(
            columns=EFFICIENCY_HEADERS), caption="MFF-adjusted operating cost per unit of "
                                                 "activity, 2019/20"),
    ], {"trust_costs": rows})


__all__ = ["do_nothing_sensitivity", "efficiency_context", "national_position",
           "projected_against_reported"]
