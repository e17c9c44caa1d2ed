"""Config as the CLI hands it over: secret keys refused unread, non-JSON objects never echoed.

``secret_keys`` is what the language host passes as ``PULUMI_CONFIG_SECRET_KEYS`` for keys set
with ``pulumi config set --secret`` (or holding a secret under ``--path``): the program sees the
decrypted value plus that list, exactly as ``set_all_config`` receives them here.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from genesys_oauth_secrets.plan.engine import ProgramRun, start_engine
from tests.support.refused_config import refused_before_any_resource


def evaluate_refused(run: ProgramRun, config: dict[str, Any], secret_keys: list[str]) -> str:
    """The refusal's message, with no decoder error (which would quote the value) attached."""
    error = refused_before_any_resource(run, config, secret_keys)
    assert error.__context__ is None, "a decoder error (quoting the value) is attached"
    return str(error)


def assert_nowhere(run: ProgramRun, text: str, message: str) -> None:
    assert text not in message
    for label, wire in run.wire_texts():
        assert text not in wire, f"secret config value in {label}"
    assert text not in "\n".join(run.logs)


@pytest.mark.parametrize(
    ("key", "set_value"),
    [
        ("clients", lambda config, secret: config["clients"][0].update(description=secret)),
        ("tags", lambda config, secret: config["tags"].update(team=secret)),
        ("secretsKmsKeyId", lambda config, secret: config.update(secretsKmsKeyId=secret)),
        ("genesysProvider", lambda config, secret: config.update(genesysProvider={"x": secret})),
    ],
)
def test_a_secret_project_key_is_refused_naming_the_key_and_never_sent(
    prod_config: dict[str, Any],
    marker: str,
    caplog: pytest.LogCaptureFixture,
    key: str,
    set_value: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    set_value(prod_config, marker)
    run = start_engine(marker)

    message = evaluate_refused(run, prod_config, [key])

    assert f"genesys-oauth-secrets:{key}: is set as a secret (pulumi config set --secret)" in (
        message
    )
    assert "Pulumi stores and sends in plaintext" in message
    assert_nowhere(run, marker, message)
    assert marker not in caplog.text


def test_a_secret_key_is_the_only_problem_reported_for_it(
    prod_config: dict[str, Any], marker: str
) -> None:
    # Nothing parses the secret value, so no other message can quote or describe it.
    prod_config["clients"] = [{"name": marker, "grantType": marker}]
    run = start_engine(marker)

    message = evaluate_refused(run, prod_config, ["clients"])

    assert message.count("\n  - ") == 1


def test_a_secret_in_the_provider_namespace_is_refused_unread(
    prod_config: dict[str, Any], marker: str
) -> None:
    prod_config["genesyscloud:oauthclientSecret"] = marker
    run = start_engine(marker)

    message = evaluate_refused(run, prod_config, ["genesyscloud:oauthclientSecret"])

    assert "genesyscloud:oauthclientSecret: ignored" in message
    assert_nowhere(run, marker, message)


@pytest.mark.parametrize(
    ("key", "text", "fix"),
    [
        ("tags", "team=Hunter2-tag", "`pulumi config set --path 'tags.team' …`"),
        ("clients", "ivr-integration Hunter2-client", "`pulumi config set --path 'clients[0]."),
        ("genesysProvider", "{tokenPoolSize: Hunter2", "--path 'genesysProvider.tokenPoolSize'"),
        ("clients", "[" * 100_000 + "Hunter2", "clients[0].name"),
        ("clients", "9" * 5000, "clients[0].name"),
    ],
    ids=["plain-text-tags", "plain-text-clients", "broken-json", "deep-nesting", "huge-number"],
)
def test_an_object_key_that_is_not_json_names_the_key_and_fix_never_the_value(
    prod_config: dict[str, Any], marker: str, key: str, text: str, fix: str
) -> None:
    prod_config[key] = text
    run = start_engine(marker)

    message = evaluate_refused(run, prod_config, [])

    assert f"genesys-oauth-secrets:{key}: is not a valid JSON/YAML" in message
    assert fix in message
    assert "Hunter2" not in message
