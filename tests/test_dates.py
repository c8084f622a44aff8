"""dates.parse_datetime: every form editors write -> an aware datetime, or a message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from alwaght_ssg.dates import EXPECTED, from_epoch, parse_datetime

TEHRAN = ZoneInfo("Asia/Tehran")  # +03:30, no daylight saving since 2022
PLUS_3 = timezone(timedelta(hours=3))
MINUS_4 = timezone(timedelta(hours=-4))


def _aware(value: object) -> datetime:
    parsed = parse_datetime(value, TEHRAN)
    assert isinstance(parsed, datetime), parsed
    assert parsed.tzinfo is not None
    return parsed


def test_date_object_is_start_of_day_in_site_zone() -> None:
    parsed = _aware(date(2026, 4, 21))
    assert parsed == datetime(2026, 4, 21, 0, 0, tzinfo=TEHRAN)
    assert parsed.utcoffset() == timedelta(hours=3, minutes=30)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 20, 20, 30, tzinfo=UTC)


def test_naive_datetime_takes_site_zone() -> None:
    parsed = _aware(datetime(2026, 4, 21, 9, 30))
    assert (parsed.hour, parsed.minute) == (9, 30)
    assert parsed.tzinfo is TEHRAN
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 6, 0, tzinfo=UTC)


def test_aware_datetime_is_kept_as_is() -> None:
    value = datetime(2026, 4, 21, 9, 30, tzinfo=PLUS_3)
    parsed = _aware(value)
    assert parsed == value
    assert parsed.utcoffset() == timedelta(hours=3)


def test_aware_utc_datetime_keeps_its_zone() -> None:
    value = datetime(2026, 4, 21, 9, 30, tzinfo=UTC)
    parsed = _aware(value)
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 9, 30, tzinfo=UTC)


def test_date_string() -> None:
    parsed = _aware("2026-04-21")
    assert parsed == datetime(2026, 4, 21, 0, 0, tzinfo=TEHRAN)
    assert parsed.utcoffset() == timedelta(hours=3, minutes=30)


def test_date_and_minutes_string_is_in_site_zone() -> None:
    parsed = _aware("2026-04-21 09:30")
    assert parsed.replace(tzinfo=None) == datetime(2026, 4, 21, 9, 30)
    assert parsed.utcoffset() == timedelta(hours=3, minutes=30)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 6, 0, tzinfo=UTC)


def test_iso_string_with_offset_keeps_offset() -> None:
    parsed = _aware("2026-04-21T09:30:00+03:00")
    assert parsed.replace(tzinfo=None) == datetime(2026, 4, 21, 9, 30)
    assert parsed.utcoffset() == timedelta(hours=3)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 6, 30, tzinfo=UTC)


def test_space_and_four_digit_offset() -> None:
    parsed = _aware("2012-02-22 12:28:21 -0400")
    assert parsed.replace(tzinfo=None) == datetime(2012, 2, 22, 12, 28, 21)
    assert parsed.utcoffset() == timedelta(hours=-4)
    assert parsed.astimezone(UTC) == datetime(2012, 2, 22, 16, 28, 21, tzinfo=UTC)


def test_glued_two_digit_offset() -> None:
    parsed = _aware("2012-02-22 12:28:21-04")
    assert parsed == datetime(2012, 2, 22, 12, 28, 21, tzinfo=MINUS_4)
    assert parsed.utcoffset() == timedelta(hours=-4)


def test_offset_with_minutes_after_space() -> None:
    parsed = _aware("2026-04-21 09:30 +0330")
    assert parsed.utcoffset() == timedelta(hours=3, minutes=30)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-04-21T09:30:00Z", "2026-04-21 09:30Z", "2026-04-21 09:30:00 Z"])
def test_zulu_is_utc(text: str) -> None:
    parsed = _aware(text)
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.astimezone(UTC) == datetime(2026, 4, 21, 9, 30, tzinfo=UTC)


def test_fractional_seconds_with_zulu() -> None:
    parsed = _aware("2026-04-21T09:30:00.5Z")
    assert parsed.microsecond == 500000
    assert parsed.utcoffset() == timedelta(0)


def test_surrounding_spaces_are_ignored() -> None:
    assert _aware("  2026-04-21 09:30  ") == _aware("2026-04-21 09:30")


def test_naive_value_uses_the_zone_it_is_given() -> None:
    in_tehran = parse_datetime("2026-04-21 09:30", TEHRAN)
    in_utc = parse_datetime("2026-04-21 09:30", UTC)
    assert isinstance(in_tehran, datetime) and isinstance(in_utc, datetime)
    assert in_utc - in_tehran == timedelta(hours=3, minutes=30)


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2026-13-01", "2026-04-31", "21/04/2026", "2026-04-21 25:00", "2026-04-21 9h30", ""],
)
def test_bad_string_returns_message_quoting_value(value: str) -> None:
    message = parse_datetime(value, TEHRAN)
    assert isinstance(message, str)
    assert f'"{value}"' in message
    assert EXPECTED in message


@pytest.mark.parametrize("value", [20260421, 3.5, True, None, ["2026-04-21"]])
def test_non_text_returns_message_quoting_value(value: object) -> None:
    message = parse_datetime(value, TEHRAN)
    assert isinstance(message, str)
    assert str(value) in message
    assert "is not a date" in message
    assert EXPECTED in message


def test_from_epoch_is_utc() -> None:
    assert from_epoch(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_epoch(1_800_000_000).utcoffset() == timedelta(0)
