"""The one reader for the project's data files (data/**/*.yml).

Why one reader: PyYAML reads YAML 1.1, where the bare words `yes`, `no`, `on`, `off`, `y`, `n` are booleans, so
an unquoted `yes` in a word list silently became the word "true", while two other hand-made loaders kept them as
words. Rasa reads its own training data as YAML 1.2, where only `true` / `false` are booleans. Every data file
is now read here, with ruamel.yaml (installed with Rasa) as YAML 1.2: `yes` and `no` are always words, dates
(`2026-12-06`) are dates, and the result is plain Python (dict, list, str, int, float, bool, date).

`locate` also remembers the line of every value, so a checker can tell a maintainer "data/content/rights.yml,
line 42" instead of "somewhere in rights.yml".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = tuple[Any, ...]


class DataFileError(ValueError):
    """A data file cannot be read at all (bad YAML syntax); carries the file and line."""

    def __init__(self, file: str, line: int, problem: str, fix: str = "") -> None:
        self.file, self.line, self.problem, self.fix = file, line, problem, fix
        super().__init__(f"{file}, line {line}: {problem}" + (f" How to fix: {fix}" if fix else ""))


def _reader() -> YAML:
    # typ="safe" uses the C parser when ruamel.yaml.clib is there (it comes with Rasa), still YAML 1.2 rules.
    reader = YAML(typ="safe")
    reader.allow_duplicate_keys = True  # reported with their lines by `locate`, not a crash
    return reader


def _syntax_error(error: YAMLError, where: str) -> DataFileError:
    mark = getattr(error, "problem_mark", None) if isinstance(error, MarkedYAMLError) else None
    line = (mark.line + 1) if mark is not None else 1
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return DataFileError(
        where,
        line,
        f"this is not valid YAML ({problem}).",
        "check the indentation (spaces, never tabs) and that a text containing ': ' or starting with a quote, "
        "'[', '{', '*', '&' or '#' is put in quotes.",
    )


def loads(text: str, where: str = "<text>") -> Any:
    """Parse one YAML document as YAML 1.2 into plain Python."""
    try:
        return _plain(_reader().load(text))
    except YAMLError as error:
        raise _syntax_error(error, where) from None


def read(path: Path | str) -> Any:
    """Read a data file as YAML 1.2 into plain Python (an empty file is None)."""
    path = Path(path)
    return loads(path.read_text(encoding="utf-8"), _display(path))


def read_mapping(path: Path | str) -> dict:
    """`read` for files whose top level is a mapping; an empty file is {}."""
    data = read(path)
    return data if isinstance(data, dict) else {}


@dataclass
class LocatedDocument:
    """The plain Python value of a YAML document plus the 1-based line of each value, by path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path_, int]] = field(default_factory=list)

    def line(self, path: Path_) -> int:
        """Line of the value at `path`, or of its closest ancestor that has one (1 at worst)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def locate(text: str, where: str = "<text>") -> LocatedDocument:
    """Parse one YAML document, keeping the line of every key and item and listing duplicate keys."""
    try:
        # The C composer (ruamel.yaml.clib) gives the same nodes and lines as the pure-Python one, ten times
        # faster (checked on every data and test file); ruamel falls back to pure Python where clib is missing.
        reader = _reader()
        node = reader.compose(io.StringIO(text))
        data = _plain(reader.constructor.construct_document(node)) if node is not None else None  # parsed once
    except YAMLError as error:
        raise _syntax_error(error, where) from None
    if node is None:
        return LocatedDocument(data=data)
    document = LocatedDocument(data=data, lines={(): node.start_mark.line + 1})
    _walk(node, (), document)
    return document


def read_located(path: Path | str) -> LocatedDocument:
    path = Path(path)
    return locate(path.read_text(encoding="utf-8"), _display(path))


def read_unique(path: Path | str) -> Any:
    """`read` for files whose keys must not repeat: a key written twice would silently drop the first value,
    so it is refused with its line instead (the running assistant loads these files too)."""
    document = read_located(path)
    if document.duplicate_keys:
        key, line = document.duplicate_keys[0]
        raise DataFileError(
            _display(Path(path)),
            line,
            f"`{'.'.join(map(str, key))}` is written twice; the first one would be ignored.",
            "keep one of the two and merge what they say.",
        )
    return document.data


def _walk(node: Node, path: Path_, document: LocatedDocument) -> None:
    if isinstance(node, MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node.value)
            child = (*path, key)
            if key in seen:
                document.duplicate_keys.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            # A key's own line is the natural place to point at, also for nested blocks below it.
            document.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, document)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            document.lines[child] = item.start_mark.line + 1
            _walk(item, child, document)


def _plain(value: Any) -> Any:
    """ruamel's safe loader already gives dict/list/str; this only normalises its scalar subclasses."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _display(path: Path) -> str:
    from bot.paths import REPO_ROOT

    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
