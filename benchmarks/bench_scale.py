"""Build time as the number of areas grows: 10, 44 and 207 areas (seconds per area at each size).

Areas are the first N (by code) of one area set -- ``ccg2017`` by default, so all three sizes
come from the same set. Each size is a ``--force`` build into its own folder with the chosen
executor (process pool by default, ``--executor dask`` for a LocalCluster, ``--scheduler`` for a
real cluster). The metric store is built once (or taken from the cache) before timing.

    python benchmarks/bench_scale.py                                  # the real pack
    python benchmarks/bench_scale.py --pack tests/fixtures/packs/text.yml   # runner overhead only

Last line: ``seconds_per_area 10=<a> 44=<b> 207=<c>``; growth is linear or better when the
per-area figures do not rise with size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from stp_analytics import metrics
from stp_analytics.build import runner
from stp_analytics.data import geography


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default="three_gaps")
    parser.add_argument("--areas", default="ccg2017")
    parser.add_argument("--sizes", default="10,44,207")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--executor", default="process")
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--format", default="html,pdf")
    parser.add_argument("--out", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args(argv)

    work = args.out or Path(tempfile.mkdtemp(prefix="stp-bench-scale-"))
    codes = sorted(geography.load_area_set(args.areas).areas["area_code"])
    sizes = [min(int(size), len(codes)) for size in args.sizes.split(",")]
    store = Path(metrics.load_or_build_store(area_set=args.areas, cache_dir=work / ".cache"))
    print(f"benchmark: pack {args.pack}, area set {args.areas} ({len(codes)} areas), "
          f"{args.workers} workers, executor {args.executor}; store {store}", flush=True)
    per_area = {}
    for size in sizes:
        config = runner.BuildConfig(
            pack=args.pack, area_set=args.areas, areas=tuple(codes[:size]),
            formats=tuple(args.format.split(",")), workers=args.workers,
            out_dir=work / f"size-{size}", force=True, executor=args.executor,
            scheduler=args.scheduler, store_path=store, progress=False, allow_outside=True,
        )
        started = time.perf_counter()
        result = runner.build(config)
        seconds = time.perf_counter() - started
        per_area[size] = seconds / size
        print(f"{size} areas: {seconds:.1f} s, {per_area[size]:.2f} s per area, "
              f"{len(result.failed)} failed", flush=True)
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)
    print("seconds_per_area " + " ".join(f"{size}={per_area[size]:.2f}" for size in sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
