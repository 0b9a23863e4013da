"""``python -m stp_analytics.cli``: the same as the ``stp-packs`` command."""

import sys

from stp_analytics.cli.app import main

sys.exit(main())
