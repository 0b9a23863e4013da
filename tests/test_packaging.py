"""The install files agree: environment.yml mirrors pyproject.toml; CI runs the README commands."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent

# conda-forge names that differ from the PyPI distribution names
CONDA_NAME_FOR_PYPI = {"pyyaml": "pyyaml"}


def _name_and_spec(requirement: str) -> tuple[str, str]:
    requirement = requirement.split(";", 1)[0]  # drop environment markers
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    name = match.group(1).lower().replace("_", "-")
    return CONDA_NAME_FOR_PYPI.get(name, name), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    return dict(_name_and_spec(r) for r in requirements)


def _conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    return {
        name: spec
        for name, spec in (_name_and_spec(d) for d in conda)
        if name not in {"python", "pip"}
    }


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    assert _conda_requirements() == _pyproject_requirements()


def test_environment_yml_installs_the_project_with_pip() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e ."]]
    assert "conda-forge" in environment["channels"]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.S)
    assert block, "README quick start has no code block"
    lines = block.group(1).splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_readme_quick_start_has_exactly_two_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "stp-packs build" in commands[0] and "pip install" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "readme_command" in ci  # CI extracts the commands from README.md, never a copy
    assert "## Quick start" in ci
