"""`stp-packs validate [--catalog PATH]`: check the data catalogue and every source file.

Prints one block per source (rows loaded, rows set aside and why), then warnings and errors.
Exit status 0 when there are no errors, 1 when there are.
"""

from __future__ import annotations

import argparse

from stp_analytics.data.validation_report import validate_catalog


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--catalog PATH (default data_catalog/catalog.yml)."""
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        default=None,
        help="catalogue file to check (default: data_catalog/catalog.yml)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate, print the report, return 0 if clean and 1 if there were errors."""
    report = validate_catalog(args.catalog)
    print(report.format())
    return 0 if report.ok else 1
