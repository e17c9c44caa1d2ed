"""Checks 1-4, 7 and 8: each seeds its fault into moto and asserts the line names the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from genesys_oauth_secrets.preflight import stack_locks
from genesys_oauth_secrets.shared.backend_baseline import DEFAULT_KEY_ALIAS, ROLE_TAG, SECRETS_ROLE
from genesys_oauth_secrets.shared.stack_locks import lock_prefix
from tests.preflight.conftest import (
    BUCKET,
    PROJECT,
    REGION,
    World,
    encrypted_key,
)

if TYPE_CHECKING:
    from mypy_boto3_kms.type_defs import TagTypeDef

SECRET_NAME = "genesys/oauth/prod/ivr-integration"


def test_without_aws_credentials_every_aws_check_says_it_could_not_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(world.project_dir / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(world.project_dir / "none"))
    outcome = world.run()
    assert outcome.code == 2
    [line] = outcome.lines("aws-identity")
    assert line.startswith("ERROR")
    assert "AWS_PROFILE" in line
    assert outcome.status("state-bucket") == {"SKIPPED"}


def test_the_caller_s_account_and_region_are_shown(world: World) -> None:
    [line] = world.run().lines("aws-identity")
    assert "account 123456789012" in line
    assert f"state region {REGION}" in line


def test_a_missing_bucket_is_answered_with_the_bootstrap_line(world: World) -> None:
    outcome = world.run("--bucket", "no-such-state-bucket")
    assert outcome.code == 1
    [line] = outcome.lines("state-bucket")
    assert "does not exist" in line
    assert (
        "fix: genesys-oauth-secrets bootstrap --bucket no-such-state-bucket --region us-east-1"
        in line
    )
    assert outcome.status("locks") == {"SKIPPED"}


def test_the_bucket_comes_from_pulumi_backend_url_before_pulumi_yaml(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://other-state-bucket?region=eu-west-1")
    [line] = world.run().lines("state-bucket")
    assert "s3://other-state-bucket does not exist" in line
    assert "--region eu-west-1" in line


def test_hardening_drift_is_named_and_answered_with_bootstrap_fix(world: World) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_public_access_block(Bucket=BUCKET)
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("state-bucket")
    assert "versioning on: found versioning Suspended" in line
    assert "all four public access blocks on" in line
    assert line.endswith("--region us-east-1 --endpoint-url " + world.endpoint + " --fix")


def test_a_stack_file_without_encryptedkey_is_answered_with_the_stack_init_line(
    world: World,
) -> None:
    del world.stack_file["encryptedkey"]
    world.write_stack_file()
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("secrets-provider")
    assert "has no encryptedkey" in line
    assert "pulumi stack init prod --secrets-provider" in line
    assert "commits the encryptedkey line" in line


def test_a_disabled_secrets_provider_key_is_answered_with_enable_key(world: World) -> None:
    kms = boto3.client("kms", region_name=REGION)
    meta = kms.describe_key(KeyId=DEFAULT_KEY_ALIAS)["KeyMetadata"]
    key_arn = meta["Arn"]
    kms.disable_key(KeyId=meta["KeyId"])
    [line] = world.run().lines("secrets-provider")
    assert "is Disabled" in line
    assert f"fix: aws kms enable-key --key-id {key_arn}" in line


def test_a_key_pending_deletion_is_answered_with_cancel_key_deletion(world: World) -> None:
    kms = boto3.client("kms", region_name=REGION)
    meta = kms.describe_key(KeyId=DEFAULT_KEY_ALIAS)["KeyMetadata"]
    key_arn = meta["Arn"]
    kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    [line] = world.run().lines("secrets-provider")
    assert f"fix: aws kms cancel-key-deletion --key-id {key_arn}" in line


def test_an_encryptedkey_made_by_another_key_is_refused(world: World) -> None:
    kms = boto3.client("kms", region_name=REGION)
    backend_tag: list[TagTypeDef] = [
        {"TagKey": ROLE_TAG, "TagValue": SECRETS_ROLE}
    ]  # as bootstrap tags its keys
    other = kms.create_key(Tags=backend_tag)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/elsewhere", TargetKeyId=other)
    world.stack_file["encryptedkey"] = encrypted_key("alias/elsewhere")
    world.write_stack_file()
    [line] = world.run().lines("secrets-provider")
    assert line.startswith("PROBLEM")
    assert "not the key the URL names" in line


def test_the_url_s_encryption_context_is_sent_with_the_decrypt(world: World) -> None:
    world.stack_file["secretsprovider"] += "&context_stack=prod"
    world.stack_file["encryptedkey"] = encrypted_key(stack="prod")
    world.write_stack_file()
    assert world.run().status("secrets-provider") == {"OK"}
    world.stack_file["encryptedkey"] = encrypted_key(stack="dev")
    world.write_stack_file()
    [line] = world.run().lines("secrets-provider")
    assert "does not decrypt" in line


def test_an_encryptedkey_that_is_not_base64_is_refused(world: World) -> None:
    world.stack_file["encryptedkey"] = "not base64 at all!"
    world.write_stack_file()
    [line] = world.run().lines("secrets-provider")
    assert "encryptedkey is not the base64 KMS ciphertext" in line


def test_a_caller_without_kms_decrypt_is_told_the_missing_permission(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto does not enforce IAM: the denial is answered before the request leaves botocore,
    in the JSON shape KMS uses, and botocore's own parser reads it."""
    denial = _denied("AccessDeniedException", "User is not authorized to perform: kms:Decrypt")
    original = boto3.session.Session.client

    def client(self: boto3.session.Session, service: str, **kwargs: Any) -> Any:
        made = original(self, service, **kwargs)  # type: ignore[call-overload]
        if service == "kms":
            made.meta.events.register("before-send.kms.Decrypt", denial)
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)
    [line] = world.run().lines("secrets-provider")
    assert line.startswith("PROBLEM")
    assert "needs the IAM permission kms:Decrypt" in line


