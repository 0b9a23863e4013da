"""The finance model's assumptions: defaults, units, ranges and source sentences from one file.

``data_catalog/finance_assumptions.yml`` holds every default with the sentence it comes from.
:func:`default_assumptions` reads it into a validated, immutable :class:`FinanceAssumptions`;
:meth:`FinanceAssumptions.with_overrides` applies a dict (the notebook's parameters) or
``name=value`` text (``stp-packs finance -p``). Every bad value raises :class:`ParameterError`
naming the parameter, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from stp_analytics.errors import ParameterError
from stp_analytics.paths import data_catalog_dir

ASSUMPTIONS_FILE = "finance_assumptions.yml"
SPEC_KEYS = ("value", "unit", "label", "sensitivity", "source")


@dataclass(frozen=True)
class ParameterSpec:
    """One assumption's metadata: unit, label, range or choices, sensitivity step, source."""

    name: str
    default: object
    unit: str
    label: str
    source: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    sensitivity: float | None = None
    blank_means: str = ""  # how a blank (None) value is printed; "" = blank not allowed


@dataclass(frozen=True)
class FinanceAssumptions:
    """Every number the finance model uses that is not read from a data file (see the YAML)."""

    place_based_funding_2016_17: float
    place_based_funding_2020_21: float
    funding_growth_2016_17: float
    income_path: str
    stf_2016_17: float
    stf_2020_21: float
    provider_efficiency: float
    provider_share: float
    demand_moderation: float
    stf_share_received: float
    stf_sustainability: float | None
    other_local_savings: float
    non_demographic_growth: float
    ageing_uplift: float
    cost_inflation: float | None
    cost_inflation_2016_17: float
    cost_inflation_2017_18: float
    cost_inflation_2018_19: float
    cost_inflation_2019_20: float
    cost_inflation_2020_21: float
    population_growth: float | None
    baseline_provider_position: str
    provider_underlying_deficit: float
    psf_2018_19: float

    def with_overrides(self, overrides: Mapping[str, object] | None) -> FinanceAssumptions:
        """A copy with ``overrides`` applied (values may be text, as from ``-p name=value``)."""
        if not overrides:
            return self
        specs = assumption_specs()
        changes = {}
        for name, raw in overrides.items():
            if name not in specs:
                raise ParameterError(
                    f"unknown finance parameter {name!r}; expected one of "
                    f"{', '.join(sorted(specs))}"
                )
            changes[name] = validate_value(specs[name], raw)
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, object]:
        """name -> value, in declaration order."""
        return dataclasses.asdict(self)


def assumptions_path() -> Path:
    """Where the defaults live."""
    return data_catalog_dir() / ASSUMPTIONS_FILE


def _check_calibration(name: str, entry: dict, file: str) -> None:
    """A default that names a published figure (``calibration:``) must equal it."""
    key = entry.get("calibration")
    if not key:
        return
    from stp_analytics.finance.calibration import figure_value

    published = float(entry.get("calibration_sign", 1)) * figure_value(
        str(key), entry.get("calibration_year"))
    if not math.isclose(float(entry["value"]), published, rel_tol=1e-9, abs_tol=1e-12):
        raise ParameterError(
            f"{file}: parameter {name!r} default {entry['value']!r} differs from the published "
            f"figure {key!r} ({published:g}) it names"
        )


def _spec_from_yaml(name: str, entry: object, file: str) -> ParameterSpec:
    if not isinstance(entry, dict):
        raise ParameterError(f"{file}: parameter {name!r} must be a mapping with {SPEC_KEYS}")
    missing = [key for key in SPEC_KEYS if key not in entry]
    if missing:
        raise ParameterError(f"{file}: parameter {name!r} lacks {', '.join(missing)}")
    if not str(entry["source"] or "").strip():
        raise ParameterError(f"{file}: parameter {name!r} has no source sentence")
    choices = tuple(str(choice) for choice in entry.get("choices") or ())
    spec = ParameterSpec(
        name=name,
        default=entry["value"],
        unit=str(entry["unit"]),
        label=str(entry["label"]),
        source=" ".join(str(entry["source"]).split()),
        minimum=None if choices else float(entry["min"]),
        maximum=None if choices else float(entry["max"]),
        choices=choices,
        sensitivity=None if entry["sensitivity"] is None else float(entry["sensitivity"]),
        blank_means=str(entry.get("blank_means") or ""),
    )
    validate_value(spec, spec.default)
    _check_calibration(name, entry, file)
    return spec


