"""The secret's issue tag as the engine sees it: which stamp it comes from, and when it moves.

The capturing engine plays the stamp and the regeneration with a fixed time per client id
(``issued_at_for``). A stamp whose URN and inputs are the same in two runs is one the engine
keeps, time and all; so these tests prove that the tag follows the *client secret*: it changes
with a new client or a regeneration, and a document rewrite or a rollback leaves it alone.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from components.issue_time import ISSUED_AT_OUTPUT, ISSUED_AT_TAG, parse_issued_at
from components.rotation_provider import RegenerateSecretProvider
from components.secret_issue_stamp import SECRET_ISSUE_STAMP_TYPE, SecretIssueStampProvider
from genesys_oauth_secrets.plan import engine as engine_module
from genesys_oauth_secrets.plan.engine import ProgramRun, issued_at_for
from tests.conftest import RunProgram

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
REGENERATION = "pulumi-python:dynamic/rotation:RegeneratedSecret"
CLIENT = "ivr-integration"
EXISTING_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
AWS_TAG_TEXT = re.compile(r"[\w\s+\-=.:/@]{0,256}")
"""Characters and length AWS allows in a Secrets Manager tag value."""


@pytest.fixture
def base_config(prod_config: dict[str, Any]) -> dict[str, Any]:
    return {**prod_config, "secretsKmsKeyId": EXISTING_KEY}


def rotated(config: dict[str, Any], **rotation: Any) -> dict[str, Any]:
    result = copy.deepcopy(config)
    result["clients"][0]["rotation"] = rotation
    return result


def issue_tag(run: ProgramRun) -> str:
    tag: str = run.one(SECRET, f"{CLIENT}-secret").inputs["tags"][ISSUED_AT_TAG]
    return tag


def client_id(run: ProgramRun, generation: int) -> str:
    suffix = "" if generation == 1 else f"-gen{generation}"
    return run.monitor.resources[run.one(OAUTH_CLIENT, f"{CLIENT}-oauth-client{suffix}").urn].id


def stamp(run: ProgramRun, generation: int) -> tuple[str, dict[str, Any], str]:
    """URN, inputs and recorded time of the stamp beside generation ``generation``'s client."""
    suffix = "" if generation == 1 else f"-gen{generation}"
    registration = run.one(SECRET_ISSUE_STAMP_TYPE, f"{CLIENT}-oauth-client{suffix}-secret-issued")
    recorded = run.monitor.resources[registration.urn].state[ISSUED_AT_OUTPUT]
    inputs = {key: value for key, value in registration.inputs.items() if key != "__provider"}
    return registration.urn, inputs, recorded


