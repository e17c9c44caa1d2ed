"""Read a small YAML file the way a careful reader must: bounded, strict, never a traceback.

Pulumi's project and stack files are a few kilobytes. Anything much larger, nested absurdly deep,
using YAML aliases, or repeating a key (the Go YAML library the CLI uses refuses duplicates, while
PyYAML would quietly keep the last) is not a file this project wrote, so it is refused rather than
guessed at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

MAX_BYTES = 256 * 1024
"""Generous for a stack file with hundreds of clients; far below what could exhaust memory."""

MAX_DEPTH = 64


class Unreadable(Exception):
    """The file cannot be judged; ``str(error)`` is one line naming the file and the fix."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, aliases and deep nesting while composing."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise Unreadable(f"{self.name}: YAML aliases (*name) are not used in Pulumi files")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise Unreadable(f"{self.name}: nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise Unreadable(f"{self.name}: a mapping key is not a string; quote it")
            if key in seen:
                raise Unreadable(
                    f"{self.name}: the key {shorten(key)} appears twice in one mapping; "
                    "keep one (the Pulumi CLI refuses duplicate keys)"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def shorten(text: str, limit: int = 60) -> str:
    """A key or name as it may appear in a message: quoted, escaped, and bounded."""
    quoted = repr(text[:limit])
    return quoted if len(text) <= limit else f"{quoted}…"


def load_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of ``path``; :class:`Unreadable` for anything else."""
    try:
        if not path.is_file():  # before opening: a FIFO would block, /dev/zero never ends
            raise Unreadable(f"{path.name}: no such regular file in {path.parent}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"{path.name}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise Unreadable(f"{path.name}: larger than {MAX_BYTES // 1024} KiB, not a Pulumi file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable(f"{path.name}: not UTF-8 text") from None
    try:
        loader = _StrictLoader(text)  # its reader already refuses control characters
    except yaml.YAMLError:
        raise Unreadable(f"{path.name}: holds control characters YAML does not allow") from None
    loader.name = path.name
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        # PyYAML's own text can quote the offending input, which may be a secret: only the line.
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise Unreadable(f"{path.name}: not valid YAML{line}; fix the syntax there") from None
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        raise Unreadable(f"{path.name}: the top level is not a mapping of keys to values")
    return document
