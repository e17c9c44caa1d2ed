"""Where config parsers report problems: the one interface every parser of a config block uses.

``components.config``'s collector implements it; the block parsers (``rotation``,
``replica_regions``, ``readers``, ``adoption``) depend only on this, not on the collector.
The shapes every block shares are checked here, once: a map with known keys
(:func:`config_map`), a bounded list (:func:`bounded_list`), and a list whose entries must be
distinct (:func:`distinct_entries`); each caller words its own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
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


def bounded_list(
    path: str, value: Any, most: int, problems: Problems, *, not_a_list: str, too_many: str
) -> list[Any] | None:
    """``value`` if it is a list of at most ``most`` entries; else a problem and None."""
    if not isinstance(value, list):
        problems.add(path, not_a_list)
        return None
    if len(value) > most:
        problems.add(path, too_many)
        return None
    return value


def distinct_entries(
    path: str,
    entries: Sequence[Any],
    parse: Callable[[str, Any], T | None],
    problems: Problems,
    *,
    identity: Callable[[T], Hashable],
    duplicate: tuple[str, str],
) -> tuple[T, ...]:
    """Each entry parsed at ``path[i]``; one whose ``identity`` came before is reported at
    ``path[i]`` + ``duplicate[0]`` (``.name``, or ``""``) with the message ``duplicate[1]``."""
    parsed: list[T] = []
    seen: set[Hashable] = set()
    for index, entry in enumerate(entries):
        item = parse(f"{path}[{index}]", entry)
        if item is None:
            continue
        if identity(item) in seen:
            problems.add(f"{path}[{index}]{duplicate[0]}", duplicate[1])
            continue
        seen.add(identity(item))
        parsed.append(item)
    return tuple(parsed)
