"""Executed notebook -> static HTML: nbconvert's ``HTMLExporter`` with the project's template
``packs/templates/stp_pack`` (inputs, prompts, stderr and error outputs excluded; images embedded
as ``data:`` URIs), then the sanitiser and the contents list."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stp_analytics import __version__, paths
from stp_analytics.build.render.contents import add_contents
from stp_analytics.build.render.inline_images import hold_notebook_images
from stp_analytics.build.render.sanitise import sanitize_html
from stp_analytics.data.files import folder_files, sha256_files

if TYPE_CHECKING:
    import nbformat

#: the nbconvert template folder name under packs/templates/
TEMPLATE_NAME = "stp_pack"
#: cell tags honoured when rendering (in addition to excluding every input)
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")
REMOVE_OUTPUT_TAGS = ("remove-output", "remove_output")
_ANCHOR_LINK = re.compile(r"<a class=\"anchor-link\"[^>]*>.*?</a>", re.DOTALL)


@dataclass(frozen=True)
class PageContext:
    """What the header, footer and cover say about the pack being rendered."""

    title: str
    area_code: str
    area_name: str
    data_period: str = "not stated"
    region_name: str = ""
    area_label: str = "Footprint"
    vintage: str = ""  # "The latest data (health 2015-17 to 2022; ...)" or "As at June 2016 (...)"


def sentence_case(text: str) -> str:
    """First letter upper case, the rest untouched ("footprint" -> "Footprint", "CCG" stays)."""
    return text[:1].upper() + text[1:]


def templates_dir() -> Path:
    """The folder with the nbconvert template, the pack CSS and the index template."""
    return paths.packs_dir() / "templates"


def templates_hash() -> str:
    """SHA-256 over every template file (names and bytes), for incremental builds."""
    root = templates_dir()
    return sha256_files(folder_files(root), root).hexdigest()


@functools.lru_cache(maxsize=1)
def _exporter(template_root: str):
    """One configured HTMLExporter per process (building one costs ~0.1 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[template_root],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    exporter.embed_images = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


@functools.lru_cache(maxsize=1)
def pack_css(template_root: str) -> str:
    return (Path(template_root) / "pack.css").read_text(encoding="utf-8")


def render_html(nb: nbformat.NotebookNode, context: PageContext) -> str:
    """Executed notebook -> static HTML string (no code, no script, nothing external)."""
    root = str(templates_dir())
    resources = {
        "stp": {
            "title": context.title,
            "area_code": context.area_code,
            "area_name": context.area_name,
            "data_period": context.data_period,
            "region_name": context.region_name,
            "area_label": context.area_label,
            "vintage": context.vintage,
            "version": __version__,
            "css": pack_css(root),
        }
    }
    lean, held = hold_notebook_images(nb)  # nbconvert and nh3 skip the charts' base64
    body, _ = _exporter(root).from_notebook_node(lean, resources=resources)
    body = _ANCHOR_LINK.sub("", body)
    return held.restore(add_contents(sanitize_html(body)))
