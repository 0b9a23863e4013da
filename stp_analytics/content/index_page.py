"""What the national index page shows beyond its links: the league heat map of every area."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def league_heatmap(store_path: Path, area_set: str, catalog_path: Path | None = None
                   ) -> tuple[str, str]:
    """(``<img>`` HTML of the league heat map of every area, or "", and a note when missing).

    Drawn by :mod:`stp_analytics.charts.heatmap` from the metric store: every area x each
    indicator compared with England (indicators never compared are left out), named from the
    catalogue, areas with most "Worse" cells first.
    """
    import pandas as pd

    from stp_analytics.charts import heatmap
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.errors import StpPacksError

    try:
        store = pd.read_parquet(store_path)
        compared = store[(store["area_role"] == "area")
                         & store["comparison"].isin(["Better", "Similar", "Worse", "Higher",
                                                     "Lower"])]
        indicators = sorted(set(compared["indicator"]))
        if not indicators:
            return "", "League heat map not available: no indicator is compared with England."
        info = load_catalog(catalog_path).indicators
        data = heatmap.prepare_heatmap_data(store, indicators, indicator_info=info,
                                            sort_by="worse")
        chart = heatmap.plot_heatmap(data, title=f"League heat map: {area_set}")
    except (StpPacksError, KeyError) as error:
        return "", f"League heat map not available: {error}"
    try:
        return chart.img_html(), ""
    finally:
        chart.close()



SII_RANKING_TITLE = "Inequality inside each area: slope index of inequality"
SII_RANKING_COLUMNS = (("rank", "Rank"), ("code", "Code"), ("name", "Area"),
                       ("diabetes", "QOF diabetes prevalence 2017/18: SII, points (95% CI)"),
                       ("screening", "Cervical screening 25-49, 2017: SII, points (95% CI)"),
                       ("note", "Note"))
SII_RANKING_NOTE = (
    "Each area's practices by national deprivation quintile of practice (IMD 2019 score); PHE's "
    "slope index of inequality, positive when the value is higher among the more deprived. "
    "Ranked: areas with practices in every quintile. Areas with no practice in quintile 1 "
    "follow, unranked: fitted on four quintiles (see the note), their SII describes a narrower "
    "range of deprivation.")


def _sii_cell(fit: Any) -> str:
    from stp_analytics.content.narrative import format_number

    if fit is None or fit["sii"] != fit["sii"]:
        return "not computed"
    return (f"{format_number(fit['sii'], 2)} ({format_number(fit['sii_lower'], 2)} to "
            f"{format_number(fit['sii_upper'], 2)})")


def sii_ranking_rows(sii: Any, names: Mapping[str, str]) -> list[dict[str, str]]:
    """Table rows ranking the areas of an SII table (``metrics.health_tables`` ``sii``) by the
    QOF diabetes SII, largest first: areas fitted on every quintile are ranked, the others
    follow unranked (largest first, missing last), then England."""
    from stp_analytics.schema import ENGLAND_CODE

    by_indicator = {indicator: frame.set_index("area_code")
                    for indicator, frame in sii.groupby("indicator")}
    diabetes = by_indicator["qof_diabetes_prevalence"]
    screening = by_indicator.get("cervical_screening_25_49", diabetes.iloc[:0])
    areas = diabetes.drop(index=ENGLAND_CODE, errors="ignore")
    full = areas["note"].fillna("").astype(str).eq("") & areas["sii"].notna()
    order = areas.assign(full=full).sort_values(["full", "sii"], ascending=False,
                                                na_position="last", kind="mergesort")
    rows = []
    for rank, (code, fit) in enumerate(order.iterrows(), start=1):
        rows.append({"rank": str(rank) if fit["full"] else "", "code": code,
                     "name": str(names.get(code, code)), "diabetes": _sii_cell(fit),
                     "screening": _sii_cell(screening.loc[code] if code in screening.index
                                            else None),
                     "note": str(fit["note"] or "")})
    rows.append({"rank": "", "code": ENGLAND_CODE, "name": "England",
                 "diabetes": _sii_cell(diabetes.loc[ENGLAND_CODE]
                                       if ENGLAND_CODE in diabetes.index else None),
                 "screening": _sii_cell(screening.loc[ENGLAND_CODE]
                                        if ENGLAND_CODE in screening.index else None),
                 "note": ""})
    return rows


def sii_ranking(store_path: Path, area_set: str, catalog_path: Path | None = None
                ) -> tuple[str, str]:
    """(HTML table of :func:`sii_ranking_rows`, a note); ("", reason) when the tables are
    missing. The SIIs come from :func:`stp_analytics.metrics.health_tables.
    load_or_build_health_tables`, cached beside the store by the build's packs: the index only
    reads them, it never computes them."""
    from stp_analytics.content import display
    from stp_analytics.data.geography import load_area_set
    from stp_analytics.errors import StpPacksError
    from stp_analytics.metrics import health_tables

    try:
        sii = health_tables.load_or_build_health_tables(
            catalog_path, area_set, Path(store_path).parent, build=False)["sii"]
        names = load_area_set(area_set).areas.set_index("area_code")["area_name"].to_dict()
        rows = sii_ranking_rows(sii, names)
    except (StpPacksError, OSError, LookupError, ValueError) as error:
        return "", f"Inequality ranking not available: {error}"
    return (str(display.indicator_table(rows, SII_RANKING_COLUMNS, caption=SII_RANKING_TITLE)),
            SII_RANKING_NOTE)
#: the index's heat maps, one per gap, in this order, with their headings
GAP_HEADINGS = {"health": "Health and wellbeing gap", "care": "Care and quality gap",
                "finance": "Finance and efficiency gap"}


def gap_heatmaps(store_path: Path, area_set: str, catalog_path: Path | None = None
                 ) -> tuple[str, str]:
    """(HTML of one league heat map per gap -- a heading and a figure each -- or "", and a note
    when none can be drawn): every indicator of the gap compared with England for some area,
    areas with most "Worse" cells first. Same contract as :func:`league_heatmap`."""
    import pandas as pd
    from markupsafe import escape

    from stp_analytics.charts import heatmap
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.errors import StpPacksError

    try:
        store = pd.read_parquet(store_path)
        info = load_catalog(catalog_path).indicators
    except (StpPacksError, OSError) as error:
        return "", f"League heat maps not available: {error}"
    if not {"area_role", "comparison", "indicator"} <= set(store.columns):
        return "", "League heat maps not available: the store has no comparisons."
    compared = store[(store["area_role"] == "area")
                     & store["comparison"].isin(["Better", "Similar", "Worse", "Higher",
                                                 "Lower"])]
    pieces, missing = [], []
    for gap, heading in GAP_HEADINGS.items():
        indicators = [key for key, entry in info.items() if entry.gap == gap
                      and key in set(compared["indicator"])]
        if not indicators:
            missing.append(heading.lower())
            continue
        try:
            data = heatmap.prepare_heatmap_data(store, indicators, indicator_info=info,
                                                sort_by="worse")
            chart = heatmap.plot_heatmap(data, title=f"{heading}: {area_set}")
        except (StpPacksError, KeyError) as error:
            missing.append(f"{heading.lower()} ({error})")
            continue
        try:
            pieces.append(f'<h3>{escape(heading)}: {len(indicators)} indicators</h3>'
                          f'<figure class="pack-figure">{chart.img_html()}</figure>')
        finally:
            chart.close()
    note = f"No indicator compared with England for the {'; '.join(missing)}." if missing else ""
    if not pieces:
        return "", "League heat maps not available: no indicator is compared with England."
    return "".join(pieces), note
