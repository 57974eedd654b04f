"""Zip files from outside (QTI packages, XLSX workbooks)."""

from __future__ import annotations

import functools
import io


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


@functools.lru_cache(maxsize=1)
def member_names(data: bytes) -> frozenset[str]:
    """The names in a zip (empty when it is none), for telling packages from workbooks."""
    import zipfile

    if not is_zip(data):
        return frozenset()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return frozenset(zf.namelist())
    except zipfile.BadZipFile:
        return frozenset()
