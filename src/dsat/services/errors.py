"""Errors a use case raises for the user: a message key from the catalogue plus values.

`StoreError` (the database cannot be read or written) is re-exported here, so the command
line and the app catch it without importing the store.
"""

from __future__ import annotations

from typing import Any

from dsat.store.errors import ChainError, StoreBusy, StoreError, StoreFull, StoreReadOnly

__all__ = ["ChainError", "ServiceError", "StoreBusy", "StoreError", "StoreFull", "StoreReadOnly"]


class ServiceError(Exception):
    def __init__(self, code: str, **params: Any):
        self.code, self.params = code, params
        super().__init__(f"{code}: {params}" if params else code)

    def message(self, lang: str) -> str:
        from dsat.i18n import t

        return t(self.code, lang, **self.params)
