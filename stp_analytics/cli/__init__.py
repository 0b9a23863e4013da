"""The ``stp-packs`` command line: one module per subcommand, thin over the Python API."""

from stp_analytics.cli.app import main

__all__ = ["main"]
