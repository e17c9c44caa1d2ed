"""Bootstrap against moto on loopback: the baseline read back, idempotency, --fix, clear failures.

moto stores bucket and key settings faithfully but enforces few of them (no TLS, no IAM), so
these tests assert on configuration read back, never on enforcement.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from genesys_oauth_secrets.bootstrap import cli as bootstrap_cli
from genesys_oauth_secrets.shared.aws import AwsClients, connect
from genesys_oauth_secrets.shared.backend_baseline import (
    DEFAULT_KEY_ALIAS,
    DEFAULT_STATE_KEY_ALIAS,
    LIFECYCLE_RULE_ID,
    ROLE_TAG,
    TLS_STATEMENT_ID,
    expires_current_state,
)
from genesys_oauth_secrets.shared.errors import AccessDenied, UsageError, iam_action, translate
from genesys_oauth_secrets.shared.names import validate_bucket_name
from tests.backend_tools.conftest import REGION, RunCli

BUCKET = "acme-genesys-oauth-secrets-state"
BOOT = ("bootstrap", "--bucket", BUCKET, "--region", REGION)


def key_arn(aws: AwsClients, alias: str) -> str:
    return str(aws.kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"])


def bucket_config(aws: AwsClients) -> dict[str, Any]:
    """Everything bootstrap manages, read back from the bucket and the keys."""
    s3 = aws.s3

    def read(call: Any) -> Any:
        try:
            response = call(Bucket=BUCKET)
        except ClientError:
            return None
        response.pop("ResponseMetadata", None)
        return response

    keys = {}
    for alias in (DEFAULT_KEY_ALIAS, DEFAULT_STATE_KEY_ALIAS):
        try:
            key_id = aws.kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        except ClientError:
            continue
        keys[alias] = (key_id, aws.kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"])
    return {
        "versioning": read(s3.get_bucket_versioning),
        "encryption": read(s3.get_bucket_encryption),
        "public_access": read(s3.get_public_access_block),
        "ownership": read(s3.get_bucket_ownership_controls),
        "policy": read(s3.get_bucket_policy),
        "lifecycle": read(s3.get_bucket_lifecycle_configuration),
        "keys": keys,
    }


def test_bootstrap_creates_the_bucket_and_keys_with_every_setting(
    aws: AwsClients, run_cli: RunCli
) -> None:
    result = run_cli(*BOOT)

    assert result.code == 0, result.err
    config = bucket_config(aws)
    assert config["versioning"]["Status"] == "Enabled"
    rule = config["encryption"]["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key_arn(aws, DEFAULT_STATE_KEY_ALIAS),
    }
    assert rule["BucketKeyEnabled"] is True
    assert config["public_access"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert config["ownership"]["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]
    [statement] = json.loads(config["policy"]["Policy"])["Statement"]
    assert statement == {
        "Sid": TLS_STATEMENT_ID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    [lifecycle] = config["lifecycle"]["Rules"]
    assert lifecycle["Status"] == "Enabled"
    assert lifecycle["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    (secrets_key, secrets_rotation), (state_key, state_rotation) = (
        config["keys"][DEFAULT_KEY_ALIAS],
        config["keys"][DEFAULT_STATE_KEY_ALIAS],
    )
    assert secrets_key != state_key
    assert secrets_rotation
    assert state_rotation


def test_bootstrap_prints_the_exact_next_commands(aws_endpoint: str, run_cli: RunCli) -> None:
    result = run_cli(*BOOT, "--stack", "prod")

    assert result.out.splitlines()[-3:] == [
        f"  export AWS_ENDPOINT_URL={aws_endpoint}",
        f"  pulumi login 's3://{BUCKET}?region={REGION}&endpoint={aws_endpoint}"
        "&use_path_style=true'",
        "  pulumi stack init prod --secrets-provider "
        f"'awskms://{DEFAULT_KEY_ALIAS}?region={REGION}&endpoint={aws_endpoint}'",
    ]


def test_next_commands_for_real_aws_name_no_endpoint() -> None:
    from genesys_oauth_secrets.shared.backend_baseline import BootstrapSettings, next_steps  # noqa: PLC0415

    lines = next_steps(BootstrapSettings(bucket=BUCKET, region="eu-west-1"), None)

    assert lines == [
        f"pulumi login 's3://{BUCKET}?region=eu-west-1'",
        "pulumi stack init prod --secrets-provider "
        "'awskms://alias/pulumi-genesys-oauth-secrets?region=eu-west-1'",
    ]


def test_a_second_run_changes_nothing_and_says_so(aws: AwsClients, run_cli: RunCli) -> None:
    run_cli(*BOOT)
    before = bucket_config(aws)

    second = run_cli(*BOOT)

    assert second.code == 0
    assert "no changes: everything was already as configured" in second.out
    assert not [
        line for line in second.out.splitlines() if line.startswith(("created", "set", "fixed"))
    ]
    assert bucket_config(aws) == before


@pytest.fixture
def drifted_bucket(aws: AwsClients, run_cli: RunCli) -> None:
    """A bootstrapped backend that someone changed by hand, keeping a statement of their own."""
    run_cli(*BOOT)
    s3 = aws.s3
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    audit_role = {
        "Sid": "AuditorsRead",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/auditor"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [audit_role]})
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "abort-uploads",
                    "Status": "Enabled",
                    "Filter": {},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
    )
    key_id = aws.kms.describe_key(KeyId=DEFAULT_KEY_ALIAS)["KeyMetadata"]["KeyId"]
    aws.kms.disable_key_rotation(KeyId=key_id)


@pytest.mark.usefixtures("drifted_bucket")
def test_an_existing_bucket_gets_every_violation_listed_and_nothing_changed(
    aws: AwsClients, run_cli: RunCli
) -> None:
    before = bucket_config(aws)

    result = run_cli(*BOOT)

    violations = [line for line in result.out.splitlines() if line.startswith("VIOLATION")]
    assert result.code == 1
    assert [line.split(":")[0] for line in violations] == [
        f"VIOLATION  {DEFAULT_KEY_ALIAS} key rotation on",
        "VIOLATION  versioning on",
        "VIOLATION  default encryption SSE-KMS with the state key and a bucket key",
        "VIOLATION  all four public access blocks on",
        "VIOLATION  object ownership BucketOwnerEnforced (ACLs off)",
        "VIOLATION  bucket policy denies requests without TLS",
        "VIOLATION  lifecycle expires noncurrent versions after 90 days",
    ]
    assert "BlockPublicPolicy, RestrictPublicBuckets" in result.out
    assert "rerun with --fix" in result.out
    assert bucket_config(aws) == before


@pytest.mark.usefixtures("drifted_bucket")
def test_fix_repairs_every_violation_and_keeps_other_statements_and_rules(
    aws: AwsClients, run_cli: RunCli
) -> None:
    fixed = run_cli(*BOOT, "--fix")
    again = run_cli(*BOOT)

    assert fixed.code == 0
    assert len([line for line in fixed.out.splitlines() if line.startswith("fixed")]) == 7
    assert again.code == 0
    assert "no changes" in again.out
    config = bucket_config(aws)
    sids = [s["Sid"] for s in json.loads(config["policy"]["Policy"])["Statement"]]
    assert sids == ["AuditorsRead", TLS_STATEMENT_ID]
    rule_ids = [r["ID"] for r in config["lifecycle"]["Rules"]]
    assert rule_ids == ["abort-uploads", LIFECYCLE_RULE_ID]


def encrypt_bucket_with(aws: AwsClients, key: str) -> None:
    """SSE-KMS with a bucket key, naming ``key`` the way a person might have (alias, ARN)."""
    aws.s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def test_encryption_naming_the_state_key_by_alias_is_compliant(
    aws: AwsClients, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    encrypt_bucket_with(aws, DEFAULT_STATE_KEY_ALIAS)

    result = run_cli(*BOOT)

    assert result.code == 0
    assert "ok         default encryption SSE-KMS with the state key" in result.out


def test_encryption_with_another_key_is_a_violation(aws: AwsClients, run_cli: RunCli) -> None:
    run_cli(*BOOT)
    encrypt_bucket_with(aws, aws.kms.create_key(Description="other")["KeyMetadata"]["Arn"])

    result = run_cli(*BOOT)

    assert result.code == 1
    assert "found SSE-KMS with another key" in result.out


def test_the_noncurrent_version_expiry_is_configurable(aws: AwsClients, run_cli: RunCli) -> None:
    run_cli(*BOOT)

    changed = run_cli(*BOOT, "--noncurrent-days", "30")
    fixed = run_cli(*BOOT, "--noncurrent-days", "30", "--fix")

    assert changed.code == 1
    assert "no enabled rule expiring noncurrent versions after 30 days" in changed.out
    assert fixed.code == 0
    [rule] = bucket_config(aws)["lifecycle"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}


@pytest.fixture
def cli_on_aws(aws: AwsClients, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI uses the test's own clients, so hooks registered on them shape its AWS answers."""
    monkeypatch.setattr(bootstrap_cli, "connect", lambda *_: aws)


