"""What the national index page shows beyond its links: the league heat map of every area."""

from __future__ import annotations

from pathlib import Path


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
