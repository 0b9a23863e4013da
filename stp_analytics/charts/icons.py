"""Making Data Count variation and assurance icons drawn as vector symbols (no image files).

Each icon is a circle with a letter in the Making Data Count colour, plus a caption in words, so
the meaning survives grey-scale printing. Variation: the last point's type (common cause, or
special cause improvement / concern / neutral, high "H" or low "L"). Assurance: "P" target
consistently passed, "F" consistently failed, "?" inconsistent (reference/methods/README.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stp_analytics.charts.style import Palette

if TYPE_CHECKING:
    from matplotlib.axes import Axes

VARIATION_CAPTIONS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "special_cause_improvement": "Special cause variation: improvement",
    "special_cause_concern": "Special cause variation: concern",
    "special_cause_neutral_high": "Special cause variation (neutral), high",
    "special_cause_neutral_low": "Special cause variation (neutral), low",
}
ASSURANCE_CAPTIONS: dict[str, str] = {
    "consistent_pass": "Target consistently met (pass)",
    "consistent_fail": "Target consistently missed (fail)",
    "inconsistent": "Target may or may not be met (inconsistent)",
}


def variation_symbol(point_type: str, side: str) -> tuple[str, str]:
    """(letter, caption) of a variation icon; side is "high" or "low" for special causes."""
    caption = VARIATION_CAPTIONS.get(point_type, VARIATION_CAPTIONS["common_cause"])
    if point_type == "common_cause" or point_type not in VARIATION_CAPTIONS:
        return "~", caption
    letter = "H" if side == "high" else "L"
    if "neutral" not in point_type:
        caption = f"{caption}, {side}"
    return letter, caption


def assurance_symbol(assurance: str | None) -> tuple[str, str]:
    """(letter, caption) of an assurance icon."""
    if assurance is None:
        return "", "No target: no assurance icon"
    letters = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}
    return letters.get(assurance, "?"), ASSURANCE_CAPTIONS.get(assurance, str(assurance))


def assurance_colour(assurance: str | None, palette: Palette) -> str:
    """Making Data Count colour of an assurance state."""
    return {"consistent_pass": palette.spc_improvement,
            "consistent_fail": palette.spc_concern}.get(str(assurance), palette.spc_common_cause)


def draw_icon(ax: Axes, centre: tuple[float, float], letter: str, colour: str, caption: str,
              *, gid: str, radius: float = 0.3) -> None:
    """A ring with a letter and a caption under it, in data units of an equal-aspect axes."""
    from matplotlib.patches import Circle

    x, y = centre
    ax.add_patch(Circle(centre, radius, facecolor="white", edgecolor=colour, linewidth=2.2,
                        gid=gid))
    if letter:
        ax.text(x, y, letter, ha="center", va="center", fontsize=12, fontweight="bold",
                color=colour, gid=f"{gid}-letter")
    ax.text(x, y - radius - 0.06, _wrap(caption), ha="center", va="top", fontsize=6,
            color="#231F20", gid=f"{gid}-caption")


def _wrap(text: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, 20))
