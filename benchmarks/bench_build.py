"""Benchmark the batch build against the naive way and against a no-kernel floor, in one run.

(a) naive: per footprint, the ``papermill`` CLI, then ``jupyter nbconvert --to html --no-input``,
    then the ``weasyprint`` CLI, one after another; measured on ``--sample`` footprints and
    scaled to all of them;
(b) ``stp-packs build --force`` for all footprints (HTML and PDF, the default process pool);
(c) the floor: the same notebook code run without any kernel -- code cells ``exec``-ed into a
    fresh namespace per footprint, in one process per core (imports paid once per process) --
    plus rendering that footprint's executed notebook to the same files as the build
    (:func:`stp_analytics.build.worker.render_files`: pack-data.csv, HTML, pack.pdf, annex.pdf);
(d) a no-change rebuild (``stp-packs build`` again).

``--compare-exec`` adds (b2): the same build with every kernel started as a new process
(``STP_PACKS_KERNEL_START=exec``) instead of forked from the pre-imported worker.

``--repeat N`` measures (a), (b) and (c) N times, in turn (a b c a b c ...), so that a slow
spell of the machine touches every mode; the ratios are taken within each round and the last
line gives their medians.

Last line: ``naive/build=<x> build/floor=<y> rebuild_s=<z>``. The metric store is built (or
taken from the cache) before any timing, so every mode reads the same parquet file.

    python benchmarks/bench_build.py --sample 2            # all 44 footprints
    python benchmarks/bench_build.py --sample 1 --limit 6  # quick look on 6 footprints
    python benchmarks/bench_build.py --sample 2 --repeat 3 # medians of 3 rounds
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from stp_analytics import metrics, paths
from stp_analytics.build import pack_spec as packs
from stp_analytics.build import plan, render, runner, worker
from stp_analytics.data import geography


def timed(label: str, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def library_versions() -> str:
    """What decides most of a pack's time besides the code: the build's rendering stack
    (:func:`stp_analytics.build.runner.rendering_stack`: library versions and whether WeasyPrint has
    HarfBuzz-Subset, else it falls back to slower fontTools), ipykernel, and the font the packs'
    CSS gets for Arial (DejaVu Sans, where Liberation Sans is missing, sets more pages)."""
    from importlib.metadata import version

    stack = {**runner.rendering_stack(), "ipykernel": version("ipykernel")}
    try:
        font = subprocess.run(["fc-match", "-f", "%{family[0]}", "Arial"], capture_output=True,
                              text=True, timeout=10).stdout or "unknown"
    except (OSError, subprocess.SubprocessError):
        font = "unknown"
    found = ", ".join(f"{name} {value}" for name, value in stack.items())
    return f"{found}, Arial set in {font}"


def notebook_parameters(code: str, store: Path, area_set: str, pack_yml: Path) -> dict:
    return {"footprint": code, "area_set": area_set, "store_path": str(store),
            "catalog_path": str(paths.default_catalog_path()), "pack_config": str(pack_yml)}


def naive_one(notebook: Path, code: str, parameters: dict, work: Path) -> None:
    """papermill CLI -> nbconvert CLI -> weasyprint CLI for one footprint."""
    executed, html, pdf = work / f"{code}.ipynb", work / f"{code}.html", work / f"{code}.pdf"
    command = ["papermill", str(notebook), str(executed), "--no-progress-bar"]
    for name, value in parameters.items():
        command += ["-p", name, str(value)]
    subprocess.run(command, check=True, capture_output=True)
    subprocess.run(["jupyter", "nbconvert", "--to", "html", "--no-input", str(executed),
                    "--output", str(html)], check=True, capture_output=True)
    subprocess.run(["weasyprint", str(html), str(pdf)], check=True, capture_output=True)


_FLOOR_CELLS: list[str] = []


def _floor_init(cells: list[str]) -> None:
    _FLOOR_CELLS[:] = cells
    os.environ.setdefault("MPLBACKEND", "Agg")


def floor_one(job: tuple[dict, str, render.PageContext]) -> None:
    """Run the notebook's code with exec (no kernel), then render the executed notebook."""
    parameters, executed_path, context = job
    namespace: dict = {"__name__": "__main__"}
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        for index, source in enumerate(_FLOOR_CELLS):
            exec(compile(source, f"<cell {index}>", "exec"), namespace)
            if index == 0:
                namespace.update(parameters)
    import matplotlib.pyplot as plt

    plt.close("all")
    nb = nbformat.read(executed_path, as_version=4)
    worker.render_files(nb, context, ("html", "pdf"), nbformat)


