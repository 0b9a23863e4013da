"""One module per ``stp-packs`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``."""
