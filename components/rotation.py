"""The ``rotation`` block of a client: which generation of its secret should exist, and how.

Rotation is driven by a number in stack config, not by a date: bumping ``generation`` and
running ``pulumi up`` is the whole rotation, reviewed like any other change. Two strategies:

- ``overlap`` (default): every generation is its own OAuth client. The previous generation's
  client stays valid until the next bump (unless ``keepPrevious: false``), so consumers that
  cached the old credentials keep working while they re-read the secret.
- ``regenerate``: one client whose secret Genesys regenerates in place; its id never changes,
  but the old secret stops working at once.

``maxAgeDays`` is read only by the age report (``genesys-oauth-secrets age``), never by the program.
Generation 1 (the default) means "as before rotation existed": the program's resource graph is
then exactly what it was without this block. See docs/rotation.md for the runbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.problems import Problems, config_map

OVERLAP = "overlap"
REGENERATE = "regenerate"
STRATEGIES = (OVERLAP, REGENERATE)
ROTATION_KEYS = ("generation", "keepPrevious", "strategy", "maxAgeDays")

FIRST_GENERATION = 1
GENERATION_MAX = 9_999
"""Generous (a rotation a week for 190 years); it keeps resource names short."""
MAX_AGE_DAYS_DEFAULT = 90
MAX_AGE_DAYS_MIN = 1
MAX_AGE_DAYS_MAX = 3_650


@dataclass(frozen=True)
class RotationConfig:
    """One client's ``rotation`` block, validated; the defaults are "never rotated"."""

    generation: int = FIRST_GENERATION
    """Bumped by one to rotate; 1 is the client as first created."""
    keep_previous: bool = True
    """overlap only: keep generation N-1's client valid beside generation N."""
    strategy: str = OVERLAP
    """``overlap`` (a new client per generation) or ``regenerate`` (same client, new secret)."""
    max_age_days: int = MAX_AGE_DAYS_DEFAULT
    """When the age report calls the current secret overdue."""

    @property
    def live_generations(self) -> tuple[int, ...]:
        """Generations whose OAuth client exists (overlap), oldest first, the current one last."""
        if self.strategy == OVERLAP and self.keep_previous and self.generation > FIRST_GENERATION:
            return (self.generation - 1, self.generation)
        if self.strategy == OVERLAP:
            return (self.generation,)
        return (FIRST_GENERATION,)


def parse_rotation(path: str, value: Any, problems: Problems) -> RotationConfig:
    """Validate ``clients[i].rotation``; every problem goes to ``problems`` with its path."""
    if value is None:
        return RotationConfig()
    value = config_map(
        path,
        value,
        ROTATION_KEYS,
        problems,
        not_a_map="must be a map, e.g. rotation: {generation: 2}; remove it to keep generation 1",
    )
    if value is None:
        return RotationConfig()
    strategy = _parse_strategy(f"{path}.strategy", value.get("strategy", OVERLAP), problems)
    if strategy == REGENERATE and "keepPrevious" in value:
        problems.add(
            f"{path}.keepPrevious",
            "applies only to strategy overlap (regenerate keeps one client, whose old secret "
            "stops working at once); remove it",
        )
    return RotationConfig(
        generation=_parse_generation(f"{path}.generation", value.get("generation", 1), problems),
        keep_previous=_parse_keep_previous(
            f"{path}.keepPrevious", value.get("keepPrevious", True), problems
        ),
        strategy=strategy,
        max_age_days=_parse_max_age(
            f"{path}.maxAgeDays", value.get("maxAgeDays", MAX_AGE_DAYS_DEFAULT), problems
        ),
    )


def _parse_generation(path: str, value: Any, problems: Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(
            path,
            f"must be a whole number from {FIRST_GENERATION} to {GENERATION_MAX}, written "
            "without quotes or decimals (e.g. generation: 2); bump it by one to rotate",
        )
        return FIRST_GENERATION
    if not FIRST_GENERATION <= value <= GENERATION_MAX:
        problems.add(
            path,
            f"out of range; use {FIRST_GENERATION} to {GENERATION_MAX} "
            "(1 is the client as first created; bump by one to rotate)",
        )
        return FIRST_GENERATION
    return value


def _parse_keep_previous(path: str, value: Any, problems: Problems) -> bool:
    if not isinstance(value, bool):
        problems.add(path, "must be true or false (unquoted); true keeps the previous client valid")
        return True
    return value


def _parse_strategy(path: str, value: Any, problems: Problems) -> str:
    if value not in STRATEGIES:
        problems.add(path, f"use one of {', '.join(STRATEGIES)} (default {OVERLAP})")
        return OVERLAP
    return str(value)


def _parse_max_age(path: str, value: Any, problems: Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(
            path,
            f"must be a whole number of days from {MAX_AGE_DAYS_MIN} to {MAX_AGE_DAYS_MAX} "
            f"(default {MAX_AGE_DAYS_DEFAULT})",
        )
        return MAX_AGE_DAYS_DEFAULT
    if not MAX_AGE_DAYS_MIN <= value <= MAX_AGE_DAYS_MAX:
        problems.add(path, f"out of range; use {MAX_AGE_DAYS_MIN} to {MAX_AGE_DAYS_MAX}")
        return MAX_AGE_DAYS_DEFAULT
    return value
