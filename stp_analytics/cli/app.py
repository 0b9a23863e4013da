"""The ``stp-packs`` command: a thin argparse layer over the Python API.

Each subcommand lives in ``stp_analytics.cli.<name>`` with two functions,
``add_arguments(parser)`` and ``run(args) -> int``. Errors derived from StpPacksError are printed
as one clear line (no traceback) and give exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from stp_analytics import __version__
from stp_analytics.errors import StpPacksError

#: subcommand name -> (module under stp_analytics.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "footprints": ("footprints", "print the footprint registry: codes, names, regions, population"),
    "validate": ("validate", "check the data catalogue and every source file"),
    "finance": ("finance", "print the 2020/21 do-nothing finance gap per head, all footprints"),
    "gallery": ("gallery", "render every chart for one footprint into a folder"),
    "inspect": ("inspect", "recognise an official NHS statistics file and say how to add it"),
    "build": ("build", "build the packs (HTML and PDF) for every footprint"),
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the selected command's module is imported (fast start-up).

    With ``selected=None`` every command's options are loaded (for documentation and tests).
    """
    parser = argparse.ArgumentParser(
        prog="stp-packs",
        description="Build the NHS 'three gaps' diagnostic packs for STP footprints.",
    )
    parser.add_argument("--version", action="version", version=f"stp-packs {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=help_text, description=help_text)
        if selected is None or selected == name:
            module = importlib.import_module(f"stp_analytics.cli.{module_name}")
            module.add_arguments(subparser)
            subparser.set_defaults(_run=module.run)
    return parser


def _selected_command(argv: Sequence[str]) -> str | None:
    """The first argument that names a command, if any."""
    return next((arg for arg in argv if arg in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = _selected_command(argv)
    parser = build_parser(selected or "")
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 1
    try:
        return int(args._run(args) or 0)
    except StpPacksError as error:
        print(f"stp-packs {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stp-packs {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
