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
from stp_analytics.content import display
from stp_analytics.content.display import NOT_AVAILABLE, not_supplied, try_chart
from stp_analytics.content.pack_content import PackContext
from stp_analytics.content.sections import Section
from stp_analytics.finance import FinanceResult
from stp_analytics.finance import context as finance_context

POSITION_TITLE = "The footprint in the national picture (MODEL)"
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


def national_position(pack: PackContext, finance_result: FinanceResult | None) -> Section:
    """The footprint's share of the national do-nothing gap and its gap per head among the
    areas: a sentence, a table and a bar chart (data: ``national_position``, ``per_head``)."""
    if finance_result is None:
        return Section(POSITION_TITLE, [display.heading(POSITION_TITLE),
                                        not_supplied(POSITION_TITLE, NOT_AVAILABLE)])
    table = finance_context.national_position(finance_result)
    per_head = finance_context.per_head_distribution(finance_result)
    chart = try_chart(POSITION_TITLE, lambda: charts.plot_per_head_range(
        charts.prepare_per_head_data(per_head)))
    shown = table.rename(columns=POSITION_HEADERS)
    return Section(POSITION_TITLE, [
        display.heading(POSITION_TITLE),
        display.paragraph(finance_context.position_sentence(finance_result)),
        display.frame_table(shown, caption="The area beside the sum and range of all areas "
                                           "(MODEL, same assumptions)"),
        chart,
    ], {"national_position": table, "per_head": per_head})


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
        return Section(OUTTURN_TITLE, [display.heading(OUTTURN_TITLE),
                                       not_supplied(OUTTURN_TITLE, NOT_AVAILABLE)])
    outturn = finance_context.outturn_comparison(finance_result)
    footprint = finance_context.footprint_outturn(finance_result)
    chart = try_chart(OUTTURN_TITLE, lambda: charts.plot_outturn(
        charts.prepare_outturn_data(outturn)))
    pieces = [display.heading(OUTTURN_TITLE), display.paragraph(REPORTED_NOTE), chart,
              _outturn_table(outturn)]
    if footprint.empty:
        pieces.append(not_supplied("This area's provider position 2018/19"))
    else:
        pieces += [display.paragraph(finance_context.footprint_outturn_sentence(
            footprint.iloc[0])), _footprint_table(footprint)]
    return Section(OUTTURN_TITLE, pieces, {"outturn": outturn, "footprint_outturn": footprint})


__all__ = ["national_position", "projected_against_reported"]
