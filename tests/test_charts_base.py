"""Chart base and style: deterministic PNG, escaped alt text, palette overrides, A4 width."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from chart_fixtures import artists

from stp_analytics.charts.base import Chart, finish_chart, new_figure
from stp_analytics.charts.style import (
    A4_WIDTH_IN,
    DEFAULT_PALETTE,
    STYLE_PATH,
    Palette,
    get_palette,
    style_context,
)
from stp_analytics.errors import ParameterError


def _chart(alt: str = 'Worse than "England" & <peers>') -> Chart:
    with style_context():
        figure = new_figure(2.0)
        ax = figure.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2])
        return finish_chart(figure, ax, title="A title", source="Test source", alt_text=alt,
                            owns_figure=True, palette=DEFAULT_PALETTE)


def test_png_is_byte_identical_across_renders_and_has_no_software_metadata():
    first, second = _chart().png_bytes(), _chart().png_bytes()
    assert first == second
    assert first.startswith(b"\x89PNG")
    assert b"matplotlib" not in first.lower()


def test_compact_png_is_smaller_palette_image_and_deterministic():
    import io

    from PIL import Image

    chart = _chart()
    compact = chart.png_bytes(compact=True)
    assert compact == _chart().png_bytes(compact=True)
    assert len(compact) < len(chart.png_bytes())
    with Image.open(io.BytesIO(compact)) as image:
        assert image.mode == "P" and image.size == (1005, 300)


def test_png_is_opaque_rgb_at_the_asked_size_and_dpi():
    import io

    from PIL import Image

    with Image.open(io.BytesIO(_chart().png_bytes(dpi=100))) as image:
        assert image.mode == "RGB"  # no alpha channel: one image stream in the PDF, no mask
        assert image.size == (670, 200)
        assert tuple(round(d) for d in image.info["dpi"]) == (100, 100)
        assert image.getpixel((0, 0)) == (255, 255, 255)  # drawn on white


def test_png_of_a_figure_whose_size_times_dpi_is_not_whole():
    """6.7 x 7.58 in at 150 dpi: 7.58 * 150 is 1136.999... in floating point, 1137 pixels."""
    import io

    from PIL import Image

    chart = _chart()
    chart.figure.set_size_inches(6.7, 7.58)
    own_dpi = chart.figure.dpi
    with Image.open(io.BytesIO(chart.png_bytes(dpi=150))) as image:
        assert image.size == (1005, 1137) and image.mode == "RGB"
    assert chart.figure.dpi == own_dpi  # drawing at 150 dpi leaves the figure's own dpi alone


def test_dpi_changes_the_image_and_bad_dpi_is_refused():
    chart = _chart()
    assert len(chart.png_bytes(dpi=60)) < len(chart.png_bytes(dpi=150))
    with pytest.raises(ParameterError, match="dpi"):
        chart.png_bytes(dpi=0)


def test_img_html_embeds_png_and_escapes_alt_text():
    chart = _chart()
    tag = chart.img_html()
    assert tag.startswith("<img ") and 'src="data:image/png;base64,' in tag
    assert 'alt="Worse than &quot;England&quot; &amp; &lt;peers&gt;"' in tag
    payload = chart.data_uri().split(",", 1)[1]
    assert base64.b64decode(payload) == chart.png_bytes()
    assert chart._repr_html_() == tag


def test_title_and_source_line_are_drawn():
    chart = _chart()
    assert chart.figure.get_suptitle() == "A title"
    with style_context():
        figure = new_figure(2.0)
        ax = figure.add_subplot()
        chart = finish_chart(figure, ax, title="On axes", source="S", alt_text="a",
                             owns_figure=False, palette=DEFAULT_PALETTE)
    assert ax.get_title(loc="left") == "On axes"
    assert [t.get_text() for t in artists(chart, "source-line")] == ["Source: S"]
    chart = _chart()
    assert [t.get_text() for t in artists(chart, "source-line")] == ["Source: Test source"]


def test_save_png_is_atomic_and_identical(tmp_path):
    chart = _chart()
    path = chart.save_png(tmp_path / "sub" / "chart.png")
    assert path.read_bytes() == chart.png_bytes()
    assert [p.name for p in path.parent.iterdir()] == ["chart.png"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_close_clears_figure():
    chart = _chart()
    chart.close()
    assert chart.figure.axes == []


def test_figures_never_wider_than_a4_text():
    with pytest.raises(ParameterError, match="A4"):
        new_figure(2.0, width_in=A4_WIDTH_IN + 1)


def test_palette_defaults_overrides_and_errors():
    assert DEFAULT_PALETTE.nhs_blue == "#005EB8"
    assert DEFAULT_PALETTE.comparison_colour("Worse") == "#C00000"
    assert DEFAULT_PALETTE.comparison_colour("Better") == "#92D050"
    assert DEFAULT_PALETTE.comparison_colour("nonsense") == "#C9C9C9"
    assert DEFAULT_PALETTE.spc_colour("special_cause_concern") == "#E46C0A"
    assert DEFAULT_PALETTE.spc_colour("special_cause_neutral_low") == "#490092"
    assert DEFAULT_PALETTE.spc_marker("common_cause") != DEFAULT_PALETTE.spc_marker(
        "special_cause_improvement")
    custom = get_palette({"worse": "#000000"})
    assert custom.comparison_colour("Worse") == "#000000"
    assert get_palette(custom) is custom and get_palette(None) is DEFAULT_PALETTE
    with pytest.raises(ParameterError, match="unknown colour"):
        get_palette({"wrose": "#000000"})
    with pytest.raises(ParameterError, match="palette"):
        get_palette(42)  # type: ignore[arg-type]
    assert isinstance(custom, Palette)


def test_style_file_fixes_font_and_hash_salt():
    text = STYLE_PATH.read_text()
    assert "DejaVu Sans" in text and "svg.hashsalt" in text
    import matplotlib

    with style_context():
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert matplotlib.rcParams["svg.hashsalt"] == "stp-packs"


def test_charts_package_import_is_lazy_and_drawing_never_needs_pyplot():
    code = (
        "import sys, stp_analytics.charts as c; assert 'matplotlib' not in sys.modules; "
        "from stp_analytics.charts.bridge import plot_bridge, prepare_bridge_data; "
        "import pandas as pd; "
        "plot_bridge(prepare_bridge_data(pd.DataFrame({'label': ['a', 'b', 'c'], "
        "'amount_gbp_m': [3.0, -1.0, 2.0]}))).png_bytes(); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    from stp_analytics import charts

    assert callable(charts.plot_spine)
    with pytest.raises(AttributeError):
        charts.not_a_chart  # noqa: B018


def test_axis_label_keeps_the_unit_visible():
    from stp_analytics.charts.base import axis_label

    label = axis_label("A very long indicator name that goes on and on and on", "% of people")
    name_line, unit_line = label.split("\n")
    assert unit_line == "(% of people)" and len(name_line) <= 34
    assert axis_label("Short") == "Short"
