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
