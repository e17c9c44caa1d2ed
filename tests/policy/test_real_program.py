"""The real program, evaluated with the shipped Pulumi.prod.yaml under the capturing engine, sent
to the pack as the engine would send it: no guardrail objects."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pulumi.runtime.proto import analyzer_pb2

from components.rotation_provider import REGENERATED_SECRET_TYPE
from genesys_oauth_secrets.plan.analyzer_requests import (
    analyze_request,
    analyze_run,
    analyze_stack_request,
)
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.conftest import RunProgram

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_the_shipped_program_passes_every_guardrail(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any], preview: bool
) -> None:
    run = engine(prod_config, preview=preview)

    diagnostics = analyze_run(pack, run)

    assert [(d.policyName, d.urn, d.message) for d in diagnostics] == []


def test_every_registration_reaches_the_pack(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    stack = analyze_stack_request(run)

    assert {r.urn for r in stack.resources} == {r.urn for r in run.registrations}
    clients = [analyze_request(run, r) for r in run.of_type(OAUTH_CLIENT)]
    assert len(clients) == len(prod_config["clients"])
    assert all(list(c.options.additionalSecretOutputs) == ["clientSecret"] for c in clients)
    assert {c.provider.type for c in clients} == {"pulumi:providers:genesyscloud"}


def test_an_unsealed_client_in_the_program_is_caught_without_echoing_its_secret(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any], marker: str
) -> None:
    run = engine(prod_config)
    client = run.of_type(OAUTH_CLIENT)[0]
    index = run.registrations.index(client)
    run.registrations[index] = replace(client, additional_secret_outputs=[])

    diagnostics = analyze_run(pack, run)

    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("client-secret-outputs-sealed", analyzer_pb2.MANDATORY)
    ]
    sent = str(analyze_stack_request(run))
    assert marker in sent, "the client secret must reach the pack, or this test proves nothing"
    assert marker not in "\n".join(d.message for d in diagnostics)


def test_an_unsealed_regeneration_in_the_program_is_caught(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    """The pack names the regeneration's type itself (it imports nothing of the program): this
    fails if the program's dynamic resource is renamed and the guardrail no longer sees it."""
    config = {**prod_config, "clients": [dict(c) for c in prod_config["clients"]]}
    config["clients"][0]["rotation"] = {"generation": 2, "strategy": "regenerate"}
    run = engine(config)
    [regeneration] = run.of_type(REGENERATED_SECRET_TYPE)
    index = run.registrations.index(regeneration)
    run.registrations[index] = replace(regeneration, additional_secret_outputs=[])

    diagnostics = analyze_run(pack, run)

    assert [(d.policyName, d.urn, d.enforcementLevel) for d in diagnostics] == [
        ("client-secret-outputs-sealed", regeneration.urn, analyzer_pb2.MANDATORY)
    ]


def test_a_program_that_drops_a_secret_version_is_caught(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)
    version = run.of_type(SECRET_VERSION)[0]
    run.registrations.remove(version)

    diagnostics = analyze_run(pack, run)

    assert [(d.policyName, d.urn) for d in diagnostics] == [
        ("oauth-client-secret-per-component", version.parent)
    ]
