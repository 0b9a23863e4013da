"""The pointer a "data not supplied" notice gives: which official file fills the indicator.

The publication and its layout are data (``official_source:`` of the indicator in
``catalog.yml``), not text in code; this module only words them. An indicator whose official
file ``stp-packs inspect`` reads gets the two commands that add it; one with no readable layout
(CQC ratings) gets the catalogue's reason. :func:`set_aside_notes` gives the annex the rows of
official files set aside when the store was built (organisations in no area).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stp_analytics.content import narrative
from stp_analytics.data.catalog_entries import Indicator

if TYPE_CHECKING:
    from stp_analytics.content.pack_content import PackContext

#: the commands that turn a downloaded official file into catalogue entries and check them
INSPECT_COMMAND = "stp-packs inspect FILE --add my_catalog.yml"
VALIDATE_COMMAND = "stp-packs validate --catalog my_catalog.yml"


def fill_pointer(indicator: Indicator) -> str:
    """One sentence naming the official publication that fills ``indicator`` and how to add it
    ("" when the catalogue names none or the indicator has default data)."""
    official = indicator.official_source
    if official is None or indicator.has_data:
        return ""
    if official.layout:
        return (f"The official file that fills it is {official.publication}: download it, run "
                f"'{INSPECT_COMMAND}' (or paste the entries 'stp-packs inspect FILE' prints "
                f"into a copy of the catalogue), then '{VALIDATE_COMMAND}' and build with "
                f"'--catalog my_catalog.yml'")
    return f"The official source is {official.publication}, but {official.reason}"


def not_supplied_reason(indicator: Indicator) -> str:
    """"data not supplied", followed by the pointer when there is one."""
    pointer = fill_pointer(indicator)
    return f"{narrative.NOT_SUPPLIED}. {pointer}" if pointer else narrative.NOT_SUPPLIED


def set_aside_notes(pack: PackContext) -> list[str]:
    """One annex sentence per official source (``successor_codes: map``): rows set aside when
    the store was built, with the reasons (read from the counts kept beside the store)."""
    from stp_analytics import metrics

    official = sorted(source_id for source_id, source in pack.catalog.sources.items()
                      if source.options.get("successor_codes") == "map")
    if not official or not pack.store_path:
        return []
    counts = metrics.read_set_aside(pack.store_path)
    notes = []
    for source_id in official:
        rows = counts[counts["source"] == source_id]
        publisher = pack.catalog.sources[source_id].publisher
        if rows.empty:
            notes.append(f"{publisher}: no rows set aside when loaded.")
            continue
        reasons = "; ".join(f"{int(row.rows):,} for {row.reason} (e.g. {row.examples})"
                            for row in rows.itertuples())
        notes.append(f"{publisher}: {int(rows['rows'].sum()):,} rows set aside when loaded, "
                     f"counted in England but in no {pack.label}: {reasons}.")
    return notes
