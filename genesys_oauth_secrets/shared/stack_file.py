"""The one reader of ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``: bounded, strict, one line.

Every tool (``check``, ``plan``, ``preflight``, ``age``, the backend lookup) reads the project's
files here, so they all accept and refuse the same files. The files come from pull requests,
forks included, so reading never trusts them:

- only a regular file is read, opened without blocking (a FIFO in its place would wait for a
  writer forever, ``/dev/zero`` never ends), and at most :data:`MAX_BYTES` of it;
- a UTF-8 byte-order mark is dropped, as the CLI drops it (pulumi/pulumi
  ``sdk/go/common/workspace/loaders.go`` ``readFileStripUTF8BOM``);
- a key repeated in one mapping is refused, as the CLI refuses it: it decodes with
  ``gopkg.in/yaml.v3``, whose decoder checks unique keys by default ("mapping key … already
  defined", ``decode.go`` ``newDecoder``/``mapping``), where PyYAML would keep the last one;
- YAML aliases (nothing Pulumi writes, and the way to a billion-laughs document), nesting over
  :data:`MAX_DEPTH`, non-text keys and values config cannot carry (``!!binary``, ``!!set``, an
  explicit ``!!timestamp``) are refused; a bare date stays text (PyYAML would make it a
  ``datetime`` and fail on ``2024-02-30``; yaml.v3 keeps a date it cannot parse as text);
- whatever PyYAML raises, its ``YAMLError``\\ s and the ``ValueError``\\ s of its constructors
  (an integer over Python's 4,300-digit limit, a ``!!timestamp`` that is no date) alike, becomes
  :class:`Unreadable`: one line naming the file and the line, never the offending text (it may
  be a secret) and never a traceback. The tools print it and exit 2.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from genesys_oauth_secrets.shared.text import shorten, shown

MAX_BYTES = 256 * 1024
"""Generous for a stack file with hundreds of clients; far below what could exhaust memory."""
MAX_DEPTH = 64
BOM = "\ufeff"
CONFIG_TYPES = (str, int, float, bool, type(None), list, dict)
"""What a Pulumi config value (or any key of these files) can be."""


class Unreadable(Exception):
    """The file cannot be judged; ``str(error)`` is one line naming the file and the fix."""


@dataclass(frozen=True)
class StackFile:
    """A file as loaded: its top-level mapping, and the YAML nodes (for line numbers)."""

    document: dict[str, Any]
    root: MappingNode


def _line(node_or_error: object) -> str:
    mark = getattr(node_or_error, "problem_mark", None) or getattr(
        node_or_error, "start_mark", None
    )
    return f" at line {mark.line + 1}" if mark is not None else ""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses what the CLI refuses or Pulumi never writes, while composing."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise Unreadable(f"{self.name}: YAML aliases (*name) are not used in Pulumi files")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Unreadable(f"{self.name}: nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Each value, or one line naming where PyYAML's constructor failed."""
        try:
            value = super().construct_object(node, deep=deep)
        except ValueError:
            raise Unreadable(
                f"{self.name}: a value{_line(node)} cannot be read (a number over 4,300 digits, "
                "or a !!timestamp that is no date?); quote it to keep it as text"
            ) from None
        if not isinstance(value, CONFIG_TYPES):
            raise Unreadable(
                f"{self.name}: holds a YAML {type(value).__name__}{_line(node)} (an explicit !! "
                "tag); config values are text, numbers, booleans, lists and maps"
            )
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise Unreadable(
                    f"{self.name}: a mapping key is not a string{_line(key_node)}; quote it"
                )
            if key in seen:
                raise Unreadable(
                    f"{self.name}: the key {shorten(key)} appears twice in one mapping"
                    f"{_line(key_node)}; keep one (the Pulumi CLI refuses duplicate keys)"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_bounded(path: Path) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes of a regular file; opening never blocks."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        stacks = sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in path.parent.glob("Pulumi.*.yaml")
        )
        known = f"; stacks with a file here: {', '.join(map(shorten, stacks))}" if stacks else ""
        raise Unreadable(
            f"{path.name}: no such regular file in {shown(str(path.parent), 240)}{known}"
        ) from None
    except OSError as error:
        raise Unreadable(f"{path.name}: cannot be read ({error.strerror})") from None
    try:
        regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(descriptor)
        raise Unreadable(
            f"{path.name}: not a regular file (a pipe or device would block or never end)"
        )
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise Unreadable(f"{path.name}: cannot be read ({error.strerror})") from None


def read_stack_file(path: Path) -> StackFile:
    """The file's top-level mapping and its nodes; :class:`Unreadable` for anything else."""
    data = _read_bounded(path)
    if len(data) > MAX_BYTES:
        raise Unreadable(f"{path.name}: larger than {MAX_BYTES // 1024} KiB, not a Pulumi file")
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise Unreadable(f"{path.name}: not UTF-8 text") from None
    try:
        loader = _StrictLoader(text)  # its reader already refuses control characters
    except yaml.YAMLError:
        raise Unreadable(f"{path.name}: holds control characters YAML does not allow") from None
    loader.name = path.name
    try:
        root = loader.get_single_node()
        document = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        # PyYAML's own text can quote the offending input, which may be a secret: only the line.
        raise Unreadable(
            f"{path.name}: not valid YAML{_line(error)}; fix the syntax there"
        ) from None
    except (ValueError, RecursionError):  # a constructor's error outside construct_object
        raise Unreadable(f"{path.name}: not valid YAML; fix the syntax") from None
    finally:
        loader.dispose()
    if not isinstance(document, dict) or not isinstance(root, MappingNode):
        raise Unreadable(f"{path.name}: the top level is not a mapping of keys to values")
    return StackFile(document, root)


def load_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of ``path``; :class:`Unreadable` for anything else."""
    return read_stack_file(path).document
