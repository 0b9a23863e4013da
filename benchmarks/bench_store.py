"""Benchmark: build the metric store on the default catalogue once.

Prints the row count, the seconds taken by each step and the ratio of the store build to a
baseline measured in the same run (loading the observations from the vendored sources), so the
figure means the same on a fast or a slow machine. Also reports any pandas warning raised.

    python benchmarks/bench_store.py
"""

from __future__ import annotations

import time
import warnings

from stp_analytics.data.catalog import load_catalog
from stp_analytics.metrics import build_store


def main() -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        catalog = load_catalog()
        observations = catalog.observations()
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        store = build_store(catalog, observations=observations)
        build = time.perf_counter() - start
    areas = store.loc[store["area_role"].eq("area"), "area_code"].nunique()
    print(f"observations: {len(observations):,} rows in {baseline:.2f} s (baseline)")
    print(f"metric store: {len(store):,} rows, {store['indicator'].nunique()} indicators, "
          f"{areas} footprints in {build:.2f} s")
    print(f"ratio store/baseline: {build / baseline:.2f}")
    by_role = store.groupby("area_role").size()
    print("rows by role: " + ", ".join(f"{role} {count:,}" for role, count in by_role.items()))
    pandas_warnings = [w for w in caught if "pandas" in str(w.filename)
                       or issubclass(w.category, (FutureWarning, DeprecationWarning))]
    print(f"pandas warnings: {len(pandas_warnings)}")
    for warning in pandas_warnings[:5]:
        print(f"  {warning.category.__name__}: {warning.message}")
    return 1 if pandas_warnings else 0


if __name__ == "__main__":
    raise SystemExit(main())
