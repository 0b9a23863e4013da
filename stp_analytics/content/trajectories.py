"""Where the area needs to be by 2020/21, per gap: a chart of each gap's standards (baseline,
path to the standard, actuals since) and the table for the annex, from
:mod:`stp_analytics.metrics.trajectory`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import display, narrative
from stp_analytics.content.pack_content import PackContext
from stp_analytics.metrics import trajectory as _trajectory

GAPS = {"health": "Health and wellbeing", "care": "Care and quality",
        "finance": "Finance and efficiency"}
TABLE_COLUMNS = (("indicator", "Indicator"), ("baseline", "Baseline"),
                 ("target", "Needed by 2020/21"), ("per_year", "Improvement a year"),
                 ("latest", "Latest actual"), ("expected", "Path level then"),
                 ("status", "Then and now"))


def gap_trajectories(pack: PackContext, gap: str
                     ) -> list[tuple[_trajectory.Trajectory, pd.DataFrame]]:
    """(trajectory, yearly points) of every indicator of ``gap`` with a standard, a direction
    and data for the area, in catalogue order; worked out once per pack and gap (the summary,
    the openers, the charts and the annex table all read them)."""
    return list(pack.memo(("trajectories", gap), lambda: _gap_trajectories(pack, gap)))


def _gap_trajectories(pack: PackContext, gap: str
                      ) -> list[tuple[_trajectory.Trajectory, pd.DataFrame]]:
    found = []
    for indicator in pack.indicators(gap):
        entry = pack.catalog.indicators[indicator]
        if entry.target is None:
            continue
        path, points = _trajectory.area_trajectory(
            pack.store, pack.area_code, indicator, float(entry.target), entry.polarity,
            monthly=entry.frequency == "monthly")
        if path is not None:
            found.append((path, points))
    return found


def all_trajectories(pack: PackContext) -> pd.DataFrame:
    """Every trajectory of the pack as one table (with its gap), for the section's data."""
    frames = [_trajectory.trajectory_table([p for p, _ in gap_trajectories(pack, gap)])
              .assign(gap=gap) for gap in GAPS]
    return pd.concat(frames, ignore_index=True)


def _row(pack: PackContext, path: _trajectory.Trajectory) -> dict[str, str]:
    meta = narrative.indicator_meta(pack.catalog, path.indicator)

    def value(number: float) -> str:
        return narrative.format_value(number, meta.unit, meta.decimals)

    return {"indicator": meta.name,
            "baseline": f"{value(path.baseline)} ({path.baseline_period})",
            "target": value(path.target),
            "per_year": narrative.format_gap(abs(path.per_year), meta.unit, meta.decimals),
            "latest": f"{value(path.latest)} ({path.latest_period})",
            "expected": "" if path.status == _trajectory.BASELINE_ONLY else value(path.expected),
            "status": path.status}


def trajectory_table(pack: PackContext) -> Markup:
    """Every indicator with a standard: baseline, level needed, improvement a year, then and
    now (caption: the rule)."""
    rows = [_row(pack, path) for gap in GAPS for path, _ in gap_trajectories(pack, gap)]
    return Markup(display.indicator_table(rows, TABLE_COLUMNS,
                                          caption="Where the standards need to be by 2020/21")
                  + display.paragraph(_trajectory.RULE))


def _panel(pack: PackContext, path: _trajectory.Trajectory, points: pd.DataFrame) -> Any:
    from stp_analytics.charts import TrajectoryPanel

    meta = narrative.indicator_meta(pack.catalog, path.indicator)
    end = _trajectory.fy_midpoint(_trajectory.TARGET_YEAR)
    return TrajectoryPanel(meta.name, meta.unit, points, (path.baseline_midpoint, path.baseline),
                           (end, path.level_at(end)), path.status, path.target)


def _chart(pack: PackContext, gap: str) -> Any:
    from stp_analytics.charts import plot_trajectories

    found = gap_trajectories(pack, gap)
    if not found:
        return None
    sources = sorted({narrative.indicator_meta(pack.catalog, p.indicator).source
                      for p, _ in found})
    return plot_trajectories([_panel(pack, p, pts) for p, pts in found],
                             area_name=pack.area_name, source="; ".join(sources),
                             title=f"{pack.area_name}: {GAPS[gap].lower()} standards, "
                                   "then and now against the path to 2020/21")


def trajectory_chart(pack: PackContext, gap: str) -> Markup:
    """The gap's trajectory chart, or a sentence saying the gap has no standard with data."""
    if not gap_trajectories(pack, gap):
        return display.paragraph(f"{GAPS[gap]}: no indicator with a national standard has data "
                                 f"for this {pack.label}.")
    return display.try_chart(f"{GAPS[gap]} trajectories", _chart, pack, gap)
