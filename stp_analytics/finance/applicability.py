"""Where the finance model does not apply: area sets with ``finance_model: false`` (icb2022).

The 2016/17-2020/21 do-nothing/do-something model is a model of the 44 STP footprints of 2017
(their allocations, trusts and the national funding of those years). For another set, such as
the 42 ICBs of 2022, :func:`finance_not_applicable` gives a :class:`FinanceNotApplicable`
instead of a projection, and the pack says plainly what applies and what does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from stp_analytics.data.geography import load_area_set, resolve_area

NOTICE = (
    "The finance and efficiency model (the do-nothing and do-something projection from 2016/17 "
    "to 2020/21, its bridge and its sensitivity) is a model of the 44 STP footprints of 2017 and "
    "does not apply to {label_plural}: no projection is shown for {area_name}, and none from that "
    "model should be read as its future. What applies: the finance and efficiency indicators "
    "and the activity per 1,000 residents above, re-aggregated to the {label} (surplus or "
    "deficit and loans of the acute trusts headquartered in it, CCG allocations apportioned by "
    "LSOA share)."
)


@dataclass(frozen=True)
class FinanceNotApplicable:
    """The finance section of an area whose set has no finance model: a notice, no figures."""

    area_code: str
    area_name: str
    area_set: str
    notice: str
    not_applicable: bool = True
    caveats: tuple[str, ...] = ()


def finance_not_applicable(
    area_code: str, area_set: str = "stp2017"
) -> FinanceNotApplicable | None:
    """A :class:`FinanceNotApplicable` for ``area_code`` when its set has ``finance_model:
    false``, else None (the model applies)."""
    areas = load_area_set(area_set)
    if areas.finance_model:
        return None
    code = resolve_area(area_code, areas)
    name = str(areas.area_table.set_index("area_code").loc[code, "area_name"])
    notice = NOTICE.format(label=areas.label, label_plural=areas.label_plural, area_name=name)
    return FinanceNotApplicable(code, name, areas.name, notice)
