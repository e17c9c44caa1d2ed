"""The Genesys binding sends what a generated ``pulumi package add`` SDK would send."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from genesys_oauth_secrets.plan.engine import start_engine
from tests.conftest import REPO, RunProgram
from tests.support.refused_config import refused_before_any_resource

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
PROVIDER = "pulumi:providers:genesyscloud"
MOCK_PACKAGE_REF = "mock-uuid"
"""What Pulumi's mock monitor answers to RegisterPackage; resources must echo it."""

EXPECTED_PARAMETER = (
    b'{"remote":{"url":"registry.opentofu.org/mypurecloud/genesyscloud","version":"1.84.1"}}'
)
"""Go ``json.Marshal`` of the parameter `pulumi package add … mypurecloud/genesyscloud 1.84.1`
stores in provider state: compact, ``remote`` then ``url``/``version``."""


def test_register_package_request_is_byte_identical_to_pulumi_package_add(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    assert len(run.monitor.packages) == 1, (
        "one RegisterPackage per deployment, however many clients"
    )
    package = run.monitor.packages[0]
    assert package.name == "terraform-provider"
    assert package.version == "1.1.3"
    assert package.download_url == ""
    assert package.parameterization.name == "genesyscloud"
    assert package.parameterization.version == "1.84.1"
    assert package.parameterization.value == EXPECTED_PARAMETER
    assert not package.HasField("extension"), "a replacement parameterization, not an extension"


def test_oauth_client_request_carries_package_ref_and_secret_client_secret(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    clients = run.of_type(OAUTH_CLIENT)
    assert len(clients) == len(prod_config["clients"])
    for client in clients:
        assert client.custom
        assert client.package_ref == MOCK_PACKAGE_REF
        assert client.version == "", "the package reference, not a plugin version, picks it"
        assert client.additional_secret_outputs == ["clientSecret"]
        assert client.inputs["exposeClientSecret"] is True
        assert "directoryClientSecret" not in client.inputs


def test_oauth_client_inputs_use_the_bridged_camel_case_names(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    assert run.one(OAUTH_CLIENT, "ivr-integration-oauth-client").inputs == {
        "name": "ivr-integration",
        "description": "IVR data dips",
        "authorizedGrantType": "CLIENT-CREDENTIALS",
        "roles": [{"roleId": "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13", "divisionId": "*"}],
        "accessTokenValiditySeconds": 86400,
        "state": "active",
        "exposeClientSecret": True,
    }
    assert run.one(OAUTH_CLIENT, "agent-desktop-oauth-client").inputs == {
        "name": "agent-desktop",
        "description": "Agent desktop single sign-on",
        "authorizedGrantType": "CODE",
        "registeredRedirectUris": ["https://desktop.example.com/callback"],
        "scopes": ["users:readonly"],
        "accessTokenValiditySeconds": 86400,
        "state": "active",
        "exposeClientSecret": True,
    }


def test_role_without_division_is_sent_without_division_id(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["clients"][0]["roles"] = [{"roleId": "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"}]

    run = engine(prod_config)

    roles = run.one(OAUTH_CLIENT, "ivr-integration-oauth-client").inputs["roles"]
    assert roles == [{"roleId": "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"}]


def test_one_explicit_provider_pinned_to_genesys_region_with_sdk_debug_off(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["genesysRegion"] = "eu-west-1"

    run = engine(prod_config)

    [provider] = run.of_type(PROVIDER)
    assert provider.name == "genesyscloud"
    assert provider.parent == run.stack_urn
    assert provider.package_ref == MOCK_PACKAGE_REF
    assert provider.inputs == {"awsRegion": "eu-west-1", "sdkDebug": "false"}


def test_every_oauth_client_uses_the_explicit_provider(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(prod_config)

    provider = run.one(PROVIDER, "genesyscloud")
    provider_id = run.monitor.resources[provider.urn].id
    clients = run.of_type(OAUTH_CLIENT)
    assert len(clients) == len(prod_config["clients"])
    for client in clients:
        assert client.provider == f"{provider.urn}::{provider_id}"


def test_no_credential_reaches_the_provider_inputs(
    engine: RunProgram,
    prod_config: dict[str, Any],
    marker: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The provider process reads its credentials from its own environment; the program never
    # copies them into inputs, so they never reach the provider's state.
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", f"{marker}-id")
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", f"{marker}-secret")
    monkeypatch.setenv("GENESYSCLOUD_ACCESS_TOKEN", f"{marker}-token")

    run = engine(prod_config)

    provider = run.one(PROVIDER, "genesyscloud")
    assert set(provider.inputs) <= {
        "awsRegion",
        "sdkDebug",
        "tokenPoolSize",
        "customRetryTimeout",
        "proxy",
    }
    for label, text in run.wire_texts():
        assert f"{marker}-" not in text, f"a deploying credential in {label}"


def test_corporate_settings_reach_the_provider_as_a_generated_sdk_sends_them(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["genesysProvider"] = {
        "tokenPoolSize": 5,
        "customRetryTimeout": "2m",
        "proxy": {"host": "proxy.corp.example", "port": 3128, "protocol": "http"},
    }

    run = engine(prod_config)

    inputs = run.one(PROVIDER, "genesyscloud").inputs
    assert inputs["tokenPoolSize"] == "5"
    assert inputs["customRetryTimeout"] == "2m"
    assert json.loads(inputs["proxy"]) == {
        "host": "proxy.corp.example",
        "port": "3128",
        "protocol": "http",
    }


def test_provider_namespace_config_is_refused_because_the_explicit_provider_ignores_it(
    prod_config: dict[str, Any], marker: str
) -> None:
    prod_config["genesyscloud:awsRegion"] = "eu-west-1"
    run = start_engine(marker)

    [problem] = refused_before_any_resource(run, prod_config).problems

    assert problem.startswith("genesyscloud:awsRegion: ignored: only a default Genesys provider")
    assert "`pulumi config rm genesyscloud:awsRegion`" in problem


def test_the_stack_file_forbids_default_genesys_providers() -> None:
    # The engine then refuses any Genesys resource registered without an explicit provider
    # (pkg/resource/deploy/default_providers.go: shouldDenyRequest, by package name).
    stack_file = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())

    assert stack_file["config"]["pulumi:disable-default-providers"] == ["genesyscloud"]
