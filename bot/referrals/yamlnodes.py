"""Read YAML while remembering the line of every value.

`yaml.safe_load` forgets where things were; a maintainer told "bad number in hn.yml" has to hunt for it.
Composing the node tree first keeps each node's start_mark, so every error can name its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass
class LocatedDocument:
    """The plain Python value of a YAML document plus the 1-based line of each value, by path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path_, int]] = field(default_factory=list)

    def line(self, path: Path_) -> int:
        """Line of the value at `path`, or of its closest ancestor that has one (1 at worst)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse(text: str) -> LocatedDocument:
    """Parse one YAML document; raises yaml.YAMLError (which carries its own mark) on syntax errors."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedDocument(data=None)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    document = LocatedDocument(data=data, lines={(): node.start_mark.line + 1})
    _walk(node, (), document)
    return document


def _walk(node: yaml.Node, path: Path_, document: LocatedDocument) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            child = (*path, key)
            if key in seen:
                document.duplicate_keys.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            # A key's own line is the natural place to point at, also for nested blocks below it.
            document.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, document)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            document.lines[child] = item.start_mark.line + 1
            _walk(item, child, document)
