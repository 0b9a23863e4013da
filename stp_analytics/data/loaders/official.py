"""Loader ``official_nhs``: an official NHS statistics file as published, any known layout.

The layout is detected from the file's header (:mod:`stp_analytics.data.official`); the
source's ``options.layout`` (optional) is checked against it. Each catalogue indicator picks
one measure of the layout with ``select: {measure: <key>}`` (e.g. ``dm01_waiting_6_plus_weeks``;
``stp-packs inspect FILE`` lists them with ready-made entries).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import file_label
from stp_analytics.data.official import detect_layout
from stp_analytics.errors import CatalogError, DataValidationError


@register_loader("official_nhs")
def load_official_nhs(path: Path, source, indicators: list) -> pd.DataFrame:
    """Tidy observations of the measures the catalogue's indicators select."""
    match = detect_layout(path)
    expected = (source.options or {}).get("layout")
    if expected and expected != match.key:
        raise DataValidationError(
            f"the file is a {match.title} file (layout {match.key}); the catalogue's source "
            f"{source.id!r} says layout {expected!r}", file=file_label(path))
    data = match.layout.reader(Path(path))
    observations = data.observations
    available = sorted(set(observations["indicator"]))
    parts = []
    for indicator in indicators:
        measure = indicator.select.get("measure")
        if measure not in available:
            raise CatalogError(
                f"indicator {indicator.id!r}: select measure {measure!r} is not in "
                f"{file_label(path)} ({match.title}); it has: {', '.join(available) or 'none'}")
        rows = observations[observations["indicator"] == measure].copy()
        rows["indicator"] = indicator.id
        parts.append(rows)
    if not parts:
        return observations.iloc[0:0].copy()
    return pd.concat(parts, ignore_index=True)
