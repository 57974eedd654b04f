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
from typing import Any

from dsat.banks.formats.model import Exported

__all__ = ["EXPORT_FORMATS", "SUFFIX", "Exported", "export", "item_dict", "to_yaml"]

EXPORT_FORMATS = ("yaml", "gift", "qti", "xlsx", "csv")
SUFFIX = {"yaml": ".yaml", "gift": ".gift", "qti": ".zip", "xlsx": ".xlsx", "csv": ".csv"}


def export(items: Sequence[Any], fmt: str) -> Exported:
    if fmt == "yaml":
        return Exported(to_yaml(items).encode(), len(items))
    if fmt == "gift":
        from dsat.banks.formats import gift

        return gift.write(items)
    if fmt == "qti":
        from dsat.banks.formats import qtipackage

        return qtipackage.write(items)
    from dsat.banks.formats import sheet

    if fmt == "xlsx":
        return Exported(sheet.write_xlsx(items), len(items))
    if fmt == "csv":
        return Exported(sheet.write_csv(items).encode("utf-8-sig"), len(items))
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- YAML

_FIRST = ("id", "type", "competency", "level")


def item_dict(item: Any) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude_defaults=True)
    data["type"] = item.type
    return {k: data[k] for k in _FIRST if k in data} | {
        k: v for k, v in data.items() if k not in _FIRST
    }


def to_yaml(items: Sequence[Any]) -> str:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    body = yaml.dump(
        {"items": [item_dict(i) for i in items]},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return "# dsat question bank (exported)\n" + body
