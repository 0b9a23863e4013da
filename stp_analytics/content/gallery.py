"""Render every chart for one footprint into a folder (the chart gallery).

``render_gallery(area, out_dir)`` reads the real metric store (``stp_analytics.metrics``) and the
finance model, draws one chart of each kind for the area — choosing, in catalogue order, the
first indicator that has the data the chart needs — and writes ``NN-<chart>.png`` files plus a
static ``index.html`` (no scripts, alt text escaped). A chart whose data are missing is not drawn;
the index says "data not supplied" with the reason. Run with ``stp-packs gallery`` or
``python -m stp_analytics.content.gallery``.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from stp_analytics.charts.base import Chart
from stp_analytics.charts.data import catalog_info_frame
from stp_analytics.content import chart_inputs
from stp_analytics.data.files import write_atomic
from stp_analytics.errors import StpPacksError

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

DEFAULT_OUT_DIR = "gallery"
SMALL_MULTIPLES = 6


@dataclass
class GalleryItem:
    """One gallery entry: the file written, or why the chart was not drawn."""

    name: str
    path: Path | None
    title: str
    alt_text: str
    reason: str = ""
    source: str = ""


def catalog_indicator_info(catalog: Catalog, *, short: bool = False) -> pd.DataFrame:
    """The catalogue's indicator information (``data.catalog_info_frame``); ``short=True``
    puts the short names in the ``name`` column (for small panels and table headers)."""
    info = catalog_info_frame(catalog)
    if short:
        info["name"] = info["short_name"]
    return info


def _eligible(store: pd.DataFrame, area_code: str, info: pd.DataFrame) -> dict[str, list[str]]:
    """Indicators that have what each chart needs for the area: those with a polarity first,
    then catalogue order; counts (activity, money) only where a chart is meant for them."""
    meta = info.set_index("indicator")
    order = sorted(meta.index, key=lambda i: (meta.loc[i, "polarity"] == "none",
                                              list(meta.index).index(i)))
    persons = store[store["sex"] == "Persons"]
    own = persons[(persons["area_code"] == area_code) & (persons["area_role"] == "area")
                  & persons["value"].notna()]
    latest = persons[(persons["area_role"] == "area") & persons["is_latest"].astype(bool)]
    counted = latest[latest["numerator"].notna() & latest["denominator"].notna()]
    parts = persons[(persons["area_role"] == "part") & (persons["parent_code"] == area_code)
                    & persons["lower"].notna()]
    periods = own.groupby("indicator")["period"].nunique()
    spc = set(own.loc[own["spc_point_type"].fillna("") != "", "indicator"])
    targets = set(own.loc[own["target"].notna(), "indicator"])
    with_counts = {i for i, n in counted.groupby("indicator")["area_code"].nunique().items()
                   if n > 2}
    present = set(own["indicator"])
    judged = set(latest.loc[latest["comparison"].isin(
        ["Better", "Similar", "Worse", "Higher", "Lower"]), "indicator"])
    rates = [i for i in order if i in present and meta.loc[i, "statistic"] != "count"]
    catalogue = [i for i in meta.index if i in present and meta.loc[i, "statistic"] != "count"]
    return {
        "spine": [i for i in catalogue if meta.loc[i, "gap"] == "health"],
        "heatmap": [i for i in catalogue if i in judged],
        "spc": sorted((i for i in rates if i in spc), key=lambda i: i not in targets),
        "funnel": [i for i in rates if i in with_counts
                   and meta.loc[i, "statistic"] == "proportion"],
        "caterpillar": [i for i in rates if i in set(parts["indicator"])],
        "trend": [i for i in rates if periods.get(i, 0) >= 3 and i not in spc],
    }


def _finance_charts(area_code: str, area_name: str) -> dict[str, Callable[[], Chart]]:
    from stp_analytics import finance
    from stp_analytics.charts.bridge import plot_bridge, prepare_bridge_data
    from stp_analytics.charts.tornado import plot_tornado, prepare_tornado_data

    cache: dict[str, Any] = {}

    def model() -> tuple[pd.DataFrame, Any]:
        if not cache:
            cache["baseline"] = finance.finance_baseline()
            cache["assumptions"] = finance.default_assumptions()
        return cache["baseline"], cache["assumptions"]

    def bridge() -> Chart:
        baseline, assumptions = model()
        steps = finance.bridge_table(finance.project_gap(baseline, assumptions), area_code)
        return plot_bridge(prepare_bridge_data(steps), area_name=area_name)

    def tornado() -> Chart:
        baseline, assumptions = model()
        rows = finance.sensitivity_table(baseline, assumptions, area_code)
        return plot_tornado(prepare_tornado_data(rows), area_name=area_name)

    return {"bridge": bridge, "tornado": tornado}


def _store_charts(store: pd.DataFrame, area_code: str, catalog: Catalog
                  ) -> dict[str, Callable[[], Chart]]:
    from stp_analytics.charts import caterpillar, funnel, heatmap, spc, spine, trend

    info = catalog_indicator_info(catalog)
    short = catalog_indicator_info(catalog, short=True)
    pick = _eligible(store, area_code, info)
    multipliers = info.set_index("indicator")["multiplier"]

    def first(kind: str) -> str:
        if not pick[kind]:
            raise StpPacksError(f"no indicator in the store has the data a {kind} chart needs")
        return pick[kind][0]

    return {
        "spine": lambda: spine.plot_spine(spine.prepare_spine_data(
            store, area_code, indicators=pick["spine"], indicator_info=info)),
        "spc": lambda: spc.plot_spc(chart_inputs.spc_data(
            store, area_code, first("spc"), indicator_info=info)),
        "funnel": lambda: funnel.plot_funnel(chart_inputs.funnel_data(
            store, first("funnel"), area_code, indicator_info=info,
            multiplier=float(multipliers[first("funnel")]) or None)),
        "caterpillar": lambda: caterpillar.plot_caterpillar(caterpillar.prepare_caterpillar_data(
            store, area_code, first("caterpillar"), indicator_info=info)),
        "benchmark": lambda: caterpillar.plot_caterpillar(caterpillar.prepare_caterpillar_data(
            store, area_code, first("funnel"), role="area", indicator_info=info)),
        "trend": lambda: trend.plot_trend(trend.prepare_trend_data(
            store, area_code, first("trend"), indicator_info=info)),
        "trend-small-multiples": lambda: trend.plot_trend_small_multiples(
            trend.prepare_trend_small_multiples_data(
                store, area_code, pick["trend"][:SMALL_MULTIPLES] or [first("trend")],
                indicator_info=short)),
        "heatmap": lambda: heatmap.plot_heatmap(heatmap.prepare_heatmap_data(
            store, pick["heatmap"], indicator_info=short, highlight=area_code)),
    }


def _draw_all(builders: dict[str, Callable[[], Chart]], out_dir: Path, dpi: int
              ) -> list[GalleryItem]:
    items = []
    for number, (name, build) in enumerate(builders.items(), start=1):
        try:
            chart = build()
        except (StpPacksError, ValueError, KeyError) as error:
            items.append(GalleryItem(name, None, name, "", reason=str(error)))
            continue
        path = out_dir / f"{number:02d}-{name}.png"
        chart.save_png(path, dpi=dpi)
        items.append(GalleryItem(name, path, chart.title, chart.alt_text, source=chart.source))
        chart.close()
    return items


def _index_html(area_name: str, items: list[GalleryItem]) -> str:
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Chart gallery: {html.escape(area_name)}</title></head>",
        '<body style="font-family: sans-serif; max-width: 50em; margin: 1em auto">',
        f'<h1 style="color:#005EB8">Chart gallery: {html.escape(area_name)}</h1>',
    ]
    for item in items:
        parts.append(f"<h2>{html.escape(item.title)}</h2>")
        if item.path is None:
            parts.append(f"<p>Data not supplied: {html.escape(item.reason)}</p>")
        else:
            parts.append(f'<p><img src="{html.escape(item.path.name, quote=True)}" '
                         f'alt="{html.escape(item.alt_text, quote=True)}" '
                         'style="max-width:100%"></p>')
            parts.append(f"<p>{html.escape(item.alt_text)}</p>")
            parts.append(f"<p><small>Source: {html.escape(item.source)}</small></p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_gallery(
    area_code: str,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    store: pd.DataFrame | None = None,
    *,
    catalog: Catalog | None = None,
    area_set: str = "stp2017",
    include_finance: bool = True,
    dpi: int = 150,
) -> list[GalleryItem]:
    """Draw every chart for one area (a code or name) into ``out_dir``; returns the entries."""
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.data.geography import resolve_area

    code = resolve_area(area_code, area_set)
    catalog = catalog if catalog is not None else load_catalog()
    if store is None:
        from stp_analytics.metrics import load_or_build_store, read_store

        store = read_store(load_or_build_store(catalog, area_set))
    from stp_analytics.charts.data import area_name

    name = area_name(store, code)
    builders = _store_charts(store, code, catalog)
    if include_finance:
        builders.update(_finance_charts(code, name))
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    items = _draw_all(builders, folder, dpi)
    write_atomic(folder / "index.html", _index_html(name, items).encode("utf-8"))
    return items


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stp-packs gallery`` and ``python -m stp_analytics.content.gallery``."""
    parser.add_argument("--footprint", default="E54000005",
                        help="footprint code or name (default: %(default)s)")
    parser.add_argument("--out", default=DEFAULT_OUT_DIR,
                        help="folder for the PNG files and index.html (default: %(default)s)")
    parser.add_argument("--area-set", default="stp2017", help="area set (default: %(default)s)")
    parser.add_argument("--no-finance", action="store_true",
                        help="skip the finance bridge and tornado charts")
    parser.add_argument("--dpi", type=int, default=150,
                        help="PNG resolution in dots per inch (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    """Render the gallery and print one line per chart; 0 when every chart was drawn."""
    items = render_gallery(args.footprint, args.out, area_set=args.area_set,
                           include_finance=not args.no_finance, dpi=args.dpi)
    for item in items:
        status = str(item.path) if item.path else f"not drawn: {item.reason}"
        print(f"{item.name:24s} {status}")
    print(f"index: {Path(args.out) / 'index.html'}")
    return 0 if all(item.path for item in items) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m stp_analytics.content.gallery``."""
    parser = argparse.ArgumentParser(prog="python -m stp_analytics.content.gallery",
                                     description="Render every chart for one footprint.")
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except StpPacksError as error:
        print(f"gallery: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
