"""The finance block of the national index page: the reconciliation of the finance MODEL's sums
over every area with the published national figures, and the model's provider position against
the reported outturns (issue 21).

The same numbers as ``stp-packs finance --national`` under the same finance parameters (the
build's ``-p`` values), so the index and every pack agree.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import display

LOGGER = logging.getLogger(__name__)
TITLE = "Finance model: national reconciliation (MODEL, not a forecast)"
SUMS_ROWS = {
    "do_nothing_gbp_m": "Do-nothing gap (£m)",
    "lever_efficiency_gbp_m": "Provider efficiency (£m)",
    "lever_demand_moderation_gbp_m": "Demand moderation (£m)",
    "lever_stf_gbp_m": "Fund, sustainability element (£m)",
    "lever_other_savings_gbp_m": "Other local savings (£m)",
    "residual_gbp_m": "Residual gap after every lever (£m)",
}
COMPARISON_HEADERS = {"label": "Published figure", "year": "Year", "scope": "Scope",
                      "published_text": "Published", "model_text": "Model (sum of areas)",
                      "model_measure": "Model measure", "scope_note": "Scope difference",
                      "source": "Source"}


def finance_parameters(parameters: Mapping[str, object] | None) -> dict[str, object]:
    """The finance assumptions among a build's parameters (others are not the model's)."""
    from stp_analytics.finance import assumption_specs

    names = assumption_specs()
    return {name: value for name, value in (parameters or {}).items() if name in names}


def sums_table(sums: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation's sums by year as a table for reading: one row per measure."""
    by_year = sums.set_index("year")
    rows = {label: [f"{value:,.0f}" for value in by_year[column]]
            for column, label in SUMS_ROWS.items()}
    rows["Do-nothing gap per head, range (£)"] = [
        f"{low:,.0f} to {high:,.0f}" for low, high in
        zip(by_year["do_nothing_per_head_min"], by_year["do_nothing_per_head_max"], strict=True)]
    rows["Areas in deficit after every lever"] = [
        f"{int(n)} of {int(total)}" for n, total in
        zip(by_year["areas_in_deficit_after_levers"], by_year["areas"], strict=True)]
    table = pd.DataFrame(rows, index=list(by_year.index)).T.reset_index()
    return table.rename(columns={"index": "Measure"})


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Every published figure beside the model's comparable sum, with the scope difference."""
    shown = comparison.copy()
    shown["published_text"] = [
        f"{value:,.3g} {unit}" + ("" if verified else " (unverified)")
        for value, unit, verified in zip(shown["published"], shown["unit"], shown["verified"],
                                         strict=True)]
    shown["model_text"] = ["not compared (context)" if pd.isna(value) else f"{value:,.2f}"
                           for value in shown["model"]]
    return shown.loc[:, list(COMPARISON_HEADERS)].rename(columns=COMPARISON_HEADERS)


def finance_reconciliation_html(area_set: str, parameters: Mapping[str, object] | None = None
                                ) -> tuple[str, str]:
    """(HTML of the reconciliation tables and the outturn chart, or "", and a note when the
    model does not apply to the area set or could not run)."""
    from stp_analytics import charts
    from stp_analytics.data.geography import load_area_set
    from stp_analytics.finance import resolve_assumptions
    from stp_analytics.finance.reconcile import (
        national_reconciliation,
        provider_outturn_comparison,
    )

    try:
        if not load_area_set(area_set).finance_model:
            return "", f"The finance model does not apply to the area set {area_set}."
        assumptions = resolve_assumptions(finance_parameters(parameters))
        recon = national_reconciliation(assumptions, area_set)
        outturn = provider_outturn_comparison(assumptions, area_set)
    except Exception as error:  # noqa: BLE001 - the index is still written without the block
        LOGGER.exception("finance reconciliation for the index could not be computed")
        return "", f"Finance reconciliation not available: {error}"
    chart = display.try_chart("Provider position, model against reported",
                              lambda: charts.plot_outturn(charts.prepare_outturn_data(outturn)))
    count = int(recon.final()["areas"])
    changed = recon.assumptions_table[recon.assumptions_table["changed"]]
    setting = ("default assumptions (data_catalog/finance_assumptions.yml)" if changed.empty
               else "the defaults with " + "; ".join(
                   f"{row.name} = {row.display}" for row in changed.itertuples()))
    pieces = [
        display.paragraph(
            f"Sums of the {count} areas' finance model results under {setting}, the same "
            "figures each pack's finance chapter shows for its area. Published figures are "
            "never model outputs; each is compared with the model's nearest measure and the "
            "difference in scope is stated. Gap > 0: spending above income; lever effects < 0."),
        display.frame_table(sums_table(recon.sums),
                            caption=f"Sums over the {count} areas by year (MODEL)"),
        display.frame_table(comparison_table(recon.comparison),
                            caption="Beside the published national figures (£bn; per head £; "
                                    "provider positions surplus +)"),
        display.paragraph(
            "Reported provider outturns include sustainability funding (£1.8bn in 2016/17 and "
            "2017/18, £2.45bn in 2018/19); the model's provider position is after the fund's "
            "sustainability element too."),
        chart,
    ]
    return str(Markup("").join(pieces)), ""


__all__ = ["comparison_table", "finance_parameters", "finance_reconciliation_html", "sums_table"]