EXPIRE_30_DAYS = {"Status": "Enabled", "Expiration": {"Days": 30}}


@pytest.mark.parametrize(
    ("rule", "deletes_state"),
    [
        pytest.param({**EXPIRE_30_DAYS, "Filter": {}}, True, id="whole-bucket"),
        pytest.param({**EXPIRE_30_DAYS, "Prefix": ""}, True, id="legacy-whole-bucket"),
        pytest.param({**EXPIRE_30_DAYS, "Filter": {"Prefix": ".pulumi/"}}, True, id="state-prefix"),
        pytest.param(
            {**EXPIRE_30_DAYS, "Filter": {"Prefix": ".pulumi/stacks/"}}, True, id="stacks-only"
        ),
        pytest.param(
            {**EXPIRE_30_DAYS, "Filter": {"Prefix": ".pulumi/meta.yaml"}}, True, id="layout-file"
        ),
        pytest.param(
            {**EXPIRE_30_DAYS, "Filter": {"Prefix": ".pulumi/history/"}}, False, id="history-only"
        ),
        pytest.param(
            {**EXPIRE_30_DAYS, "Filter": {"And": {"Prefix": ".pul", "ObjectSizeGreaterThan": 1}}},
            True,
            id="shorter-prefix-and-size",
        ),
        pytest.param(
            {"Status": "Enabled", "Filter": {}, "Expiration": {"Date": "2027-01-01T00:00:00Z"}},
            True,
            id="on-a-date",
        ),
        pytest.param({**EXPIRE_30_DAYS, "Filter": {"Prefix": "logs/"}}, False, id="other-prefix"),
        pytest.param(
            {**EXPIRE_30_DAYS, "Filter": {"Tag": {"Key": "scratch", "Value": "yes"}}},
            False,
            id="tagged-objects-only",
        ),
        pytest.param(
            {
                **EXPIRE_30_DAYS,
                "Filter": {"And": {"Prefix": "", "Tags": [{"Key": "t", "Value": "1"}]}},
            },
            False,
            id="prefix-and-tag",
        ),
        pytest.param({**EXPIRE_30_DAYS, "Status": "Disabled", "Filter": {}}, False, id="disabled"),
        pytest.param(
            {"Status": "Enabled", "Filter": {}, "Expiration": {"ExpiredObjectDeleteMarker": True}},
            False,
            id="delete-markers-only",
        ),
        pytest.param(
            {
                "Status": "Enabled",
                "Filter": {},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 9},
            },
            False,
            id="noncurrent-only",
        ),
    ],
)
def test_a_lifecycle_rule_deletes_state_when_it_expires_current_objects_under_pulumi(
    rule: dict[str, Any], deletes_state: bool
) -> None:
    assert expires_current_state(rule) is deletes_state


