"""The pack's sections as objects: one call per notebook cell, shown in Jupyter, data as tables.

Each function returns a :class:`Section`: the HTML pieces a pack shows (built by
:mod:`~stp_analytics.content.pack_content`, :mod:`~stp_analytics.content.pack_charts`,
:mod:`~stp_analytics.content.finance_display` and :mod:`~stp_analytics.content.annex`) and, in
:attr:`Section.data`, the numbers behind them as DataFrames (``section.data["projection"]``,
``section.to_excel("gm.xlsx")``). A notebook cell whose last expression is a section shows it.

A section is shown as one notebook output per piece, exactly as the cells showed them with
``display.show`` before: an output is the unit the PDF keeps on one page, and a cell is a block
of the pack, so the pack's bytes do not depend on whether a cell shows pieces or a section.
The data are read only when asked for, so a build pays nothing for them.

Sections in the pack definition (``packs/three_gaps.yml`` ``sections:``) choose the indicators:
``health: trends``, ``care: spc``, ``finance: activity`` and so on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import annex as _annex
from stp_analytics.content import (
    display,
    finance_by_trust,
    finance_display,
    narrative,
    pack_charts,
    tiles,
)
from stp_analytics.content import pack_content as content
from stp_analytics.content import vintage as _vintage
from stp_analytics.content.key_message_rules import ranked_messages
from stp_analytics.content.pack_content import PackContext
from stp_analytics.errors import StpPacksError
from stp_analytics.finance import FinanceResult

Frames = Mapping[str, pd.DataFrame]

#: the gaps and the caption of each gap's indicator table
GAP_CAPTIONS = {
    "health": "Health and wellbeing indicators",
    "care": "Care and quality indicators",
    "finance": "Finance and efficiency indicators",
}
#: headings of the indicator chart sections (``{label}``: "footprint", "CCG"...)
CHART_HEADINGS = {"trends": "Trends", "variation": "Variation within the {label}"}


#: every section shown in this process (a kernel builds one pack), for ``downloads(pack)``
SHOWN: list[Section] = []


class Section:
    """One block of a pack: HTML pieces to show, in order, and the numbers behind them.

    ``data`` is a mapping of name -> DataFrame, or a function returning one (called the first
    time :attr:`data` is read). In Jupyter a section shows each piece as its own output
    (``_ipython_display_``); ``_repr_html_`` gives every piece as one HTML string, for any
    other viewer. ``a + b`` is a section with the pieces and data of both.
    """

    def __init__(self, title: str, pieces: Iterable[str],
                 data: Frames | Callable[[], Frames] | None = None) -> None:
        self.title = title
        self.pieces: tuple[Markup, ...] = tuple(Markup(str(piece)) for piece in pieces)
        self._data = data
        self._loaded: dict[str, pd.DataFrame] | None = None

    @property
    def data(self) -> dict[str, pd.DataFrame]:
        """The tables behind the section, by name (read once, on first use)."""
        if self._loaded is None:
            source = self._data() if callable(self._data) else self._data
            self._loaded = dict(source or {})
        return self._loaded

    def _repr_html_(self) -> str:
        return "".join(self.pieces)

    def _ipython_display_(self) -> None:
        SHOWN.append(self)
        for piece in self.pieces:
            display.show(piece)

    def __repr__(self) -> str:
        count = f"{len(self.pieces)} HTML piece{'' if len(self.pieces) == 1 else 's'}"
        return f"<Section {self.title!r}: {count}; tables in .data>"

    def __add__(self, other: Section) -> Section:
        if not isinstance(other, Section):
            return NotImplemented
        return Section(self.title, self.pieces + other.pieces,
                       lambda: {**self.data, **other.data})

    def to_excel(self, path: str | Path) -> Path:
        """Write every table of :attr:`data` to its own sheet of an Excel workbook."""
        path = Path(path)
        used: set[str] = set()
        with pd.ExcelWriter(path) as writer:
            for name, frame in self.data.items():
                sheet, n = _sheet_name(name), 2
                while sheet in used:
                    sheet, n = f"{_sheet_name(name)[:28]}~{n}", n + 1
                used.add(sheet)
                frame.to_excel(writer, sheet_name=sheet, index=False)
        return path


def not_in_vintage(pack: PackContext, title: str, what: str) -> Section:
    """A section left out of a pack built as at an earlier month (``as_at``): one sentence on
    why (``what`` ends later than the vintage)."""
    return Section(title, [display.paragraph(_vintage.not_yet(pack.as_at, what))])


def _sheet_name(name: str) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in str(name)).strip("'") or "data"
    return cleaned[:31]


# ---------------------------------------------------------------- data helpers


def _frames(pairs: Iterable[tuple[str, Callable[[], Any]]]) -> dict[str, pd.DataFrame]:
    """name -> DataFrame for each (name, read) whose read succeeds; a chart's ``FunnelData``
    gives its points and, as "<name> limits", its limit curves. Missing data are left out
    (the section shows "data not supplied" for them)."""
    frames: dict[str, pd.DataFrame] = {}
    for name, read in pairs:
        try:
            value = read()
        except (StpPacksError, LookupError, ValueError):
            continue
        if isinstance(value, pd.DataFrame):
            frames[name] = value
        elif isinstance(getattr(value, "points", None), pd.DataFrame):
            frames[name] = value.points
            frames[f"{name} limits"] = value.limits
    return frames


def _latest(pack: PackContext, indicators: Sequence[str]) -> pd.DataFrame:
    """The area's latest store rows (every sex) of the indicators, in the order given, with the
    catalogue name first."""
    rows = narrative.area_rows(pack.store, pack.area_code, all_sexes=True)
    rows = rows[rows["indicator"].isin(indicators)]
    order = {indicator: n for n, indicator in enumerate(indicators)}
    rows = rows.sort_values("indicator", key=lambda s: s.map(order), kind="mergesort")
    names = [content.indicator_name(pack, i) for i in rows["indicator"]]
    return rows.reset_index(drop=True).assign(indicator_name=names).loc[
        :, ["indicator_name", *rows.columns]]


def _records(rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
             ) -> pd.DataFrame:
    """Table rows (dicts) as a DataFrame with the table's headers as column names."""
    frame = pd.DataFrame(list(rows), columns=[key for key, _ in columns])
    return frame.rename(columns=dict(columns))


