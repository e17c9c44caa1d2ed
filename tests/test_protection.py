"""What is protected from deletion, as the engine receives it (``RegisterResourceRequest.protect``).

The stack's KMS key always: deleting it makes every stored secret unreadable. The OAuth clients
and their secrets by default (``protectResources``), since losing either breaks every consumer.
Never the secret versions: ``secret_string`` is ForceNew, so each new document replaces the
version, and a protected version would make that replacement fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunProgram

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KMS_KEY = "aws:kms/key:Key"


@pytest.mark.parametrize("protect_resources", [True, False])
def test_the_stack_key_is_always_protected(
    engine: RunProgram, prod_config: dict[str, Any], protect_resources: bool
) -> None:
    prod_config["protectResources"] = protect_resources

    run = engine(prod_config)

    [key] = run.of_type(KMS_KEY)
    assert key.protect is True


def test_clients_and_secrets_are_protected_by_default_and_versions_never(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    del prod_config["protectResources"]

    run = engine(prod_config)

    assert {(r.type, r.protect) for r in run.of_type(OAUTH_CLIENT)} == {(OAUTH_CLIENT, True)}
    assert {(r.type, r.protect) for r in run.of_type(SECRET)} == {(SECRET, True)}
    assert {(r.type, r.protect) for r in run.of_type(SECRET_VERSION)} == {(SECRET_VERSION, False)}


def test_protect_resources_false_leaves_clients_and_secrets_deletable(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    prod_config["protectResources"] = "false"

    run = engine(prod_config)

    protected = {r.type for r in run.registrations if r.protect}
    assert protected == {KMS_KEY}


def test_the_shipped_prod_stack_protects_its_clients(prod_config: dict[str, Any]) -> None:
    assert prod_config["protectResources"] is True