def test_an_override_of_the_secrets_provider_is_reported(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CLOUD_SECRET_OVERRIDE", "awskms://alias/other?region=us-east-1")
    lines = world.run().lines("secrets-provider")
    assert any("fix: unset PULUMI_CLOUD_SECRET_OVERRIDE" in line for line in lines)


def _put_lock(age: timedelta) -> None:
    """A lock as Pulumi writes it. moto refuses plain-HTTP reads and writes under bootstrap's
    TLS-only policy (the loopback endpoint is HTTP), so the policy is dropped first."""
    stamp = (datetime.now(UTC) - age).isoformat()
    body = {"pid": 4242, "username": "ci\x1b[2K", "hostname": "runner-7", "timestamp": stamp}
    s3 = boto3.client("s3", region_name=REGION)
    s3.delete_bucket_policy(Bucket=BUCKET)
    key = f"{lock_prefix(PROJECT, 'prod')}a1b2.json"
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(body))


def test_a_fresh_lock_means_wait_and_never_delete(world: World) -> None:
    _put_lock(timedelta(minutes=5))
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("locks")
    assert "may still be going" in line
    assert "never delete a fresh lock" in line
    assert "\x1b" not in outcome.out


def test_a_stale_lock_is_answered_with_the_clear_stale_line(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _put_lock(timedelta(hours=7))
    later = datetime.now(UTC) + timedelta(hours=7)
    monkeypatch.setattr(stack_locks, "utcnow", lambda: later)
    [line] = world.run().lines("locks")
    assert "stale lock" in line
    assert (
        f"fix: genesys-oauth-secrets locks --bucket {BUCKET} --project {PROJECT} --stack prod "
        "--region us-east-1 --clear-stale --older-than 6h" in line
    )


def test_a_secret_scheduled_for_deletion_is_answered_with_restore_or_force_delete(
    world: World,
) -> None:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name=SECRET_NAME, SecretString="{}")
    secrets.delete_secret(SecretId=SECRET_NAME, RecoveryWindowInDays=7)
    outcome = world.run()
    assert outcome.code == 1
    [line] = outcome.lines("client-secrets")
    assert f"aws secretsmanager restore-secret --secret-id {SECRET_NAME}" in line
    assert "--force-delete-without-recovery" in line


def test_a_secret_without_a_current_version_points_at_the_partial_apply_recovery(
    world: World,
) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=SECRET_NAME)
    [line] = world.run().lines("client-secrets")
    assert "without an AWSCURRENT version" in line
    assert "pulumi refresh --clear-pending-creates" in line


def test_a_secret_with_a_current_version_passes(world: World) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=SECRET_NAME, SecretString="{}"
    )
    assert world.run().status("client-secrets") == {"OK"}


def _denied(code: str, message: str) -> Callable[..., AWSResponse]:
    def before_send(**_: object) -> AWSResponse:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.1"
        return AWSResponse("https://kms.invalid/", 400, headers, _Body(body))

    return cast("Callable[..., AWSResponse]", before_send)


class _Body:
    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **_: object) -> Any:
        yield self._payload
