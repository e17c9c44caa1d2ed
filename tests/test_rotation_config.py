"""The ``rotation`` block is validated like every other key: path, problem, fix, nothing deployed.

One row per bad value, the expected message beside it; each row runs the real program under the
capturing engine, so "refused" means the run raised and the engine saw only the root stack.
The property tests throw arbitrary YAML-shaped values at the parser: a result or a reported
problem, never an exception, and only real values accepted.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.config import ConfigError, parse_stack_config
from components.rotation import (
    GENERATION_MAX,
    MAX_AGE_DAYS_DEFAULT,
    RotationConfig,
    parse_rotation,
)
from genesys_oauth_secrets.plan.engine import start_engine
from tests.support.refused_config import refused_before_any_resource

BAD_ROTATIONS: list[tuple[int, Any, str]] = [
    # (client index, rotation value, expected message)
    (1, "2", "clients[1].rotation: must be a map, e.g. rotation: {generation: 2}"),
    (1, [2], "clients[1].rotation: must be a map"),
    (1, {"generation": "2"}, "clients[1].rotation.generation: must be a whole number from 1"),
    (1, {"generation": 2.0}, "clients[1].rotation.generation: must be a whole number"),
    (1, {"generation": True}, "clients[1].rotation.generation: must be a whole number"),
    (1, {"generation": None}, "clients[1].rotation.generation: must be a whole number"),
    (0, {"generation": 0}, "clients[0].rotation.generation: out of range; use 1 to 9999"),
    (0, {"generation": -3}, "clients[0].rotation.generation: out of range"),
    (0, {"generation": 10_000}, "clients[0].rotation.generation: out of range"),
    (0, {"keepPrevious": "yes"}, "clients[0].rotation.keepPrevious: must be true or false"),
    (0, {"keepPrevious": 0}, "clients[0].rotation.keepPrevious: must be true or false"),
    (0, {"strategy": "replace"}, "clients[0].rotation.strategy: use one of overlap, regenerate"),
    (0, {"strategy": ["overlap"]}, "clients[0].rotation.strategy: use one of overlap"),
    (0, {"maxAgeDays": 0}, "clients[0].rotation.maxAgeDays: out of range; use 1 to 3650"),
    (0, {"maxAgeDays": "90"}, "clients[0].rotation.maxAgeDays: must be a whole number of days"),
    (0, {"maxAgeDays": 90.5}, "clients[0].rotation.maxAgeDays: must be a whole number of days"),
    (
        0,
        {"generation": 2, "keepprevious": False},
        "clients[0].rotation.keepprevious: unknown key; did you mean keepPrevious?",
    ),
    (0, {"\x1b[2J": 1}, "clients[0].rotation.<key with an unprintable or overlong name>: unknown"),
    (
        0,
        {"strategy": "regenerate", "keepPrevious": True},
        "clients[0].rotation.keepPrevious: applies only to strategy overlap",
    ),
]


def project_keys(config: dict[str, Any]) -> dict[str, Any]:
    """The program's own keys, as ``parse_stack_config`` takes them (no ``aws:`` etc.)."""
    return {key: value for key, value in config.items() if ":" not in key}


def with_rotation(config: dict[str, Any], index: int, rotation: Any) -> dict[str, Any]:
    """A copy of ``config`` whose client ``index`` has ``rotation`` set to the value."""
    result = copy.deepcopy(config)
    result["clients"][index]["rotation"] = rotation
    return result


@pytest.mark.parametrize(
    ("index", "rotation", "expected"),
    BAD_ROTATIONS,
    ids=[f"clients[{row[0]}].rotation={row[1]!r}"[:60] for row in BAD_ROTATIONS],
)
def test_a_bad_rotation_is_refused_with_its_path_and_fix_before_any_resource(
    prod_config: dict[str, Any], marker: str, index: int, rotation: Any, expected: str
) -> None:
    run = start_engine(marker)

    error = refused_before_any_resource(run, with_rotation(prod_config, index, rotation))

    assert f"genesys-oauth-secrets:{expected}" in str(error)
    assert run.monitor.packages == []


