"""Checks 5 and 6 against the fake Genesys org: each seeds its fault and asserts the fix."""

from __future__ import annotations

import secrets

import pytest

from tests.preflight.conftest import DEPLOYER_SECRET, World
from tests.support.fake_genesys_login import Scripted

OTHER_SECRET = "a-wrong-secret-that-must-not-print"
HALF = f"tok3n-{secrets.token_hex(12)}"
OTHER_HALF = f"half-{secrets.token_hex(12)}"
PIECE = 8
"""Characters of a token that, found in the output, count as a leak."""


def pieces(value: str) -> set[str]:
    """Every stretch of :data:`PIECE` characters of ``value`` within one of its lines."""
    return {
        line[start : start + PIECE]
        for line in value.splitlines()
        for start in range(len(line) - PIECE + 1)
    }


def test_a_rejected_secret_names_the_variables_and_never_their_values(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", OTHER_SECRET)
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("genesys-credentials")
    assert "rejected GENESYSCLOUD_OAUTHCLIENT_ID/GENESYSCLOUD_OAUTHCLIENT_SECRET (401)" in line
    assert OTHER_SECRET not in outcome.out + outcome.err
    assert world.deployer_id not in line
    assert outcome.status("genesys-permissions") == {"SKIPPED"}


def test_missing_credentials_name_the_variables_to_export(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GENESYSCLOUD_OAUTHCLIENT_SECRET")
    [line] = world.run().lines("genesys-credentials")
    assert "GENESYSCLOUD_OAUTHCLIENT_SECRET unset" in line
    assert "fix: export GENESYSCLOUD_OAUTHCLIENT_ID=… GENESYSCLOUD_OAUTHCLIENT_SECRET=…" in line


def test_sdk_debug_must_be_unset_because_it_logs_the_new_secrets(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENESYSCLOUD_SDK_DEBUG", "true")
    outcome = world.run()
    assert outcome.code == 1
    assert any(
        "sdk_debug.log" in line and "fix: unset GENESYSCLOUD_SDK_DEBUG" in line
        for line in outcome.lines("genesys-credentials")
    )


def test_a_provider_region_other_than_genesys_region_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENESYSCLOUD_REGION", "eu-west-1")
    lines = world.run().lines("genesys-credentials")
    assert any(
        "fix: unset GENESYSCLOUD_REGION, or export GENESYSCLOUD_REGION=us-east-1" in line
        for line in lines
    )


def test_an_unset_provider_region_is_fine_because_the_program_pins_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GENESYSCLOUD_REGION")
    assert world.run().status("genesys-credentials") == {"OK"}


def test_an_access_token_replaces_id_and_secret_and_a_rejected_one_is_named(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("GENESYSCLOUD_ACCESS_TOKEN", "not-a-token-the-org-issued")
    outcome = world.run()
    [line] = outcome.lines("genesys-permissions")
    assert "the API rejected the token" in line
    assert "fix: set GENESYSCLOUD_ACCESS_TOKEN" in line
    assert "not-a-token-the-org-issued" not in outcome.out


def test_a_deploying_client_lacking_oauth_permissions_is_told_which(world: World) -> None:
    policies = world.api.roles[world.deployer_role]["permissionPolicies"]
    policies[:] = [p for p in policies if p["actionSet"] != ["delete"]]
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("genesys-permissions")
    assert "lack oauth:client:delete" in line
    assert "Admin > Roles / Permissions" in line


def test_wildcard_policies_cover_the_required_permissions(world: World) -> None:
    world.api.roles[world.deployer_role]["permissionPolicies"] = [
        {"domain": "oauth", "entityName": "*", "actionSet": ["*"]},
        {"domain": "authorization", "entityName": "*", "actionSet": ["*"]},
    ]
    assert world.run().status("genesys-permissions") == {"OK"}


def test_a_configured_role_the_deployer_does_not_hold_is_named(world: World) -> None:
    grants = world.api.clients[world.deployer_id]["roleDivisions"]
    grants[:] = [g for g in grants if g["roleId"] != world.granted_role]
    [line] = world.run().lines("genesys-permissions")
    assert f"roleId {world.granted_role} is not held by the deploying client" in line
    assert "assign that role to the deploying OAuth client" in line


def test_a_configured_role_that_does_not_exist_is_named(world: World) -> None:
    missing = "0b4d0c1e-0000-4000-8000-000000000000"
    clients = world.stack_file["config"]["genesys-oauth-secrets:clients"]
    clients[0]["roles"] = [{"roleId": missing, "divisionId": "*"}]
    world.write_stack_file()
    [line] = world.run().lines("genesys-permissions")
    assert f"roleId {missing} does not exist in this org" in line


def test_a_configured_division_that_does_not_exist_is_named(world: World) -> None:
    missing = "7c1d0c1e-0000-4000-8000-000000000000"
    clients = world.stack_file["config"]["genesys-oauth-secrets:clients"]
    clients[0]["roles"] = [{"roleId": world.granted_role, "divisionId": missing}]
    world.write_stack_file()
    [line] = world.run().lines("genesys-permissions")
    assert f"divisionId {missing} does not exist" in line


def test_an_existing_division_passes(world: World) -> None:
    clients = world.stack_file["config"]["genesys-oauth-secrets:clients"]
    division = world.api.add_division("IVR")
    clients[0]["roles"] = [{"roleId": world.granted_role, "divisionId": division}]
    world.write_stack_file()
    assert world.run().status("genesys-permissions") == {"OK"}


def test_without_authorization_role_view_the_check_says_it_could_not_conclude(
    world: World,
) -> None:
    policies = world.api.roles[world.deployer_role]["permissionPolicies"]
    policies[:] = [
        p for p in policies if p["domain"] != "authorization" or p["entityName"] != "role"
    ]
    outcome = world.run()
    assert outcome.code == 2
    [line] = outcome.lines("genesys-permissions")
    assert line.startswith("ERROR")
    assert "fix: add authorization:role:view" in line


def test_a_throttled_api_is_retried_after_retry_after(world: World) -> None:
    world.api.throttle_api("/api/v2/tokens/me", 1, retry_after="0")
    assert world.run().status("genesys-permissions") == {"OK"}
    assert [call.status for call in world.api.api_calls[:2]] == [429, 200]


def test_an_api_that_keeps_failing_makes_the_check_unable_to_conclude(world: World) -> None:
    world.api.script_api("/api/v2/tokens/me", *[Scripted(503, {"message": "down"})] * 3)
    outcome = world.run()
    assert outcome.code == 2
    [line] = outcome.lines("genesys-permissions")
    assert "answered 503" in line


def test_the_deployer_secret_and_issued_tokens_never_reach_the_output(world: World) -> None:
    outcome = world.run("--json")
    assert world.api.issued
    for value in (DEPLOYER_SECRET, *world.api.issued):
        assert value not in outcome.out + outcome.err


@pytest.mark.parametrize("flags", [(), ("--json",)])
@pytest.mark.parametrize(
    "token",
    [
        f"{HALF}\n{OTHER_HALF}",
        f"{HALF}{OTHER_HALF}\n",
        f"{HALF}\x1b[2J{OTHER_HALF}",
    ],
)
def test_a_garbled_access_token_is_refused_by_name_and_no_piece_of_it_printed(
    world: World, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], token: str
) -> None:
    monkeypatch.setenv("GENESYSCLOUD_ACCESS_TOKEN", token)
    outcome = world.run(*flags)
    printed = outcome.out + outcome.err
    assert "GENESYSCLOUD_ACCESS_TOKEN holds control" in printed
    assert "Traceback" not in printed
    assert not {piece for piece in pieces(token) if piece in printed}
    assert not world.api.api_calls


@pytest.mark.parametrize("flags", [(), ("--json",)])
def test_an_api_error_echoing_the_bearer_token_prints_no_token(
    world: World, flags: tuple[str, ...]
) -> None:
    echo = Scripted(400, {"code": "bad.request", "message": ""}, echo_request=True)
    world.api.script_api("/api/v2/tokens/me", echo)
    outcome = world.run(*flags)
    printed = outcome.out + outcome.err
    [token] = world.api.issued
    assert "bad.request" in printed
    assert "Bearer ********" in printed
    assert not {piece for piece in pieces(token) if piece in printed}
