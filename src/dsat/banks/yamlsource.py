"""YAML reading with positions: fast load first, node positions only when an error needs one.

Bank files are read as YAML 1.2 by ryaml (compiled; about 15x faster than PyYAML's Python
constructor on a large bank): `yes`/`no`/`on`/`off` are text, and a key given twice in one
mapping is an error instead of silently keeping the last. PyYAML's libyaml composer is used
only to find the line of a value that has an error. Where ryaml is not installed, PyYAML
loads the data instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import yaml

try:
    import ryaml
except ImportError:  # pragma: no cover - the fallback is PyYAML alone
    ryaml = None  # type: ignore[assignment]  # checked before every use

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_AT_LINE = re.compile(r"\s*at line (\d+) column \d+(?:,\s*)?")
_DUPLICATE = re.compile(r'duplicate entry with key "((?:[^"\\]|\\.)*)"')


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str, field: str = ""):
        self.line = line
        self.field = field
        super().__init__(message)


def load(text: str) -> Any:
    """The document, or YamlSyntaxError with a line. Nesting is bounded first, by a scan
    that takes time in proportion to the text (parsers take the square of the depth)."""
    from dsat.banks.formats.guard import yaml_depth_problem

    deep = yaml_depth_problem(text)
    if deep is not None:
        raise YamlSyntaxError(int(deep.where), deep.message, deep.field)
    if ryaml is not None:
        try:
            return ryaml.loads(text)
        except ryaml.InvalidYamlError as exc:
            message = str(exc)
            m = _AT_LINE.search(message)
            line = int(m.group(1)) if m else 1
            problem = _AT_LINE.sub(" ", message).strip().rstrip(",")
            dup = _DUPLICATE.search(problem)
            if dup:  # ryaml names the mapping's line: find the key given twice
                line = _duplicate_key_line(text, json.loads(f'"{dup.group(1)}"')) or line
            raise YamlSyntaxError(line, f"YAML syntax error: {problem}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"YAML syntax error: {exc}") from None


def _duplicate_key_line(text: str, key: str) -> int | None:
    """The line of the first key `key` given a second time in one mapping."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    stack = [root] if root is not None else []
    while stack:  # depth-first, in document order
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, _ in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value == key and key in seen:
                        return k.start_mark.line + 1
                    seen.add(k.value)
            stack += [v for _, v in reversed(node.value)]
        elif isinstance(node, yaml.SequenceNode):
            stack += list(reversed(node.value))
    return None


class Positions:
    """Line numbers of the values in a YAML document, addressed by a key/index path."""

    def __init__(self, text: str):
        self.root = yaml.compose(text, Loader=_Loader)

    def line(self, path: Sequence[str | int]) -> int:
        """The line of the deepest node along `path` (1-based)."""
        node = self.root
        if node is None:
            return 1
        best = node.start_mark.line + 1
        for step in path:
            nxt, line = None, None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        nxt, line = v, k.start_mark.line + 1  # a field: the line of its key
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                nxt = node.value[step]
            if nxt is None:
                break
            node = nxt
            best = line if line is not None else node.start_mark.line + 1
        return best
