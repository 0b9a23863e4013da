"""The reading-structure sections: the executive summary and where the area needs to be by
2020/21 (one notebook cell each, as :mod:`stp_analytics.content.sections`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from stp_analytics.content import display
from stp_analytics.content import executive_summary as _summary
from stp_analytics.content.pack_content import PackContext
from stp_analytics.content.sections import Section

SUMMARY_TITLE = "The three gaps in numbers"
MESSAGES_TITLE = "Key messages"


def executive_summary(pack: PackContext, finance_result: Any = None, n: int = 5) -> Section:
    """Each gap as a figure in natural units with its comparator and period, then up to ``n``
    key messages (data: ``figures``, ``messages``)."""
    figures = _summary.summary_figures(pack, finance_result)
    messages = _summary.summary_messages(pack, n=n)
    frame = pd.DataFrame([{"rule": m.rule, "indicator": m.indicator, "score": m.score,
                           "text": m.text} for m in messages],
                         columns=["rule", "indicator", "score", "text"])
    return Section(SUMMARY_TITLE, [
        display.heading(SUMMARY_TITLE),
        _summary.figures_html(figures, pack.area_name),
        display.heading(MESSAGES_TITLE),
        display.key_messages_html(messages),
    ], {"figures": figures, "messages": frame})


TRAJECTORY_TITLE = "Where you need to be by 2020/21"


def trajectories(pack: PackContext) -> Section:
    """A chart per gap with standards: baseline, the path to the standard in 2020/21 and the
    actuals since (data: ``trajectories``; the table is :func:`trajectory_annex`)."""
    from stp_analytics.content import trajectories as _paths
    from stp_analytics.metrics.trajectory import RULE

    pieces = [display.heading(TRAJECTORY_TITLE), display.paragraph(RULE)]
    pieces += [_paths.trajectory_chart(pack, gap) for gap in ("health", "care")]
    pieces.append(display.paragraph(
        "Finance: the path to 2020/21 is the do-nothing and do-something model in the finance "
        "chapter."))
    return Section(TRAJECTORY_TITLE, pieces,
                   lambda: {"trajectories": _paths.all_trajectories(pack)})


def trajectory_annex(pack: PackContext) -> Section:
    """The table of every standard's baseline, level needed, improvement a year and then and
    now (data: ``trajectories``)."""
    from stp_analytics.content import trajectories as _paths

    title = "Standards: baseline, 2020/21 and then and now"
    return Section(title, [display.heading(title), _paths.trajectory_table(pack)],
                   lambda: {"trajectories": _paths.all_trajectories(pack)})


# ---------------------------------------------------------------- chapters built for reading


def _latest_rows(pack: PackContext, gap: str) -> pd.DataFrame:
    from stp_analytics.content import narrative

    rows = narrative.area_rows(pack.store, pack.area_code, all_sexes=True)
    return rows[rows["indicator"].isin(pack.indicators(gap))].reset_index(drop=True)


def gap_opener(pack: PackContext, gap: str, finance_result: Any = None) -> Section:
    """A gap's first page: its figures in natural units and three sentences (data:
    ``figures``)."""
    from stp_analytics.content import chapters

    figures = _summary.summary_figures(pack, finance_result)
    return Section(f"{gap} at a glance", chapters.opener(pack, gap, finance_result),
                   {"figures": figures[figures["gap"].eq(gap)].reset_index(drop=True)})


def gap_sentences(pack: PackContext, gap: str, *, heading: str = "What stands out",
                  notable_only: bool = True) -> Section:
    """The sentences of the gap's indicators that stand out, without the table (the table is
    in :func:`indicator_tables`); data: ``indicators``, the latest store rows."""
    from stp_analytics.content import chapters

    return Section(heading or gap, chapters.gap_sentences(pack, gap, heading=heading,
                                                          notable_only=notable_only),
                   lambda: {"indicators": _latest_rows(pack, gap)})


def indicator_tables(pack: PackContext) -> Section:
    """The annex's detail tables: every indicator of each gap (sources in the Sources table)
    and the area's organisations for the ``care: parts`` indicators (data: one table each)."""
    from stp_analytics.content import chapters, sections

    title = "Indicator tables"
    pieces = [display.heading(title)]
    pieces += [chapters.gap_table(pack, gap, caption) for gap, caption in
               sections.GAP_CAPTIONS.items()]
    parts = sections.parts_tables(pack)
    return Section(title, [*pieces, *parts.pieces],
                   lambda: {**{gap: _latest_rows(pack, gap) for gap in sections.GAP_CAPTIONS},
                            **parts.data})


def sensitivity_chart(pack: PackContext, finance_result: Any) -> Section:
    """How the 2020/21 gap moves with each assumption: the chart (the assumptions and caveats
    are in :func:`finance_assumptions`); data: ``sensitivity``."""
    from stp_analytics.content import pack_charts

    frame = getattr(finance_result, "sensitivity", None)
    return Section("Sensitivity", [display.heading("Sensitivity"),
                                   pack_charts.tornado_chart(pack, finance_result)],
                   {"sensitivity": frame} if isinstance(frame, pd.DataFrame) else {})


def finance_assumptions(finance_result: Any) -> Section:
    """The model's assumptions with their sources and the finance data caveats, for the annex
    (data: ``assumptions``)."""
    from stp_analytics.content import finance_display

    title = "Finance model assumptions and caveats"
    frame = getattr(finance_result, "assumptions_table", None)
    return Section(title, [display.heading(title),
                           finance_display.finance_assumptions_table(finance_result),
                           finance_display.finance_caveats(finance_result)],
                   {"assumptions": frame} if isinstance(frame, pd.DataFrame) else {})
