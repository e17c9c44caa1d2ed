"""Hostile input at every entry point: flags, stack files, and Genesys answers. Each gives a
clear error or a result, never a traceback, hang or secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_credentials import Secret
from genesys_oauth_secrets.preflight.cli import main
from genesys_oauth_secrets.preflight.context import PreflightError, resolve
from genesys_oauth_secrets.preflight.genesys_answers import caller, client_grants, holds, role
from genesys_oauth_secrets.preflight.platform_api import ApiError, PlatformApi, UnusableAnswer
from genesys_oauth_secrets.shared.text import shown
from tests.preflight.conftest import NO_WAIT, World
from tests.support.fake_genesys_login import Scripted
from tests.support.hypothesis_profiles import FIXTURE_OK

T = TypeVar("T")
FUZZ = settings(max_examples=80, suppress_health_check=FIXTURE_OK)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
answer_keys = st.sampled_from(
    ["OAuthClient", "id", "roleDivisions", "roleId", "divisionId", "permissionPolicies",
     "domain", "entityName", "actionSet", "permissions", "name"]
)  # fmt: skip
answers = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(answer_keys | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def attempt(action: Callable[[], T], *errors: type[Exception]) -> T | Exception:
    """The result of ``action``, or the expected exception it raised (any other propagates)."""
    try:
        return action()
    except errors as error:
        return error


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: genesys-oauth-secrets\nruntime: python\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  aws:region: us-east-1\n")
    return tmp_path


@FUZZ
@given(
    stack=st.text(max_size=40),
    bucket=st.none() | st.text(max_size=70),
    base_url=st.none() | st.text(max_size=60),
    backend=st.none() | st.text(max_size=60),
)
def test_any_flags_give_a_context_or_one_clear_error(
    project: Path, stack: str, bucket: str | None, base_url: str | None, backend: str | None
) -> None:
    env = {} if backend is None else {"PULUMI_BACKEND_URL": backend}
    context = attempt(
        lambda: resolve(
            stack=stack,
            bucket=bucket,
            endpoint_url=None,
            genesys_base_url=base_url,
            project_dir=project,
            env=env,
        ),
        PreflightError,
    )
    if isinstance(context, Exception):
        assert "\n" not in str(context)
    else:
        assert context.bucket
        assert context.stack == stack


@FUZZ
@given(document=json_values)
def test_any_stack_file_gives_a_context_or_one_clear_error(project: Path, document: object) -> None:
    (project / "Pulumi.prod.yaml").write_text(yaml.safe_dump(document))
    try:
        context = resolve(
            stack="prod",
            bucket="some-state-bucket",
            endpoint_url=None,
            genesys_base_url=None,
            project_dir=project,
            env={},
        )
    except PreflightError:
        return
    assert (context.config is None) == (context.config_problem is not None)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stack", "prod\n"], "--stack"),
        (["--stack", "prod", "--bucket", "Not_A_Bucket"], "--bucket"),
        (["--stack", "prod", "--bucket", "ok-bucket", "--genesys-base-url", "ftp://x"], "base"),
    ],
)
def test_bad_flags_exit_2_with_one_error_line_and_json_still_parses(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main([*argv, "--json"], project_dir=project, retry=NO_WAIT) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["exitCode"] == 2
    [line] = captured.err.splitlines()
    assert line.startswith("error: ")
    assert message in line


@given(answer=answers)
def test_any_token_info_is_a_caller_none_or_an_unusable_answer(answer: Any) -> None:
    if not isinstance(answer, dict):
        return
    found = attempt(lambda: caller(answer), UnusableAnswer)
    if isinstance(found, Exception):
        assert "tokens/me" in str(found)
    else:
        assert found is None or found.client_id


@given(answer=answers)
def test_any_role_or_client_answer_parses_or_is_refused_naming_the_field(answer: Any) -> None:
    if not isinstance(answer, dict):
        return
    for parse in (lambda: role(answer, "r-1"), lambda: client_grants(answer)):
        result = attempt(parse, UnusableAnswer)
        assert str(result) if isinstance(result, Exception) else result is not None


@given(
    policies=st.lists(
        st.tuples(*[st.sampled_from(["oauth", "client", "add", "*", "view"])] * 3), max_size=5
    )
)
def test_holds_is_exact_match_or_wildcard_per_part(policies: list[tuple[str, str, str]]) -> None:
    expected = any(
        d in ("*", "oauth") and e in ("*", "client") and a in ("*", "add") for d, e, a in policies
    )
    assert holds(policies, "oauth:client:add") is expected


@given(value=st.text())
def test_shown_text_has_no_control_characters_and_is_bounded(value: str) -> None:
    text = shown(value)
    assert len(text) <= 120
    assert not any(ord(char) < 32 or ord(char) == 127 for char in text)


@settings(max_examples=40, suppress_health_check=FIXTURE_OK)
@given(
    status=st.sampled_from([200, 400, 401, 403, 404, 418, 500]),
    body=st.binary(max_size=200) | st.builds(lambda v: json.dumps(v).encode(), json_values),
)
def test_hostile_api_answers_become_api_errors_or_unusable_answers(
    world: World, status: int, body: bytes
) -> None:
    token = Secret(next(iter(world.api.token_clients), "none"))
    world.api.script_api("/api/v2/tokens/me", Scripted(status, {}, raw=body))
    api = PlatformApi(world.api.base_url, token, NO_WAIT)
    answer = attempt(lambda: api.get("/api/v2/tokens/me"), ApiError, UnusableAnswer)
    if isinstance(answer, Exception):
        assert "\x1b" not in str(answer)
    else:
        assert status == 200
        assert isinstance(answer, dict)


def test_an_oversized_answer_is_unusable_and_not_read_whole(world: World) -> None:
    world.api.script_api("/api/v2/tokens/me", Scripted(200, {}, raw=b" " * 200_000 + b"{}"))
    api = PlatformApi(world.api.base_url, Secret("t"), NO_WAIT)
    with pytest.raises(UnusableAnswer, match="an answer over"):
        api.get("/api/v2/tokens/me")


def test_deeply_nested_json_is_unusable_not_a_recursion_error(world: World) -> None:
    world.api.script_api("/api/v2/tokens/me", Scripted(200, {}, raw=b"[" * 60_000))
    api = PlatformApi(world.api.base_url, Secret("t"), NO_WAIT)
    with pytest.raises(UnusableAnswer, match="not JSON"):
        api.get("/api/v2/tokens/me")


def test_a_hostile_token_info_makes_the_check_unable_to_conclude(world: World) -> None:
    world.api.script_api(
        "/api/v2/tokens/me", Scripted(200, {"OAuthClient": {"id": "\x1b[2Kfake OK"}})
    )
    outcome = world.run()
    assert outcome.code == 2
    assert "\x1b" not in outcome.out
