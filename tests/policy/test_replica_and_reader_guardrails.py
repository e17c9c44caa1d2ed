"""Replicas and reader policies over the wire: a replica on an AWS-managed key and a public or
over-broad reader policy are refused; what the program registers passes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from genesys_oauth_secrets.plan.analyzer_requests import analyze_run
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.conftest import RunProgram
from tests.policy import test_stack_policies as stack_policies
from tests.policy.wire import request, violations

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/0b7f6c52-3c1e-4f7b-9f2e-8d0a1e6c4b21"
READER = "arn:aws:iam::210987654321:role/app-reader"
REPLICA_CMK = "secret-replica-customer-managed-key"
NOT_PUBLIC = "secret-reader-policy-not-public"
READS_ONLY = "secret-reader-policy-reads-only"
SECRET_PROPS: dict[str, Any] = {
    "name": "genesys/oauth/prod/ivr-integration",
    "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/0b7f6c52-3c1e-4f7b-9f2e-8d0a1e6c4b21",
    "recoveryWindowInDays": 30,
    "tags": {
        "managed-by": "pulumi",
        "pulumi-project": "genesys-oauth-secrets",
        "pulumi-stack": "prod",
        "genesys-oauth-client": "ivr-integration",
    },
}


def reader_statement(**changes: Any) -> dict[str, Any]:
    return {
        "Sid": "GenesysSecretReaders",
        "Effect": "Allow",
        "Principal": {"AWS": [READER]},
        "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        "Resource": "*",
        **changes,
    }


def policy_props(statement: dict[str, Any], block_public: Any = True) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [statement]}
    props: dict[str, Any] = {"secretArn": "arn:…", "policy": json.dumps(document)}
    if block_public is not None:
        props["blockPublicPolicy"] = block_public
    return props


def names(pack: RunningPolicyPack, type_: str, props: dict[str, Any]) -> set[str]:
    return {v.policy for v in violations(pack.analyze(request(type_, "under-test", props)))}


@pytest.mark.parametrize(
    "replicas",
    [
        [{"region": "us-west-2"}],
        [{"region": "us-west-2", "kmsKeyId": ""}],
        [{"region": "us-west-2", "kmsKeyId": "alias/aws/secretsmanager"}],
        [
            {"region": "us-west-2", "kmsKeyId": KEY_ARN},
            {
                "region": "eu-west-1",
                "kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/aws/secretsmanager",
            },
        ],
    ],
    ids=["no-key", "blank-key", "aws-managed-alias", "one-of-two-aws-managed"],
)
def test_a_replica_without_a_customer_managed_key_is_refused(
    pack: RunningPolicyPack, replicas: list[dict[str, Any]]
) -> None:
    assert names(pack, SECRET, {**SECRET_PROPS, "replicas": replicas}) == {REPLICA_CMK}


@pytest.mark.parametrize(
    ("statement", "block_public", "policy"),
    [
        (reader_statement(Principal="*"), True, NOT_PUBLIC),
        (reader_statement(Principal={"AWS": "*"}), True, NOT_PUBLIC),
        (reader_statement(Principal={"AWS": [READER, "arn:aws:iam::*:root"]}), True, NOT_PUBLIC),
        (reader_statement(), False, NOT_PUBLIC),
        (reader_statement(), None, NOT_PUBLIC),
        (reader_statement(Action="secretsmanager:*"), True, READS_ONLY),
        (
            reader_statement(
                Action=["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
            ),
            True,
            READS_ONLY,
        ),
        ({**reader_statement(), "NotAction": "secretsmanager:DeleteSecret"}, True, READS_ONLY),
    ],
    ids=[
        "star",
        "aws-star",
        "account-pattern",
        "block-public-off",
        "block-public-unset",
        "service-wildcard",
        "write-action",
        "not-action",
    ],
)
def test_a_public_or_over_broad_reader_policy_is_refused(
    pack: RunningPolicyPack, statement: dict[str, Any], block_public: Any, policy: str
) -> None:
    assert policy in names(pack, SECRET_POLICY, policy_props(statement, block_public))


def test_what_the_program_registers_passes(pack: RunningPolicyPack) -> None:
    replicas = [{"region": "us-west-2", "kmsKeyId": KEY_ARN}]

    assert names(pack, SECRET, {**SECRET_PROPS, "replicas": replicas}) == set()
    assert names(pack, SECRET_POLICY, policy_props(reader_statement())) == set()


def test_the_program_with_replicas_readers_and_adoption_passes_every_policy(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    config = copy.deepcopy(prod_config)
    config["replicaRegions"] = [{"region": "us-west-2"}, {"region": "eu-west-1"}]
    config["clients"][0]["readers"] = [READER]
    config["clients"][1]["adopt"] = {"clientId": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}

    run = engine(config)

    assert [(d.policyName, d.message) for d in analyze_run(pack, run)] == []
    assert run.of_type(SECRET_POLICY)


OTHER_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:other-AbCdEf"


@pytest.mark.parametrize(
    ("replica_arn", "violated"),
    [
        (lambda primary: primary.replace(":us-east-1:", ":us-west-2:"), False),
        (lambda _primary: OTHER_SECRET, True),
        (lambda _primary: {"value": "not an ARN"}, True),
    ],
    ids=["own-replica", "another-secret", "not-a-string"],
)
def test_exported_replica_arns_must_be_the_secrets_own_replicas(
    pack: RunningPolicyPack, replica_arn: Any, violated: bool
) -> None:
    entry = stack_policies.exports(["ivr"])["clients"]["ivr"]
    entry["replica_arns"] = {"us-west-2": replica_arn(entry["secret_arn"])}
    resources = stack_policies.with_stack_outputs(
        stack_policies.healthy(("ivr",)), {"clients": {"ivr": entry}}
    )

    found = [policy for policy, _, _ in stack_policies.judge(pack, resources)]

    assert found == (["stack-exports-only-client-references"] if violated else [])
