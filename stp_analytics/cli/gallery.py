"""`stp-packs gallery [--footprint CODE_OR_NAME] [--out DIR]`: every chart for one footprint."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Footprint, output folder, area set, --no-finance."""
    from stp_analytics.content.gallery import add_arguments as gallery_arguments

    gallery_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Render the gallery (see stp_analytics.content.gallery.render_gallery)."""
    from stp_analytics.content.gallery import run as run_gallery

    return run_gallery(args)
