"""Zip files from outside (QTI content packages, XLSX workbooks), opened within limits.

Before anything is decompressed: the number of entries (from the zip's end record), each
member's declared size and compression ratio, encryption and compression method, and the
total a package may expand to. While reading: the actual size, so a member that lies about
its size is cut off. Damaged zips and unsupported methods are problems named with the
member, never an exception.
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsat.banks.formats.guard import MAX_RATIO, MAX_ZIP_ENTRIES, RATIO_FROM, size_text
from dsat.banks.formats.model import Problem

if TYPE_CHECKING:
    import zipfile

_METHODS = {0: "stored", 8: "deflate", 12: "bzip2", 14: "lzma"}  # what Python reads
_NAMES = {9: "deflate64", 99: "AES encryption", 93: "zstandard", 95: "xz", 98: "ppmd"}


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


class ZipRefused(Exception):
    """The zip cannot be read; `problem` says why and where."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def entry_count(data: bytes) -> int | None:
    """The number of entries the zip's end-of-central-directory record declares (None when
    there is no such record), read without building the directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count == 0xFFFF:  # ZIP64: the count is in the zip64 end record
        loc = end - 20
        if loc >= 0 and data[loc : loc + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", data, loc + 8)
            if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
                (count,) = struct.unpack_from("<Q", data, offset + 32)
    return count


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, or ZipRefused (too many entries, not a zip, damaged)."""
    import zipfile

    count = entry_count(data)
    if count is not None and count > MAX_ZIP_ENTRIES:
        raise ZipRefused(
            Problem(0, f"{count:,} files in the zip; at most {MAX_ZIP_ENTRIES:,} are read", "zip")
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ZipRefused(Problem(0, f"not a valid zip file ({exc})", "zip")) from None
    except Exception as exc:  # a damaged directory: zipfile raises several kinds
        if isinstance(exc, KeyboardInterrupt | MemoryError):
            raise
        raise ZipRefused(Problem(0, f"damaged zip file: {_reason(exc)}", "zip")) from None


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def member_problem(info: zipfile.ZipInfo, limit: int) -> Problem | None:
    """Why a member may not be read (encrypted, a method Python lacks, too large, a zip
    bomb's compression ratio), located at the member; None when it may."""
    name = info.filename
    if info.flag_bits & 0x1:
        return Problem(
            0, "the file is encrypted (has a password): save it without one", "zip", name
        )
    if info.compress_type not in _METHODS:
        method = _NAMES.get(info.compress_type, f"method {info.compress_type}")
        return Problem(
            0,
            f"compressed with {method}, which dsat cannot read: save it with ordinary "
            "(deflate) compression",
            "zip",
            name,
        )
    if info.file_size > limit:
        return Problem(
            0,
            f"{size_text(info.file_size)} uncompressed; at most {size_text(limit)} are read",
            "size",
            name,
        )
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(1, info.compress_size):
        ratio = info.file_size // max(1, info.compress_size)
        return Problem(
            0,
            f"compressed {ratio}:1 ({size_text(info.file_size)} from "
            f"{size_text(info.compress_size)}); more than {MAX_RATIO}:1 is refused as a zip bomb",
            "size",
            name,
        )
    return None


@dataclass
class Budget:
    """What one package may expand to in all, counted as members are read."""

    left: int


def read_member(zf: zipfile.ZipFile, name: str, limit: int, budget: Budget | None = None) -> bytes:
    """A member's bytes, or ZipRefused: checked before decompressing, and cut off at
    `limit` (and at what is left of `budget`) whatever the zip declares."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise ZipRefused(Problem(0, "no such file in the zip", "zip", name)) from None
    problem = member_problem(info, limit)
    if problem:
        raise ZipRefused(problem)
    if budget is not None and info.file_size > budget.left:
        raise ZipRefused(
            Problem(0, "the package expands to more than dsat reads from one package", "size", name)
        )
    cap = min(limit, budget.left) if budget is not None else limit
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except Exception as exc:  # damaged data: zlib.error, BadZipFile (CRC), EOFError, ...
        if isinstance(exc, KeyboardInterrupt | MemoryError):
            raise
        raise ZipRefused(Problem(0, f"damaged zip member: {_reason(exc)}", "zip", name)) from None
    if len(data) > cap:
        raise ZipRefused(
            Problem(0, f"more than {size_text(cap)} uncompressed; refused", "size", name)
        )
    if budget is not None:
        budget.left -= len(data)
    return data


def check_members(
    zf: zipfile.ZipFile, names: Iterable[str], limit: int, total: int
) -> list[Problem]:
    """Problems with members another library will read (XLSX parts for openpyxl)."""
    problems = []
    expanded = 0
    for name in names:
        info = zf.getinfo(name)
        problem = member_problem(info, limit)
        if problem:
            problems.append(problem)
        expanded += info.file_size
    if not problems and expanded > total:
        problems.append(
            Problem(
                0,
                f"expands to {size_text(expanded)}; at most {size_text(total)} are read",
                "size",
            )
        )
    return problems


@functools.lru_cache(maxsize=1)
def member_names(data: bytes) -> frozenset[str]:
    """The names in a zip (empty when it is none or cannot be opened), for telling
    packages from workbooks."""
    if not is_zip(data):
        return frozenset()
    try:
        with open_zip(data) as zf:
            return frozenset(zf.namelist())
    except ZipRefused:
        return frozenset()
