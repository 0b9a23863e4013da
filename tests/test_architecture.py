"""The package's shape: layers kept (import-linter), no stray top-level modules, small modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from stp_analytics import paths

#: the only modules allowed at the top of the package besides the layer folders
TOP_LEVEL_MODULES = {"__init__.py", "errors.py", "paths.py", "schema.py"}
LAYERS = {"data", "methods", "metrics", "finance", "content", "charts", "build", "cli"}
MAX_MODULE_LINES = 450


def test_layers_contract_is_kept() -> None:
    """import-linter's layers contract (pyproject.toml): lower layers never import higher ones."""
    command = shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports (import-linter) is not installed: pip install -e '.[test]'")
    result = subprocess.run([command], cwd=paths.project_root(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_package_top_level_holds_only_layers_and_shared_modules() -> None:
    package = paths.package_dir()
    modules = {p.name for p in package.glob("*.py")}
    folders = {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert modules == TOP_LEVEL_MODULES
    assert folders == LAYERS


def test_no_module_is_over_the_size_limit() -> None:
    package = paths.package_dir()
    sizes = {str(p.relative_to(package)): len(p.read_text(encoding="utf-8").splitlines())
             for p in package.rglob("*.py")}
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_every_layer_is_a_package_with_a_docstring() -> None:
    for layer in LAYERS:
        init = Path(paths.package_dir(), layer, "__init__.py")
        assert init.is_file(), layer
        assert init.read_text(encoding="utf-8").lstrip().startswith('"""'), layer
