"""Formatting for screens: times in Vietnam time (UTC+7, no daylight saving), durations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

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


def level_words(fw: Any, band: str, sure: float | None, enough: bool, lang: str) -> str:
    """A level with how sure it is, in plain words ("Intermediate (92% sure)")."""
    from dsat.i18n import t

    name = fw.band(band).name.get(lang)
    if not enough:
        return t("level.not_enough", lang)
    if sure is None:
        return name
    return t("level.sure_short", lang, level=name, percent=round(100 * sure))
