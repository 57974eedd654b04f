"""Formatting for screens: times in Vietnam time (UTC+7, no daylight saving), durations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TIME = timezone(timedelta(hours=7), "ICT")


def clock_time(moment: datetime) -> str:
    return moment.astimezone(VN_TIME).strftime("%H:%M:%S")


def date_time(moment: datetime | str) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(VN_TIME).strftime("%d/%m/%Y %H:%M")


def duration(seconds: int) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
