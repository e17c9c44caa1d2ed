"""The stack file check: a real ``pulumi stack init`` file passes, everything else names its fix."""

from __future__ import annotations

from typing import Any

import pytest

from components import adoption
from genesys_oauth_secrets.check.stack_file import (
    ADOPT_MODES,
    is_ciphertext,
    stack_file_problems,
    strict_base64,
)
from tests.support.stack_files import kms_ciphertext, pulumi_ciphertext, stack_document

NAME = "Pulumi.prod.yaml"


def problems(document: dict[str, Any], *, require_encryptedkey: bool = True) -> list[str]:
    return stack_file_problems(
        document, NAME, stack="prod", require_encryptedkey=require_encryptedkey
    )


def test_a_stack_file_as_pulumi_stack_init_writes_it_passes() -> None:
    assert problems(stack_document()) == []


def test_secure_config_set_with_pulumi_config_set_secret_passes() -> None:
    config = {"genesys-oauth-secrets:clients": {"secure": pulumi_ciphertext()}}

    assert problems(stack_document(config=config)) == []


def test_without_encryptedkey_the_fix_is_a_one_time_stack_init_by_an_admin() -> None:
    found = problems(stack_document(encryptedkey=None))

    assert len(found) == 1
    assert "no encryptedkey" in found[0]
    assert "an admin with kms:Encrypt runs `pulumi stack init prod --secrets-provider" in found[0]
    assert "awskms://alias/pulumi-genesys-oauth-secrets?region=us-east-1" in found[0]
    assert "commits the encryptedkey line" in found[0]
    assert "\n" not in found[0]


@pytest.mark.parametrize("provider", ["awskms://alias/x\n$(id)", "awskms://" + "a" * 300])
def test_a_provider_url_unsafe_to_repeat_is_replaced_by_a_placeholder(provider: str) -> None:
    found = problems(stack_document(encryptedkey=None, secretsprovider=provider))

    assert "--secrets-provider 'awskms://alias/<alias>?region=<region>'" in found[0]


def test_the_shipped_template_may_lack_the_key_until_stack_init_has_run() -> None:
    assert problems(stack_document(encryptedkey=None), require_encryptedkey=False) == []


SECRET = "hunter2-plaintext-secret"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"secretsprovider": "passphrase"}, "secretsprovider must be an awskms:// URL"),
        ({"secretsprovider": None}, "secretsprovider must be an awskms:// URL"),
        ({"secretsprovider": ["awskms://x"]}, "secretsprovider must be an awskms:// URL"),
        ({"encryptedkey": SECRET}, "encryptedkey is not the base64 KMS ciphertext"),
        ({"encryptedkey": kms_ciphertext()[:-1]}, "encryptedkey is not the base64 KMS"),
        ({"encryptedkey": kms_ciphertext() + "\n"}, "encryptedkey is not the base64 KMS"),
        ({"encryptedkey": kms_ciphertext(32)}, "encryptedkey is not the base64 KMS"),
        ({"encryptedkey": kms_ciphertext(7000)}, "encryptedkey is not the base64 KMS"),
        ({"encryptedkey": 12345}, "encryptedkey is not the base64 KMS"),
        ({"encryptionsalt": "v1:abc"}, "encryptionsalt belongs to the passphrase"),
        ({"encryptedKey": kms_ciphertext()}, "unknown top-level key 'encryptedKey'"),
        ({"config": ["aws:region"]}, "config must be a mapping"),
        (
            {"config": {"genesyscloud:oauthclientSecret": SECRET}},
            "'genesyscloud:oauthclientSecret' looks like a credential stored in plain text",
        ),
        (
            {"config": {"genesyscloud:accessToken": SECRET}},
            "'genesyscloud:accessToken' looks like a credential",
        ),
        ({"config": {"aws:secretKey": SECRET}}, "'aws:secretKey' looks like a credential"),
        (
            {"config": {"genesyscloud:proxy": {"auth": {"password": SECRET}}}},
            "'genesyscloud:proxy.auth.password' looks like a credential stored in plain text; "
            "remove it from the file and use the provider's environment variables, or "
            "`pulumi config set --secret --path 'genesyscloud:proxy.auth.password'`",
        ),
        (
            {"config": {"x:a": {"b": [{"c": {"d": {"apiKey": SECRET}}}]}}},
            "'x:a.b[0].c.d.apiKey' looks like a credential",
        ),
        ({"config": {"x:accessToken": [SECRET]}}, "'x:accessToken[0]' looks like a credential"),
        (
            {"config": {"aws:secretKey": {"value": SECRET}}},
            "'aws:secretKey.value' looks like a credential",
        ),
        (
            {"config": {"genesys-oauth-secrets:clients": {"secure": SECRET}}},
            "'genesys-oauth-secrets:clients' has a secure: value that is not Pulumi ciphertext",
        ),
        (
            {"config": {"x:tags": {"owner": {"secure": "v2:AAAA:AAAA"}}}},
            "'x:tags.owner' has a secure: value that is not Pulumi ciphertext",
        ),
        (
            {"config": {"x:list": [{"secure": pulumi_ciphertext(), "plain": SECRET}]}},
            "'x:list[0]' has a secure: value that is not Pulumi ciphertext",
        ),
        (
            {"encryptedkey": None, "config": {"x:key": {"secure": pulumi_ciphertext()}}},
            "'x:key' is encrypted, but the file has no encryptedkey",
        ),
    ],
)
def test_a_broken_stack_file_is_refused_naming_the_key_never_the_value(
    changes: dict[str, Any], expected: str
) -> None:
    found = problems(stack_document(**changes), require_encryptedkey=False)

    assert any(expected in problem for problem in found), found
    assert not any(SECRET in problem for problem in found)


