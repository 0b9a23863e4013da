"""Warm-ups a pool worker runs once before it forks kernels (see
:mod:`stp_analytics.build.kernels.fork`).

A pack definition names one with ``kernel_preload: module:function``; the function gets the first
pack's notebook parameters. It loads what every kernel of that pack would otherwise load for
itself at the start -- modules imported inside functions (matplotlib, Pillow, pyarrow's parquet
reader), the catalogue, the area set and its lookups, the finance baseline -- so each forked
kernel starts with them in memory. It only reads inputs the packs read anyway, keyed by their
paths; it computes nothing a pack shows (except the build's health tables, cached beside the
store, which every pack reads), and a kernel that changes what it inherited changes its
own copy.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

#: the packages whose modules a pack's cells import (many inside functions): imported once here
#: so a forked kernel does not pay their imports again
KERNEL_PACKAGES = ("stp_analytics.methods", "stp_analytics.metrics", "stp_analytics.finance",
                   "stp_analytics.charts", "stp_analytics.content")


def import_pack_modules() -> None:
    """Import every module of :data:`KERNEL_PACKAGES` (their import code only defines things)."""
    for name in KERNEL_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name != __name__:
                importlib.import_module(module.name)


def three_gaps(parameters: dict[str, Any]) -> None:
    """The three gaps pack: open the pack for the first area, run its finance model and draw
    its spine chart (what the notebook's first cells do), discarding the results."""
    from stp_analytics import finance
    from stp_analytics.content import pack_charts, pack_content

    import_pack_modules()
    if not parameters.get("store_path"):
        return  # the kernel would build the store; never do that here
    pack = pack_content.open_pack(parameters["footprint"], parameters["area_set"],
                                  parameters["store_path"], parameters.get("catalog_path", ""),
                                  parameters.get("pack_config", ""))
    assumptions = {name: parameters[name] for name in finance.assumption_specs()
                   if name in parameters}
    finance.finance_section(pack.area_code, assumptions or None, pack.area_set.name)
    pack_charts.spine_chart(pack, "health")
    # the national health tables (deprivation quintiles, SII, detection gap): computed once per
    # build beside the store (about 15-45 s), then in memory in every forked kernel
    from stp_analytics.content import sections_health

    sections_health.health_tables_or_none(pack)
