"""The fingerprint of the code that draws a pack: the library's files and version and the
versions of the libraries that render it (the rendering stack). A pack whose fingerprint changed
is rebuilt; ``manifest.json`` records the stack."""

from __future__ import annotations

import functools
import hashlib

from stp_analytics import __version__, paths
from stp_analytics.build.config import json_bytes
from stp_analytics.data.files import folder_files, sha256_files

#: distributions whose version decides a pack's bytes: the numbers (pandas, numpy, scipy,
#: pyarrow), the charts (matplotlib, Pillow), the notebook and HTML (papermill,
#: nbformat, nbconvert, Jinja2) and the PDF (WeasyPrint, pydyf, fontTools)
RENDERING_DISTRIBUTIONS = ("pandas", "numpy", "scipy", "pyarrow", "matplotlib",
                           "pillow", "papermill", "nbformat", "nbconvert", "jinja2",
                           "weasyprint", "pydyf", "fonttools")


def rendering_stack() -> dict[str, str]:
    """The installed version of each of :data:`RENDERING_DISTRIBUTIONS` ("" when absent), and
    whether the HarfBuzz-Subset library is there (WeasyPrint subsets fonts with it, else with
    fontTools, and the two give different font bytes)."""
    return dict(_installed_stack())


@functools.cache
def _installed_stack() -> tuple[tuple[str, str], ...]:
    """:func:`rendering_stack`, looked up once per process (a build asks for it three times;
    what a running process has imported does not change under it)."""
    from ctypes.util import find_library
    from importlib.metadata import PackageNotFoundError, version

    stack = []
    for name in RENDERING_DISTRIBUTIONS:
        try:
            stack.append((name, version(name)))
        except PackageNotFoundError:
            stack.append((name, ""))
    stack.append(("harfbuzz-subset", "yes" if find_library("harfbuzz-subset") else "no"))
    return tuple(stack)


def library_hash() -> str:
    """Version plus every source and template file of the stp_analytics package, plus the
    :func:`rendering_stack`: after an upgrade of matplotlib or WeasyPrint, packs are rebuilt."""
    root = paths.package_dir()
    files = folder_files(root, {".py", ".j2", ".yml", ".css", ".mplstyle"})
    digest = sha256_files(files, root, hashlib.sha256(__version__.encode()))
    digest.update(json_bytes(rendering_stack()))
    return digest.hexdigest()
