"""``describe-client`` against the fake Genesys org: the printed entry is the client, exactly."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from components.config import parse_stack_config
from genesys_oauth_secrets.cli import main
from tests.support.fake_genesys_api import FakeGenesysApi, genesys_api

__all__ = ["genesys_api"]

DEPLOYER_SECRET = "deployer-secret-never-printed"
ADOPTED_SECRET = "adopted-secret-never-printed"


@pytest.fixture
def org(genesys_api: FakeGenesysApi, monkeypatch: pytest.MonkeyPatch) -> FakeGenesysApi:
    """The fake org, with a deploying client allowed to view OAuth clients in the env."""
    viewer = genesys_api.add_role("viewer", "oauth:client:view")
    deployer = genesys_api.add_client("deployer", DEPLOYER_SECRET, [(viewer, "*")])
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", deployer)
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", DEPLOYER_SECRET)
    monkeypatch.delenv("GENESYSCLOUD_ACCESS_TOKEN", raising=False)
    return genesys_api


def describe(
    org: FakeGenesysApi, client_id: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, Any, str]:
    code = main(["describe-client", client_id, "--genesys-base-url", org.base_url])
    printed = capsys.readouterr()
    assert DEPLOYER_SECRET not in printed.out + printed.err
    assert ADOPTED_SECRET not in printed.out + printed.err
    return code, yaml.safe_load(printed.out) if printed.out else None, printed.err


def test_a_service_client_is_printed_field_for_field_with_adopt_set(
    org: FakeGenesysApi, capsys: pytest.CaptureFixture[str]
) -> None:
    role = org.add_role("ivr", "architect:flow:view")
    division = org.add_division("Support")
    client_id = org.add_client("ivr-integration", ADOPTED_SECRET, [(role, division), (role, "*")])
    org.clients[client_id].update(description="IVR data dips", accessTokenValiditySeconds=3600)

    code, entry, _ = describe(org, client_id, capsys)

    assert code == 0
    assert entry == [
        {
            "name": "ivr-integration",
            "grantType": "CLIENT-CREDENTIALS",
            "description": "IVR data dips",
            "roles": [
                {"roleId": role, "divisionId": division},
                {"roleId": role, "divisionId": "*"},
            ],
            "accessTokenValiditySeconds": 3600,
            "state": "active",
            "adopt": {"clientId": client_id, "secret": "regenerate"},
        }
    ]


def test_a_code_client_gets_its_scopes_and_redirect_uris_and_the_program_accepts_it(
    org: FakeGenesysApi, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = org.add_client("agent-desktop", ADOPTED_SECRET, grant_type="CODE")
    org.clients[client_id].update(
        scope=["users:readonly"], registeredRedirectUri=["https://desktop.example.com/callback"]
    )

    code, entry, _ = describe(org, client_id, capsys)

    assert code == 0
    assert entry[0]["scopes"] == ["users:readonly"]
    assert entry[0]["redirectUris"] == ["https://desktop.example.com/callback"]
    [parsed] = parse_stack_config({"genesysRegion": "us-east-1", "clients": entry}).clients
    assert parsed.adopt is not None
    assert parsed.adopt.client_id == client_id


@pytest.mark.parametrize(
    ("change", "fix"),
    [
        ({"name": "IVR Integration"}, "name: use 1-63 lowercase letters"),
        ({"state": "disabled"}, "state: use one of active, inactive"),
    ],
)
def test_a_client_the_program_cannot_adopt_as_is_is_printed_with_what_to_fix(
    org: FakeGenesysApi,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    fix: str,
) -> None:
    role = org.add_role("ivr", "architect:flow:view")
    client_id = org.add_client("ivr-integration", ADOPTED_SECRET, [(role, "*")])
    org.clients[client_id].update(change)

    code, entry, err = describe(org, client_id, capsys)

    assert code == 1
    assert entry[0]["adopt"]["clientId"] == client_id
    assert f"fix before adopting: {fix}" in err


def test_an_unknown_client_is_one_error_line_and_exit_2(
    org: FakeGenesysApi, capsys: pytest.CaptureFixture[str]
) -> None:
    code, entry, err = describe(org, "7c9e6679-7425-40de-944b-e07fc1f90ae7", capsys)

    assert code == 2
    assert entry is None
    assert "404 not.found" in err
    assert "no client with that id in this org" in err