def test_every_rotation_problem_of_a_client_is_reported_in_one_run(
    prod_config: dict[str, Any],
) -> None:
    bad = {"generation": "3", "keepPrevious": "no", "strategy": "swap", "maxAgeDays": -1}

    with pytest.raises(ConfigError) as raised:
        parse_stack_config(project_keys(with_rotation(prod_config, 0, bad)))

    paths = {problem.split(": ")[0] for problem in raised.value.problems}
    assert paths == {
        f"genesys-oauth-secrets:clients[0].rotation.{key}"
        for key in ("generation", "keepPrevious", "strategy", "maxAgeDays")
    }


def test_no_rotation_block_means_generation_1_overlap_keep_previous_90_days(
    prod_config: dict[str, Any],
) -> None:
    config = parse_stack_config(project_keys(prod_config))

    assert [client.rotation for client in config.clients] == [RotationConfig(), RotationConfig()]
    assert RotationConfig() == RotationConfig(
        generation=1, keep_previous=True, strategy="overlap", max_age_days=MAX_AGE_DAYS_DEFAULT
    )


def test_a_full_rotation_block_is_read_into_the_client(prod_config: dict[str, Any]) -> None:
    rotation = {"generation": 4, "keepPrevious": False, "strategy": "overlap", "maxAgeDays": 30}

    config = parse_stack_config(project_keys(with_rotation(prod_config, 1, rotation)))

    assert config.clients[1].rotation == RotationConfig(4, False, "overlap", 30)
    assert config.clients[0].rotation == RotationConfig()


@pytest.mark.parametrize(
    ("rotation", "live"),
    [
        (RotationConfig(), (1,)),
        (RotationConfig(generation=2), (1, 2)),
        (RotationConfig(generation=3), (2, 3)),
        (RotationConfig(generation=3, keep_previous=False), (3,)),
        (RotationConfig(generation=5, strategy="regenerate"), (1,)),
    ],
)
def test_live_generations_are_the_current_and_at_most_one_previous(
    rotation: RotationConfig, live: tuple[int, ...]
) -> None:
    assert rotation.live_generations == live


YAML_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=20),
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
ROTATION_LIKE = st.dictionaries(
    st.sampled_from(["generation", "keepPrevious", "strategy", "maxAgeDays", "extra"]),
    YAML_VALUES,
    max_size=5,
)


class Recorder:
    """Collects what the parser reports, as the config validator's collector would."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def unknown_key(self, path: str, key: object, known: Sequence[str]) -> None:
        self.items.append((f"{path}<key>", f"unknown key; valid keys are {', '.join(known)}"))


def _parse(value: Any) -> tuple[RotationConfig, list[tuple[str, str]]]:
    problems = Recorder()
    result = parse_rotation("clients[0].rotation", value, problems)
    return result, problems.items


@given(st.one_of(YAML_VALUES, ROTATION_LIKE))
def test_any_value_gives_a_rotation_or_named_problems_never_an_exception(value: Any) -> None:
    result, problems = _parse(value)

    assert isinstance(result, RotationConfig)
    assert all(path.startswith("clients[0].rotation") for path, _ in problems)
    assert all(len(message) < 300 for _, message in problems)


@given(ROTATION_LIKE)
def test_a_rotation_without_problems_holds_only_valid_values(value: dict[str, Any]) -> None:
    result, problems = _parse(value)

    if problems:
        return
    generation = value.get("generation", 1)
    assert type(generation) is int
    assert 1 <= generation <= GENERATION_MAX
    assert result.generation == generation
    assert type(value.get("keepPrevious", True)) is bool
    assert result.strategy in ("overlap", "regenerate")
    assert 1 <= result.max_age_days <= 3650
    assert "extra" not in value


@given(st.integers(min_value=1, max_value=GENERATION_MAX), st.booleans())
def test_every_valid_generation_is_accepted_as_written(generation: int, keep: bool) -> None:
    result, problems = _parse({"generation": generation, "keepPrevious": keep})

    assert problems == []
    assert result == RotationConfig(generation=generation, keep_previous=keep)


@pytest.mark.parametrize("key", ["generation", "maxAgeDays"])
@pytest.mark.parametrize("number", [10**5000, -(10**5000)], ids=["huge", "huge-negative"])
def test_a_number_too_long_to_print_is_refused_without_echoing_it(key: str, number: int) -> None:
    result, problems = _parse({key: number})

    [(path, message)] = problems
    assert path == f"clients[0].rotation.{key}"
    assert message.startswith("out of range; use 1 to ")
    assert result == RotationConfig()
