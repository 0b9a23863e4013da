"""`stp-packs inspect FILE`: which official NHS layout a downloaded file is (recognised by its
header, not its name), its periods and organisations, how many map to the area set, the file's
own England totals, and the catalogue entries to paste. A thin layer over
:func:`stp_analytics.data.official.inspect.inspect_file`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from stp_analytics.data.geography import known_area_sets, load_area_set
from stp_analytics.data.official.inspect import format_inspect, inspect_file
from stp_analytics.data.official.user_catalog import add_entries
from stp_analytics.errors import ParameterError
from stp_analytics.paths import sources_dir

#: ONS CCG (April 2017) -> STP lookup: commissioner files name CCGs by their ODS code
CCG_ODS_LOOKUP = "ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options: FILE, --areas (area set whose organisations count as mapped), --format, --add."""
    parser.add_argument("file", metavar="FILE", help="an official NHS statistics file as "
                        "downloaded (xls, xlsx or csv)")
    parser.add_argument("--areas", default="stp2017", metavar="AREA_SET",
                        help=f"area set to map organisations to (default stp2017; shipped: "
                             f"{', '.join(known_area_sets())})")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default text)")
    parser.add_argument("--add", metavar="CATALOG", default=None,
                        help="write the entries into this user catalogue (created as a copy of "
                             "the shipped one if absent; ids already holding data are refused)")


def area_lookup(area_set: str) -> dict[str, str]:
    """Organisation code -> area code: the set's trusts and practices, and (footprints of 2017)
    CCGs by their ODS code."""
    areas = load_area_set(area_set)
    lookup: dict[str, str] = {}
    for part_type in ("practice", "trust"):
        if part_type in areas.part_types:
            parts = areas.part_lookup(part_type)
            best = parts.sort_values("share", ascending=False).drop_duplicates("part_code")
            lookup.update(zip(best["part_code"], best["area_code"], strict=True))
    if area_set == "stp2017":
        ccgs = pd.read_csv(sources_dir() / CCG_ODS_LOOKUP, dtype=str, encoding="utf-8-sig")
        lookup.update(zip(ccgs["CCG17CDH"], ccgs["STP17CD"], strict=True))
    return lookup


def run(args: argparse.Namespace) -> int:
    """Print the report; exit status 2 (through StpPacksError) for an unknown layout."""
    path = Path(args.file)
    if not path.is_file():
        raise ParameterError(f"FILE {path}: no such file")
    report = inspect_file(path, area_lookup(args.areas))
    if args.format == "json":
        print(json.dumps(report, indent=2, sort_keys=True, default=str))
    else:
        print(format_inspect(report))
    if args.add:
        added = add_entries(Path(args.add), report["catalog_entries"], path)
        print(f"added to {args.add}: {', '.join(added)}; next: stp-packs validate --catalog "
              f"{args.add}")
    return 0
