"""Message catalogues. Every user-facing string is looked up here by key."""

from __future__ import annotations

from typing import Any

from dsat.i18n.en import MESSAGES as EN
from dsat.i18n.vi import MESSAGES as VI

CATALOGUES: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


def t(key: str, lang: str = "vi", /, **params: Any) -> str:
    """The message `key` in `lang` (falling back to English, then the key), formatted."""
    text = CATALOGUES.get(lang, EN).get(key) or EN.get(key) or key
    return text.format(**params) if params else text


def other(lang: str) -> str:
    return "en" if lang == "vi" else "vi"
