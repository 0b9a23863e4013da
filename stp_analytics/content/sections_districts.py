"""District-level comparisons for the approximate health indicators (issue 20 item 1).

An approximate footprint value (a population-weighted mean of district values) has no interval
and no test. :func:`district_comparisons` shows, for each approximate health indicator, the
count of the footprint's districts by their **own** published comparison with England
(:mod:`stp_analytics.metrics.district_comparisons`), worded so that no one reads it as a test of
the footprint; where a published area is exactly the footprint's districts (Greater Manchester
combined authority), its own published value and verdict, labelled with that area's name. The
slope index of inequality in life expectancy is not additive: the footprint's approximate value
is not shown as a figure here, each district's own SII is listed instead.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from stp_analytics.content import display
from stp_analytics.content.narrative import area_rows, format_number
from stp_analytics.content.pack_content import PackContext, indicator_name
from stp_analytics.content.sections import Section
from stp_analytics.errors import StpPacksError
from stp_analytics.metrics import district_comparisons as dc

LOGGER = logging.getLogger(__name__)
NOT_ADDITIVE = dc.NOT_ADDITIVE
COLUMNS = (("indicator", "Indicator"), ("period", "Period"),
           ("value", "Value (approximate, no CI)"),
           ("districts", "Districts compared with England (their own tests)"),
           ("published", "Published for the same area"))
SII_COLUMNS = (("district", "District"), ("sex", "Sex"), ("period", "Period"),
               ("value", "Slope index of inequality (years)"))


def _verdicts(pack: PackContext, indicator: str) -> pd.DataFrame:
    from stp_analytics.data.loaders.district_verdicts import read_district_verdicts

    entry = pack.catalog.indicators[indicator]
    source = pack.catalog.sources[entry.source]
    (name,) = source.files
    frame = read_district_verdicts(source.resolve(name), source.options.get("sex_column"))
    wanted = entry.select.get("sex")
    if wanted is not None:
        frame = frame[frame["sex"].isin([wanted] if isinstance(wanted, str) else list(wanted))]
    return frame


def comparison_rows(pack: PackContext) -> list[dict[str, Any]]:
    """One record per approximate health indicator (latest row of each sex): the footprint's
    value, the district verdict counts and any published same-area value. Worked out once per
    pack (the spine, the health tile and the district table all read them)."""
    records = pack.memo("district_comparisons", lambda: _comparison_rows(pack))
    return [dict(record) for record in records]


def _comparison_rows(pack: PackContext) -> list[dict[str, Any]]:
    from stp_analytics.data.geography import lad_code_changes

    rows = area_rows(pack.store, pack.area_code, all_sexes=True)
    rows = rows[rows["indicator"].isin(pack.indicators("health"))
                & rows["approximate"].fillna(False).astype(bool)]
    changes = lad_code_changes()
    records = []
    read: dict[str, pd.DataFrame] = {}  # each file once, whatever the number of sexes
    for row in rows.itertuples(index=False):
        geography = pack.catalog.indicators[row.indicator].geography
        if row.indicator not in read:
            read[row.indicator] = _verdicts(pack, row.indicator)
        verdicts = read[row.indicator]
        verdicts = verdicts[(verdicts["period"] == row.period) & (verdicts["sex"] == row.sex)]
        districts = dc.area_districts(pack.area_set.part_lookup(geography), pack.area_code)
        codes = dc.published_codes(districts, set(verdicts["area_code"]), changes)
        counts = dc.district_verdict_counts(verdicts, codes)
        same = dc.same_area_code(districts)
        published = verdicts[verdicts["area_code"] == same] if same else verdicts.iloc[:0]
        records.append({
            "indicator": row.indicator, "sex": row.sex, "period": row.period,
            "value": row.value, "codes": codes, **counts,
            "same_area_code": same or "",
            "same_area_value": published["value"].iloc[0] if len(published) else float("nan"),
            "same_area_verdict": published["verdict"].iloc[0] if len(published) else ""})
    return records


def _published_text(record: dict[str, Any]) -> str:
    if not record["same_area_code"] or pd.isna(record["same_area_value"]):
        return ""
    name = dc.COMBINED_AUTHORITIES[record["same_area_code"]][0]
    verdict = {"Worse": "significantly worse than England", "Better": "significantly better "
               "than England", "Similar": "similar to England"}.get(
        record["same_area_verdict"], record["same_area_verdict"].lower())
    return (f"{name} ({record['same_area_code']}): {format_number(record['same_area_value'])}, "
            f"{verdict} (PHE)")


def _sii_rows(pack: PackContext) -> list[dict[str, str]]:
    indicator = NOT_ADDITIVE[0]
    if indicator not in pack.catalog.indicators:
        return []
    verdicts = _verdicts(pack, indicator).dropna(subset=["value"])
    geography = pack.catalog.indicators[indicator].geography
    districts = dc.area_districts(pack.area_set.part_lookup(geography), pack.area_code)
    in_store = set(pack.store.loc[pack.store["indicator"] == indicator, "period"])
    mine = verdicts[verdicts["area_code"].isin(districts)  # periods the pack may use (as_at)
                    & verdicts["period"].isin(in_store)]
    if mine.empty:
        return []
    latest = mine[mine["period"] == max(mine["period"])]
    return [{"district": row.area_name, "sex": row.sex, "period": row.period,
             "value": format_number(row.value)}
            for row in latest.sort_values(["area_name", "sex"]).itertuples(index=False)]


def district_comparisons(pack: PackContext) -> Section:
    """The approximate health indicators with their districts' own comparisons (data:
    ``comparisons``, ``sii_districts``)."""
    title = "Approximate indicators: what the districts' own comparisons say"
    try:
        records = comparison_rows(pack)
        sii = _sii_rows(pack)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("district comparisons could not be computed")
        return Section(title, [display.heading(title),
                               display.not_supplied(title, display.NOT_AVAILABLE)])
    table = [{"indicator": indicator_name(pack, r["indicator"])
              + ("" if r["sex"] == "Persons" else f" ({r['sex'].lower()})"),
              "period": r["period"],
              "value": ("see the districts below" if r["indicator"] in NOT_ADDITIVE
                        else format_number(r["value"])),
              "districts": dc.counts_sentence(r), "published": _published_text(r)}
             for r in records]
    intro = (f"These indicators have values but no counts, so {pack.area_name}'s figure is a "
             "population-weighted mean of its districts' values, without a confidence interval "
             f"and without a test of its own. The counts show how many of its districts PHE "
             "itself found significantly worse or better than England: they describe the "
             f"districts, not a test of the {pack.label}. Districts counted: those with most of "
             f"their population in the {pack.label}.")
    pieces = [display.heading(title), display.paragraph(intro),
              display.indicator_table(table, COLUMNS, caption=f"Approximate health indicators "
                                                              f"and district comparisons, "
                                                              f"{pack.area_name}")]
    if sii:
        pieces.append(display.indicator_table(
            sii, SII_COLUMNS, caption="Slope index of inequality in life expectancy: each "
            "district's own value (an index of inequality is not averaged over districts)"))
    return Section(title, pieces, {"comparisons": pd.DataFrame(records),
                                   "sii_districts": pd.DataFrame(sii)})
