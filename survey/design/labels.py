"""Names shown for the codes of the workspace, in the reader's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext, ngettext

from analysis.i18n import audience_name as analysis_audience_name

from ..auth.permissions import reads_every_group
from ..models.response import MODES
from ..templating import locale_code


def role_name(role: str) -> str:
    return {"researcher": gettext("Researcher"), "evaluator": gettext("Evaluator"),
            "partner": gettext("Community partner"),
            "navigator": gettext("Navigator")}.get(role, role)


def site_kind_name(kind: str) -> str:
    return {"clinic": gettext("Clinic"), "cooperative": gettext("Cooperative"),
            "community_organisation": gettext("Community organisation"),
            "neighbourhood": gettext("Neighbourhood"), "other": gettext("Other")}.get(kind, kind)


def mode_name(mode: str) -> str:
    """How a response was collected, in the reader's language."""
    return {"self": gettext("By the person alone"), "assisted": gettext("With a navigator"),
            "paper": gettext("Paper copy entered")}.get(mode, mode)


def collection_modes() -> list[tuple[str, str]]:
    """The collection modes a results filter offers, with their names."""
    return [(mode, mode_name(mode)) for mode in MODES]


def audience_name(audience: str) -> str:
    """An audience's name in the reader's language (:data:`analysis.i18n.AUDIENCE_NAMES`)."""
    return analysis_audience_name(audience, locale_code())


def status_name(status: str) -> str:
    return {"open": gettext("Open"), "closed": gettext("Closed")}.get(status, status)


def design_error(reason: str) -> str:
    return {
        "name-required": gettext("A name is required."),
        "name-taken": gettext("This name is already used here."),
        "code-taken": gettext("This code is already used in this evaluation."),
        "invalid-email": gettext("This email address is not valid."),
        "invalid-kind": gettext("Choose a kind of site from the list."),
        "invalid-wave-code": gettext("A wave code is 1 to 16 letters, digits, - or _ (T0, T1...)."),
        "dates-reversed": gettext("The end date is before the start date."),
        "roster-too-long": gettext("A roster has at most 500 entries."),
        "roster-duplicate": gettext("A name or a code appears twice in the roster."),
        "campaign-team-in-use": gettext("This campaign has responses that name its team's "
                                        "members: its team cannot be changed. Create a new "
                                        "campaign for the other team."),
        "invalid-audience": gettext("Choose an audience from the list."),
        "foreign-part": gettext("This site, wave or team belongs to another evaluation."),
        "invalid-status": gettext("Unknown status."),
        "site-in-use": gettext("This site has campaigns: it cannot be deleted. Close its "
                               "campaigns instead."),
        "wave-in-use": gettext("This wave has campaigns: it cannot be deleted. Close its "
                               "campaigns instead."),
        "team-in-use": gettext("This team has campaigns: it cannot be deleted."),
        "campaign-in-use": gettext("This campaign has responses or invitations: it cannot be "
                                   "deleted, so that no answer is lost. Close it instead."),
        "invalid-time-zone": gettext("Choose a time zone from the list (America/Toronto, "
                                     "Europe/Paris...)."),
        "invalid-mode": gettext("Choose how panel codes are made from the list."),
        "invalid-questions": gettext("Choose at least four of the questions."),
        "panel-locked": gettext("Responses already carry panel codes: changing how they are "
                                "made would stop the next waves from matching them."),
        "series-need-codes": gettext("This evaluation has a follow-up series: its steps are "
                                     "linked by panel code, which cannot be turned off."),
    }.get(reason, gettext("This change was refused."))


def panel_mode_name(mode: str) -> str:
    return {"off": gettext("Off: waves are not linked"),
            "invitation": gettext("Carried by invitations: each contact keeps one code across "
                                  "waves"),
            "self": gettext("Self-generated: participants answer a few questions at each "
                            "wave")}.get(mode, mode)


def count_shown(count: int) -> str:
    """A count as the reader may see it: partners see "< 5" under the privacy threshold."""
    threshold = int(current_app.config["MIN_GROUP_SIZE"])
    if not reads_every_group() and count < threshold:
        return f"< {threshold}"
    return str(count)


def responses_shown(count: int) -> str:
    """How many responses a chart rests on, in words: "n = 1 response", "n = 12 responses",
    or, for a partner under the privacy threshold, "fewer than 5 responses"."""
    threshold = int(current_app.config["MIN_GROUP_SIZE"])
    if not reads_every_group() and count < threshold:
        return ngettext("fewer than %(num)s response", "fewer than %(num)s responses", threshold)
    return ngettext("n = %(num)s response", "n = %(num)s responses", count)


def design_refusal(refused: Exception) -> str:
    """A service's refusal (its reason code) in the reader's words."""
    return design_error(str(refused))


HELPERS = {"role_name": role_name, "site_kind_name": site_kind_name,
           "audience_name": audience_name, "status_name": status_name,
           "count_shown": count_shown, "responses_shown": responses_shown,
           "panel_mode_name": panel_mode_name, "mode_name": mode_name,
           "collection_modes": collection_modes}
