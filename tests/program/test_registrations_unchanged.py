"""The program's resource graph is pinned: moving the tools around it must not change it.

``registrations.json`` was taken from the program before the tools moved into one package
(issue "One front door"). Every scenario is run again here and must send the engine exactly
the same requests, byte for byte once decoded: same URNs, parents, providers, protect flags,
inputs and secret envelopes, ``additionalSecretOutputs``, package reference and stack outputs.
The regenerate scenario also pins the dynamic provider's pickle, which names
``components.rotation_provider`` by reference: stacks hold it in state, so it must not move.

To record a deliberate change of the graph, run with ``UPDATE_REGISTRATIONS=1`` and explain
the change in the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.registration_snapshot import scenarios, snapshot

GOLDEN = Path(__file__).with_name("registrations.json")


def _current(prod_config: dict[str, Any]) -> dict[str, Any]:
    return {name: snapshot(config) for name, config in scenarios(prod_config).items()}


def test_registrations_are_unchanged(prod_config: dict[str, Any]) -> None:
    current = _current(prod_config)
    if os.environ.get("UPDATE_REGISTRATIONS") == "1":
        GOLDEN.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(GOLDEN.read_text())

    assert sorted(current) == sorted(pinned)
    for name in pinned:
        assert current[name] == pinned[name], f"scenario {name!r} registers a different graph"


def test_the_snapshot_sees_a_changed_input(prod_config: dict[str, Any]) -> None:
    """The comparison is not vacuous: one changed description changes the snapshot."""
    changed = json.loads(json.dumps(prod_config))
    changed["clients"][0]["description"] = "something else"

    assert snapshot(changed) != snapshot(prod_config)


@pytest.mark.parametrize("name", ["shipped", "regenerate-generation-2"])
def test_a_run_is_repeatable(prod_config: dict[str, Any], name: str) -> None:
    config = scenarios(prod_config)[name]

    assert snapshot(config) == snapshot(config)
