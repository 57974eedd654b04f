"""A format's entry in the registry, as data: see `registry.Format` for what each field is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.model import Exported, Native, ParseResult, SheetRows

if TYPE_CHECKING:
    from dsat.domain.items import Item


def _never(path: Path, data: bytes) -> bool:
    return False


def _no_estimate(data: bytes) -> int:
    return 0


@dataclass(frozen=True)
class Spec:
    """One format: what `registry.Format` asks for, given as values and functions."""

    name: str
    label: str
    suffixes: tuple[str, ...]
    searched: tuple[str, ...]
    detected: str
    reads: str
    read: Callable[[bytes], ParseResult | SheetRows | Native]
    write: Callable[[Sequence[Item]], Exported] | None = None
    writes: str | None = None
    cannot_hold: Mapping[str, str] = field(default_factory=dict)
    sniff: Callable[[Path, bytes], bool] = _never
    estimate: Callable[[bytes], int] = _no_estimate
    native: bool = False
    template: bool = False
    # native formats: all the bank files of a run read together, with the framework
    read_bank: Callable[[Sequence[Path], Any], Any] | None = None
