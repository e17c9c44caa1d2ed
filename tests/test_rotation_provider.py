"""The regenerate dynamic provider as Pulumi stores and runs it: pickled into state, unpickled in
another process, and never carrying the deploying credentials.

Pulumi (``pulumi/dynamic/dynamic.py``) pickles the provider object with dill into the
``__provider`` input, and ``python -m pulumi.dynamic`` unpickles it in a process started from the
project directory. These tests use Pulumi's own ``serialize_provider``.
"""

from __future__ import annotations

import base64
import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from components.rotation_provider import REGENERATED_SECRET_TYPE, RegenerateSecretProvider
from components.secret_issue_stamp import SecretIssueStampProvider
from genesys_oauth_secrets.plan.engine import is_secret_envelope
from tests.conftest import RunProgram

REPO = Path(__file__).resolve().parents[1]
CREDENTIAL_VARIABLES = (
    "GENESYSCLOUD_OAUTHCLIENT_ID",
    "GENESYSCLOUD_OAUTHCLIENT_SECRET",
    "GENESYSCLOUD_ACCESS_TOKEN",
)


@pytest.fixture
def deploying_credentials(monkeypatch: pytest.MonkeyPatch, marker: str) -> list[str]:
    """The deploying client's variables set, as in `pulumi up`; their values."""
    values = [f"{name}-{marker}" for name in CREDENTIAL_VARIABLES]
    for name, value in zip(CREDENTIAL_VARIABLES, values, strict=True):
        monkeypatch.setenv(name, value)
    return values


def test_the_pickled_provider_holds_no_credential_and_no_state(
    deploying_credentials: list[str],
) -> None:
    provider = RegenerateSecretProvider()

    pickled = base64.b64decode(serialize_provider(provider))

    assert vars(provider) == {}
    for value in deploying_credentials:
        assert value.encode() not in pickled
    assert b"components.rotation_provider" in pickled, "stored by reference to its module"
    assert len(pickled) < 1_000


@pytest.mark.parametrize(
    "provider",
    [RegenerateSecretProvider(), SecretIssueStampProvider()],
    ids=["regeneration", "issue-stamp"],
)
def test_the_provider_unpickles_in_a_fresh_process_started_in_the_project_directory(
    provider: ResourceProvider,
) -> None:
    """Both dynamic providers are stored by reference: their module and class name must stay."""
    serialized = serialize_provider(provider)
    load = (
        "import base64, sys, dill; "
        "provider = dill.loads(base64.b64decode(sys.argv[1])); "
        "print(type(provider).__module__, type(provider).__name__)"
    )

    finished = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", load, serialized],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == [type(provider).__module__, type(provider).__name__]
    assert type(provider).__module__.encode() in base64.b64decode(serialized)


def test_the_registered_provider_input_is_sealed_and_free_of_credentials(
    engine: RunProgram, prod_config: dict[str, Any], deploying_credentials: list[str]
) -> None:
    config = copy.deepcopy(prod_config)
    config["clients"][0]["rotation"] = {"generation": 2, "strategy": "regenerate"}

    run = engine(config)

    [regeneration] = run.of_type(REGENERATED_SECRET_TYPE)
    provider = regeneration.inputs["__provider"]
    assert is_secret_envelope(provider)
    pickled = base64.b64decode(provider["value"])
    for value in deploying_credentials:
        assert value.encode() not in pickled
    assert set(regeneration.inputs) == {
        "__provider",
        "clientId",
        "generation",
        "apiBaseUrl",
        "tokenUrl",
    }


OLD = {"clientId": "c-1", "generation": 2, "apiBaseUrl": "https://a", "tokenUrl": "https://t"}


@pytest.mark.parametrize(
    ("news", "changes"),
    [
        (OLD, False),
        ({**OLD, "generation": 3}, True),
        ({**OLD, "clientId": "c-2"}, True),
        ({**OLD, "apiBaseUrl": "https://gateway"}, False),
        ({**OLD, "tokenUrl": "https://gateway/oauth/token"}, False),
    ],
    ids=["same", "generation", "client", "api-host", "token-url"],
)
def test_only_a_new_generation_or_client_is_a_change(news: dict[str, Any], changes: bool) -> None:
    diff = RegenerateSecretProvider().diff("c-1/2", {**OLD, "secret": "old"}, news)

    assert diff.changes is changes
    assert diff.replaces == []
