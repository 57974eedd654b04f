"""dsat's own bank format, YAML (docs/bank-format.md): the writer, and the format's entry in
the registry. Reading is `dsat.banks.native`, which reads every bank file of a run together
with the framework file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.model import Exported, Native
from dsat.banks.formats.spec import Spec

if TYPE_CHECKING:
    from dsat.domain.items import Item

_FIRST = ("id", "type", "competency", "level")


def item_dict(item: Item) -> dict[str, Any]:
    """An item as a bank file holds it: id, type, competency, level first; defaults left out."""
    data = item.model_dump(mode="json", exclude_defaults=True)
    data["type"] = item.type
    return {k: data[k] for k in _FIRST if k in data} | {
        k: v for k, v in data.items() if k not in _FIRST
    }


def to_yaml(items: Sequence[Item]) -> str:
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


def read_bank(paths: Sequence[Path], framework: Any) -> Any:
    """Every file given, with the framework file among them (or `framework`): a LoadedBank,
    or BankError with every issue (`dsat.banks.native.load_bank`)."""
    from dsat.banks.native import load_bank

    return load_bank(paths, framework)


def write(items: Sequence[Item]) -> Exported:
    return Exported(to_yaml(items).encode(), len(items))


FORMAT = Spec(
    name="yaml",
    label="dsat YAML",
    suffixes=(".yaml", ".yml"),
    searched=(".yaml", ".yml"),
    detected="`.yaml`, `.yml`",
    reads="everything (`docs/bank-format.md`)",
    read=lambda data: Native(),
    write=write,
    writes="a bank file",
    native=True,
    read_bank=read_bank,
)
