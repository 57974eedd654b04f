"""Typed settings; each can be overridden from the environment (DSAT_DB, DSAT_LANG).

A plain pydantic model reading the environment itself: pydantic-settings did the same for
two values but added about 150 ms to every start of the app.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

ENV_PREFIX = "DSAT_"


class SettingsError(ValueError):
    """A setting with a value it cannot take; the message names the variable."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    db: Path = Path("results") / "dsat.db"
    lang: Literal["vi", "en"] = "vi"


def load_settings(**overrides: object) -> Settings:
    """Defaults, then DSAT_* environment variables, then non-None command-line values."""
    values: dict[str, object] = {}
    source: dict[str, str] = {}
    for name in Settings.model_fields:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env:
            values[name], source[name] = env, ENV_PREFIX + name.upper()
    for name, value in overrides.items():
        if value is not None:
            values[name], source[name] = value, f"--{name}"
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = str(err["loc"][0])
        raise SettingsError(f"{source.get(name, name)}: {err['msg']}") from None
