"""``python -m stp_analytics.data.geography``: re-derive the shipped area-set lookup files."""

import sys

from stp_analytics.data.geography.derive import main

sys.exit(main())
