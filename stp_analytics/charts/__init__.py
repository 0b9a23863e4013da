"""The NHS analytical charts, styled once: spine, SPC, funnel, caterpillar, trend, bridge,
tornado and league heat map.

Each chart has a pure ``prepare_<chart>_data(...)`` that selects what to draw from the metric
store (or the finance tables) and a ``plot_<chart>(data, *, ax=None, palette=None, ...)`` that
only draws and returns a :class:`Chart` (figure, title, alt text, source line). Submodules are
imported lazily so ``import stp_analytics.charts`` does not load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "Chart": "base",
    "Palette": "style",
    "DEFAULT_PALETTE": "style",
    "get_palette": "style",
    "prepare_spine_data": "spine", "plot_spine": "spine",
    "prepare_spc_data": "spc", "plot_spc": "spc",
    "prepare_funnel_data": "funnel", "plot_funnel": "funnel",
    "prepare_caterpillar_data": "caterpillar", "plot_caterpillar": "caterpillar",
    "prepare_trend_data": "trend", "plot_trend": "trend",
    "prepare_trend_small_multiples_data": "trend", "plot_trend_small_multiples": "trend",
    "prepare_bridge_data": "bridge", "plot_bridge": "bridge",
    "prepare_tornado_data": "tornado", "plot_tornado": "tornado",
    "prepare_heatmap_data": "heatmap", "plot_heatmap": "heatmap",
    "prepare_per_head_data": "finance_context", "plot_per_head_range": "finance_context",
    "prepare_outturn_data": "finance_context", "plot_outturn": "finance_context",
    "TrajectoryPanel": "trajectory", "plot_trajectories": "trajectory",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stp_analytics.charts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"stp_analytics.charts.{module}"), name)
