"""The Chart object every ``plot_<chart>`` returns, and the shared figure furniture.

A Chart holds a matplotlib Figure with its title, alt text (the chart's message, for the HTML
``alt`` attribute) and source line. Figures are made with ``matplotlib.figure.Figure`` on the Agg
canvas directly, never through pyplot, so charts need no display, leave the caller's backend
alone (notebooks keep their inline backend) and leak no global figure state. PNG output is
deterministic: fixed style (DejaVu Sans, fixed ``svg.hashsalt``), an RGB image written by Pillow
with no text metadata.
"""

from __future__ import annotations

import base64
import html
import io
import os
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stp_analytics.charts.style import A4_WIDTH_IN, Palette, style_context
from stp_analytics.data.files import write_atomic
from stp_analytics.errors import ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Height of the band under a figure that holds the source line, in inches.
SOURCE_BAND_IN: float = 0.24
DEFAULT_DPI: int = 150


@dataclass
class Chart:
    """A drawn chart: the figure plus the words that travel with it."""

    figure: Figure
    title: str
    alt_text: str
    source: str
    data: Any = field(default=None, repr=False)

    def png_bytes(self, dpi: int = DEFAULT_DPI, *, compact: bool = False) -> bytes:
        """The chart as PNG bytes; the same figure always gives the same bytes.

        The PNG is RGB on white, without an alpha channel: charts are opaque, and an RGB image
        goes into a PDF as one compressed stream where an RGBA one needs a second (its mask), so
        the PDF renders faster and is smaller. ``compact=True`` stores a 256-colour palette image
        (about a third of the size, for files committed to the repository); charts use few
        colours.
        """
        if dpi <= 0:
            raise ParameterError(f"dpi: expected a positive number, got {dpi!r}")
        from PIL import Image

        image = self._rgb_image(dpi)
        if compact:
            image = image.quantize(colors=256, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        image.save(buffer, format="png", dpi=(dpi, dpi))
        return buffer.getvalue()

    def _rgb_image(self, dpi: int) -> Any:
        """The figure drawn at ``dpi`` on white, as a Pillow RGB image."""
        from PIL import Image

        figure = self.figure
        original_dpi, original_face = figure.dpi, figure.get_facecolor()
        try:
            figure.dpi = dpi
            figure.set_facecolor("white")
            with style_context():
                # One draw on the figure's own Agg canvas: the layout engine runs inside it with
                # the renderer that then draws, so text is measured once. ``savefig`` draws the
                # whole figure twice (a layout pass, then the real one) for the same pixels.
                canvas = figure.canvas
                canvas.draw()
                size = canvas.get_width_height(physical=True)
                pixels = bytes(canvas.buffer_rgba())
        finally:
            figure.dpi = original_dpi
            figure.set_facecolor(original_face)
        return Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1).convert("RGB")

    def data_uri(self, dpi: int = DEFAULT_DPI) -> str:
        """The PNG as a ``data:`` URI, for self-contained HTML."""
        encoded = base64.b64encode(self.png_bytes(dpi=dpi)).decode("ascii")
        return f"data:image/png;base64,{encoded}"

    def img_html(self, dpi: int = DEFAULT_DPI, css_class: str = "stp-chart") -> str:
        """An ``<img>`` tag with the embedded PNG and the HTML-escaped alt text."""
        width_px = round(self.figure.get_figwidth() * 96)
        return (
            f'<img class="{html.escape(css_class, quote=True)}" src="{self.data_uri(dpi=dpi)}" '
            f'alt="{html.escape(self.alt_text, quote=True)}" '
            f'style="max-width:100%;width:{width_px}px;height:auto">'
        )

    def save_png(self, path: str | os.PathLike[str], dpi: int = DEFAULT_DPI, *,
                 compact: bool = False) -> Path:
        """Write the PNG atomically (temporary file in the same folder, then rename)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, self.png_bytes(dpi=dpi, compact=compact))
        return target

    def close(self) -> None:
        """Free the figure (also from pyplot's registry if the caller made it with pyplot): its
        axes are detached, so they go with the chart. Not ``Figure.clear()``, which first resets
        every axes to a new empty one -- more work than drawing a small chart."""
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(self.figure)
        for axes in tuple(self.figure.axes):
            self.figure.delaxes(axes)

    def _repr_html_(self) -> str:  # shown by Jupyter
        return self.img_html()




def new_figure(height_in: float, width_in: float = A4_WIDTH_IN) -> Figure:
    """A blank Agg figure in the stp style, with a band at the bottom for the source line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if width_in > A4_WIDTH_IN + 1e-9:
        raise ParameterError(f"width_in: at most {A4_WIDTH_IN} in (A4 text width), got {width_in}")
    # drawn at the PNG resolution, so a screen draw lays out exactly as the saved file
    figure = Figure(figsize=(width_in, height_in), layout="constrained", dpi=DEFAULT_DPI)
    FigureCanvasAgg(figure)
    band = SOURCE_BAND_IN / height_in
    figure.get_layout_engine().set(rect=(0.0, band, 1.0, 1.0 - band), w_pad=0.04, h_pad=0.04)
    # the band is resized to the source line's height by add_source_line
    return figure


def figure_and_axes(ax: Axes | None, height_in: float) -> tuple[Figure, Axes, bool]:
    """The caller's axes and its figure, or a new figure with one axes; third item: we own it."""
    if ax is not None:
        return ax.figure, ax, False
    figure = new_figure(height_in)
    return figure, figure.add_subplot(), True


def wrap(text: str, width: int) -> str:
    """Wrap text to lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(text), width=width)) or str(text)


def finish_chart(
    figure: Figure,
    ax: Axes,
    *,
    title: str,
    source: str,
    alt_text: str,
    owns_figure: bool,
    palette: Palette,
    data: Any = None,
    title_width: int = 76,
) -> Chart:
    """Add the title (figure-wide when we own the figure) and source line; wrap in a Chart."""
    add_title(figure, ax, title, owns_figure=owns_figure, palette=palette, width=title_width)
    add_source_line(figure, ax, source, owns_figure=owns_figure, palette=palette)
    return Chart(figure=figure, title=title, alt_text=alt_text, source=source, data=data)


def add_title(figure: Figure, ax: Axes, title: str, *, owns_figure: bool, palette: Palette,
              width: int = 76) -> None:
    """The chart title in NHS Blue: across the figure from its left edge, or over the axes."""
    text = wrap(title, width)
    if owns_figure:
        figure.suptitle(text, x=0.01, ha="left", fontsize=9.5, fontweight="bold",
                        color=palette.nhs_blue)
    else:
        ax.set_title(text, loc="left", color=palette.nhs_blue)


def add_source_line(
    figure: Figure, ax: Axes, source: str, *, owns_figure: bool, palette: Palette
) -> None:
    """Write "Source: ..." in the figure's bottom band (or under the caller's axes)."""
    text = wrap(f"Source: {source}", 125)
    if owns_figure:
        lines = text.count("\n") + 1
        height = figure.get_figheight() + 0.11 * (lines - 1)  # grow, never squash the chart
        figure.set_figheight(height)
        band = (0.12 + 0.11 * lines) / height
        figure.get_layout_engine().set(rect=(0.0, band, 1.0, 1.0 - band))
        figure.text(
            0.01, 0.03 / height, text, ha="left", va="bottom",
            fontsize=6.5, color=palette.nhs_dark_grey, gid="source-line",
        )
    else:
        ax.annotate(
            text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -30),
            textcoords="offset points", ha="left", va="top", fontsize=6.5,
            color=palette.nhs_dark_grey, gid="source-line", annotation_clip=False,
        )


def axis_label(name: str, unit: str = "", *, vertical: bool = True) -> str:
    """An axis title in two lines that fit the axis: the name, then the unit in brackets
    (shorter lines for a vertical axis, which is shorter than the chart is wide)."""
    width = 34 if vertical else 60
    if not unit:
        return wrap(shorten(name, 2 * width), width)
    return f"{shorten(name, width)}\n({shorten(unit, width - 2)})"


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut at a word with an ellipsis."""
    return textwrap.shorten(str(text), width=width, placeholder="\u2026")


def gbp_m(amount: float, *, signed: bool = False) -> str:
    """£ million text: "£300.0m", signed "-£150.0m" / "+£20.0m"."""
    sign = "-" if amount < 0 else ("+" if signed else "")
    return f"{sign}£{abs(amount):,.1f}m"


def format_number(value: float, decimals: int = 1) -> str:
    """A number for a chart label: thousands separators, '-' for missing."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    try:
        return f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return "-"


def plain_log_ticks(ax: Axes) -> None:
    """Label a log x axis with plain numbers (1,000 / 10,000), no minor labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
