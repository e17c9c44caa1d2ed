"""Where config parsers report problems: the one interface every parser of a config block uses.

``components.config``'s collector implements it; the block parsers (``rotation``,
``replica_regions``, ``readers``, ``adoption``) depend only on this, not on the collector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Problems(Protocol):
    """Where the parser reports problems: the config validator's collector."""

    def add(self, path: str, message: str) -> None:
        """One problem at ``path`` (``clients[1].rotation.generation``)."""

    def unknown_key(self, path: str, key: object, known: Sequence[str]) -> None:
        """A key not in ``known`` under ``path`` (a prefix ending in ``.``)."""
