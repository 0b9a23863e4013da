"""``python -m stp_analytics.geography``: re-derive the shipped area-set lookup files."""

import sys

from stp_analytics.geography.derive import main

sys.exit(main())
