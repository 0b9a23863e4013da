"""Pack definitions (``packs/<name>.yml``) and the parameter checks made before any kernel starts.

A pack definition is YAML, parsed and checked once by
:func:`stp_analytics.content.pack_definition.load_pack_definition` (typed, frozen models; an
unknown key is an error naming file, line and key)::

    title: "Three gaps diagnostic pack"
    notebook: notebooks/three_gaps.ipynb     # relative to the project root
    formats: [html, pdf]
    parameters: {demand_growth: 0.03}        # defaults, overridable with ``-p name=value``
    kernel_preload: package.module:function  # optional; see stp_analytics.content.kernel_warmup
    sections:                                # reading order; see SectionSpec
      - {id: health, title: "Health and wellbeing gap", gap: health, trends: [smoking_prevalence]}

:func:`load_pack` turns it into a :class:`PackSpec` (notebook path resolved, formats checked).

Parameters are checked against the notebook's ``parameters`` cell (read as
``papermill.inspect_notebook`` reads it): an unknown name, a value of the wrong type, or a string
that could break out of the generated source line (quotes, backslashes, newlines, control
characters) raises :class:`ParameterError` naming the parameter and what was expected. This runs in
well under a second, so a typo fails before 44 kernels start (the "validate first" habit of
papermill users).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import pydantic
import yaml

from stp_analytics import paths
from stp_analytics.content.pack_definition import (
    DEFAULT_PACK,
    SectionSpec,
    load_pack_definition,
    pack_path,
)
from stp_analytics.errors import ParameterError

__all__ = [
    "DEFAULT_PACK", "KNOWN_FORMATS", "RUNNER_PARAMETERS", "PackSpec", "check_output_dir",
    "load_pack", "notebook_parameters", "pack_path", "parse_cli_parameters", "parse_formats",
    "validate_parameters",
]

#: output formats a pack can be rendered to
KNOWN_FORMATS: tuple[str, ...] = ("html", "pdf")

#: characters allowed in a string parameter: letters, digits and plain punctuation; no quotes,
#: backslashes, newlines, semicolons or other characters that could end the generated literal
_SAFE_STRING = re.compile(r"[\w \-.,/&()+:@%£]*")
_UNSAFE_CHARS = re.compile(r"[\"'\\;`$\x00-\x1f\x7f]")

#: parameters filled by the runner itself (never from the user)
RUNNER_PARAMETERS: tuple[str, ...] = (
    "footprint", "area_set", "store_path", "catalog_path", "pack_config",
)


class PackSpec(pydantic.BaseModel):
    """One pack, ready to build: name, title, notebook (resolved), default parameters, output
    formats, its source file, kernel preload and the sections of its definition."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    notebook: Path
    parameters: dict[str, Any] = pydantic.Field(default_factory=dict)
    formats: tuple[str, ...] = KNOWN_FORMATS
    source: Path | None = None
    kernel_preload: str = ""
    sections: tuple[SectionSpec, ...] = ()


def load_pack(name_or_path: str | Path) -> PackSpec:
    """Read and check a pack definition (parsed by
    :func:`stp_analytics.content.pack_definition.load_pack_definition`), resolve its notebook and
    formats; raise ParameterError naming the file and the problem."""
    path = pack_path(name_or_path)
    definition = load_pack_definition(name_or_path)
    notebook = Path(definition.notebook)
    if not notebook.is_absolute():
        notebook = (path.parent.parent / notebook).resolve()
    if not notebook.is_file():
        raise ParameterError(
            f"file {path}: notebook {definition.notebook!r} not found at {notebook}")
    return PackSpec(
        name=path.stem,
        title=definition.title.strip(),
        notebook=notebook,
        parameters=dict(definition.parameters),
        formats=parse_formats(definition.formats, where=f"file {path}"),
        source=path,
        kernel_preload=definition.kernel_preload,
        sections=definition.sections,
    )


def parse_formats(value: str | list[str] | tuple[str, ...], *, where: str = "--format") -> tuple:
    """``"html,pdf"`` or a list -> a tuple of known formats in canonical order."""
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = {str(item).strip().lower() for item in items if str(item).strip()}
    unknown = sorted(chosen - set(KNOWN_FORMATS))
    if unknown or not chosen:
        raise ParameterError(
            f"{where}: unknown format {', '.join(unknown) or '(none)'}; "
            f"expected one or more of {', '.join(KNOWN_FORMATS)}"
        )
    return tuple(fmt for fmt in KNOWN_FORMATS if fmt in chosen)


