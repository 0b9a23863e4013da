"""YAML files checked against pydantic models, with errors that name file, line and key.

The project's YAML files (the catalogue, area sets, pack definitions) are described by pydantic
models. :func:`read_yaml` parses a file with PyYAML's safe loader and keeps the node tree, so
:func:`line_of` can say on which line a key sits; :func:`first_error` turns the first problem
pydantic found into one plain sentence ("missing required key 'name'", "polarity 'up' is not
allowed; expected one of: ...", "unknown key(s) polarty; allowed: ..."). Callers add the file
and entry, and raise their own error class.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import yaml

#: the part of a location a message names: mapping keys and list positions
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: the Python data and the node tree (for line numbers)."""

    path: Path
    data: Any
    node: yaml.Node | None

    def line(self, loc: Sequence[str | int]) -> int | None:
        """Line (1-based) of the key or item at ``loc``; the nearest enclosing one if absent."""
        return line_of(self.node, loc)


def read_yaml(path: Path, *, encoding: str = "utf-8") -> YamlDocument:
    """Parse ``path`` with the safe loader. Raises ``yaml.YAMLError`` or ``UnicodeDecodeError``."""
    loader = yaml.SafeLoader(path.read_text(encoding=encoding))
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, node=node)


def read_yaml_mapping(path: Path, error: type[Exception], *, label: str,
                      expected: str) -> YamlDocument:
    """:func:`read_yaml` of a file that must hold a mapping: invalid YAML or another document
    raises ``error("<label>: not valid YAML: ...")`` or ``error("<label>: expected <expected>")``.
    """
    try:
        document = read_yaml(path)
    except yaml.YAMLError as problem:
        raise error(f"{label}: not valid YAML: {problem}") from problem
    if not isinstance(document.data, dict):
        raise error(f"{label}: expected {expected}")
    return document


def yaml_error_text(error: yaml.YAMLError) -> tuple[str, str]:
    """``(" line L, column C", problem)`` of a YAML syntax error (position empty if unknown)."""
    mark = getattr(error, "problem_mark", None)
    where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return where, problem


def line_of(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The line of the deepest node on the path ``loc`` (keys of mappings, indexes of lists)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(step):
                    line, child = key.start_mark.line + 1, value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                child = node.value[step]
                line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line


# --------------------------------------------------------------------------- error sentences


def _key(loc: Location) -> str:
    """The last mapping key of a location (``target`` for ``(..., 'target', 'value')``)."""
    names = [str(step) for step in loc if isinstance(step, str)]
    return names[-1] if names else ""


def _shown(value: Any) -> str:
    return ", ".join(str(item) for item in value)


def _literal_choices(error: dict[str, Any]) -> str:
    """The allowed values of a Literal as written in the file (``a, b, c``)."""
    expected = str(error.get("ctx", {}).get("expected", ""))
    items = expected.replace(" or ", ", ").split(", ")
    return ", ".join(item.strip().strip("'") for item in items if item.strip())


def problem_text(error: dict[str, Any]) -> str:
    """One pydantic error as a sentence naming the key and what was expected."""
    loc: Location = tuple(error["loc"])
    key = _key(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return f"missing required key {key!r}"
    if kind == "literal_error":
        return f"{key} {value!r} is not allowed; expected one of: {_literal_choices(error)}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        wanted = "a number" if kind.startswith("float") else "a whole number"
        return f"{key} {value!r} is not {wanted}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{key or 'the document'}: expected a mapping, got {type(value).__name__}"
    if kind in ("list_type", "tuple_type"):
        return f"{key}: expected a list, got {type(value).__name__}"
    if kind == "string_type" and value is None:
        return f"missing required key {key!r}"
    if kind in ("string_type", "string_too_short"):
        return f"{key}: expected text, got {value!r}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{key}: expected true or false, got {value!r}"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "value_error":  # our validators word their message to follow the key
        return f"{key} {message}" if key else message
    return f"{key}: {message}" if key else message


def allowed_keys(model: type[pydantic.BaseModel], loc: Location) -> list[str]:
    """The keys the model allows at ``loc`` (its fields, by alias), for "unknown key" errors."""
    current: Any = model
    for step in loc:
        if _is_model(current):
            field = _aliases(current).get(str(step))
            if field is None:
                return []
            current = field.annotation
        else:  # a key of a dict[str, X] or a position in a list[X]: step into X
            current = _element(current)
    while current is not None and not _is_model(current):
        current = _element(current)
    return sorted(_aliases(current)) if current is not None else []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _aliases(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _element(annotation: Any) -> Any:
    """X of ``dict[str, X]``, ``list[X]``, ``tuple[X, ...]``, ``X | None``, ``Annotated[X, ..]``."""
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if not arguments:
        return None
    if origin is dict:
        return arguments[1]
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in arguments if a is not type(None)]
        return kept[0] if len(kept) == 1 else None
    return arguments[0]


def present_loc(data: Any, loc: Location) -> Location:
    """The longest start of ``loc`` that exists in ``data`` (keys of mappings, list indexes)."""
    kept: list[str | int] = []
    for step in loc:
        if isinstance(data, dict):
            match = [key for key in data if str(key) == str(step)]
            if not match:
                break
            data = data[match[0]]
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            break
        kept.append(step)
    return tuple(kept)


@dataclass(frozen=True)
class SchemaProblem:
    """The first problem in a document: where (location, line) and what."""

    loc: Location
    text: str
    line: int | None = None


def first_error(
    error: pydantic.ValidationError, model: type[pydantic.BaseModel],
    document: YamlDocument | None = None,
) -> SchemaProblem:
    """The problem to report: unknown keys first (all of one mapping together), else the first.

    The text of unknown keys lists the allowed ones: ``unknown key(s) a, b; allowed: c, d``.
    """
    errors = error.errors(include_url=False)
    extras = [e for e in errors if e["type"] == "extra_forbidden"]
    if extras:
        where = tuple(extras[0]["loc"][:-1])
        unknown = sorted(str(e["loc"][-1]) for e in extras if tuple(e["loc"][:-1]) == where)
        text = f"unknown key(s) {', '.join(unknown)}; allowed: {_shown(allowed_keys(model, where))}"
        loc = (*where, unknown[0])
    else:
        first = errors[0]
        loc = tuple(first["loc"])
        if document is not None and first["type"] != "missing":
            loc = present_loc(document.data, loc)  # drops union tags such as 'str'
        text = problem_text({**first, "loc": loc})
    line = document.line(loc) if document is not None else None
    return SchemaProblem(loc=loc, text=text, line=line)


def json_schema_text(model: type[pydantic.BaseModel], **extra: Any) -> str:
    """The model's JSON schema as text: keys sorted, two-space indent, newline at the end."""
    schema = {**model.model_json_schema(), **extra}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
