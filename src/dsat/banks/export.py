"""Writing items out: native YAML, GIFT, an IMS QTI 2.1 package, XLSX and CSV.

Each format's writer lives with its reader in `dsat.banks.formats`. What a format cannot
say (competency, level, option ids, match rules, ...) travels in a comment that other tools
ignore (`// dsat: {json}` in GIFT, `<!-- dsat: {json} -->` in QTI; see
`convert.item_meta`), so that importing an export gives the same items back. Texts in two
languages are written with Moodle's multi-language markup (`{mlang vi}…{mlang}`) or, in
QTI, `xml:lang` spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dsat.banks.formats import dsatyaml, registry
from dsat.banks.formats.model import Exported

if TYPE_CHECKING:
    from dsat.domain.items import Item

__all__ = ["EXPORT_FORMATS", "SUFFIX", "Exported", "export", "item_dict", "to_yaml"]

EXPORT_FORMATS = tuple(registry.names(writable=True))
SUFFIX = {name: registry.get(name).suffixes[0] for name in EXPORT_FORMATS}


def export(items: Sequence[Item], fmt: str) -> Exported:
    """Items in format `fmt`; those of a type it cannot hold are named in `skipped`."""
    return registry.export(items, fmt)


def to_yaml(items: Sequence[Item]) -> str:
    return dsatyaml.to_yaml(items)


def item_dict(item: Item) -> dict[str, Any]:
    return dsatyaml.item_dict(item)
