"""`stp-packs footprints` (placeholder: the owning issue replaces this module)."""

from __future__ import annotations

import argparse

from stp_analytics.errors import StpPacksError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options yet."""


def run(args: argparse.Namespace) -> int:
    """Not built yet."""
    raise StpPacksError("'footprints' is not built yet")
