"""Chart timings: prepare, draw and PNG for every gallery chart of one footprint, in one run.

Each chart is timed ``--repeat`` times (median), from the real metric store (built or taken from
the cache before timing) and the finance model; the baseline is a one-line matplotlib figure of
the same width saved to PNG at the same resolution, so the ratios hold on any machine.

    python benchmarks/bench_charts.py                      # West Yorkshire, 3 repeats
    python benchmarks/bench_charts.py --footprint Kent --repeat 5

Last line: ``slowest=<chart> slowest_s=<seconds> slowest/baseline=<ratio>``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from stp_analytics.charts import gallery
from stp_analytics.charts.base import Chart, new_figure
from stp_analytics.charts.style import DEFAULT_PALETTE, style_context
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import resolve_area
from stp_analytics.metrics import load_or_build_store, read_store


def baseline_chart() -> Chart:
    with style_context():
        figure = new_figure(3.0)
        figure.add_subplot().plot(range(24), [v % 7 for v in range(24)],
                                  color=DEFAULT_PALETTE.nhs_blue)
    return Chart(figure=figure, title="baseline", alt_text="baseline", source="none")


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footprint", default="West Yorkshire")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args()
    catalog = load_catalog()
    store = read_store(load_or_build_store(catalog))
    code = resolve_area(args.footprint)
    builders = gallery._store_charts(store, code, catalog)
    builders.update(gallery._finance_charts(code, args.footprint))
    for build in builders.values():  # warm up imports, fonts and the finance model once
        build().close()
    base = median_seconds(lambda: baseline_chart().png_bytes(dpi=args.dpi), args.repeat)
    print(f"baseline (one-line figure to PNG): {base:.3f} s")
    slowest = ("", 0.0)
    for name, build in builders.items():
        total = median_seconds(lambda b=build: b().png_bytes(dpi=args.dpi), args.repeat)
        print(f"{name:24s} {total:6.3f} s  ratio {total / base:5.1f}", flush=True)
        slowest = max(slowest, (name, total), key=lambda pair: pair[1])
    print(f"slowest={slowest[0]} slowest_s={slowest[1]:.3f} "
          f"slowest/baseline={slowest[1] / base:.1f}")


if __name__ == "__main__":
    main()