def parse_cli_parameters(pairs: list[str] | None) -> dict[str, Any]:
    """``["name=value", ...]`` -> dict; numbers and true/false are parsed, text kept verbatim."""
    parsed: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ParameterError(f"-p {pair!r}: expected name=value with a Python identifier name")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if isinstance(value, str) or not isinstance(value, (int, float, bool)):
            value = raw  # text is kept exactly as typed (YAML would fold newlines)
        parsed[name] = value
    return parsed


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters cell of a notebook, in the shape ``papermill.inspect_notebook`` returns.

    ``{name: {"name", "inferred_type_name", "default", "help"}}`` for each top-level assignment
    of the cell tagged ``parameters``. Read with ``json`` and ``ast`` rather than papermill: the
    same answer without importing nbformat/jsonschema (seconds), which keeps a no-change
    rebuild fast. Read once per version of the file (a build checks every area's parameters).
    """
    path = Path(notebook)
    try:
        stat = path.stat()
    except OSError as error:
        raise ParameterError(f"notebook {notebook}: cannot be read as JSON: {error}") from error
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _DECLARED:
        _DECLARED[key] = _read_parameters(path)
    return copy.deepcopy(_DECLARED[key])


_DECLARED: dict[tuple[str, int, int], dict[str, dict[str, Any]]] = {}


def _read_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """:func:`notebook_parameters` of the file as it is now."""
    try:
        document = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParameterError(f"notebook {notebook}: cannot be read as JSON: {error}") from error
    cells = [cell for cell in document.get("cells", []) if cell.get("cell_type") == "code"
             and "parameters" in (cell.get("metadata", {}).get("tags") or [])]
    if not cells:
        raise ParameterError(f"notebook {notebook}: no code cell is tagged 'parameters'")
    source = cells[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ParameterError(
            f"notebook {notebook}: parameters cell line {error.lineno}: {error.msg}"
        ) from error
    declared: dict[str, dict[str, Any]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, annotation = node.targets[0], None
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, annotation = node.target, node.annotation
        else:
            continue
        if isinstance(target, ast.Name):
            declared[target.id] = {
                "name": target.id,
                "inferred_type_name": ast.get_source_segment(source, annotation) if annotation
                else "None",
                "default": ast.get_source_segment(source, node.value),
                "help": "",
            }
    return declared


def expected_type(spec: dict[str, Any]) -> type | None:
    """The Python type of a notebook parameter: its annotation, else the type of its default."""
    names = {"int": int, "float": float, "str": str, "bool": bool}
    annotated = names.get(str(spec.get("inferred_type_name", "")).strip())
    if annotated is not None:
        return annotated
    try:
        default = ast.literal_eval(str(spec.get("default", "")))
    except (ValueError, SyntaxError):
        return None
    if default is None:
        return None
    return type(default) if type(default) in (int, float, str, bool) else None


def check_string_safe(name: str, value: str) -> None:
    """Reject strings that carry quotes, backslashes, newlines, control characters or code."""
    if _UNSAFE_CHARS.search(value) or not _SAFE_STRING.fullmatch(value):
        raise ParameterError(
            f"parameter {name!r}: value {value!r} is not allowed: text parameters may hold "
            "letters, digits, spaces and - . , / & ( ) + : @ % only (no quotes, semicolons, "
            "backslashes or newlines)"
        )


def check_value(name: str, value: Any, wanted: type | None) -> Any:
    """Check one value against the expected type; ints are accepted (and converted) for floats."""
    if wanted is None:
        if isinstance(value, str):
            check_string_safe(name, value)
        elif not isinstance(value, (int, float, bool)):
            raise ParameterError(
                f"parameter {name!r}: expected a number, true/false or text, got "
                f"{type(value).__name__}"
            )
        return value
    if wanted is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if wanted is not bool and isinstance(value, bool) or not isinstance(value, wanted):
        raise ParameterError(
            f"parameter {name!r}: expected {wanted.__name__}, got {value!r} "
            f"({type(value).__name__})"
        )
    if isinstance(value, str):
        check_string_safe(name, value)
    return value


def validate_parameters(notebook: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """Check names and types against the notebook's parameters cell; return the checked values."""
    declared = notebook_parameters(notebook)
    checked: dict[str, Any] = {}
    for name in sorted(parameters):
        if name not in declared:
            raise ParameterError(
                f"parameter {name!r} is not a parameter of {notebook.name}; valid parameters: "
                f"{', '.join(sorted(declared)) or 'none'}"
            )
        checked[name] = check_value(name, parameters[name], expected_type(declared[name]))
    if "as_at" in checked:  # the data vintage: "" or "YYYY-MM", checked before any kernel
        from stp_analytics.metrics.vintage import parse_as_at

        parse_as_at(checked["as_at"])
    return checked


def check_output_dir(out_dir: str | Path, *, allow_outside: bool = False) -> Path:
    """Resolve the output folder; refuse one that escapes the project with ``..`` unless allowed."""
    raw = Path(out_dir)
    resolved = raw.expanduser().resolve()
    root = paths.project_root()
    inside = resolved == root or root in resolved.parents
    if ".." in raw.parts and not inside and not allow_outside:
        raise ParameterError(
            f"--out {str(out_dir)!r} resolves to {resolved}, outside the project {root}; "
            "pass --allow-outside to write there"
        )
    if resolved == root or resolved in root.parents:
        raise ParameterError(f"--out {str(out_dir)!r}: refusing to write into {resolved} itself")
    return resolved
