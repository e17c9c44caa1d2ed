"""Rotation as the engine sees it: which clients exist per generation, and what the secret holds.

Each test runs the real program under the capturing engine once per generation, as successive
``pulumi up`` runs would. A URN that stays the same between two runs, with the same inputs, is a
resource the engine keeps untouched; a URN that disappears is a resource it deletes.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from components.issue_time import ISSUED_AT_TAG
from genesys_oauth_secrets.plan.engine import ProgramRun, is_secret_envelope, secret_envelope_paths
from tests.conftest import RunProgram

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
REGENERATION = "pulumi-python:dynamic/rotation:RegeneratedSecret"
ISSUE_STAMP = "pulumi-python:dynamic/rotation:SecretIssueStamp"
CLIENT = "ivr-integration"
OTHER = "agent-desktop"
EXISTING_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"


@pytest.fixture
def base_config(prod_config: dict[str, Any]) -> dict[str, Any]:
    """The shipped config with a given CMK: a created key gets a new random id in every run,
    which would make every run's secrets differ for a reason that has nothing to do with
    rotation."""
    return {**prod_config, "secretsKmsKeyId": EXISTING_KEY}


def rotated(config: dict[str, Any], **rotation: Any) -> dict[str, Any]:
    """``config`` with the rotation block of the ivr-integration client set to ``rotation``."""
    result = copy.deepcopy(config)
    result["clients"][0]["rotation"] = rotation
    return result


def clients_of(run: ProgramRun, component: str = CLIENT) -> dict[str, str]:
    """Pulumi name → URN of the component's OAuth clients."""
    return {
        r.name: r.urn
        for r in run.of_type(OAUTH_CLIENT)
        if r.name.startswith(f"{component}-oauth-client")
    }


def client_id(run: ProgramRun, resource_name: str) -> str:
    return run.monitor.resources[run.one(OAUTH_CLIENT, resource_name).urn].id


def document(run: ProgramRun, component: str = CLIENT) -> dict[str, Any]:
    """The credentials document the secret version receives; it must arrive sealed."""
    secret_string = run.one(SECRET_VERSION, f"{component}-secret-version").inputs["secretString"]
    assert is_secret_envelope(secret_string)
    parsed: dict[str, Any] = json.loads(secret_string["value"])
    return parsed


def without_issue_tag(inputs: dict[str, Any]) -> dict[str, Any]:
    """A secret's inputs less the issue-time tag, which follows the current client secret."""
    tags = {key: value for key, value in inputs["tags"].items() if key != ISSUED_AT_TAG}
    return {**inputs, "tags": tags}


def plain_graph(run: ProgramRun) -> dict[str, tuple[str, dict[str, Any]]]:
    """URN → (parent, inputs) of every registration (their order varies between runs)."""
    return {r.urn: (r.parent, r.inputs) for r in run.registrations}


