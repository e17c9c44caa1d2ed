"""The fake Genesys organisation answers as the Platform API documents it, so tests built on it
(preflight, the credentials helper, secret regeneration) test against the real contract."""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.fake_genesys_api import FakeGenesysApi, genesys_api
from tests.support.fake_genesys_login import HANG_UP, Scripted
from tests.support.hypothesis_profiles import FIXTURE_OK

__all__ = ["genesys_api"]

SECRET = "fake-secret-for-the-deployer"
ERROR_BODY_KEYS = {"message", "code", "status", "contextId", "details", "errors"}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def call(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    data = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback fake only
        url, data=data if method == "POST" else None, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return Answer(response.status, dict(response.headers), json.loads(response.read()))
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, dict(error.headers), json.loads(error.read()))


def token_for(api: FakeGenesysApi, client_id: str, secret: str = SECRET) -> str:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = call(
        api.token_url,
        method="POST",
        headers={
            "Authorization": f"Basic {pair}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status == 200, answer.body
    return str(answer.body["access_token"])


def api_get(api: FakeGenesysApi, path: str, token: str | None) -> Answer:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return call(f"{api.base_url}/api/v2/{path}", headers=headers)


@pytest.fixture
def deployer(genesys_api: FakeGenesysApi) -> tuple[str, str]:
    """A client holding one role with the OAuth admin permissions, and its bearer token."""
    role = genesys_api.add_role("OAuth admin", "oauth:client:*", "authorization:role:view")
    client_id = genesys_api.add_client("deployer", SECRET, [(role, "*")])
    return client_id, token_for(genesys_api, client_id)


def test_tokens_me_names_the_calling_client_under_the_pascal_case_key(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    client_id, token = deployer
    answer = api_get(genesys_api, "tokens/me", token)
    assert answer.status == 200
    assert "oauthClient" not in answer.body
    assert answer.body["OAuthClient"]["id"] == client_id
    role_id = next(iter(genesys_api.roles))
    assert answer.body["OAuthClient"]["roleDivisions"] == [{"roleId": role_id, "divisionId": "*"}]
    assert answer.body["organization"]["id"] == genesys_api.organization["id"]


def test_a_role_is_read_with_its_permission_policies_and_legacy_permissions(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    role_id = genesys_api.add_role("Viewer", "routing:queue:view", legacy=["admin"])
    answer = api_get(genesys_api, f"authorization/roles/{role_id}", deployer[1])
    assert answer.status == 200
    assert answer.body["permissions"] == ["admin"]
    [policy] = answer.body["permissionPolicies"]
    assert (policy["domain"], policy["entityName"], policy["actionSet"]) == (
        "routing",
        "queue",
        ["view"],
    )


def test_reading_a_role_without_authorization_role_view_is_403_naming_it(
    genesys_api: FakeGenesysApi,
) -> None:
    role_id = genesys_api.add_role("OAuth only", "oauth:client:view")
    client_id = genesys_api.add_client("narrow", SECRET, [(role_id, "*")])
    token = token_for(genesys_api, client_id)
    answer = api_get(genesys_api, f"authorization/roles/{role_id}", token)
    assert answer.status == 403
    assert answer.body["code"] == "missing.permissions"
    assert "authorization:role:view" in answer.body["message"]
    assert answer.body.keys() >= ERROR_BODY_KEYS


def test_divisions_need_no_permission_and_unknown_ones_are_404_not_found(
    genesys_api: FakeGenesysApi,
) -> None:
    client_id = genesys_api.add_client("no roles", SECRET)
    token = token_for(genesys_api, client_id)
    home = api_get(genesys_api, f"authorization/divisions/{genesys_api.home_division}", token)
    assert home.status == 200
    assert home.body["homeDivision"] is True
    missing = api_get(genesys_api, "authorization/divisions/no-such-division", token)
    assert (missing.status, missing.body["code"]) == (404, "not.found")


def test_an_oauth_client_is_returned_without_its_secret(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    client_id, token = deployer
    answer = api_get(genesys_api, f"oauth/clients/{client_id}", token)
    assert answer.status == 200
    assert answer.body["authorizedGrantType"] == "CLIENT-CREDENTIALS"
    assert "secret" not in answer.body
    assert SECRET not in json.dumps(answer.body)


@pytest.mark.parametrize("token", [None, "not-a-token-this-host-issued"])
def test_api_calls_without_a_token_it_issued_are_401_error_bodies(
    genesys_api: FakeGenesysApi, token: str | None
) -> None:
    answer = api_get(genesys_api, "tokens/me", token)
    assert answer.status == 401
    assert answer.body.keys() >= ERROR_BODY_KEYS


def test_a_deactivated_client_s_token_stops_working(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    client_id, token = deployer
    genesys_api.clients[client_id]["state"] = "inactive"
    assert api_get(genesys_api, "tokens/me", token).status == 401


def test_throttled_paths_answer_429_with_retry_after_then_recover(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    genesys_api.throttle_api("/api/v2/tokens/me", 1, retry_after="7")
    throttled = api_get(genesys_api, "tokens/me", deployer[1])
    assert throttled.status == 429
    assert throttled.headers["Retry-After"] == "7"
    assert throttled.body["code"] == "too.many.requests.retry.after"
    assert api_get(genesys_api, "tokens/me", deployer[1]).status == 200
    assert [call.status for call in genesys_api.api_calls] == [429, 200]


@pytest.mark.parametrize(
    ("answer", "delay", "received"),
    [
        (Scripted(502, {"message": "Bad Gateway"}), 0.0, 502),
        (HANG_UP, 0.0, None),
        (None, 0.3, 200),
    ],
    ids=["gateway-502-after-commit", "hang-up-after-commit", "slow-commit"],
)
def test_a_committed_regeneration_takes_effect_whatever_is_answered(
    genesys_api: FakeGenesysApi,
    deployer: tuple[str, str],
    answer: Scripted | None,
    delay: float,
    received: int | None,
) -> None:
    target = genesys_api.add_client("ivr", "old-secret")
    path = f"/api/v2/oauth/clients/{target}/secret"
    genesys_api.commit_then(path, answer, delay=delay)
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {deployer[1]}"}
    try:
        status: int | None = call(
            genesys_api.base_url + path, method="POST", headers=headers
        ).status
    except (http.client.HTTPException, ConnectionError):
        status = None

    assert status == received
    assert time.monotonic() - started >= delay
    [live] = genesys_api.regenerated[target]
    assert [(c.method, c.path, c.status) for c in genesys_api.api_calls] == [("POST", path, 200)]
    assert login_status(genesys_api, target, live) == 200
    assert login_status(genesys_api, target, "old-secret") == 401


def login_status(api: FakeGenesysApi, client_id: str, secret: str) -> int:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    form = {"Authorization": f"Basic {pair}", "Content-Type": "application/x-www-form-urlencoded"}
    return call(api.token_url, method="POST", headers=form).status


def test_scripted_raw_answers_reach_the_client_byte_for_byte(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str]
) -> None:
    genesys_api.script_api("/api/v2/tokens/me", Scripted(200, {}, raw=b"[1, 2]"))
    assert api_get(genesys_api, "tokens/me", deployer[1]).body == [1, 2]


def test_the_login_host_still_serves_only_post_oauth_token(genesys_api: FakeGenesysApi) -> None:
    assert call(genesys_api.token_url).status == 405
    assert call(f"{genesys_api.base_url}/elsewhere").status == 404


@settings(max_examples=60, suppress_health_check=FIXTURE_OK)
@given(path=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=60))
def test_every_api_path_answers_json_and_errors_are_error_bodies(
    genesys_api: FakeGenesysApi, deployer: tuple[str, str], path: str
) -> None:
    answer = api_get(genesys_api, urllib.parse.quote(path, safe="/"), deployer[1])
    if answer.status != 200:
        assert answer.body.keys() >= ERROR_BODY_KEYS
        assert answer.body["status"] == answer.status
