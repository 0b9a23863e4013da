"""`stp-packs footprints`: print an area set (code, name, region, registered population).

A thin layer over :func:`stp_analytics.data.geography.footprint_table`; ``--format csv`` prints the
table as CSV for other tools, ``--format table`` (default) as aligned text with a total line.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from stp_analytics.data.geography import footprint_table, known_area_sets, load_area_set

FORMATS = ("table", "csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options: --areas (area set name), --format (table or csv)."""
    parser.add_argument(
        "--areas",
        default="stp2017",
        metavar="AREA_SET",
        help=f"area set to list (default stp2017; shipped: {', '.join(known_area_sets())})",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default table)"
    )


def format_table(table: pd.DataFrame, label_plural: str) -> str:
    """Aligned text: one line per area, then the number of areas and the population total."""
    shown = pd.DataFrame(
        {
            "Code": table["area_code"],
            "Name": table["area_name"],
            "Region": table["region_name"],
            "Registered population": table["registered_population"].map("{:,}".format),
        }
    )
    widths = {column: max(len(column), shown[column].str.len().max()) for column in shown}
    right = {"Registered population"}

    def line(values: dict) -> str:
        cells = [
            str(values[c]).rjust(widths[c]) if c in right else str(values[c]).ljust(widths[c])
            for c in shown.columns
        ]
        return "  ".join(cells).rstrip()

    lines = [line({column: column for column in shown.columns})]
    lines.append("  ".join("-" * widths[column] for column in shown.columns))
    lines.extend(line(row) for row in shown.to_dict("records"))
    total = int(table["registered_population"].sum())
    lines.append(
        f"{len(table)} {label_plural}; registered population {total:,} "
        "(QOF 2017-18 practice list sizes)"
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the table for ``args.areas`` in ``args.format``; 0 on success."""
    area_set = load_area_set(args.areas)
    table = footprint_table(area_set)
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    else:
        sys.stdout.write(format_table(table, area_set.label_plural))
    return 0
