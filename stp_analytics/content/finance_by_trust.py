"""Finance for an area set without the footprint finance model (ICBs): what applies, what does
not, and the reported finances of the area's acute trusts, each labelled with its year.

The 2016/17-2020/21 model is a model of the 2017 footprints (``finance_model: false`` in the
area set). What can honestly be shown for an ICB is what was reported for its trusts: the 2018/19
surplus or deficit (actual and plan) and the DHSC loans outstanding, from the metric store's
trust rows (trusts placed by headquarters). Nothing here is projected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import narrative
from stp_analytics.content.display import bullet_list, frame_table, heading, paragraph

if TYPE_CHECKING:
    from stp_analytics.content.pack_content import PackContext

#: the store's trust indicators shown by trust, with the column heading (the year is added)
TRUST_COLUMNS = {
    "trust_surplus_deficit": "Surplus (+) or deficit (-), actual",
    "trust_surplus_deficit_plan": "Surplus (+) or deficit (-), plan",
    "trust_loans_outstanding": "DHSC revenue support loans outstanding",
}


def applies(pack: PackContext) -> bool:
    """True when the pack's area set has no finance model (so this section is shown)."""
    return not bool(getattr(pack.area_set, "finance_model", True))


def trust_finances(pack: PackContext) -> pd.DataFrame:
    """One row per acute trust of the area (by headquarters): code, name and the latest value of
    each trust indicator; columns are headed with the indicator's period and unit."""
    try:
        trusts = pack.area_set.part_lookup("trust")
    except (KeyError, ValueError):
        trusts = pd.DataFrame(columns=["part_code", "part_name", "area_code"])
    trusts = trusts[trusts["area_code"].eq(pack.area_code)].sort_values(["part_name", "part_code"])
    table = pd.DataFrame({"Trust code": trusts["part_code"].to_numpy(),
                          "Trust": trusts["part_name"].to_numpy()})
    store = pack.store
    for indicator, title in TRUST_COLUMNS.items():
        rows = store[store["indicator"].eq(indicator) & store["area_role"].eq("part")
                     & store["parent_code"].eq(pack.area_code)
                     & store["is_latest"].fillna(False).astype(bool)]
        unit = narrative.indicator_meta(pack.catalog, indicator).unit
        periods = sorted(set(rows["period"].astype(str)))
        column = f"{title}, {' / '.join(periods) or 'year not supplied'} ({unit})"
        values = rows.set_index("area_code")["value"]
        table[column] = [narrative.format_number(values.get(code), 0) or narrative.NOT_SUPPLIED
                         for code in table["Trust code"]]
    return table


def statements(pack: PackContext) -> list[str]:
    """What applies to the area and what does not, in plain words."""
    label, plural = pack.label, pack.label_plural
    return [
        f"Does not apply: the do-nothing and do-something model of 2016/17 to 2020/21, its "
        f"bridge and its sensitivity. It models the 44 STP footprints of 2017 (their CCG "
        f"allocations, trusts and the national funding of those years), not {plural}; no "
        f"figure from it is shown, and none should be read as this {label}'s future.",
        f"Applies, for the year stated: the finance indicators above, re-aggregated to the "
        f"{label}: the reported results and loans of the acute trusts headquartered in it "
        f"(2018/19, by trust below) and the April 2017 CCG allocations apportioned by their "
        f"share of 2011 LSOAs (2018/19, inferred year).",
        f"Not supplied: the {label}'s own allocations and its trusts' accounts after 2018/19 "
        f"(no such file is vendored), so the {label}'s current financial position is not shown.",
    ]


def finance_without_model(pack: PackContext) -> Markup:
    """The statements and the by-trust table (empty Markup when the model applies)."""
    if not applies(pack):
        return Markup("")
    title = f"Reported finances of the {pack.label}'s acute trusts (by headquarters)"
    return Markup(
        heading(f"Finance for {pack.label_plural}: what applies and what does not", level=4)
        + bullet_list(statements(pack))
        + frame_table(trust_finances(pack), caption=title)
        + paragraph(f"Trusts are placed in the {pack.label} of their headquarters (ODS, about "
                    "December 2024); each trust's figures are its own, for the year in the column "
                    "heading, and are not projected.")
    )


def no_sensitivity(pack: PackContext) -> Markup:
    """Why an area without the model has no sensitivity analysis."""
    return paragraph(f"No sensitivity analysis: it tests the assumptions of the 2016/17 to "
                     f"2020/21 footprint model, which does not apply to {pack.label_plural}.")