@pytest.mark.parametrize(
    "key", ["genesyscloud:tokenPoolSize", "genesys-oauth-secrets:secretsKmsKeyId", "aws:region"]
)
def test_settings_that_merely_mention_keys_or_tokens_are_not_credentials(key: str) -> None:
    assert problems(stack_document(config={key: "4"})) == []


@pytest.mark.parametrize(
    "config",
    [
        {"genesyscloud:proxy": {"auth": {"password": {"secure": pulumi_ciphertext()}}}},
        {"genesyscloud:proxy": {"auth": {"password": ""}, "port": 8080}},
        {"x:settings": {"tokenPoolSize": 4, "useToken": True}},
    ],
)
def test_nested_credentials_that_are_encrypted_empty_or_mere_settings_pass(
    config: dict[str, Any],
) -> None:
    assert problems(stack_document(config=config)) == []


@pytest.mark.parametrize("mode", sorted(ADOPT_MODES))
def test_an_adopted_clients_secret_mode_is_not_a_credential(mode: str) -> None:
    adopt = {"clientId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "secret": mode}
    config = {"genesys-oauth-secrets:clients": [{"name": "ivr", "adopt": adopt}]}

    assert problems(stack_document(config=config)) == []


def test_a_secret_in_the_adopt_mode_is_still_a_leak() -> None:
    adopt = {"clientId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "secret": SECRET}
    config = {"genesys-oauth-secrets:clients": [{"name": "ivr", "adopt": adopt}]}

    found = problems(stack_document(config=config))

    assert any("clients[0].adopt.secret' looks like a credential" in p for p in found), found
    assert not any(SECRET in problem for problem in found)


def test_the_adopt_modes_are_the_programs() -> None:
    assert {adoption.REGENERATE, adoption.FROM_CONFIG} == ADOPT_MODES


def test_an_empty_credential_setting_is_not_a_leak() -> None:
    assert problems(stack_document(config={"genesyscloud:oauthclientSecret": ""})) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (pulumi_ciphertext(), True),
        ("v1:" + pulumi_ciphertext()[3:].replace("=", ""), False),
        ("v1:bm5ubm5ubm5ubm5u:AAAA", False),  # 12-byte nonce, but no room for the GCM tag
        ("v1:bm5u:c3Nzc3Nzc3Nzc3Nzc3Nzcw==", False),  # 3-byte nonce
        ("v1:a:b:c", False),
        ("plaintext", False),
        (None, False),
    ],
)
def test_only_pulumi_v1_ciphertext_counts_as_encrypted(value: object, expected: bool) -> None:
    assert is_ciphertext(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("AQID", b"\x01\x02\x03"), ("AQI=", b"\x01\x02"), ("AQI", None), ("AQ I=", None), ("é", None)],
)
def test_base64_must_be_canonical_as_go_writes_it(text: str, expected: bytes | None) -> None:
    assert strict_base64(text) == expected


def test_a_huge_fan_out_is_refused_not_walked() -> None:
    config = {"x:big": [[0] * 100 for _ in range(200)]}

    assert problems(stack_document(config=config)) == [
        "Pulumi.prod.yaml: config holds more than 10000 values; this is not a stack file"
    ]
