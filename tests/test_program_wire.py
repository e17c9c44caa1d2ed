"""What the whole program sends to the engine: secrets sealed, outputs minimal, tree correct."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from components.issue_time import ISSUED_AT_TAG
from genesys_oauth_secrets.plan.engine import (
    ACCOUNT,
    AWS_REGION,
    ProgramRun,
    is_secret_envelope,
    issued_at_for,
    run_program,
    secret_envelope_paths,
)
from tests.conftest import RunProgram

COMPONENT = "genesys-oauth-secrets:index:OAuthClientSecret"
OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
STACK = "pulumi:pulumi:Stack"
GENESYS_PROVIDER = "pulumi:providers:genesyscloud"
ISSUE_STAMP = "pulumi-python:dynamic/rotation:SecretIssueStamp"


def client_id_of(run: ProgramRun, name: str) -> str:
    """The id the (fake) provider gave the client ``name``."""
    urn = run.one(OAUTH_CLIENT, f"{name}-oauth-client").urn
    return run.monitor.resources[urn].id


def secret_arn_of(run: ProgramRun, name: str) -> str:
    urn = run.one(SECRET, f"{name}-secret").urn
    return str(run.monitor.resources[urn].state["arn"])


def many_clients(base: dict[str, Any], count: int) -> dict[str, Any]:
    """``base`` config with ``count`` CLIENT-CREDENTIALS clients."""
    config = copy.deepcopy(base)
    template = config["clients"][0]
    config["clients"] = [{**template, "name": f"client-{index}"} for index in range(count)]
    return config


def test_secret_version_string_reaches_the_engine_as_a_secret_envelope(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    for client in prod_config["clients"]:
        name = client["name"]
        version = run.one(SECRET_VERSION, f"{name}-secret-version")
        assert version.inputs["secretId"] == secret_arn_of(run, name)
        assert is_secret_envelope(version.inputs["secretString"])
        assert json.loads(version.inputs["secretString"]["value"]) == {
            "version": 1,
            "client_id": client_id_of(run, name),
            "client_secret": run.provider_mocks.client_secret_for(name),
            "genesys_region": "us-east-1",
            "api_host": "api.mypurecloud.com",
            "login_host": "login.mypurecloud.com",
            "grant_type": client["grantType"],
        }


def test_client_secret_appears_nowhere_outside_a_secret_envelope(
    engine: RunProgram,
    prod_config: dict[str, Any],
    marker: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)

    run = engine(prod_config)

    sealed = [r.inputs["secretString"]["value"] for r in run.of_type(SECRET_VERSION)]
    assert all(marker in value for value in sealed), "the marker must reach the engine, sealed"
    for label, text in run.wire_texts():
        assert marker not in text, f"client secret in plaintext in {label}"
    assert marker not in "\n".join(run.logs), "client secret in the engine log"
    assert marker not in caplog.text, "client secret in Python logging"
    printed = capsys.readouterr()
    assert marker not in printed.out + printed.err, "client secret printed"


def test_secret_envelopes_appear_only_where_the_secret_belongs(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    """The engine marks ``clientSecret`` secret; a secret reaching a tag, name or description
    would arrive sealed (and so pass the plaintext check) but land in AWS in the clear."""
    run = engine(prod_config)

    sealed = {(r.type, path) for r in run.registrations for path in secret_envelope_paths(r.inputs)}
    # The pickled dynamic provider is always sealed by Pulumi; it holds no secret of ours.
    assert sealed == {(SECRET_VERSION, "secretString"), (ISSUE_STAMP, "__provider")}
    for outputs in run.monitor.outputs.values():
        assert list(secret_envelope_paths(outputs)) == []


def test_stack_exports_only_client_ids_and_secret_arns(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    assert run.stack_outputs == {
        "clients": {
            client["name"]: {
                "client_id": client_id_of(run, client["name"]),
                "secret_arn": secret_arn_of(run, client["name"]),
            }
            for client in prod_config["clients"]
        }
    }


def test_each_component_registers_exactly_client_id_and_secret_arn_once(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    for component in run.of_type(COMPONENT):
        assert run.monitor.outputs[component.urn] == {
            "client_id": client_id_of(run, component.name),
            "secret_arn": secret_arn_of(run, component.name),
        }
    component_urns = {component.urn for component in run.of_type(COMPONENT)}
    assert component_urns <= set(run.monitor.outputs)


def test_every_child_is_parented_to_its_component(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    components = {component.name: component.urn for component in run.of_type(COMPONENT)}
    assert set(components) == {client["name"] for client in prod_config["clients"]}
    for name, urn in components.items():
        children = {(r.type, r.name) for r in run.registrations if r.parent == urn}
        assert children == {
            (OAUTH_CLIENT, f"{name}-oauth-client"),
            (ISSUE_STAMP, f"{name}-oauth-client-secret-issued"),
            (SECRET, f"{name}-secret"),
            (SECRET_VERSION, f"{name}-secret-version"),
        }
    for stack_level in (
        *run.of_type(KMS_KEY),
        *run.of_type(KMS_ALIAS),
        *run.of_type(GENESYS_PROVIDER),
        *run.of_type(COMPONENT),
    ):
        assert stack_level.parent == run.stack_urn


@pytest.mark.parametrize("count", [1, 4, 25])
def test_n_clients_give_4n_resources_plus_the_stack_key_and_genesys_provider(
    engine: RunProgram, prod_config: dict[str, Any], count: int
) -> None:
    run = engine(many_clients(prod_config, count))

    custom = [r for r in run.registrations if r.custom]
    in_components = [r for r in custom if r.parent != run.stack_urn]
    # Per client: the OAuth client, its issue stamp, the secret and its version.
    assert len(in_components) == 4 * count
    stack_level = [r.type for r in custom if r.parent == run.stack_urn]
    assert sorted(stack_level) == sorted([KMS_KEY, KMS_ALIAS, GENESYS_PROVIDER])
    assert len(run.of_type(COMPONENT)) == count
    assert len(run.of_type(STACK)) == 1


def test_secret_name_is_stable_and_free_of_the_client_id(
    prod_config: dict[str, Any], engine: RunProgram
) -> None:
    first = engine(prod_config)
    replaced = run_program(prod_config, marker="a-replacement-client")

    for client in prod_config["clients"]:
        name = client["name"]
        assert client_id_of(first, name) != client_id_of(replaced, name)
        secret_name = first.one(SECRET, f"{name}-secret").inputs["name"]
        assert secret_name == f"genesys/oauth/prod/{name}"
        assert replaced.one(SECRET, f"{name}-secret").inputs["name"] == secret_name
        assert client_id_of(first, name) not in secret_name


def test_secrets_use_a_created_rotating_cmk_with_an_alias(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    [key] = run.of_type(KMS_KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    [alias] = run.of_type(KMS_ALIAS)
    key_state = run.monitor.resources[key.urn].state
    assert alias.inputs == {
        "name": "alias/genesys-oauth-secrets-prod",
        "targetKeyId": key_state["keyId"],
    }
    for secret in run.of_type(SECRET):
        assert secret.inputs["kmsKeyId"] == key_state["arn"]
        assert secret.inputs["recoveryWindowInDays"] == 30


def test_an_existing_cmk_is_used_and_no_key_is_created(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    existing = f"arn:aws:kms:{AWS_REGION}:{ACCOUNT}:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
    prod_config["secretsKmsKeyId"] = existing

    run = engine(prod_config)

    assert run.of_type(KMS_KEY) == []
    assert run.of_type(KMS_ALIAS) == []
    assert {secret.inputs["kmsKeyId"] for secret in run.of_type(SECRET)} == {existing}


def test_aws_resources_are_tagged_with_stack_and_client(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    common = {
        "team": "contact-center-platform",
        "cost-center": "cc-1234",
        "managed-by": "pulumi",
        "pulumi-project": "genesys-oauth-secrets",
        "pulumi-stack": "prod",
    }
    assert run.of_type(KMS_KEY)[0].inputs["tags"] == common
    for client in prod_config["clients"]:
        secret = run.one(SECRET, f"{client['name']}-secret")
        assert secret.inputs["tags"] == {
            **common,
            "genesys-oauth-client": client["name"],
            ISSUED_AT_TAG: issued_at_for(client_id_of(run, client["name"])),
        }


def test_immediate_deletion_is_accepted_only_as_written_and_warned_about(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["clients"][1]["recoveryWindowInDays"] = 0

    run = engine(prod_config)

    assert run.one(SECRET, "agent-desktop-secret").inputs["recoveryWindowInDays"] == 0
    assert run.one(SECRET, "ivr-integration-secret").inputs["recoveryWindowInDays"] == 30
    warnings = [line for line in run.logs if "recoveryWindowInDays is 0" in line]
    assert len(warnings) == 1
    assert "agent-desktop" in warnings[0]


def test_a_token_lifetime_over_48_hours_is_sent_as_written_and_warned_about(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["clients"][0]["accessTokenValiditySeconds"] = 172_801

    run = engine(prod_config)

    client = run.one(OAUTH_CLIENT, "ivr-integration-oauth-client")
    assert client.inputs["accessTokenValiditySeconds"] == 172_801
    warnings = [line for line in run.logs if "accessTokenValiditySeconds is over 48 h" in line]
    assert len(warnings) == 1
    assert "ivr-integration" in warnings[0]


def test_preview_sends_the_same_sealed_requests(
    engine: RunProgram, prod_config: dict[str, Any], marker: str
) -> None:
    run = engine(prod_config, preview=True)

    assert len(run.of_type(SECRET_VERSION)) == len(prod_config["clients"])
    for label, text in run.wire_texts():
        assert marker not in text, f"client secret in plaintext in {label} during preview"


def test_saml2bearer_reaches_the_engine_as_the_api_stores_it(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["clients"][1]["grantType"] = "SAML2BEARER"
    del prod_config["clients"][1]["redirectUris"]

    run = engine(prod_config)

    client = run.one(OAUTH_CLIENT, "agent-desktop-oauth-client")
    assert client.inputs["authorizedGrantType"] == "SAML2-BEARER"
    document = json.loads(
        run.one(SECRET_VERSION, "agent-desktop-secret-version").inputs["secretString"]["value"]
    )
    assert document["grant_type"] == "SAML2-BEARER"
