"""Dates as editors write them -> timezone-aware datetimes.

Input: a front-matter value (PyYAML may already have made it a `date` or a
`datetime`, or left it a string, e.g. `2012-02-22 12:28:21 -0400`) and the
site's timezone. Output: an aware `datetime`, or an error message saying
what form is expected. Naive values are in the site's timezone; a date
without a time is the start of that day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

EXPECTED = "expected YYYY-MM-DD or YYYY-MM-DD HH:MM, optionally with a zone like +03:00"

# "12:28:21 -0400", "12:28-04", "12:28:21Z": an offset after a time, with or
# without a space and a colon; fromisoformat wants "+HH:MM" glued to the time.
_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:([+-])(\d{2}):?(\d{2})?|(Z))$")


def parse_datetime(value: object, tz: tzinfo) -> datetime | str:
    """The aware datetime for `value`, or a message explaining why it is not one."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if not isinstance(value, str):
        return f"'{value}' is not a date; {EXPECTED}"
    text = value.strip()
    normal = _OFFSET.sub(_glue_offset, text)
    try:
        if len(normal) == 10:
            return datetime.combine(date.fromisoformat(normal), time(), tzinfo=tz)
        parsed = datetime.fromisoformat(normal)
    except ValueError:
        return f'not a date: "{value}"; {EXPECTED}'
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _glue_offset(match: re.Match[str]) -> str:
    clock, sign, hours, minutes, zulu = match.groups()
    if zulu:
        return f"{clock}+00:00"
    return f"{clock}{sign}{hours}:{minutes or '00'}"


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
