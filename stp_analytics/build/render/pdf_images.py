"""Put a pack's PNG charts into its PDF as they are, instead of decoding and re-encoding them.

A PDF image stream compressed with ``/FlateDecode`` and PNG predictors (``/Predictor 15``) holds
exactly what a PNG's ``IDAT`` chunks hold: the filtered, deflated rows of pixels. WeasyPrint
writes that stream by decoding each PNG with Pillow and saving it again as a PNG, then keeping
the new file's ``IDAT`` data: about 20 ms for each chart, 0.3 s for each pack's 13 charts, for
the same pixels. :func:`install` lets WeasyPrint take the ``IDAT`` data of the original file
when the image is an 8-bit, non-interlaced RGB or greyscale PNG without a palette or a
transparent colour (what :meth:`stp_analytics.charts.base.Chart.png_bytes` writes); any other
image goes through WeasyPrint's own code. Each page looks the same either way; only the bytes
of the compressed image stream differ.

The hook replaces ``weasyprint.images.RasterImage._get_png_data``, a private helper; when a
WeasyPrint release lacks it, :func:`install` leaves WeasyPrint as it is.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from typing import Any

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG colour types passed through: 0 greyscale, 2 RGB (no palette, no alpha)
_PLAIN_COLOUR_TYPES = {0: "L", 2: "RGB"}
_installed: list[Callable[[Any], bytes]] = []


def png_image_data(data: bytes) -> bytes | None:
    """The joined ``IDAT`` data of an 8-bit, non-interlaced greyscale or RGB PNG without
    ``PLTE`` or ``tRNS`` chunks; None for anything else (or a damaged file)."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    position, chunks, plain = len(_PNG_SIGNATURE), [], False
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if len(body) != length:
            return None
        if kind == b"IHDR":
            if length != 13:
                return None
            depth, colour, compression, filtering, interlace = struct.unpack(">BBBBB", body[8:])
            plain = (depth == 8 and colour in _PLAIN_COLOUR_TYPES
                     and compression == filtering == interlace == 0)
        elif kind in (b"PLTE", b"tRNS"):
            return None
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            return b"".join(chunks) if plain and chunks else None
        position += 12 + length
    return None


def _original_png(pillow_image: Any) -> bytes | None:
    """The bytes a lazily opened Pillow PNG was read from (None once decoded or converted)."""
    source = getattr(pillow_image, "fp", None)
    if getattr(pillow_image, "format", None) != "PNG" or not isinstance(source, io.BytesIO):
        return None
    if pillow_image.mode not in _PLAIN_COLOUR_TYPES.values():
        return None
    return source.getvalue()


def install() -> bool:
    """Let WeasyPrint pass plain PNGs through (once per process); True when the hook is in."""
    if _installed:
        return True
    from weasyprint.images import RasterImage

    original = getattr(RasterImage, "_get_png_data", None)
    if original is None:
        return False

    def png_data(pillow_image: Any) -> bytes:
        data = _original_png(pillow_image)
        passed = png_image_data(data) if data is not None else None
        return passed if passed is not None else original(pillow_image)

    RasterImage._get_png_data = staticmethod(png_data)
    _installed.append(original)
    return True
