"""The Genesys binding sends what a generated ``pulumi package add`` SDK would send."""

from __future__ import annotations

from typing import Any

import pulumi

from components.config import parse_stack_config
from components.genesys_provider import Provider, ProviderArgs
from components.genesys_regions import genesys_region
from components.oauth_client_secret import OAuthClientSecret, OAuthClientSecretArgs
from offline_plan.engine import ProgramRun, is_secret_envelope, start_engine
from tests.conftest import RunProgram

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


def _second_org_program(marker: str, prod_config: dict[str, Any]) -> ProgramRun:
    """A component deployed through an explicit provider whose secret is the marker."""
    client = parse_stack_config(prod_config).clients[0]
    run = start_engine(marker)

    def program() -> None:
        provider = Provider(
            "second-org",
            ProviderArgs(
                aws_region="eu-west-1", oauthclient_id="deployer", oauthclient_secret=marker
            ),
        )
        OAuthClientSecret(
            client.name,
            OAuthClientSecretArgs(
                client=client, genesys_region=genesys_region("eu-west-1"), kms_key_id="alias/k"
            ),
            pulumi.ResourceOptions(providers=[provider]),
        )

    run.run_function(program)
    return run


def test_explicit_provider_is_genesyscloud_with_its_secret_encrypted(
    marker: str, prod_config: dict[str, Any]
) -> None:
    run = _second_org_program(marker, prod_config)

    provider = run.one(PROVIDER, "second-org")
    assert provider.package_ref == MOCK_PACKAGE_REF
    assert provider.inputs["awsRegion"] == "eu-west-1"
    assert provider.inputs["oauthclientId"] == "deployer"
    assert is_secret_envelope(provider.inputs["oauthclientSecret"])
    assert provider.inputs["oauthclientSecret"]["value"] == marker
    assert "oauthclientSecret" in provider.additional_secret_outputs


def test_component_children_use_the_provider_given_to_the_component(
    marker: str, prod_config: dict[str, Any]
) -> None:
    run = _second_org_program(marker, prod_config)

    provider = run.one(PROVIDER, "second-org")
    client = run.one(OAUTH_CLIENT, "ivr-integration-oauth-client")
    assert client.provider.startswith(provider.urn + "::")
