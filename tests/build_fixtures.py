"""The build tests' shared helpers: ``tests/fixtures/notebooks/pack_build.py``, loaded once.

It lives beside the fixture notebooks (which read the same files), so it is loaded by path and
registered under one module name; every build test does ``from build_fixtures import helpers``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

MODULE_NAME = "stp_pack_build_helpers"
HELPERS_PATH = Path(__file__).resolve().parent / "fixtures" / "notebooks" / "pack_build.py"


def load_helpers() -> ModuleType:
    """The helpers module, loaded from :data:`HELPERS_PATH` on first use."""
    if MODULE_NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(MODULE_NAME, HELPERS_PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[MODULE_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[MODULE_NAME]


helpers = load_helpers()