def test_a_rule_expiring_the_live_state_is_a_violation_and_fix_removes_only_it(
    aws: AwsClients, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    ours = bucket_config(aws)["lifecycle"]["Rules"][0]
    expire_all: dict[str, Any] = {
        "ID": "expire-after-30-days",
        "Status": "Enabled",
        "Filter": {},
        "Expiration": {"Days": 30},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
    }
    logs = {**expire_all, "ID": "expire-logs", "Filter": {"Prefix": "logs/"}}
    rules: list[Any] = [expire_all, logs]
    aws.s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET, LifecycleConfiguration={"Rules": rules}
    )

    checked = run_cli(*BOOT)
    fixed = run_cli(*BOOT, "--fix")

    assert checked.code == 1
    assert (
        "VIOLATION  no lifecycle rule expires the current state: found rule(s) "
        "'expire-after-30-days' expire current objects under .pulumi/stacks/, the live state"
    ) in checked.out
    assert "VIOLATION  lifecycle expires noncurrent versions after 90 days" in checked.out
    assert fixed.code == 0
    assert bucket_config(aws)["lifecycle"]["Rules"] == [logs, ours]


def test_an_alias_held_by_someone_elses_key_stops_before_creating_anything(
    aws: AwsClients, run_cli: RunCli
) -> None:
    foreign = aws.kms.create_key(Description="payments team key")["KeyMetadata"]["KeyId"]
    aws.kms.create_alias(AliasName=DEFAULT_KEY_ALIAS, TargetKeyId=foreign)

    result = run_cli(*BOOT)

    assert result.code == 2
    assert f"{DEFAULT_KEY_ALIAS} already points at KMS key {foreign}" in result.err
    assert f"tagging it {ROLE_TAG}=secrets-provider" in result.err
    assert "Traceback" not in result.err
    assert aws.s3.list_buckets()["Buckets"] == []
    assert len(aws.kms.list_keys()["Keys"]) == 1