def code_cells(notebook: Path) -> list[str]:
    """Code cells in order, the parameters cell first (parameters are injected after it)."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    parameters = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    others = [c for c in cells if c not in parameters]
    return [c.source for c in parameters + others]


def floor_jobs(out: Path, spec, store: Path, codes: list[str], table, area_set: str
               ) -> list[tuple[dict, str, render.PageContext]]:
    """(parameters, executed notebook of the build, page context) for each footprint."""
    manifest = runner.read_manifest(out / spec.name / runner.MANIFEST_NAME)["packs"]
    periods = plan.data_periods(store)
    vintages = plan.data_vintages(store, "", None)
    names = dict(zip(table["area_code"], table["area_name"], strict=True))
    regions = dict(zip(table["area_code"], table["region_name"], strict=True))
    jobs = []
    for code in codes:
        context = render.PageContext(title=spec.title, area_code=code, area_name=names[code],
                                     data_period=periods.get(code, "not stated"),
                                     vintage=vintages.get(code, ""), region_name=regions[code])
        executed = out / spec.name / manifest[code]["folder"] / "pack.ipynb"
        jobs.append((notebook_parameters(code, store, area_set, spec.source), str(executed),
                     context))
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default="three_gaps")
    parser.add_argument("--areas", default="stp2017")
    parser.add_argument("--sample", type=int, default=2, help="footprints run the naive way")
    parser.add_argument("--limit", type=int, default=None,
                        help="benchmark only the first N footprints (default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--compare-exec", action="store_true",
                        help="also time the build with kernels started as new processes")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of (a), (b) and (c); the last line gives median ratios")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")

    spec = packs.load_pack(args.pack)
    work = args.out or Path(tempfile.mkdtemp(prefix="stp-bench-build-"))
    out = work / "out"
    table = geography.load_area_set(args.areas).areas.sort_values("area_code")
    codes = list(table["area_code"])[: args.limit] if args.limit else list(table["area_code"])
    count = len(codes)
    print(f"benchmark: pack {spec.name}, {count} areas of {args.areas}, "
          f"{args.workers} workers, naive sample {args.sample}", flush=True)
    print(f"libraries: {library_versions()}", flush=True)

    store = Path(metrics.load_or_build_store(area_set=args.areas, cache_dir=out / ".cache"))
    print(f"metric store ready: {store}", flush=True)
    build_command = [sys.executable, "-m", "stp_analytics.cli.app", "build", "--pack", args.pack,
                     "--areas", args.areas, "--out", str(out), "--workers", str(args.workers),
                     "--no-progress", "--allow-outside"]
    if args.limit:
        build_command += ["--footprint", *codes]

    naive_dir = work / "naive"
    naive_dir.mkdir(parents=True, exist_ok=True)
    sample = codes[: max(1, args.sample)]

    def run_naive() -> None:
        for code in sample:
            naive_one(spec.notebook, code,
                      notebook_parameters(code, store, args.areas, spec.source), naive_dir)

    def run_build(force: bool, environment: dict | None = None) -> None:
        command = build_command + (["--force"] if force else [])
        finished = subprocess.run(command, capture_output=True, text=True,
                                  env={**os.environ, **(environment or {})})
        if finished.returncode != 0:
            print(finished.stdout[-2000:], finished.stderr[-2000:])
            raise SystemExit(f"build failed with status {finished.returncode}")

    jobs: list[tuple[dict, str, render.PageContext]] = []

    def run_floor() -> None:
        with ProcessPoolExecutor(args.workers, initializer=_floor_init,
                                 initargs=(code_cells(spec.notebook),)) as pool:
            list(pool.map(floor_one, jobs))

    ratios: list[tuple[float, float]] = []
    for round_number in range(1, args.repeat + 1):
        tag = f" [round {round_number}/{args.repeat}]" if args.repeat > 1 else ""
        naive_seconds = timed(f"(a) naive, {len(sample)} footprints{tag}", run_naive)
        naive_total = naive_seconds / len(sample) * count
        print(f"(a) naive scaled to {count}: {naive_total:.1f} s", flush=True)
        build_seconds = timed(f"(b) stp-packs build --force, {count} footprints{tag}",
                              lambda: run_build(True))
        if args.compare_exec:
            exec_seconds = timed(f"(b2) the same, kernels started as new processes, "
                                 f"{count} footprints{tag}",
                                 lambda: run_build(True, {"STP_PACKS_KERNEL_START": "exec"}))
            print(f"(b2) exec/fork={exec_seconds / build_seconds:.2f}", flush=True)
        if not jobs:
            jobs.extend(floor_jobs(out, spec, store, codes, table, args.areas))
        floor_seconds = timed(f"(c) floor (exec, no kernel, + render), {count} footprints{tag}",
                              run_floor)
        ratios.append((naive_total / build_seconds, build_seconds / floor_seconds))
        if args.repeat > 1:
            print(f"round {round_number}: naive/build={ratios[-1][0]:.2f} "
                  f"build/floor={ratios[-1][1]:.2f}", flush=True)
    rebuild_seconds = timed("(d) no-change rebuild", lambda: run_build(False))
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)
    if args.repeat > 1:
        print(f"medians of {args.repeat} rounds:")
    print(f"naive/build={statistics.median(r[0] for r in ratios):.2f} "
          f"build/floor={statistics.median(r[1] for r in ratios):.2f} "
          f"rebuild_s={rebuild_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
