"""PNG charts go into the PDF as they are (stp_analytics.build.render.pdf_images): which PNGs
pass through,
and that a PDF shows the same pixels, byte for byte the same, with the hook as without it."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from stp_analytics.build import render
from stp_analytics.build.render import pdf_images


def _png(mode: str, **save: object) -> bytes:
    """A 37 x 23 test image with a gradient (so the rows filter differently), saved as PNG."""
    rng = np.random.default_rng(7)
    channels = {"RGB": 3, "RGBA": 4, "L": 1, "LA": 2}[mode]
    pixels = rng.integers(0, 256, size=(23, 37, channels), dtype=np.uint8)
    image = Image.fromarray(pixels.squeeze(), mode)
    buffer = io.BytesIO()
    image.save(buffer, format="png", **save)
    return buffer.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_plain_png_gives_its_own_idat_data(mode):
    data = _png(mode)
    passed = pdf_images.png_image_data(data)
    rows = zlib.decompress(passed)
    channels = len(mode)
    assert len(rows) == 23 * (1 + 37 * channels)  # a filter byte, then the row's samples


@pytest.mark.parametrize("data", [
    _png("RGBA"), _png("LA"), _png("RGB")[:40],
    b"GIF89a", b"", _png("RGB").replace(b"IEND", b"XEND"),
], ids=["rgba", "grey-alpha", "truncated", "not-png", "empty", "no-end"])
def test_other_images_are_left_to_weasyprint(data):
    assert pdf_images.png_image_data(data) is None


def test_palette_interlaced_sixteen_bit_and_transparent_colour_are_left_to_weasyprint():
    palette = io.BytesIO()
    Image.open(io.BytesIO(_png("RGB"))).quantize(8).save(palette, format="png")
    assert pdf_images.png_image_data(palette.getvalue()) is None
    rgb = _png("RGB")
    header = rgb[16:29]  # the IHDR chunk's body; Pillow never writes an interlaced PNG
    interlaced = rgb[:8] + _chunk(b"IHDR", header[:12] + b"\x01") + rgb[33:]
    assert pdf_images.png_image_data(rgb[:8] + _chunk(b"IHDR", header) + rgb[33:]) is not None
    assert pdf_images.png_image_data(interlaced) is None
    end = rgb.index(b"IDAT") - 4
    with_key = rgb[:end] + _chunk(b"tRNS", b"\x00\x00\x00\x00\x00\x00") + rgb[end:]
    assert pdf_images.png_image_data(with_key) is None
    sixteen = io.BytesIO()
    Image.fromarray(np.arange(37 * 23, dtype=np.uint16).reshape(23, 37) * 50).save(
        sixteen, format="png")
    assert pdf_images.png_image_data(sixteen.getvalue()) is None


def _pdf_with(png: bytes) -> bytes:
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return render.render_pdf(f'<html><body><p>Chart</p><img src="{uri}" alt="c" '
                             f'style="width:370px"></body></html>')


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA"])
def test_pdf_shows_the_same_pixels_and_bytes_with_and_without_the_hook(mode, monkeypatch):
    from weasyprint.images import RasterImage

    png = _png(mode)
    with_hook = _pdf_with(png)
    assert pdf_images._installed, "render_pdf installs the hook"
    monkeypatch.setattr(RasterImage, "_get_png_data", staticmethod(pdf_images._installed[0]))
    without_hook = _pdf_with(png)
    assert with_hook == without_hook  # Pillow wrote both streams with the same settings
    shown = PdfReader(io.BytesIO(with_hook)).pages[0].images[0].image
    original = Image.open(io.BytesIO(png))
    if mode == "RGBA":  # WeasyPrint splits the alpha channel into a mask
        original = original.convert("RGB")
    assert np.array_equal(np.asarray(shown.convert(original.mode)), np.asarray(original))


def test_a_passed_through_stream_is_the_chart_files_own_data():
    png = _png("RGB", compress_level=1)  # WeasyPrint's own re-encoding would differ from this
    stream = PdfReader(io.BytesIO(_pdf_with(png))).pages[0].images[0]
    stored = stream.indirect_reference.get_object()
    assert stored["/Filter"] == "/FlateDecode"
    assert stored._data == pdf_images.png_image_data(png)  # the compressed bytes, as stored
    assert np.array_equal(np.asarray(stream.image.convert("RGB")),
                          np.asarray(Image.open(io.BytesIO(png))))