def test_a_bucket_owned_by_another_account_is_refused_before_anything_is_created(
    aws: AwsClients, aws_endpoint: str, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto lets every account read every bucket unless told to behave like S3, where another
    # account's bucket answers 403: the same answer as our own bucket without s3:ListBucket, so
    # the message is the honest "either ... or".
    monkeypatch.setenv("MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS", "false")
    other = aws.sts.assume_role(
        RoleArn="arn:aws:iam::210987654321:role/other-team", RoleSessionName="other-team"
    )["Credentials"]
    boto3.client(
        "s3",
        endpoint_url=aws_endpoint,
        region_name=REGION,
        aws_access_key_id=other["AccessKeyId"],
        aws_secret_access_key=other["SecretAccessKey"],
        aws_session_token=other["SessionToken"],
    ).create_bucket(Bucket=BUCKET)

    result = run_cli(*BOOT)

    assert result.code == 2
    assert f"s3://{BUCKET} exists but this identity cannot read it" in result.err
    assert "if another AWS account owns the bucket, choose another name" in result.err
    assert aws.kms.list_keys()["Keys"] == []


@pytest.mark.usefixtures("cli_on_aws")
def test_our_bucket_without_list_bucket_is_not_reported_as_created_in_us_east_1(
    aws: AwsClients, run_cli: RunCli
) -> None:
    # The trap: in us-east-1, CreateBucket on a bucket you own answers 200 (moto does the same),
    # so trying it after HeadBucket's 403 would "create" the existing state bucket.
    aws.s3.create_bucket(Bucket=BUCKET)
    aws.s3.meta.events.register("before-call.s3.HeadBucket", respond("HeadBucket", 403, "403"))

    result = run_cli(*BOOT)

    assert result.code == 2
    assert (
        f"error: s3://{BUCKET} exists but this identity cannot read it "
        "(HeadBucket answered 403): grant s3:ListBucket on it"
    ) in result.err
    assert "created" not in result.out
    assert aws.kms.list_keys()["Keys"] == []


@pytest.mark.usefixtures("cli_on_aws")
def test_s3s_bucket_already_exists_answer_is_named_as_another_accounts_bucket(
    aws: AwsClients, run_cli: RunCli
) -> None:
    # Someone else took the name between our HeadBucket and CreateBucket.
    aws.s3.meta.events.register("before-call.s3.HeadBucket", respond("HeadBucket", 404, "404"))
    aws.s3.meta.events.register(
        "before-call.s3.CreateBucket", respond("CreateBucket", 409, "BucketAlreadyExists")
    )

    result = run_cli(*BOOT)

    assert result.code == 2
    assert f"the bucket name {BUCKET!r} is taken by another AWS account" in result.err
    assert result.out.split("this run created, before failing")[1].count("KMS key") == 2


def test_a_bucket_in_another_region_is_named(aws: AwsClients, run_cli: RunCli) -> None:
    aws.s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )

    result = run_cli(*BOOT)

    assert result.code == 2
    assert "already exists in eu-west-1, not us-east-1: rerun with --region eu-west-1" in result.err


