"""The national overview page (``index.html``): links to every pack and the league heat map, as
static HTML with every value escaped by Jinja2."""

from __future__ import annotations

from pathlib import Path

from stp_analytics import __version__
from stp_analytics.build.render.html import pack_css, sentence_case, templates_dir
from stp_analytics.build.render.sanitise import sanitize_html
from stp_analytics.content.index_finance import finance_reconciliation_html
from stp_analytics.content.index_page import gap_heatmaps, sii_ranking
from stp_analytics.content.pack_data import ALL_AREAS_NAMES, PACK_DATA_NAME


def render_index(
    *, title: str, entries: dict, store_path: Path, area_set: str, area_label: str = "footprint",
    area_label_plural: str = "footprints", catalog_path: Path | None = None,
    heatmap: tuple[str, str] | None = None, finance_parameters: dict | None = None,
) -> str:
    """The national overview page (static HTML, every value escaped by Jinja2). ``heatmap`` is
    :func:`gap_heatmaps`' result for the same store, area set and catalogue when it has
    been drawn already (the build draws it while its last packs run); else it is drawn here.
    ``finance_parameters``: the build's parameters, of which the finance assumptions set the
    finance reconciliation block (the same as every pack's)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        keep_trailing_newline=True,
    )
    areas = []
    for code in sorted(entries):
        entry = entries[code]
        built = entry.get("status") == "built"
        outputs = entry.get("outputs") or {}
        folder = entry.get("folder", code)
        areas.append({
            "code": code,
            "name": entry.get("area_name", ""),
            "status": entry.get("status", ""),
            "error": entry.get("error") or "",
            "html": f"{folder}/pack.html" if built and "pack.html" in outputs else "",
            "pdf": f"{folder}/pack.pdf" if built and "pack.pdf" in outputs else "",
            "data": f"{folder}/{PACK_DATA_NAME}" if built and PACK_DATA_NAME in outputs else "",
        })
    heatmap_html, heatmap_note = heatmap or gap_heatmaps(store_path, area_set, catalog_path)
    finance_html, finance_note = finance_reconciliation_html(area_set, finance_parameters)
    sii_html, sii_note = sii_ranking(store_path, area_set, catalog_path)
    document = environment.get_template("index.html.j2").render(
        title=title,
        areas=areas,
        area_set=area_set,
        area_label=sentence_case(area_label),
        area_label_plural=area_label_plural,
        heatmap_html=heatmap_html,
        heatmap_note=heatmap_note,
        finance_html=finance_html,
        finance_note=finance_note,
        sii_html=sii_html,
        sii_note=sii_note,
        all_areas=ALL_AREAS_NAMES if any(area["data"] for area in areas) else (),
        css=pack_css(str(templates_dir())),
        version=__version__,
    )
    return sanitize_html(document)