def _result_frames(finance_result: Any, names: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """Data name -> the finance result's DataFrame attribute (none when the model did not run)."""
    return {name: getattr(finance_result, attribute) for name, attribute in names.items()
            if isinstance(getattr(finance_result, attribute, None), pd.DataFrame)}


# ---------------------------------------------------------------- summary


def area_facts(pack: PackContext) -> Section:
    """The pack's stylesheet and the area's facts: name, code, region, registered population
    and the organisations in it (data: ``facts``, ``parts``)."""

    def data() -> Frames:
        facts = {"area_code": pack.area_code, "area_name": pack.area_name,
                 "region_name": pack.region_name,
                 "registered_population": pack.registered_population,
                 "area_set": getattr(pack.area_set, "name", "")}
        parts = [{"part_type": kind, "name": name} for kind in content.PART_LABELS
                 for name in content.part_names(pack, kind)]
        return {"facts": pd.DataFrame({"item": list(facts), "value": list(facts.values())}),
                "parts": pd.DataFrame(parts, columns=["part_type", "name"])}

    return Section("About this area", [display.stylesheet() + content.summary_facts(pack)], data)


def three_gaps(pack: PackContext, finance_result: Any = None) -> Section:
    """The three gaps at a glance: a tile per gap (data: ``tiles``)."""
    gap_tiles = tiles.three_gap_tiles(pack, finance_result)
    return Section("Three gaps at a glance",
                   [display.heading("Three gaps at a glance"), display.gap_tiles(gap_tiles)],
                   {"tiles": pd.DataFrame([dataclasses.asdict(tile) for tile in gap_tiles])})


def key_messages(pack: PackContext, n: int = 5) -> Section:
    """Up to ``n`` (at most 5) key messages: ranks among the worst and published verdicts, then
    the narrative rules (:func:`key_message_rules.ranked_messages`; data: ``messages``)."""
    messages = ranked_messages(pack, n)
    frame = pd.DataFrame([{"rule": m.rule, "indicator": m.indicator, "score": m.score,
                           "text": m.text} for m in messages],
                         columns=["rule", "indicator", "score", "text"])
    return Section("Key messages", [display.heading("Key messages"),
                                    display.key_messages_html(messages)], {"messages": frame})


def summary(pack: PackContext, finance_result: Any = None) -> Section:
    """The whole summary section: facts, tiles and key messages."""
    return area_facts(pack) + three_gaps(pack, finance_result) + key_messages(pack)


# ---------------------------------------------------------------- health and care


def spine(pack: PackContext, gap: str = "health") -> Section:
    """The spine chart of a gap's indicators with data, less the section's ``not_in_spine``
    (data: ``spine``)."""
    return Section("Spine chart", [pack_charts.spine_chart(pack, gap)],
                   lambda: _frames([("spine", lambda: pack_charts.spine_data(pack, gap))]))


def gap_indicators(pack: PackContext, gap: str, *, heading: str = "What stands out",
                   notable_only: bool = True) -> Section:
    """A sentence per indicator that stands out (every indicator with ``notable_only=False``)
    and the table of the gap's indicators (data: ``indicators``, the latest store rows)."""
    indicators = pack.indicators(gap)
    chosen = content.notable(pack, indicators) if notable_only else indicators
    pieces = [display.heading(heading)] if heading else []
    pieces += [content.sentences_html(pack, chosen),
               content.gap_table(pack, indicators, GAP_CAPTIONS.get(gap, f"{gap} indicators"))]
    return Section(heading or GAP_CAPTIONS.get(gap, gap), pieces,
                   lambda: {"indicators": _latest(pack, indicators)})


def charts(pack: PackContext, gap: str, kind: str, heading: str | None = None) -> Section:
    """The charts of ``kind`` (trends | variation | spc | funnel) for the indicators the pack
    definition lists under ``sections: <gap>: <kind>``, one output each; ``heading`` defaults
    to :data:`CHART_HEADINGS` ("" for none). Data: each indicator's chart data, by id."""
    if heading is None:
        heading = CHART_HEADINGS.get(kind, "").format(label=pack.label)
    pieces = [display.heading(heading)] if heading else []
    pieces += pack_charts.indicator_charts(pack, gap, kind)
    indicators = list(pack.section(gap).get(kind, []))
    return Section(heading or f"{gap} {kind}", pieces, lambda: _frames(
        (i, lambda i=i: pack_charts.chart_data(pack, kind, i)) for i in indicators))


def deprivation(pack: PackContext) -> Section:
    """A sentence per indicator in ``sections: health: deprivation`` (data: ``indicators``)."""
    indicators = list(pack.section("health").get("deprivation", []))
    return Section("Deprivation", [display.heading("Deprivation"),
                                   content.sentences_html(pack, indicators)],
                   lambda: {"indicators": _latest(pack, indicators)})


def health(pack: PackContext) -> Section:
    """The whole health and wellbeing section."""
    return (spine(pack, "health") + gap_indicators(pack, "health")
            + charts(pack, "health", "trends") + charts(pack, "health", "variation")
            + deprivation(pack))


def parts_tables(pack: PackContext, gap: str = "care") -> Section:
    """A table of the area's organisations (e.g. acute trusts) for each indicator in
    ``sections: <gap>: parts`` (data: ``parts``, their latest store rows)."""
    indicators = list(pack.section(gap).get("parts", []))
    pieces = [content.parts_table(pack, i, f"{content.indicator_name(pack, i)}: constituent "
                                           "organisations") for i in indicators]

    def data() -> Frames:
        store = pack.store
        rows = store[(store["area_role"] == "part") & (store["parent_code"] == pack.area_code)
                     & store["indicator"].isin(indicators)
                     & store["is_latest"].fillna(False).astype(bool)]
        return {"parts": rows.reset_index(drop=True)}

    return Section("Constituent organisations", pieces, data)


def standards_not_supplied(pack: PackContext, gap: str = "care") -> Section:
    """A notice for each standard of ``gap`` without data for the area (data: ``status``, the
    data status of every indicator of the gap)."""

    def data() -> Frames:
        from stp_analytics import metrics

        status = metrics.indicator_status(pack.store, pack.catalog, pack.area_code)
        return {"status": status[status["indicator"].isin(pack.indicators(gap))]
                .reset_index(drop=True)}

    title = "Standards with no data supplied"
    return Section(title, [display.heading(title), content.standards_not_supplied(pack, gap)],
                   data)


def care_headlines(pack: PackContext) -> Section:
    """Care standards over the latest 12 months, with the gap in patients
    (:mod:`~stp_analytics.content.sections_care`)."""
    from stp_analytics.content import sections_care

    return sections_care.care_headlines_section(pack)


def care_context(pack: PackContext) -> Section:
    """Which ambulance service the response times are, and England's RTT series."""
    from stp_analytics.content import sections_care

    return sections_care.ambulance_services(pack) + sections_care.rtt_england(pack)


def workforce_growth(pack: PackContext) -> Section:
    """Trust staff growth since March 2016 against population growth."""
    from stp_analytics.content import sections_care

    return sections_care.workforce_growth_section(pack)


def care_reconciliation(pack: PackContext) -> Section:
    """For each count-based care indicator, the areas' sum against England's total."""
    from stp_analytics.content import sections_care

    return sections_care.care_reconciliation(pack)


def care(pack: PackContext) -> Section:
    """The whole care and quality section."""
    return (care_headlines(pack) + charts(pack, "care", "spc") + care_context(pack)
            + charts(pack, "care", "funnel") + parts_tables(pack)
            + gap_indicators(pack, "care") + charts(pack, "care", "trends", "")
            + workforce_growth(pack) + standards_not_supplied(pack))


# ---------------------------------------------------------------- finance


def activity(pack: PackContext, assumptions: Mapping[str, object] | None = None) -> Section:
    """Activity per 1,000 residents for each indicator in ``sections: finance: activity``
    against the ``demand_moderation`` ambition (data: ``activity``)."""
    html = display.try_call(finance_display.ACTIVITY_TITLE, finance_display.activity_section,
                            pack, assumptions)
    return Section("Activity", [display.heading("Activity"), html], lambda: _frames(
        [("activity", lambda: finance_display.activity_data(pack, assumptions)[0])]))


def finance_model(pack: PackContext, finance_result: FinanceResult | None,
                  notice: Markup | None = None) -> Section:
    """The do-nothing and do-something MODEL to 2020/21: headline, year-by-year projection and
    bridge chart (data: ``projection``, ``bridge``); ``notice`` (or a "not yet available" one)
    when the model did not run."""
    if finance_by_trust.applies(pack):  # ICBs: no model; what applies, and trusts' finances
        title = f"Finance for {pack.label_plural}"
        return Section(title, [display.heading(title),
                               finance_by_trust.finance_without_model(pack)],
                       lambda: {"trusts": finance_by_trust.trust_finances(pack)})
    title = "Do-nothing and do-something model to 2020/21"
    return Section(title, [display.heading(title),
                           finance_display.finance_html(finance_result, notice),
                           finance_display.finance_projection_table(finance_result),
                           pack_charts.bridge_chart(pack, finance_result)],
                   _result_frames(finance_result, {"projection": "projection",
                                                   "bridge": "bridge"}))


def sensitivity(pack: PackContext, finance_result: Any) -> Section:
    """How the 2020/21 gap moves with each assumption, the assumptions and the data caveats
    (data: ``sensitivity``, ``assumptions``)."""
    if finance_by_trust.applies(pack):
        return Section("Sensitivity", [display.heading("Sensitivity"),
                                       finance_by_trust.no_sensitivity(pack)], {})
    return Section("Sensitivity", [display.heading("Sensitivity"),
                                   pack_charts.tornado_chart(pack, finance_result),
                                   finance_display.finance_assumptions_table(finance_result),
                                   finance_display.finance_caveats(finance_result)],
                   _result_frames(finance_result, {"sensitivity": "sensitivity",
                                                   "assumptions": "assumptions_table"}))


def opportunity(pack: PackContext) -> Section:
    """Indicators where matching the best 5 of the 10 most similar areas would change the most
    people or events (data: ``opportunity``, the latest rows with an opportunity)."""
    title = f"Opportunity against similar {pack.label_plural}"

    def data() -> Frames:
        rows = _latest(pack, list(getattr(pack.catalog, "indicators", {}) or {}))
        chosen = pd.to_numeric(rows["opportunity"], errors="coerce") > 0
        return {"opportunity": rows[chosen].reset_index(drop=True)}

    return Section(title, [display.heading(title), content.opportunity_table(pack)], data)


def finance(pack: PackContext, finance_result: Any,
            assumptions: Mapping[str, object] | None = None) -> Section:
    """The whole finance and efficiency section."""
    return (gap_indicators(pack, "finance", heading="", notable_only=False)
            + activity(pack, assumptions) + finance_model(pack, finance_result)
            + sensitivity(pack, finance_result) + opportunity(pack))


# ---------------------------------------------------------------- annex


def sources(pack: PackContext) -> Section:
    """Every source behind the pack's indicators and the OGL attribution (data: ``sources``)."""
    return Section("Sources", [display.heading("Sources"), _annex.sources_table(pack),
                               display.paragraph(_annex.OGL_ATTRIBUTION)],
                   lambda: {"sources": _records(_annex.sources_rows(pack), _annex.SOURCE_COLUMNS)})


def methods(pack: PackContext) -> Section:
    """How each indicator was computed, and the data-quality notes (data: ``methods``,
    ``notes``)."""
    return Section("Methods", [display.heading("Methods"), _annex.methods_table(pack),
                               display.heading("Data-quality notes"),
                               _annex.data_quality_notes(pack)],
                   lambda: {"methods": _records(_annex.methods_rows(pack), _annex.METHOD_COLUMNS),
                            "notes": pd.DataFrame({"note": _annex.quality_notes(pack)})})


def reproducibility(pack: PackContext, parameters: Mapping[str, Any]) -> Section:
    """Package version, data hashes and the parameters used (data: ``reproducibility``)."""
    return Section("Reproducibility", [display.heading("Reproducibility"),
                                       _annex.reproducibility(pack, parameters)],
                   lambda: {"reproducibility": pd.DataFrame(
                       list(_annex.reproducibility_values(pack, parameters).items()),
                       columns=["item", "value"])})


def annex(pack: PackContext, parameters: Mapping[str, Any]) -> Section:
    """The whole annex."""
    return sources(pack) + methods(pack) + reproducibility(pack, parameters)


# ---------------------------------------------------------------- downloads


def downloads(pack: PackContext, shown: Iterable[Section] | None = None) -> Section:
    """Links to the numbers of this pack and of every area; the section collects the data of
    every section shown before it (``shown``, default :data:`SHOWN`) for ``pack-data.csv``
    (data: ``pack_data``; see :mod:`~stp_analytics.content.pack_data`)."""
    from stp_analytics.content import pack_data

    return pack_data.downloads(pack, SHOWN if shown is None else shown)