@pytest.mark.parametrize(
    ("answer", "region", "refusal"),
    [
        pytest.param("EU", "eu-west-1", None, id="legacy-EU-is-eu-west-1"),
        pytest.param(
            "EU",
            "us-east-1",
            "already exists in eu-west-1, not us-east-1",
            id="legacy-EU-elsewhere",
        ),
        pytest.param(None, "us-east-1", None, id="none-is-us-east-1"),
        pytest.param("", "us-east-1", None, id="empty-is-us-east-1"),
        pytest.param(
            "", "eu-west-1", "already exists in us-east-1, not eu-west-1", id="empty-elsewhere"
        ),
    ],
)
@pytest.mark.usefixtures("cli_on_aws")
def test_the_bucket_location_is_read_as_the_region_s3_means(
    aws: AwsClients, run_cli: RunCli, answer: str | None, region: str, refusal: str | None
) -> None:
    def answer_with(parsed: dict[str, Any], **_: Any) -> None:
        parsed["LocationConstraint"] = answer

    aws.s3.create_bucket(Bucket=BUCKET)
    aws.s3.meta.events.register("after-call.s3.GetBucketLocation", answer_with)

    result = run_cli("bootstrap", "--bucket", BUCKET, "--region", region)

    if refusal is None:
        assert "already exists in" not in result.err
        assert result.code == 1  # the bare bucket's settings are violations; its region is not
    else:
        assert result.code == 2
        assert refusal in result.err


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ab", "3-63 characters"),
        ("Acme-State", "lowercase"),
        ("acme_state", "lowercase"),
        ("-acme-state", "starting and ending with a letter or digit"),
        ("acme..state", "no two adjacent dots"),
        ("192.168.5.4", "not an IP address"),
        ("xn--acme-state", "must not start with xn--"),
        ("sthree-acme", "must not start with sthree-"),
        ("acme-state-s3alias", "must not end with -s3alias"),
        ("acme-state--ol-s3", "must not end with --ol-s3"),
        ("a" * 64, "3-63 characters"),
        ("acme-state\n", "3-63 characters"),
        ("acme-st\u0661te", "3-63 characters"),
    ],
)
def test_invalid_bucket_names_are_refused_with_the_rule(name: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        validate_bucket_name(name)


def test_an_invalid_bucket_name_fails_before_any_aws_call(aws: AwsClients, run_cli: RunCli) -> None:
    result = run_cli("bootstrap", "--bucket", "Acme_State", "--region", REGION)

    assert result.code == 2
    assert "invalid bucket name 'Acme_State'" in result.err
    assert aws.kms.list_keys()["Keys"] == []


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": "false"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": []}},
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": []}},
        },
    ],
)
def test_a_bucket_policy_of_an_unexpected_shape_is_a_violation_not_a_traceback(
    aws: AwsClients, run_cli: RunCli, statement: dict[str, Any]
) -> None:
    run_cli(*BOOT)
    resource = {"Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}
    policy = {"Version": "2012-10-17", "Statement": [{**statement, **resource}]}
    aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))

    result = run_cli(*BOOT)

    assert result.code == 1
    assert "VIOLATION  bucket policy denies requests without TLS" in result.out


def test_a_stack_name_pulumi_would_refuse_fails_before_any_aws_call(
    aws: AwsClients, run_cli: RunCli
) -> None:
    result = run_cli(*BOOT, "--stack", "prod; rm -rf ~")

    assert result.code == 2
    [line] = result.err.splitlines()
    assert "argument --stack: --stack 'prod; rm -rf ~' is not a Pulumi name" in line
    assert aws.kms.list_keys()["Keys"] == []


def respond(operation: str, status: int, code: str, message: str = "") -> Any:
    """A botocore before-call hook answering ``operation`` with an AWS error of this shape."""

    def hook(model: Any, **_: Any) -> Any:
        if model.name != operation:
            return None
        response = SimpleNamespace(status_code=status, headers={}, content=b"")
        return response, {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {}}

    return hook


def deny(operation: str) -> Any:
    """S3's AccessDenied for one operation, as an IAM policy without the action produces."""
    return respond(operation, 403, "AccessDenied", "Access Denied")


@pytest.mark.usefixtures("cli_on_aws")
def test_access_denied_midway_names_the_permission_and_what_was_created(
    aws: AwsClients, run_cli: RunCli
) -> None:
    aws.s3.meta.events.register("before-call.s3.PutBucketPolicy", deny("PutBucketPolicy"))

    result = run_cli(*BOOT)

    assert result.code == 2
    assert (
        f"error: access denied: PutBucketPolicy on s3://{BUCKET} needs the IAM permission "
        "s3:PutBucketPolicy"
    ) in result.err
    reported = result.out.split("this run created, before failing")[1]
    assert f"bucket s3://{BUCKET} in {REGION}" in reported
    assert f"alias {DEFAULT_KEY_ALIAS} -> " in reported
    assert f"alias {DEFAULT_STATE_KEY_ALIAS} -> " in reported
    assert reported.count("KMS key arn:aws:kms:") == 2


