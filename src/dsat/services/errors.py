"""Errors a use case raises for the user: a message key from the catalogue plus values."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    def __init__(self, code: str, **params: Any):
        self.code, self.params = code, params
        super().__init__(f"{code}: {params}" if params else code)

    def message(self, lang: str) -> str:
        from dsat.i18n import t

        return t(self.code, lang, **self.params)
