"""Rotated stacks pass the guardrails: the pack judges what the engine would send for every
rotation shape (overlap with and without the previous client, regenerate), not only the shipped
generation-1 config."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from genesys_oauth_secrets.plan.analyzer_requests import analyze_run
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.conftest import RunProgram

ROTATIONS = [
    {"generation": 2},
    {"generation": 3},
    {"generation": 3, "keepPrevious": False},
    {"generation": 2, "strategy": "regenerate"},
]


@pytest.mark.parametrize("rotation", ROTATIONS, ids=lambda r: "-".join(map(str, r.values())))
def test_every_rotation_shape_passes_every_guardrail(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any], rotation: Any
) -> None:
    config = copy.deepcopy(prod_config)
    for client in config["clients"]:
        client["rotation"] = rotation

    diagnostics = analyze_run(pack, engine(config))

    assert [(d.policyName, d.urn, d.message) for d in diagnostics] == []
