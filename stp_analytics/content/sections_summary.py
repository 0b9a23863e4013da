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
