"""Reconciliation of the finance MODEL with the published national figures.

* :func:`national_sums` - the sums over every area of the set (44 footprints), by year: the
  do-nothing gap, each lever's effect, the residual gap, the range of the gap per head and how
  many areas are in deficit.
* :func:`calibration_comparison` - each reference figure of ``finance_calibration.yml`` beside
  the model's comparable sum, with the scope difference (a published figure is never presented as
  a model output, nor the reverse).
* :func:`provider_outturn_comparison` - the model's national provider position 2015/16-2018/19
  beside the reported provider sector outturns, for a chart.
* :func:`footprint_provider_comparison` - each footprint's projected 2018/19 provider position
  beside its acute trusts' reported 2018/19 result.

Reported results INCLUDE sustainability funding (the £1.8bn fund in 2016/17 and 2017/18, the
£2.45bn provider sustainability fund in 2018/19); the model's provider position is after its fund
lever too, so both sides include the fund once. The model's provider position is the whole
footprint's gap after provider efficiency, demand moderation and the fund, with the sign turned
(surplus +): it assumes commissioners pass their income to providers and end in balance, which is
roughly what happened nationally but not in every footprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stp_analytics.finance.assumptions import FinanceAssumptions, assumptions_table
from stp_analytics.finance.baseline import finance_baseline, starting_gap
from stp_analytics.finance.calibration import load_calibration
from stp_analytics.finance.model import LEVERS, RESIDUAL_COLUMN, YEARS, project_gap
from stp_analytics.finance.sensitivity import sensitivity_table, starting_position_table

M = 1e6
FINAL_YEAR = YEARS[-1]
#: lever effect columns of :func:`national_sums` (£m, <= 0), in lever order
LEVER_EFFECTS: tuple[tuple[str, str], ...] = tuple(
    (column.replace("gap_after_", "lever_").replace("_gbp", "_gbp_m"), label)
    for column, label in LEVERS
)
PROVIDER_POSITION_COLUMN = "gap_after_stf_gbp"
OUTTURN_YEARS = ("2015/16", "2016/17", "2017/18", "2018/19")


def national_sums(projection: pd.DataFrame) -> pd.DataFrame:
    """One row per year: sums over every area of ``projection`` (£m) and counts.

    Columns: year, do_nothing_gbp_m, lever_efficiency_gbp_m, lever_demand_moderation_gbp_m,
    lever_stf_gbp_m, lever_other_savings_gbp_m (each lever's effect, <= 0), residual_gbp_m,
    do_nothing_per_head_min / _max, residual_per_head_min / _max, areas,
    areas_in_deficit_do_nothing, areas_in_deficit_after_levers.
    """
    rows = []
    for year, group in projection.groupby("year", sort=False):
        row = {"year": year, "do_nothing_gbp_m": group["gap_do_nothing_gbp"].sum() / M}
        previous = group["gap_do_nothing_gbp"]
        for (column, _), (effect, _) in zip(LEVERS, LEVER_EFFECTS, strict=True):
            row[effect] = (group[column] - previous).sum() / M
            previous = group[column]
        row["residual_gbp_m"] = group[RESIDUAL_COLUMN].sum() / M
        per_head = group["gap_do_nothing_per_head"]
        residual_per_head = group[RESIDUAL_COLUMN.replace("_gbp", "_per_head")]
        row.update(
            do_nothing_per_head_min=per_head.min(), do_nothing_per_head_max=per_head.max(),
            residual_per_head_min=residual_per_head.min(),
            residual_per_head_max=residual_per_head.max(),
            areas=int(len(group)),
            areas_in_deficit_do_nothing=int((group["gap_do_nothing_gbp"] > 0).sum()),
            areas_in_deficit_after_levers=int((group[RESIDUAL_COLUMN] > 0).sum()),
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _model_measures(sums: pd.DataFrame, start_gap_gbp: float) -> dict[str, float]:
    """The model's comparable figure for each ``compare_with`` measure, £bn (per head in £)."""
    final = sums.set_index("year").loc[FINAL_YEAR]
    levers = [effect for effect, _ in LEVER_EFFECTS]
    local = [effect for effect in levers if effect != "lever_stf_gbp_m"]
    measures = {
        "do_nothing": final["do_nothing_gbp_m"] / 1e3,
        "levers": -final[levers].sum() / 1e3,
        "local_efficiency": -final[local].sum() / 1e3,
        "lever_provider_efficiency": -final["lever_efficiency_gbp_m"] / 1e3,
        "lever_demand_moderation": -final["lever_demand_moderation_gbp_m"] / 1e3,
        "lever_stf": -final["lever_stf_gbp_m"] / 1e3,
        "per_head_min": final["do_nothing_per_head_min"],
        "per_head_max": final["do_nothing_per_head_max"],
        "starting_gap": -start_gap_gbp / 1e9,  # as a provider position (deficit < 0)
    }
    by_year = sums.set_index("year")
    for year in by_year.index:
        measures[f"provider_position {year}"] = -_provider_position(by_year.loc[year]) / 1e3
    return measures


def _provider_position(row: pd.Series) -> float:
    """A year's gap after provider efficiency, demand moderation and the fund (£m)."""
    return row["do_nothing_gbp_m"] + row["lever_efficiency_gbp_m"] + \
        row["lever_demand_moderation_gbp_m"] + row["lever_stf_gbp_m"]


MEASURE_LABELS = {
    "do_nothing": "model do-nothing gap 2020/21, sum of areas",
    "levers": "model: every lever's effect 2020/21 (incl. the fund)",
    "local_efficiency": "model: provider efficiency + demand moderation + other savings 2020/21",
    "lever_provider_efficiency": "model: provider efficiency lever 2020/21",
    "lever_demand_moderation": "model: demand moderation lever 2020/21",
    "lever_stf": "model: fund lever 2020/21 (its sustainability element)",
    "per_head_min": "model: lowest do-nothing gap per head 2020/21 (£)",
    "per_head_max": "model: highest do-nothing gap per head 2020/21 (£)",
    "starting_gap": "model: starting gap 2015/16 as a provider position",
    "provider_position": "model: provider position (after efficiency, moderation, fund)",
}


def calibration_comparison(sums: pd.DataFrame, start_gap_gbp: float) -> pd.DataFrame:
    """Every reference figure beside the model's comparable figure.

    Columns: key, label, scope, year, published (the figure), unit, verified, model (NaN where
    the figure is context only), model_measure, difference (model - published), scope_note,
    source. Money in £bn, per head in £.
    """
    measures = _model_measures(sums, start_gap_gbp)
    rows = []
    for entry in load_calibration().values():
        if entry.value is None:  # a series by year (inputs of the model), not a target
            continue
        measure = entry.compare_with
        key = f"provider_position {entry.year}" if measure == "provider_position" else measure
        model = measures.get(key, np.nan)
        rows.append({
            "key": entry.key, "label": entry.label, "scope": entry.scope, "year": entry.year,
            "published": entry.value, "unit": entry.unit, "verified": entry.verified,
            "model": model,
            "model_measure": MEASURE_LABELS.get(measure, "not compared (context)"),
            "difference": model - entry.value, "scope_note": entry.scope_note,
            "source": f"{entry.source.publisher}, {entry.source.title}",
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Reconciliation:
    """The national reconciliation under one set of assumptions (money in £m unless stated)."""

    assumptions: FinanceAssumptions
    area_set: str
    sums: pd.DataFrame = field(repr=False)
    comparison: pd.DataFrame = field(repr=False)
    sensitivity: pd.DataFrame = field(repr=False)
    starting_positions: pd.DataFrame = field(repr=False)
    assumptions_table: pd.DataFrame = field(repr=False)
    starting_gap_gbp_m: float = 0.0

    def final(self) -> pd.Series:
        """The 2020/21 row of :attr:`sums`."""
        return self.sums.set_index("year").loc[FINAL_YEAR]

    def as_json(self) -> dict:
        """The reconciliation as plain JSON types; the 2020/21 headline keys at the top level."""
        final = self.final()

        def plain(frame: pd.DataFrame) -> list[dict]:
            clean = frame.astype(object).where(frame.notna(), None)
            return [{key: (value.item() if hasattr(value, "item") else value)
                     for key, value in row.items()} for row in clean.to_dict("records")]

        return {
            "label": "MODEL, not a forecast: sums of the per-area model results",
            "area_set": self.area_set,
            "year": FINAL_YEAR,
            "do_nothing_gbp_m": float(final["do_nothing_gbp_m"]),
            "residual_gbp_m": float(final["residual_gbp_m"]),
            "areas": int(final["areas"]),
            "areas_in_deficit_after_levers": int(final["areas_in_deficit_after_levers"]),
            "levers_gbp_m": {effect: float(final[effect]) for effect, _ in LEVER_EFFECTS},
            "do_nothing_per_head": {"min": float(final["do_nothing_per_head_min"]),
                                    "max": float(final["do_nothing_per_head_max"])},
            "starting_gap_gbp_m": float(self.starting_gap_gbp_m),
            "by_year": plain(self.sums),
            "calibration": plain(self.comparison),
            "sensitivity": plain(self.sensitivity),
            "starting_positions": plain(self.starting_positions),
            "assumptions": {row.name: row.value for row in self.assumptions_table.itertuples()},
        }


def national_reconciliation(assumptions: FinanceAssumptions,
                            area_set: str = "stp2017") -> Reconciliation:
    """Project every area under ``assumptions`` and reconcile the sums with the published figures.

    The sums are the sums of the per-area results (the same projection the packs use).
    """
    baseline = finance_baseline(area_set)
    projection = project_gap(baseline, assumptions)
    sums = national_sums(projection)
    start = float(starting_gap(baseline, assumptions).sum())
    return Reconciliation(
        assumptions=assumptions,
        area_set=area_set,
        sums=sums,
        comparison=calibration_comparison(sums, start),
        sensitivity=sensitivity_table(baseline, assumptions, None),
        starting_positions=starting_position_table(baseline, assumptions, None),
        assumptions_table=assumptions_table(assumptions),
        starting_gap_gbp_m=start / M,
    )


def provider_outturn_comparison(assumptions: FinanceAssumptions,
                                area_set: str = "stp2017") -> pd.DataFrame:
    """The model's national provider position beside what was reported, 2015/16-2018/19, £bn.

    Columns: year, model_provider_position (2015/16: minus the starting gap; later years: minus
    the gap after provider efficiency, demand moderation and the fund, summed over the areas),
    reported_outturn (provider sector, INCLUDING sustainability funding), sustainability_funding
    (paid or available that year), reported_underlying (where published). For a chart.
    """
    baseline = finance_baseline(area_set)
    projection = project_gap(baseline, assumptions)
    figures = load_calibration()

    def published(key: str) -> float:
        return float(figures[key].value) if key in figures else np.nan

    model = {"2015/16": -float(starting_gap(baseline, assumptions).sum()) / 1e9}
    by_year = projection.groupby("year")[PROVIDER_POSITION_COLUMN].sum()
    for year in OUTTURN_YEARS[1:]:
        model[year] = -float(by_year[year]) / 1e9
    rows = []
    for year in OUTTURN_YEARS:
        suffix = year.replace("/", "_")
        rows.append({
            "year": year,
            "model_provider_position": model[year],
            "reported_outturn": published(f"provider_outturn_{suffix}"),
            "sustainability_funding": published(f"sustainability_funding_{suffix}"),
            "reported_underlying": published(f"provider_underlying_deficit_{suffix}"),
        })
    return pd.DataFrame(rows)


def footprint_provider_comparison(assumptions: FinanceAssumptions,
                                  area_set: str = "stp2017", year: str = "2018/19"
                                  ) -> pd.DataFrame:
    """Per area: the model's projected provider position in ``year`` beside the area's acute
    trusts' reported 2018/19 result (£m, surplus +).

    Columns: area_code, area_name, model_provider_position_gbp_m, reported_actual_gbp_m (acute
    trusts only, INCLUDING the provider sustainability fund; NaN without trust data),
    difference_gbp_m, trusts_with_data, note. The model side covers all of the footprint's
    place-based spending, the reported side its acute trusts only.
    """
    baseline = finance_baseline(area_set)
    rows = project_gap(baseline, assumptions)
    rows = rows[rows["year"] == year].set_index("area_code")
    table = pd.DataFrame({
        "area_code": rows.index,
        "area_name": baseline.loc[rows.index, "area_name"].to_numpy(),
        "model_provider_position_gbp_m": -rows[PROVIDER_POSITION_COLUMN].to_numpy() / M,
    })
    reported = (baseline["trust_actual_gbp"] if "trust_actual_gbp" in baseline
                else pd.Series(np.nan, index=baseline.index))
    table["reported_actual_gbp_m"] = reported.reindex(rows.index).to_numpy() / M
    table["difference_gbp_m"] = table["model_provider_position_gbp_m"] - \
        table["reported_actual_gbp_m"]
    trusts = (baseline["trusts_with_data"] if "trusts_with_data" in baseline
              else pd.Series(0, index=baseline.index))
    table["trusts_with_data"] = trusts.reindex(rows.index).fillna(0).astype(int).to_numpy()
    table["note"] = baseline.loc[rows.index, "note"].to_numpy()
    return table.sort_values("area_code", ignore_index=True)


def _money(value: float) -> str:
    return "" if pd.isna(value) else f"{value:,.0f}"


def format_reconciliation(recon: Reconciliation) -> str:
    """The reconciliation as plain text: the sums by year, the comparison with every published
    figure (scope explained), the sensitivity of the 2020/21 sums and the assumptions."""
    sums = recon.sums.set_index("year")
    lines = [
        f"National reconciliation: sums of the {int(recon.final()['areas'])} areas' model results "
        f"({recon.area_set}). MODEL, not a forecast; published figures are not model outputs.",
        "Gap > 0: spending above income; lever effects < 0. £m unless stated.",
        "",
    ]
    labels = {"do_nothing_gbp_m": "Do-nothing gap", **{effect: f"  {label}" for effect, label
                                                        in LEVER_EFFECTS},
              "residual_gbp_m": "Residual gap after every lever"}
    by_year = pd.DataFrame({label: sums[column].map(_money) for column, label in labels.items()}).T
    by_year.loc["Do-nothing gap per head, range (£)"] = [
        f"{row.do_nothing_per_head_min:,.0f} to {row.do_nothing_per_head_max:,.0f}"
        for row in sums.itertuples()]
    by_year.loc["Areas in deficit after every lever"] = [
        f"{row.areas_in_deficit_after_levers} of {row.areas}" for row in sums.itertuples()]
    lines += [by_year.to_string(), "", f"Starting gap (2015/16 base, all areas): "
              f"£{recon.starting_gap_gbp_m:,.0f}m", "",
              "Beside the published figures (£bn; per head in £; provider positions: surplus +):"]
    for row in recon.comparison.itertuples():
        model = "not compared (context)" if pd.isna(row.model) else f"model {row.model:,.2f}"
        flag = "" if row.verified else " [UNVERIFIED]"
        lines.append(f"  {row.label} ({row.year}, {row.scope}): published {row.published:,.3g} "
                     f"{row.unit}{flag}; {model}" + ("" if pd.isna(row.model) else
                                                     f" ({row.model_measure})"))
        if row.scope_note:
            lines.append(f"      scope: {row.scope_note}")
    lines += ["", f"Sensitivity of the {FINAL_YEAR} sums (£m), each assumption moved by its step:"]
    for row in recon.sensitivity.itertuples():
        lines.append(f"  {row.name}: {row.low_label} -> do-nothing {row.do_nothing_low:,.0f}, "
                     f"residual {row.residual_low:,.0f}; {row.high_label} -> do-nothing "
                     f"{row.do_nothing_high:,.0f}, residual {row.residual_high:,.0f}")
    lines.append("Starting position (baseline_provider_position):")
    for row in recon.starting_positions.itertuples():
        used = " (in use)" if row.in_use else ""
        lines.append(f"  {row.position}{used}: do-nothing {row.do_nothing_gbp_m:,.0f}, "
                     f"residual {row.residual_gbp_m:,.0f}")
    lines += ["", "Assumptions:"]
    for row in recon.assumptions_table.itertuples():
        flag = " (changed)" if row.changed else ""
        lines.append(f"  {row.name} = {row.display}{flag}")
    return "\n".join(lines) + "\n"


__all__ = [
    "LEVER_EFFECTS",
    "Reconciliation",
    "calibration_comparison",
    "footprint_provider_comparison",
    "format_reconciliation",
    "national_reconciliation",
    "national_sums",
    "provider_outturn_comparison",
]