@pytest.mark.usefixtures("cli_on_aws")
def test_rerunning_after_a_failure_continues_where_it_stopped(
    aws: AwsClients, run_cli: RunCli
) -> None:
    hook = deny("PutBucketPolicy")
    aws.s3.meta.events.register("before-call.s3.PutBucketPolicy", hook)
    run_cli(*BOOT)
    aws.s3.meta.events.unregister("before-call.s3.PutBucketPolicy", hook)

    rerun = run_cli(*BOOT, "--fix")

    assert rerun.code == 0
    assert "created" not in rerun.out.replace("0 created", "")
    assert len(aws.kms.list_keys()["Keys"]) == 2


def test_no_credentials_is_one_clear_line(
    aws_endpoint: str, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    result = run_cli(*BOOT)

    assert result.code == 2
    assert result.err.startswith("error: no usable AWS credentials")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("service", "operation", "code", "message", "action"),
    [
        (
            "s3",
            "PutBucketEncryption",
            "AccessDenied",
            "Access Denied",
            "s3:PutEncryptionConfiguration",
        ),
        ("s3", "PutPublicAccessBlock", "AccessDenied", "", "s3:PutBucketPublicAccessBlock"),
        (
            "s3",
            "PutBucketLifecycleConfiguration",
            "AccessDenied",
            "",
            "s3:PutLifecycleConfiguration",
        ),
        ("s3", "HeadObject", "403", "Forbidden", "s3:GetObject"),
        ("s3", "HeadBucket", "403", "Forbidden", "s3:ListBucket"),
        ("s3", "DeleteObject", "AccessDenied", "", "s3:DeleteObject"),
        ("kms", "DescribeKey", "AccessDeniedException", "", "kms:DescribeKey"),
        (
            "kms",
            "CreateKey",
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: "
            "kms:CreateKey because no identity-based policy allows the kms:CreateKey action",
            "kms:CreateKey",
        ),
    ],
)
def test_access_denied_names_the_missing_permission(
    service: str, operation: str, code: str, message: str, action: str
) -> None:
    error = ClientError({"Error": {"Code": code, "Message": message}}, operation)

    translated = translate(error, service=service, target="s3://bucket")

    assert isinstance(translated, AccessDenied)
    assert f"needs the IAM permission {action}" in str(translated)
    assert iam_action(service, operation, message) == action


def test_a_refused_head_object_also_names_list_bucket() -> None:
    error = ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject")

    message = str(translate(error, service="s3", target="s3://bucket/key"))

    assert "s3:GetObject (and s3:ListBucket: without it S3 answers 403, not 404" in message


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ExpiredToken", "AWS rejected the credentials (ExpiredToken)"),
        ("InvalidAccessKeyId", "AWS rejected the credentials (InvalidAccessKeyId)"),
        ("SignatureDoesNotMatch", "AWS rejected the credentials"),
        ("NoSuchBucket", "does not exist"),
        ("404", "GetObject on s3://bucket failed: 404"),
        ("InvalidBucketName", "invalid bucket name"),
        ("SlowDown", "GetObject on s3://bucket failed: SlowDown"),
    ],
)
def test_other_aws_errors_become_one_line_with_the_fix(code: str, expected: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "details"}}, "GetObject")

    assert expected in str(translate(error, service="s3", target="s3://bucket"))


def test_the_endpoint_flag_wins_over_the_environment(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")

    clients = connect(REGION, aws_endpoint)

    assert clients.endpoint_url == aws_endpoint
    assert clients.s3.meta.endpoint_url == aws_endpoint
    assert clients.kms.list_keys()["Keys"] == []


def test_an_unreachable_endpoint_is_named(run_cli: RunCli, aws_endpoint: str) -> None:
    result = run_cli(*BOOT, "--endpoint-url", "http://127.0.0.1:9")

    assert result.code == 2
    assert "cannot reach the AWS endpoint" in result.err
