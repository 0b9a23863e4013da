"""Charts' PNGs held aside while a pack is converted and sanitised (build/render/inline_images.py):
the same document either way, the notebook untouched, references that text cannot forge."""

from __future__ import annotations

import base64
import copy

import nbformat

from stp_analytics.build.render import PageContext, inline_images, render_html

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG fake chart bytes").decode("ascii")


def _notebook(extra_text: str = "") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart", metadata={"tags": ["remove-input"]})
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": f'<p>{extra_text}</p><img src="{PNG}" alt="A chart">',
                              "text/plain": "<chart>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("## Summary"), cell]
    return nb


def test_hold_and_restore_give_back_the_same_text():
    held = inline_images.HeldImages([f'<img src="{PNG}">'])
    lean = held.hold(f'<img src="{PNG}"><img src="{PNG}">')
    assert "base64" not in lean and lean.count("#stp-image-") == 2
    assert held.restore(lean) == f'<img src="{PNG}"><img src="{PNG}">'


def test_the_notebook_is_left_as_it_was_and_the_html_is_unchanged(monkeypatch):
    nb = _notebook()
    before = copy.deepcopy(nb)
    lean, held = inline_images.hold_notebook_images(nb)
    assert nb == before
    assert "base64" not in lean.cells[1].outputs[0].data["text/html"]
    context = PageContext(title="Pack", area_code="E54000007", area_name="Greater Manchester")
    document = render_html(nb, context)
    assert f'src="{PNG}"' in document and 'alt="A chart"' in document
    # the same document when the images go through nbconvert and the sanitiser in place
    monkeypatch.setattr("stp_analytics.build.render.html.hold_notebook_images",
                        lambda notebook: (notebook, type("Kept", (), {
                            "restore": staticmethod(lambda text: text)})()))
    assert render_html(nb, context) == document


def test_a_reference_written_in_the_data_is_not_an_image():
    forged = 'src="#stp-image-0000000000000000-0"'
    document = render_html(_notebook(f"{forged} and &lt;img src=&quot;#stp-image-x-0&quot;&gt;"),
                           PageContext(title="Pack", area_code="E1", area_name="A"))
    assert document.count(PNG) == 1  # only the chart itself
