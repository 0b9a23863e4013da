"""Rendering an executed pack: HTML (nbconvert and the pack template), the sanitiser that keeps it
static, the contents list, the A4 PDF (WeasyPrint) and the national index page.

Modules: ``html`` (notebook -> HTML), ``sanitise`` (nh3 allow-list: no script, nothing external),
``contents`` (the contents list from the section headings), ``pdf`` (HTML -> PDF bytes, no
network, fixed identifier and font timestamp), ``pdf_images`` (PNG charts passed to the PDF as
they are), ``table_widths`` (print column widths computed from the text, one layout pass),
``inline_images`` (the charts' base64 held aside while HTML is converted and sanitised),
``index`` (the national overview page), ``downloads`` (pack-data.csv and the all-areas CSV and
workbook).
"""

from stp_analytics.build.render.contents import CONTENTS_MARKER, add_contents
from stp_analytics.build.render.downloads import (
    PACK_DATA_NAME,
    pack_data_csv,
    write_all_areas,
)
from stp_analytics.build.render.html import (
    REMOVE_CELL_TAGS,
    PageContext,
    pack_css,
    render_html,
    sentence_case,
    templates_dir,
    templates_hash,
)
from stp_analytics.build.render.index import render_index
from stp_analytics.build.render.pdf import FONT_TIMESTAMP, fixed_font_timestamp, render_pdf
from stp_analytics.build.render.sanitise import external_resources, sanitize_html
from stp_analytics.content.index_page import gap_heatmaps, league_heatmap

__all__ = [
    "CONTENTS_MARKER", "FONT_TIMESTAMP", "PACK_DATA_NAME", "REMOVE_CELL_TAGS", "PageContext",
    "add_contents", "external_resources", "fixed_font_timestamp", "gap_heatmaps",
    "league_heatmap", "pack_css", "pack_data_csv", "render_html",
    "render_index", "render_pdf", "sanitize_html", "sentence_case", "templates_dir",
    "templates_hash", "write_all_areas",
]
