"""Typed settings; each can be overridden from the environment (DSAT_DB, DSAT_LANG,
DSAT_GRACE_SECONDS, DSAT_REMEMBER_LAST).

Settings are read before the app's first frame, so this module imports no pydantic: on the
machines measured, importing pydantic alone took about 170 ms, most of the difference
between dsat's start and a bare Textual app's. The two values are checked here by hand,
with the same kind of one-line error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

ENV_PREFIX = "DSAT_"
LANGS = ("vi", "en")


class SettingsError(ValueError):
    """A setting with a value it cannot take; the message names where it came from."""


@dataclass(frozen=True)
class Settings:
    db: Path = Path("results") / "dsat.db"
    lang: Literal["vi", "en"] = "vi"
    grace_seconds: int = 0  # after the time limit: may submit, may not change answers
    remember_last: bool = False  # fill the sign-in form with this machine's last candidate


def load_settings(**overrides: object) -> Settings:
    """Defaults, then DSAT_* environment variables, then non-None command-line values."""
    values: dict[str, object] = {}
    source: dict[str, str] = {}
    for name in ("db", "lang", "grace_seconds", "remember_last"):
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env:
            values[name], source[name] = env, ENV_PREFIX + name.upper()
    for name, value in overrides.items():
        if value is not None:
            values[name], source[name] = value, f"--{name}"
    lang = str(values.get("lang", Settings.lang))
    if lang not in LANGS:
        raise SettingsError(f"{source['lang']}: must be 'vi' or 'en', not {lang!r}")
    db = values.get("db", Settings.db)
    if not str(db).strip():
        raise SettingsError(f"{source['db']}: must be a file path")
    raw_grace = str(values.get("grace_seconds", Settings.grace_seconds)).strip()
    if not raw_grace.isdigit() or int(raw_grace) > 3600:
        where = source.get("grace_seconds", "grace_seconds")
        raise SettingsError(f"{where}: must be a whole number of seconds, 0 to 3600")
    raw_remember = str(values.get("remember_last", "0")).strip().lower()
    if raw_remember not in ("0", "1", "false", "true", "no", "yes"):
        where = source.get("remember_last", "remember_last")
        raise SettingsError(f"{where}: must be 1 or 0")
    return Settings(
        db=Path(str(db)), lang=cast(Literal["vi", "en"], lang), grace_seconds=int(raw_grace),
        remember_last=raw_remember in ("1", "true", "yes"),
    )  # fmt: skip
