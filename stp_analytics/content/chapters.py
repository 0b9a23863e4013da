"""Chapters built for reading: each gap opens with its figures and three sentences; the detail
tables (every indicator, constituent organisations, the model's assumptions) go to the annex,
with the sources in their captions rather than on every row."""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from stp_analytics import schema
from stp_analytics.content import display, narrative
from stp_analytics.content import executive_summary as _summary
from stp_analytics.content import pack_content as content
from stp_analytics.content import trajectories as _paths
from stp_analytics.content.pack_content import PackContext
from stp_analytics.metrics import trajectory as _trajectory

#: the indicator table's columns without the per-row source (sources: the caption and annex)
READING_COLUMNS = tuple(c for c in display.TABLE_COLUMNS if c[0] != "source")
GAP_NOUNS = {"health": "health and wellbeing", "care": "care and quality",
             "finance": "finance and efficiency"}


def comparison_sentence(pack: PackContext, gap: str) -> str:
    """How many of the gap's indicators with data differ significantly from England, and how
    many are approximations that cannot be tested."""
    rows = narrative.area_rows(pack.store, pack.area_code)
    rows = rows[rows["indicator"].isin(pack.indicators(gap)) & rows["value"].notna()]
    if rows.empty:
        return f"No {GAP_NOUNS[gap]} indicator has data for this {pack.label}."
    worse = int(rows["comparison"].eq(schema.WORSE).sum())
    better = int(rows["comparison"].eq(schema.BETTER).sum())
    untested = int(rows["status"].eq(schema.STATUS_APPROXIMATE).sum())
    return (f"Of {len(rows)} {GAP_NOUNS[gap]} indicators with data, {worse} "
            f"{'is' if worse == 1 else 'are'} significantly worse than England and {better} "
            f"better; {untested} {'is an approximation' if untested == 1 else 'are approximations'}"
            " with no confidence interval, so not tested.")


def trajectory_sentence(pack: PackContext, gap: str) -> str:
    """How the gap's standards stand against the path to 2020/21."""
    paths = [p for p, _ in _paths.gap_trajectories(pack, gap)]
    if not paths:
        return f"No {GAP_NOUNS[gap]} indicator with a national standard has data here."
    counts = {status: sum(p.status == status for p in paths)
              for status in (_trajectory.OFF_TRACK, _trajectory.ON_TRACK, _trajectory.MET,
                             _trajectory.BASELINE_ONLY)}
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    return (f"Of {len(paths)} standards, {', '.join(parts)} against the path to 2020/21 "
            "(annex table).")


def headline_sentence(figures: pd.DataFrame, gap: str) -> str:
    """The gap's first figure in natural units, as a sentence."""
    mine = figures[figures["gap"].eq(gap)]
    if mine.empty:
        return f"The {GAP_NOUNS[gap]} gap has no figure in natural units for this area."
    if gap == "care":
        totals = mine[mine["measure"].str.startswith("People a year")]
        mine = totals if not totals.empty else mine
    first = mine.iloc[0]
    return f"{first['measure']}: {first['text']} ({first['period']})."


def opener(pack: PackContext, gap: str, finance_result: Any = None) -> list[Markup]:
    """The gap's first page: its figures (a table) and three sentences."""
    figures = _summary.summary_figures(pack, finance_result)
    mine = figures[figures["gap"].eq(gap)]
    sentences = [headline_sentence(figures, gap)]
    if gap == "finance":
        sentences.append("The model is not a forecast: it shows the gap if nothing changed, "
                         "and after each lever, under the assumptions in the annex.")
    else:
        sentences.append(comparison_sentence(pack, gap))
    sentences.append(trajectory_sentence(pack, gap) if gap != "finance" else
                     "Activity per 1,000 residents and the opportunity against similar "
                     f"{pack.label_plural} follow; the model's assumptions are in the annex.")
    pieces = [display.bullet_list(sentences)]
    if not mine.empty:
        pieces.insert(0, _summary.figures_html(mine, pack.area_name,
                                               f"the {GAP_NOUNS[gap]} gap"))
    return pieces


def gap_sentences(pack: PackContext, gap: str, *, heading: str = "What stands out",
                  notable_only: bool = True) -> list[Markup]:
    """A sentence per indicator that stands out (every indicator with ``notable_only=False``),
    without the table (:func:`gap_table` puts it in the annex)."""
    indicators = pack.indicators(gap)
    chosen = content.notable(pack, indicators) if notable_only else indicators
    pieces = [display.heading(heading)] if heading else []
    return [*pieces, content.sentences_html(pack, chosen)]


def gap_table(pack: PackContext, gap: str, caption: str) -> Markup:
    """The latest value of each of the gap's indicators, without a source column."""
    rows = content.indicator_rows(pack.store, pack.area_code, pack.indicators(gap), pack.catalog)
    return display.indicator_table(rows, READING_COLUMNS,
                                   caption=f"{caption} (sources: the Sources table)")
