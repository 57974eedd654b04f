"""Typed settings; every one can be overridden from the environment (DSAT_DB, DSAT_LANG)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DSAT_", extra="ignore")

    db: Path = Path("results") / "dsat.db"
    lang: Literal["vi", "en"] = "vi"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with non-None command-line values on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
