"""One palette and one matplotlib style for every stp-packs chart.

Colours follow ``reference/methods/README.md`` and ``fingertips/colours.csv``: Fingertips
significance, quintile and spine colours (fingertips-open, fingertipscharts), Making Data Count
SPC colours (NHSRplotthedots ``ptd_spc_colours``) and the NHS identity palette (NHS Blue #005EB8
for headings and neutral series). Callers override any colour with ``get_palette({...})`` or
``Palette().with_overrides(...)``. Because colour never carries meaning alone, the palette also
holds the marker shape and short text code of every category.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from stp_analytics.errors import ParameterError
from stp_analytics.schema import (
    COMPARISON_LABELS,  # noqa: F401 - re-exported
    SPC_POINT_TYPES,  # noqa: F401 - re-exported
)

STYLE_PATH: Path = Path(__file__).with_name("stp.mplstyle")

#: A4 portrait text width (17 cm) in inches: the widest a chart is drawn.
A4_WIDTH_IN: float = 6.7


def _default_markers() -> dict[str, str]:
    return {
        "Better": "^", "Similar": "o", "Worse": "v", "Higher": "s", "Lower": "D",
        "Not compared": "X",
    }


def _default_codes() -> dict[str, str]:
    return {
        "Better": "B", "Similar": "S", "Worse": "W", "Higher": "H", "Lower": "L",
        "Not compared": "-",
    }


def _default_spc_markers() -> dict[str, str]:
    return {
        "common_cause": "o",
        "special_cause_improvement": "^",
        "special_cause_concern": "v",
        "special_cause_neutral_high": "s",
        "special_cause_neutral_low": "D",
    }


@dataclass(frozen=True)
class Palette:
    """Every colour, marker and category code the charts use (hex strings)."""

    # NHS identity
    nhs_blue: str = "#005EB8"
    nhs_dark_blue: str = "#003087"
    nhs_light_blue: str = "#41B6E6"
    nhs_pale_blue: str = "#C8DDF2"
    nhs_dark_grey: str = "#425563"
    nhs_mid_grey: str = "#768692"
    nhs_pale_grey: str = "#E8EDEE"
    nhs_black: str = "#231F20"
    nhs_orange: str = "#ED8B00"
    nhs_dark_red: str = "#8A1538"
    # Fingertips significance against England
    better: str = "#92D050"
    similar: str = "#FFC000"
    worse: str = "#C00000"
    not_compared: str = "#C9C9C9"
    no_significance: str = "#A6A6A6"
    lower: str = "#5555E6"
    higher: str = "#BED2FF"
    quintiles: tuple[str, ...] = ("#DED3EC", "#BEA7DA", "#9E7CC8", "#7E50B6", "#5E25A4")
    # Fingertips spine chart
    spine_worst_to_25th: str = "#C9C9C9"
    spine_25th_to_75th: str = "#8B8B8B"
    spine_75th_to_best: str = "#C9C9C9"
    spine_england: str = "#8B0000"  # fingertipscharts "darkred"
    # Fingertips funnel limits
    funnel_95: str = "#444444"
    funnel_998: str = "#A8A8CC"
    # Making Data Count SPC
    spc_common_cause: str = "#A6A6A6"
    spc_improvement: str = "#00B0F0"
    spc_concern: str = "#E46C0A"
    spc_neutral: str = "#490092"
    spc_target: str = "#DE1B1B"
    spc_mean: str = "#000000"
    # non-colour carriers of meaning
    comparison_markers: Mapping[str, str] = field(default_factory=_default_markers)
    comparison_codes: Mapping[str, str] = field(default_factory=_default_codes)
    spc_markers: Mapping[str, str] = field(default_factory=_default_spc_markers)

    def comparison_colour(self, label: object) -> str:
        """Fingertips colour of a comparison label ("Better", "Similar", ...); grey if unknown."""
        colours = {
            "Better": self.better, "Similar": self.similar, "Worse": self.worse,
            "Higher": self.higher, "Lower": self.lower, "Not compared": self.not_compared,
        }
        return colours.get(str(label), self.not_compared)

    def comparison_marker(self, label: object) -> str:
        """Marker shape of a comparison label (so meaning survives grey-scale printing)."""
        return self.comparison_markers.get(str(label), self.comparison_markers["Not compared"])

    def comparison_code(self, label: object) -> str:
        """One-letter code of a comparison label for table cells."""
        return self.comparison_codes.get(str(label), self.comparison_codes["Not compared"])

    def spc_colour(self, point_type: object) -> str:
        """Making Data Count colour of an SPC point type."""
        text = str(point_type)
        if text.endswith("improvement"):
            return self.spc_improvement
        if text.endswith("concern"):
            return self.spc_concern
        if "neutral" in text:
            return self.spc_neutral
        return self.spc_common_cause

    def spc_marker(self, point_type: object) -> str:
        """Marker shape of an SPC point type (special causes get their own shapes)."""
        return self.spc_markers.get(str(point_type), self.spc_markers["common_cause"])

    def with_overrides(self, **colours: object) -> Palette:
        """A copy with some fields replaced; unknown names raise ParameterError."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(colours) - known)
        if unknown:
            raise ParameterError(
                f"palette: unknown colour name(s) {unknown}; expected some of {sorted(known)}"
            )
        return dataclasses.replace(self, **colours)


DEFAULT_PALETTE = Palette()


def get_palette(palette: Palette | Mapping[str, object] | None = None) -> Palette:
    """The palette to draw with: the default, a given Palette, or the default with overrides."""
    if palette is None:
        return DEFAULT_PALETTE
    if isinstance(palette, Palette):
        return palette
    if isinstance(palette, Mapping):
        return DEFAULT_PALETTE.with_overrides(**palette)
    raise ParameterError(
        f"palette: expected a Palette, a mapping of colour overrides or None, "
        f"got {type(palette).__name__}"
    )


def style_context() -> AbstractContextManager:
    """A context in which matplotlib uses the stp-packs style file (fonts, sizes, hash salt)."""
    import matplotlib

    return matplotlib.rc_context(fname=str(STYLE_PATH))
