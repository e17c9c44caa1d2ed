"""CredentialsReader against moto on loopback: one GetSecretValue per TTL window, from any
number of threads, and AWS failures turned into messages that name the secret and the fix."""

from __future__ import annotations

import json

import boto3
import pytest

from genesys_credentials import (
    CredentialsReader,
    MalformedSecret,
    SecretAccessDenied,
    SecretUnavailable,
)
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    REGION,
    TTL,
    FakeClock,
    SecretsManagerCalls,
    all_at_once,
    calls_around_expiry,
    credentials_document,
    put_secret,
    store_secret,
    watch,
)


def test_reads_typed_credentials_from_the_secret(
    reader: CredentialsReader, marker: str, aws_calls: SecretsManagerCalls
) -> None:
    credentials = reader.get()
    assert credentials.client_id == CLIENT_ID
    assert credentials.client_secret.reveal() == marker
    assert credentials.login_host == "login.mypurecloud.com"
    assert aws_calls.sent == 1


def test_one_get_secret_value_per_ttl_window(
    reader: CredentialsReader, clock: FakeClock, aws_calls: SecretsManagerCalls
) -> None:
    windows = 4
    for _ in range(windows):
        for _ in range(250):
            reader.get()
            clock.advance(TTL / 250 - 0.001)
        clock.advance(1)
    assert aws_calls.sent == windows


def test_the_cache_expires_exactly_at_the_ttl(
    reader: CredentialsReader, clock: FakeClock, aws_calls: SecretsManagerCalls
) -> None:
    assert calls_around_expiry(reader.get, clock, lambda: aws_calls.sent, TTL) == (1, 2)


def test_a_rotated_secret_is_seen_after_the_window(
    reader: CredentialsReader, secret_arn: str, clock: FakeClock
) -> None:
    assert reader.get().client_secret.reveal() != "rotated"
    put_secret(secret_arn, credentials_document("rotated"))
    assert reader.get().client_secret.reveal() != "rotated"
    clock.advance(TTL)
    assert reader.get().client_secret.reveal() == "rotated"


def test_refresh_and_invalidate_bypass_the_cache(
    reader: CredentialsReader, secret_arn: str, clock: FakeClock, aws_calls: SecretsManagerCalls
) -> None:
    reader.get()
    put_secret(secret_arn, credentials_document("rotated"))
    started = clock.now
    assert reader.refresh().client_secret.reveal() == "rotated"
    assert (aws_calls.sent, clock.now) == (2, started)
    reader.get()
    assert aws_calls.sent == 2
    reader.invalidate()
    reader.get()
    assert aws_calls.sent == 3


def test_zero_ttl_reads_every_time(secret_arn: str, clock: FakeClock) -> None:
    reader = CredentialsReader(secret_arn, ttl=0, clock=clock)
    calls = watch(reader)
    for _ in range(3):
        reader.get()
    assert calls.sent == 3


def test_negative_ttl_is_refused(secret_arn: str) -> None:
    with pytest.raises(ValueError, match="ttl must be 0 to 86400 seconds"):
        CredentialsReader(secret_arn, ttl=-1)


def test_concurrent_readers_on_a_cold_cache_share_one_call(
    reader: CredentialsReader, aws_calls: SecretsManagerCalls
) -> None:
    results = all_at_once(lambda: reader.get().client_id)
    assert results == [CLIENT_ID] * 16
    assert aws_calls.sent == 1


def test_the_region_comes_from_the_arn(secret_arn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    reader = CredentialsReader(secret_arn)
    assert reader.client.meta.region_name == REGION
    assert reader.get().client_id == CLIENT_ID


def test_throttling_is_retried_by_botocore(
    reader: CredentialsReader, aws_calls: SecretsManagerCalls
) -> None:
    aws_calls.fail_next("ThrottlingException", "Rate exceeded")
    assert reader.get().client_id == CLIENT_ID
    assert aws_calls.sent == 2


def test_throttling_through_every_attempt_names_the_fix(secret_arn: str, clock: FakeClock) -> None:
    reader = CredentialsReader(secret_arn, clock=clock, max_attempts=2)
    calls = watch(reader)
    calls.fail_next("ThrottlingException", "Rate exceeded", times=2)
    with pytest.raises(SecretUnavailable, match="kept throttling GetSecretValue") as raised:
        reader.get()
    assert calls.sent == 2
    assert "share one CredentialsReader" in str(raised.value)


@pytest.mark.parametrize(
    ("code", "aws_message", "expected"),
    [
        (
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/svc/i is not authorized to perform: "
            "secretsmanager:GetSecretValue",
            "needs secretsmanager:GetSecretValue on this secret and kms:Decrypt",
        ),
        (
            "AccessDeniedException",
            "Access to KMS is not allowed",
            "kms:ViaService = secretsmanager.us-east-1.amazonaws.com",
        ),
        ("DecryptionFailure", "KMS key is disabled", "KMS key is enabled"),
    ],
)
def test_access_denied_names_both_permissions(
    reader: CredentialsReader,
    aws_calls: SecretsManagerCalls,
    code: str,
    aws_message: str,
    expected: str,
) -> None:
    aws_calls.fail_next(code, aws_message)
    with pytest.raises(SecretAccessDenied) as raised:
        reader.get()
    message = str(raised.value)
    assert expected in message
    assert reader.secret_id in message
    assert aws_message in message
    assert aws_calls.sent == 1


def test_a_missing_secret_points_at_the_stack_output(aws_endpoint: str) -> None:
    arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:genesys/oauth/test/gone-AbCdEf"
    with pytest.raises(SecretUnavailable, match=r"does not exist.*clients\[<name>\]\.secret_arn"):
        CredentialsReader(arn).get()


def test_a_secret_scheduled_for_deletion_says_how_to_restore(secret_arn: str) -> None:
    boto3.client("secretsmanager", region_name=REGION).delete_secret(SecretId=secret_arn)
    with pytest.raises(SecretUnavailable, match="restore-secret"):
        CredentialsReader(secret_arn).get()


def test_a_binary_secret_is_malformed(aws_endpoint: str, marker: str) -> None:
    secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="genesys/oauth/test/binary", SecretBinary=json.dumps({"x": marker}).encode()
    )
    with pytest.raises(MalformedSecret, match="holds SecretBinary, not SecretString"):
        CredentialsReader(secret["ARN"]).get()


def test_a_stored_document_without_a_key_names_it(aws_endpoint: str, marker: str) -> None:
    document = credentials_document(marker)
    del document["login_host"]
    reader = CredentialsReader(store_secret("genesys/oauth/test/partial", document))
    with pytest.raises(MalformedSecret, match=r"lacks the key\(s\) login_host ") as raised:
        reader.get()
    assert marker not in str(raised.value)


def test_a_failed_read_is_not_cached(
    reader: CredentialsReader, aws_calls: SecretsManagerCalls
) -> None:
    aws_calls.fail_next("AccessDeniedException", "denied")
    with pytest.raises(SecretAccessDenied):
        reader.get()
    assert reader.get().client_id == CLIENT_ID
    assert aws_calls.sent == 2
