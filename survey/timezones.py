"""Time zones: the database keeps UTC; people read and type times in their evaluation's zone.

The instance's zone is ``SURVEY_TIME_ZONE`` (``America/Toronto``); an evaluation may set its own
(``Evaluation.time_zone``, empty for the instance's). Every date and time the research team
reads on the invitation, mailing, outbox and monitoring pages goes through :func:`format_local`,
which names the zone.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app

if TYPE_CHECKING:
    from .models import Evaluation

DEFAULT_TIME_ZONE = "America/Toronto"
#: Offered first on the evaluation form (Quebec, the rest of Canada, France and its regions
#: overseas); any IANA name is accepted.
COMMON_ZONES = (
    "America/Toronto", "America/Halifax", "America/St_Johns", "America/Winnipeg",
    "America/Regina", "America/Edmonton", "America/Vancouver", "Europe/Paris",
    "America/Guadeloupe", "America/Martinique", "America/Cayenne", "America/Miquelon",
    "Indian/Reunion", "Indian/Mayotte", "Pacific/Noumea", "Pacific/Tahiti", "UTC")


def is_zone(name: object) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (hostile input welcome)."""
    if not isinstance(name, str) or not name or len(name) > 64 or name != name.strip():
        return False
    if name not in _known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _known_zones() -> frozenset[str]:
    """The machine's zones, read once per process (``available_timezones`` walks the disk)."""
    return frozenset(available_timezones())


def check_setting(name: object) -> str:
    """The instance's zone setting, refused at start-up when it is not a time zone."""
    if not is_zone(name):
        raise ValueError(f"SURVEY_TIME_ZONE={name!r} is not a time zone (e.g. {DEFAULT_TIME_ZONE})")
    return str(name)


def instance_zone() -> ZoneInfo:
    return ZoneInfo(str(current_app.config.get("TIME_ZONE") or DEFAULT_TIME_ZONE))


def zone_of(evaluation: Evaluation | None) -> ZoneInfo:
    """The evaluation's zone, else the instance's."""
    name = evaluation.time_zone if evaluation is not None else None
    return ZoneInfo(name) if name and is_zone(name) else instance_zone()


def to_utc(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time typed in ``zone`` (naive) as a UTC instant. A time skipped by a
    daylight-saving change is read with the offset before the change (as clocks show it)."""
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def to_local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone)


MINUTES = "minutes"  # the date (medium) and the time to the minute: what schedules need


def format_local(moment: dt.datetime | None, zone: ZoneInfo, format: str = MINUTES,
                 named: bool = True) -> str:
    """``moment`` in the reader's language, in ``zone``, followed by the zone's name;
    ``format``: :data:`MINUTES`, or one of Flask-Babel's (``medium``: with the seconds)."""
    from flask_babel import format_date, format_datetime, format_time, get_locale

    if moment is None:
        return ""
    local = to_local(moment, zone)
    if format == MINUTES:
        shown = get_locale().datetime_formats["medium"].format(
            format_time(local, "short", rebase=False), format_date(local, "medium",
                                                                   rebase=False))
    else:
        shown = format_datetime(local, format, rebase=False)
    return f"{shown} ({zone.key})" if named else shown


def local_input(moment: dt.datetime, zone: ZoneInfo) -> str:
    """The value of a ``datetime-local`` input showing ``moment`` in ``zone``."""
    return to_local(moment, zone).strftime("%Y-%m-%dT%H:%M")


def local_time(moment: dt.datetime | None, evaluation: Evaluation | None = None,
               format: str = MINUTES, named: bool = True) -> str:
    """For templates: ``moment`` in the evaluation's zone (the instance's without one)."""
    return format_local(moment, zone_of(evaluation), format, named)


def zone_name(evaluation: Evaluation | None = None) -> str:
    return zone_of(evaluation).key


TEMPLATE_HELPERS = {"local_time": local_time, "zone_name": zone_name,
                    "common_zones": COMMON_ZONES,
                    "instance_time_zone": lambda: instance_zone().key}
