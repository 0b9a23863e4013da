"""`stp-packs build`: build the packs (HTML and PDF) for every area, in parallel, incrementally.

A thin layer over :func:`stp_analytics.build.runner.build`; exit status 0 when every pack is built
or
unchanged, 1 when any pack failed (the summary names the cell and the exception), 2 on a bad
option (raised as StpPacksError and printed by the CLI), 130 when interrupted.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stp_analytics.build import pack_spec as packs
from stp_analytics.build import runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stp-packs build``."""
    parser.add_argument("--pack", default=packs.DEFAULT_PACK,
                        help="pack name (packs/<name>.yml) or path to a pack YAML")
    parser.add_argument("--areas", default="stp2017", metavar="AREA_SET",
                        help="area set to build a pack for each area of (stp2017, ccg2017, ...)")
    parser.add_argument("--footprint", nargs="+", action="extend", default=[],
                        metavar="CODE_OR_NAME",
                        help="build only these areas (codes or names); default: all")
    parser.add_argument("--format", default=None, metavar="html,pdf",
                        help="output formats (default: the pack's, normally html,pdf)")
    parser.add_argument("--workers", type=int, default=None,
                        help="parallel packs (default: one per CPU core)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="override a notebook parameter (repeatable)")
    parser.add_argument("--out", default=None, type=Path,
                        help="output folder (default: outputs/ in the project)")
    parser.add_argument("--allow-outside", action="store_true",
                        help="allow an output folder outside the project reached with '..'")
    parser.add_argument("--force", action="store_true", help="rebuild packs even if unchanged")
    parser.add_argument("--executor", default=None, choices=None, metavar="process|dask",
                        help="where packs run: local process pool (default) or dask")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="dask scheduler address (implies --executor dask)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="per-cell execution timeout (default 600)")
    parser.add_argument("--wait", action="store_true",
                        help="wait for another build on the same output folder instead of refusing")
    parser.add_argument("--store", type=Path, default=None, metavar="PARQUET",
                        help="use this metric store instead of building one")
    parser.add_argument("--catalog", type=Path, default=None, help="data catalogue (catalog.yml)")
    parser.add_argument("--no-progress", action="store_true",
                        help="plain progress lines even on a terminal")


def config_from_args(args: argparse.Namespace) -> runner.BuildConfig:
    """The BuildConfig for parsed command-line options."""
    executor = args.executor or ("dask" if args.scheduler else "process")
    return runner.BuildConfig(
        pack=args.pack,
        area_set=args.areas,
        areas=tuple(args.footprint),
        formats=packs.parse_formats(args.format) if args.format else None,
        workers=args.workers,
        parameters=packs.parse_cli_parameters(args.parameter),
        out_dir=args.out,
        force=args.force,
        executor=executor,
        scheduler=args.scheduler,
        timeout=args.timeout,
        allow_outside=args.allow_outside,
        wait_for_lock=args.wait,
        store_path=args.store,
        catalog_path=args.catalog,
        progress=False if args.no_progress else None,
    )


def run(args: argparse.Namespace) -> int:
    """Build, print the summary, return 0 (all built) or 1 (some failed)."""
    result = runner.build(config_from_args(args))
    for line in runner.summary_lines(result):
        print(line)
    return result.exit_code