@lru_cache(maxsize=4)
def _load_specs(path_text: str) -> dict[str, ParameterSpec]:
    path = Path(path_text)
    if not path.exists():
        raise ParameterError(f"finance assumptions file not found: {path}")
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ParameterError(f"{path.name}: expected a mapping of parameter name -> entry")
    fields = [field.name for field in dataclasses.fields(FinanceAssumptions)]
    unknown = sorted(set(data) - set(fields))
    missing = [name for name in fields if name not in data]
    if unknown or missing:
        raise ParameterError(
            f"{path.name}: parameters must be exactly {', '.join(fields)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    return {name: _spec_from_yaml(name, data[name], path.name) for name in fields}


def assumption_specs(path: Path | None = None) -> dict[str, ParameterSpec]:
    """name -> :class:`ParameterSpec` for every assumption, in model order."""
    return _load_specs(str(path or assumptions_path()))


def default_assumptions(path: Path | None = None) -> FinanceAssumptions:
    """The defaults from the YAML file, validated."""
    specs = assumption_specs(path)
    return FinanceAssumptions(**{name: spec.default for name, spec in specs.items()})


def _as_number(spec: ParameterSpec, raw: object) -> float | None:
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in {"", "none", "null"}):
        if spec.blank_means:
            return None
        raise ParameterError(f"parameter {spec.name!r} needs a number, got {raw!r}")
    if isinstance(raw, bool):
        raise ParameterError(f"parameter {spec.name!r} needs a number, got {raw!r}")
    try:
        number = float(raw.strip().rstrip("%")) / 100.0 if (
            isinstance(raw, str) and raw.strip().endswith("%")
        ) else float(raw)
    except (TypeError, ValueError):
        raise ParameterError(
            f"parameter {spec.name!r} needs a number ({spec.unit}), got {raw!r}"
        ) from None
    if not math.isfinite(number):
        raise ParameterError(f"parameter {spec.name!r} must be finite, got {raw!r}")
    return number


def validate_value(spec: ParameterSpec, raw: object) -> object:
    """``raw`` converted to the parameter's type and checked against its range or choices.

    Numbers may be given as text; "1.5%" means 0.015. A parameter with ``blank_means`` may be
    blank (``None``): ``population_growth`` (each area's own observed rate), ``cost_inflation``
    (the path by year).
    """
    if spec.choices:
        value = str(raw).strip() if raw is not None else ""
        if value not in spec.choices:
            raise ParameterError(
                f"parameter {spec.name!r} must be one of {', '.join(spec.choices)}, got {raw!r}"
            )
        return value
    number = _as_number(spec, raw)
    if number is None:
        return None
    if not spec.minimum <= number <= spec.maximum:
        raise ParameterError(
            f"parameter {spec.name!r} = {number:g} is outside its range "
            f"{spec.minimum:g} to {spec.maximum:g} ({spec.unit})"
        )
    return number


def resolve_assumptions(
    assumptions: FinanceAssumptions | Mapping[str, object] | None,
) -> FinanceAssumptions:
    """A :class:`FinanceAssumptions` from itself, from a dict of overrides, or the defaults."""
    if isinstance(assumptions, FinanceAssumptions):
        return assumptions
    if assumptions is not None and not isinstance(assumptions, Mapping):
        raise ParameterError(
            "finance assumptions must be a FinanceAssumptions or a dict of name -> value, "
            f"got {type(assumptions).__name__}"
        )
    return default_assumptions().with_overrides(assumptions)


def parse_parameter_pairs(pairs: Iterable[str] | None) -> dict[str, str]:
    """``["name=value", ...]`` (from ``-p``) -> dict; a pair without ``=`` is an error."""
    result: dict[str, str] = {}
    for pair in pairs or ():
        name, separator, value = str(pair).partition("=")
        if not separator or not name.strip():
            raise ParameterError(f"parameter {pair!r} must be written name=value")
        result[name.strip()] = value.strip()
    return result


def _trimmed(number: float) -> str:
    """A number with at most two decimals and no trailing zeros: 2.0 -> "2", 1.50 -> "1.5"."""
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_value(spec: ParameterSpec, value: object) -> str:
    """How a value is printed in the pack: percentages for rates, £bn as given, text as is."""
    if value is None:
        return spec.blank_means
    if spec.choices:
        return str(value)
    if spec.unit.startswith("fraction a year"):
        return f"{_trimmed(value * 100)}% a year"
    if spec.unit.startswith("fraction"):
        return f"{_trimmed(value * 100)}%"
    if spec.unit == "£bn":
        return f"£{_trimmed(value)}bn"
    return f"{value:g} {spec.unit}"


def assumptions_table(assumptions: FinanceAssumptions) -> pd.DataFrame:
    """DataFrame[name, label, value, display, unit, source, changed]: every assumption in use.

    ``changed`` is True where the value differs from the YAML default.
    """
    specs = assumption_specs()
    rows = []
    for name, value in assumptions.as_dict().items():
        spec = specs[name]
        rows.append(
            {
                "name": name,
                "label": spec.label,
                "value": value,
                "display": format_value(spec, value),
                "unit": spec.unit,
                "source": spec.source,
                "changed": value != spec.default,
            }
        )
    return pd.DataFrame(rows)