def test_each_live_client_has_a_stamp_and_the_secret_carries_the_current_ones(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    run = engine(rotated(base_config, generation=3))

    stamps = {r.name for r in run.of_type(SECRET_ISSUE_STAMP_TYPE) if r.name.startswith(CLIENT)}
    assert stamps == {
        f"{CLIENT}-oauth-client-gen2-secret-issued",
        f"{CLIENT}-oauth-client-gen3-secret-issued",
    }
    for generation in (2, 3):
        _, inputs, _ = stamp(run, generation)
        assert inputs == {"clientId": client_id(run, generation)}
    assert issue_tag(run) == stamp(run, 3)[2] == issued_at_for(client_id(run, 3))
    assert AWS_TAG_TEXT.fullmatch(issue_tag(run))
    assert len(ISSUED_AT_TAG) <= 128
    assert not ISSUED_AT_TAG.startswith("aws:")


def test_a_rotation_moves_the_tag_to_the_new_clients_stamp(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    first = engine(base_config)
    second = engine(rotated(base_config, generation=2))

    assert issue_tag(second) == stamp(second, 2)[2] != issue_tag(first)
    assert stamp(second, 1)[:2] == stamp(first, 1)[:2], "generation 1's stamp is kept as it was"


def test_a_rollback_tags_the_previous_generations_own_stamp_again(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    """docs/rotation.md "Roll back": generation 3 back to 2. Generation 2's client and its stamp
    are the same resources with the same inputs in both runs, so the engine keeps the stamp's
    time, and the secret is tagged with it: the secret is as old as generation 2's."""
    at_2 = engine(rotated(base_config, generation=2))
    at_3 = engine(rotated(base_config, generation=3))
    back_to_2 = engine(rotated(base_config, generation=2))

    assert stamp(back_to_2, 2)[:2] == stamp(at_3, 2)[:2] == stamp(at_2, 2)[:2]
    assert issue_tag(back_to_2) == stamp(at_3, 2)[2] == issue_tag(at_2)
    assert issue_tag(back_to_2) != issue_tag(at_3)


def test_a_document_rewrite_that_keeps_the_secret_keeps_the_tag(
    engine: RunProgram, base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = engine(base_config)
    monkeypatch.setattr("components.credentials_document.DOCUMENT_VERSION", 2)
    after = engine(base_config)

    old_version = before.one(SECRET_VERSION, f"{CLIENT}-secret-version").inputs["secretString"]
    new_version = after.one(SECRET_VERSION, f"{CLIENT}-secret-version").inputs["secretString"]
    assert new_version != old_version, "the document changed: a new version is written"
    assert (
        after.one(SECRET, f"{CLIENT}-secret").inputs
        == before.one(SECRET, f"{CLIENT}-secret").inputs
    )
    assert stamp(after, 1)[:2] == stamp(before, 1)[:2]


def test_a_regenerated_secret_is_tagged_with_its_regeneration_time(
    engine: RunProgram, base_config: dict[str, Any]
) -> None:
    second = engine(rotated(base_config, generation=2, strategy="regenerate"))
    third = engine(rotated(base_config, generation=3, strategy="regenerate"))

    same_client = client_id(second, 1)
    for generation, run in ((2, second), (3, third)):
        [regeneration] = run.of_type(REGENERATION)
        recorded = run.monitor.resources[regeneration.urn].state[ISSUED_AT_OUTPUT]
        assert issue_tag(run) == recorded == issued_at_for(f"{same_client}/{generation}")
        assert regeneration.additional_secret_outputs == ["secret"], "issuedAt is not secret"
    assert issue_tag(second) != issue_tag(third)
    assert stamp(third, 1)[:2] == stamp(second, 1)[:2]


def test_the_stamp_records_the_time_once_and_is_replaced_only_with_its_client() -> None:
    provider = SecretIssueStampProvider()
    before = datetime.now(UTC).replace(microsecond=0)

    created = provider.create({"clientId": "c-1", ISSUED_AT_OUTPUT: None})

    issued = parse_issued_at((created.outs or {})[ISSUED_AT_OUTPUT])
    assert issued is not None
    assert before <= issued <= datetime.now(UTC)
    assert created.id == "c-1"
    olds = dict(created.outs or {})
    same = provider.diff("c-1", olds, {"clientId": "c-1", ISSUED_AT_OUTPUT: None})
    other = provider.diff("c-1", olds, {"clientId": "c-2", ISSUED_AT_OUTPUT: None})
    assert (same.changes, same.replaces) == (False, [])
    assert (other.changes, other.replaces) == (True, ["clientId"])


@pytest.mark.parametrize("olds", [{}, {"clientId": "c-1"}, {"unrelated": 1}])
def test_state_without_an_issue_time_is_read_without_a_crash_or_a_regeneration(
    olds: dict[str, Any],
) -> None:
    """State written before ``issuedAt`` existed: the regeneration stays as it is (a change
    would regenerate the secret), and a stamp is replaced only for another client."""
    old_regeneration = {
        "clientId": "c-1",
        "generation": 2,
        "apiBaseUrl": "https://api.mypurecloud.com",
        "tokenUrl": "https://login.mypurecloud.com/oauth/token",
        "secret": "old",
    }
    news = {**old_regeneration, "secret": None, ISSUED_AT_OUTPUT: None}

    regeneration = RegenerateSecretProvider().diff("c-1/2", old_regeneration, news)
    stamp_diff = SecretIssueStampProvider().diff("c-1", olds, {"clientId": "c-1"})

    assert regeneration.changes is False
    assert stamp_diff.changes is (olds.get("clientId") != "c-1")


def test_a_regeneration_recorded_before_issued_at_existed_tags_the_secret_empty(
    engine: RunProgram, base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old state has no ``issuedAt``: the tag is empty (the age report then says it counts from
    the version date), never the client's creation stamp, which the regeneration made stale."""

    def without_regeneration_time(key: str) -> str | None:
        return None if "/" in key else issued_at_for(key)

    monkeypatch.setattr(
        "genesys_oauth_secrets.plan.engine.issued_at_for", without_regeneration_time
    )

    run = engine(rotated(base_config, generation=2, strategy="regenerate"))

    assert issue_tag(run) == ""
    assert stamp(run, 1)[2] == issued_at_for(client_id(run, 1))


def test_the_engine_plays_the_stamp_under_the_programs_own_type_and_output_names() -> None:
    """The engine writes them out (it also plans refs older than the stamp); they must agree."""
    assert engine_module.SECRET_ISSUE_STAMP_TYPE == SECRET_ISSUE_STAMP_TYPE
    assert engine_module.ISSUED_AT_OUTPUT == ISSUED_AT_OUTPUT
