"""Where config parsers report problems: the one interface every parser of a config block uses.

``components.config``'s collector implements it; the block parsers (``rotation``,
``replica_regions``, ``readers``, ``adoption``) depend only on this, not on the collector.
The shapes every block shares are checked here, once: a map with known keys
(:func:`config_map`), and a bounded list of distinct entries (:func:`distinct_list`, with its
limit and wording in a :class:`ListRule`); each caller words its own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Problems(Protocol):
    """Where the parser reports problems: the config validator's collector."""

    def add(self, path: str, message: str) -> None:
        """One problem at ``path`` (``clients[1].rotation.generation``)."""

    def unknown_key(self, path: str, key: object, known: Sequence[str]) -> None:
        """A key not in ``known`` under ``path`` (a prefix ending in ``.``)."""


def config_map(
    path: str, value: Any, known: Sequence[str], problems: Problems, *, not_a_map: str
) -> Mapping[str, Any] | None:
    """``value`` as a block of config: None after reporting ``not_a_map`` when it is not a map;
    each key outside ``known`` is reported, and the block is still returned for its other keys."""
    if not isinstance(value, Mapping):
        problems.add(path, not_a_map)
        return None
    for key in value:
        if key not in known:
            problems.unknown_key(f"{path}.", key, known)
    return value


@dataclass(frozen=True)
class ListRule:
    """What one config list may hold, and the words for each way it can be wrong."""

    most: int
    not_a_list: str
    """Said when the value is not a list; shows the expected form."""
    too_many: str
    """Said when it has more than ``most`` entries; says what to do instead."""
    duplicate: tuple[str, str]
    """Where a repeated entry is reported below ``path[i]`` (``.name``, or ``""``), and what is
    said there."""


def distinct_list(
    path: str,
    value: Any,
    parse: Callable[[str, Any], T | None],
    problems: Problems,
    *,
    rule: ListRule,
    identity: Callable[[T], Hashable],
) -> tuple[T, ...]:
    """``value`` as a list of at most ``rule.most`` entries, each parsed at ``path[i]``.

    A value that is not a list, or too long, is one problem and no entries (its entries would
    only repeat it). An entry whose ``identity`` came before is reported and dropped, so the
    result holds each identity once.
    """
    if not isinstance(value, list):
        problems.add(path, rule.not_a_list)
        return ()
    if len(value) > rule.most:
        problems.add(path, rule.too_many)
        return ()
    parsed: list[T] = []
    seen: set[Hashable] = set()
    for index, entry in enumerate(value):
        item = parse(f"{path}[{index}]", entry)
        if item is None:
            continue
        if identity(item) in seen:
            problems.add(f"{path}[{index}]{rule.duplicate[0]}", rule.duplicate[1])
            continue
        seen.add(identity(item))
        parsed.append(item)
    return tuple(parsed)
