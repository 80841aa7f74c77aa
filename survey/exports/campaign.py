"""Where a response's evaluation, site, wave, team and panel code come from.

Campaigns (evaluation x site x wave, rosters, panel codes) are not built yet: until they are,
these columns are empty. This is the one place to point at the campaign of a response; the rest
of the exports only calls :class:`CampaignContext`.
"""

from __future__ import annotations

from typing import Any

CONTEXT_COLUMNS = ("evaluation", "site", "wave", "team", "panel_code")
EMPTY = ("", "", "", "", "")


class CampaignContext:
    """Per export: the campaign columns of each response (loaded once, looked up per row)."""

    def __init__(self, panel_codes: bool = False) -> None:
        # Panel codes link a person's answers across waves: only for roles allowed row-level
        # data. Without campaigns there are none to give yet.
        self.panel_codes = panel_codes

    def __call__(self, row: Any) -> tuple[str, str, str, str, str]:
        """evaluation, site, wave, team, panel code of one response row."""
        return EMPTY