def test_generation_1_registers_exactly_the_graph_of_a_config_without_rotation(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    before = engine(base_config)
    explicit = engine(rotated(base_config, generation=1))
    regenerate = engine(rotated(base_config, generation=1, strategy="regenerate"))

    assert plain_graph(explicit) == plain_graph(before)
    assert plain_graph(regenerate) == plain_graph(before)
    assert clients_of(before) == {
        f"{CLIENT}-oauth-client": f"urn:pulumi:prod::genesys-oauth-secrets::"
        f"genesys-oauth-secrets:index:OAuthClientSecret$"
        f"{OAUTH_CLIENT}::{CLIENT}-oauth-client"
    }


def test_overlap_generations_1_2_3_keep_the_previous_client_and_drop_the_one_before(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    first = engine(base_config)
    second = engine(rotated(base_config, generation=2))
    third = engine(rotated(base_config, generation=3))

    gen1, gen2, gen3 = (
        f"{CLIENT}-oauth-client",
        f"{CLIENT}-oauth-client-gen2",
        f"{CLIENT}-oauth-client-gen3",
    )
    assert set(clients_of(first)) == {gen1}
    assert set(clients_of(second)) == {gen1, gen2}
    assert set(clients_of(third)) == {gen2, gen3}
    # The kept client is the same resource with the same inputs: no replacement, no update.
    assert clients_of(second)[gen1] == clients_of(first)[gen1]
    assert clients_of(third)[gen2] == clients_of(second)[gen2]
    assert second.one(OAUTH_CLIENT, gen1).inputs == first.one(OAUTH_CLIENT, gen1).inputs
    assert third.one(OAUTH_CLIENT, gen2).inputs == second.one(OAUTH_CLIENT, gen2).inputs
    # The other client never moves.
    for run in (second, third):
        assert clients_of(run, OTHER) == clients_of(first, OTHER)


def test_each_generation_has_its_own_display_name_in_genesys(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    run = engine(rotated(base_config, generation=3))

    names = {r.name: r.inputs["name"] for r in run.of_type(OAUTH_CLIENT)}
    assert names[f"{CLIENT}-oauth-client-gen2"] == f"{CLIENT} (generation 2)"
    assert names[f"{CLIENT}-oauth-client-gen3"] == f"{CLIENT} (generation 3)"
    assert names[f"{OTHER}-oauth-client"] == OTHER
    kept = run.one(OAUTH_CLIENT, f"{CLIENT}-oauth-client-gen2").inputs
    current = run.one(OAUTH_CLIENT, f"{CLIENT}-oauth-client-gen3").inputs
    assert {k: v for k, v in kept.items() if k != "name"} == {
        k: v for k, v in current.items() if k != "name"
    }, "both generations carry the same grant, roles and settings"


def test_the_secret_document_and_outputs_follow_the_current_client(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    first = engine(base_config)
    for generation in (2, 3):
        run = engine(rotated(base_config, generation=generation))
        current = f"{CLIENT}-oauth-client-gen{generation}"

        assert document(run)["client_id"] == client_id(run, current)
        assert document(run)["client_secret"] == run.provider_mocks.client_secret_for(
            f"{CLIENT} (generation {generation})"
        )
        exported = run.stack_outputs["clients"][CLIENT]
        assert exported["client_id"] == client_id(run, current)
        assert exported["secret_arn"] == first.stack_outputs["clients"][CLIENT]["secret_arn"]
        secret = run.one(SECRET, f"{CLIENT}-secret")
        assert secret.urn == first.one(SECRET, f"{CLIENT}-secret").urn
        # Only the issue tag moves, to the new client's (tests/test_secret_issue_program.py).
        assert without_issue_tag(secret.inputs) == without_issue_tag(
            first.one(SECRET, f"{CLIENT}-secret").inputs
        )
        assert list(run.stack_outputs) == ["clients"]


def test_the_secret_version_lets_aws_keep_the_old_document_as_awsprevious(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    """No stage labels of our own and no delete-before-replace: the new version is put first
    (AWSCURRENT moves to it, AWSPREVIOUS to the old one) and the old resource's delete then
    leaves AWSPREVIOUS alone (terraform-provider-aws secret_version.go)."""
    first = engine(base_config)
    second = engine(rotated(base_config, generation=2))

    old = first.one(SECRET_VERSION, f"{CLIENT}-secret-version")
    new = second.one(SECRET_VERSION, f"{CLIENT}-secret-version")
    assert new.urn == old.urn
    assert "versionStages" not in new.inputs
    assert new.inputs["secretString"] != old.inputs["secretString"]


def test_keep_previous_false_leaves_only_the_current_client(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    second = engine(rotated(base_config, generation=2, keepPrevious=False))
    third = engine(rotated(base_config, generation=3, keepPrevious=False))

    assert set(clients_of(second)) == {f"{CLIENT}-oauth-client-gen2"}
    assert set(clients_of(third)) == {f"{CLIENT}-oauth-client-gen3"}
    assert document(third)["client_id"] == client_id(third, f"{CLIENT}-oauth-client-gen3")


def test_rotated_secrets_are_sealed_everywhere_and_nowhere_else(
    engine: RunProgram, base_config: dict[str, Any], marker: str
) -> None:
    run = engine(rotated(base_config, generation=2))

    for label, text in run.wire_texts():
        assert marker not in text, f"client secret in plaintext in {label}"
    sealed = {(r.type, path) for r in run.registrations for path in secret_envelope_paths(r.inputs)}
    # The pickled dynamic provider is always sealed by Pulumi; it holds no secret of ours.
    assert sealed == {(SECRET_VERSION, "secretString"), (ISSUE_STAMP, "__provider")}
    assert marker not in "\n".join(run.logs)


def test_regenerate_keeps_the_one_client_and_stores_the_regenerated_secret(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    first = engine(rotated(base_config, strategy="regenerate"))
    second = engine(rotated(base_config, generation=2, strategy="regenerate"))
    third = engine(rotated(base_config, generation=3, strategy="regenerate"))

    for run in (second, third):
        assert clients_of(run) == clients_of(first)
        assert (
            run.one(OAUTH_CLIENT, f"{CLIENT}-oauth-client").inputs
            == first.one(OAUTH_CLIENT, f"{CLIENT}-oauth-client").inputs
        )
    same_id = client_id(first, f"{CLIENT}-oauth-client")
    assert first.of_type(REGENERATION) == []
    for generation, run in ((2, second), (3, third)):
        [regeneration] = run.of_type(REGENERATION)
        assert regeneration.name == f"{CLIENT}-secret-regeneration"
        assert regeneration.inputs["clientId"] == same_id
        assert regeneration.inputs["generation"] == generation
        assert regeneration.inputs["apiBaseUrl"] == "https://api.mypurecloud.com"
        assert regeneration.inputs["tokenUrl"] == "https://login.mypurecloud.com/oauth/token"
        assert regeneration.additional_secret_outputs == ["secret"]
        assert document(run)["client_id"] == same_id
        assert document(run)["client_secret"] == run.provider_mocks.regenerated_secret_for(
            same_id, generation
        )
        assert run.stack_outputs["clients"][CLIENT]["client_id"] == same_id
    assert second.one(REGENERATION, f"{CLIENT}-secret-regeneration").urn == (
        third.one(REGENERATION, f"{CLIENT}-secret-regeneration").urn
    ), "the regeneration is updated in place from one generation to the next"


def test_the_regenerated_secret_reaches_the_engine_only_as_a_secret(
    engine: RunProgram, base_config: dict[str, Any], marker: str
) -> None:
    run = engine(rotated(base_config, generation=2, strategy="regenerate"))

    regenerated = run.provider_mocks.regenerated_secret_for(
        client_id(run, f"{CLIENT}-oauth-client"), 2
    )
    assert (
        regenerated
        in run.one(SECRET_VERSION, f"{CLIENT}-secret-version").inputs["secretString"]["value"]
    )
    for label, text in run.wire_texts():
        assert marker not in text, f"a client secret in plaintext in {label}"
    sealed = {(r.type, path) for r in run.registrations for path in secret_envelope_paths(r.inputs)}
    # The pickled dynamic provider is always sealed by Pulumi; it holds no secret of ours.
    assert sealed == {
        (SECRET_VERSION, "secretString"),
        (REGENERATION, "__provider"),
        (ISSUE_STAMP, "__provider"),
    }


def test_preview_of_a_rotation_sends_the_same_sealed_requests(
    engine: RunProgram, base_config: dict[str, Any], marker: str
) -> None:
    for rotation in ({"generation": 3}, {"generation": 2, "strategy": "regenerate"}):
        run = engine(rotated(base_config, **rotation), preview=True)

        assert len(run.of_type(SECRET_VERSION)) == len(base_config["clients"])
        for label, text in run.wire_texts():
            assert marker not in text, f"client secret in plaintext in {label} during preview"


def test_only_the_current_client_is_protected_so_the_next_rotation_can_delete_the_previous(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    second = engine(rotated(base_config, generation=2))
    alone = engine(rotated(base_config, generation=2, keepPrevious=False))

    protected = {r.name: r.protect for r in second.of_type(OAUTH_CLIENT) if CLIENT in r.name}
    assert protected == {f"{CLIENT}-oauth-client": False, f"{CLIENT}-oauth-client-gen2": True}
    assert [r.protect for r in alone.of_type(OAUTH_CLIENT) if CLIENT in r.name] == [True]
    unprotected = engine(rotated({**base_config, "protectResources": False}, generation=2))
    assert not any(r.protect for r in unprotected.of_type(OAUTH_CLIENT))
