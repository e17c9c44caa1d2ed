"""Check 8 against a simulator that judges: each request preflight sends is stubbed (moto has no
simulator) and answered by the real IAM evaluator from the role's policy and the context sent.

So a correctly configured role passes only if preflight sends each action on its resource with
the tags and ``kms:ViaService`` the deploy will carry; a policy that lacks an action is named;
a decision that hangs on context preflight cannot know is "unverified", never a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from components.secrets_key import alias_name
from genesys_oauth_secrets.bootstrap.documents import Names, render
from genesys_oauth_secrets.preflight import deploy_permissions
from genesys_oauth_secrets.preflight import deploy_requests as deploy_requests_module
from genesys_oauth_secrets.preflight.aws_identity import Identity
from genesys_oauth_secrets.preflight.context import Context, resolve
from genesys_oauth_secrets.preflight.deploy_requests import Request, deploy_requests, find_keys
from genesys_oauth_secrets.shared.backend_baseline import DEFAULT_KEY_ALIAS, DEFAULT_STATE_KEY_ALIAS
from genesys_oauth_secrets.shared.findings import Finding, Status, exit_code
from tests.preflight.conftest import BUCKET, PROJECT, REGION, World
from tests.support.iam_evaluator import Evaluator, iam_evaluator
from tests.support.policy_edits import without_action
from tests.support.policy_simulator import answer

__all__ = ["iam_evaluator"]

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deployer"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/github-actions"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:genesys/oauth/prod/ivr-integration-"


def deployer_policy() -> dict[str, Any]:
    """``iam/deployer.json`` as a user renders it for this bucket and stack."""
    return render("deployer.json", Names(bucket=BUCKET, stack="prod", account=ACCOUNT))


def preflight_context(world: World) -> Context:
    return resolve(
        stack="prod",
        bucket=None,
        endpoint_url=world.endpoint,
        genesys_base_url=None,
        project_dir=world.project_dir,
        env={},
    )


def simulated(
    world: World,
    evaluator: Evaluator,
    policy: Mapping[str, Any],
    role_arn: str = ROLE,
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Run the check against a stubbed IAM whose simulator answers from ``policy``; the Stubber
    fails the test unless every request is exactly the one expected, in order."""
    context = preflight_context(world)
    identity = Identity(ACCOUNT, SESSION, "aws")
    iam = boto3.client("iam", region_name=REGION)
    role = {
        "Path": role_arn.split(":role", 1)[1].rsplit("/", 1)[0] + "/",
        "RoleName": "deployer",
        "RoleId": "AROAEXAMPLEEXAMPLE123",
        "Arn": role_arn,
        "CreateDate": datetime(2026, 1, 1, tzinfo=UTC),
        "AssumeRolePolicyDocument": "{}",
    }
    sent = []
    with Stubber(iam) as stubber:
        stubber.add_response("get_role", {"Role": role}, {"RoleName": "deployer"})
        for request in deploy_requests(context, identity, find_keys(context)):
            params = {
                "PolicySourceArn": role_arn,
                "ActionNames": list(request.actions),
                "ResourceArns": [request.resource],
                "ContextEntries": request.context_entries(),
            }
            response = answer(evaluator, "deployer.json", policy, params)
            stubber.add_response("simulate_principal_policy", response, params)
            sent.append(params)
        findings = deploy_permissions.check(context, identity, iam)
        stubber.assert_no_pending_responses()
    return findings, sent


def key_arn(alias: str) -> str:
    return str(
        boto3.client("kms", region_name=REGION).describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    )


def sent_for(sent: list[dict[str, Any]], action: str, resource: str) -> dict[str, Any]:
    """The context entries of the one request that simulated ``action`` on ``resource``."""
    [params] = [
        p for p in sent if action in p["ActionNames"] and p["ResourceArns"][0].startswith(resource)
    ]
    return {
        entry["ContextKeyName"]: entry["ContextKeyValues"]
        if entry["ContextKeyType"] == "stringList"
        else entry["ContextKeyValues"][0]
        for entry in params["ContextEntries"]
    }


@pytest.fixture
def stack_key(world: World) -> str:
    """The stack's own key after a first deploy: the program's tags, its alias."""
    kms = boto3.client("kms", region_name=REGION)
    tags = {"managed-by": "pulumi", "pulumi-project": PROJECT, "pulumi-stack": "prod"}
    key = kms.create_key(Tags=[{"TagKey": k, "TagValue": v} for k, v in tags.items()])
    kms.create_alias(AliasName=alias_name("prod"), TargetKeyId=key["KeyMetadata"]["KeyId"])
    return str(key["KeyMetadata"]["Arn"])


def test_the_shipped_deployer_policy_passes_before_the_first_deploy(
    world: World, iam_evaluator: Evaluator
) -> None:
    findings, _ = simulated(world, iam_evaluator, deployer_policy())
    [finding] = findings
    assert finding.status is Status.OK, finding.message
    assert ROLE in finding.message


def test_the_shipped_deployer_policy_passes_on_the_stack_key_found_by_its_alias(
    world: World, iam_evaluator: Evaluator, stack_key: str
) -> None:
    findings, sent = simulated(world, iam_evaluator, deployer_policy())
    assert [f.status for f in findings] == [Status.OK], findings
    assert sent_for(sent, "kms:EnableKeyRotation", stack_key)["aws:ResourceTag/pulumi-stack"] == (
        "prod"
    )


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        (
            "kms:GenerateDataKey",
            "state key",
            {
                "aws:ResourceTag/pulumi-backend-role": "state-bucket",
                "kms:ViaService": f"s3.{REGION}.amazonaws.com",
            },
        ),
        (
            "kms:Decrypt",
            "secrets-provider key",
            {"aws:ResourceTag/pulumi-backend-role": "secrets-provider"},
        ),
        (
            "kms:GenerateDataKey",
            "stack key",
            {
                "aws:ResourceTag/pulumi-project": PROJECT,
                "aws:ResourceTag/pulumi-stack": "prod",
                "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            },
        ),
        (
            "kms:CreateKey",
            "*",
            {
                "aws:RequestTag/pulumi-project": PROJECT,
                "aws:TagKeys": ["managed-by", "pulumi-project", "pulumi-stack"],
            },
        ),
        (
            "secretsmanager:CreateSecret",
            SECRET,
            {
                "aws:RequestTag/genesys-oauth-client": "ivr-integration",
                "aws:RequestTag/pulumi-stack": "prod",
                "secretsmanager:Name": "genesys/oauth/prod/ivr-integration",
            },
        ),
        (
            "secretsmanager:PutSecretValue",
            SECRET,
            {
                "aws:ResourceTag/genesys-oauth-client": "ivr-integration",
                "aws:ResourceTag/pulumi-project": PROJECT,
            },
        ),
        ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/.pulumi/stacks/{PROJECT}/prod.json", {}),
    ],
)
def test_each_action_is_simulated_on_its_resource_with_the_context_the_deploy_sends(  # noqa: PLR0917 - fixtures and one table row
    world: World,
    iam_evaluator: Evaluator,
    stack_key: str,
    action: str,
    resource: str,
    expected: dict[str, Any],
) -> None:
    resources = {
        "state key": key_arn(DEFAULT_STATE_KEY_ALIAS),
        "secrets-provider key": key_arn(DEFAULT_KEY_ALIAS),
        "stack key": stack_key,
    }
    _, sent = simulated(world, iam_evaluator, deployer_policy())
    context = sent_for(sent, action, resources.get(resource, resource))
    assert context.items() >= expected.items(), context


def test_a_direct_call_carries_no_via_service_and_a_via_call_does(
    world: World, iam_evaluator: Evaluator
) -> None:
    _, sent = simulated(world, iam_evaluator, deployer_policy())
    assert "kms:ViaService" not in sent_for(sent, "kms:Decrypt", key_arn(DEFAULT_KEY_ALIAS))
    assert "kms:ViaService" not in sent_for(sent, "secretsmanager:DeleteSecret", SECRET)


def test_a_missing_action_is_named_with_its_resource(
    world: World, iam_evaluator: Evaluator
) -> None:
    policy = without_action(deployer_policy(), "secretsmanager:PutSecretValue")
    findings, _ = simulated(world, iam_evaluator, policy)
    [finding] = findings
    assert finding.status is Status.PROBLEM
    assert f": secretsmanager:PutSecretValue on {SECRET}AbCdEf (implicitDeny; " in finding.message
    assert finding.message.count(" on ") == 1
    assert exit_code(findings) == 1


def test_a_policy_that_no_longer_covers_the_state_key_is_denied_its_use_through_s3(
    world: World, iam_evaluator: Evaluator
) -> None:
    policy = deployer_policy()
    for statement in policy["Statement"]:
        if statement["Sid"] == "BackendKeysStateAtRestAndSecretsProvider":
            statement["Condition"]["StringEquals"]["aws:ResourceTag/pulumi-backend-role"] = [
                "secrets-provider"
            ]
    findings, _ = simulated(world, iam_evaluator, policy)
    [finding] = findings
    assert finding.status is Status.PROBLEM
    state_key = key_arn(DEFAULT_STATE_KEY_ALIAS)
    assert (
        f"kms:GenerateDataKey, kms:Decrypt on {state_key} (implicitDeny; the state object's "
        "SSE-KMS key, through S3)" in finding.message
    )


def test_a_role_with_a_path_is_simulated_under_its_full_arn(
    world: World, iam_evaluator: Evaluator
) -> None:
    pathed = f"arn:aws:iam::{ACCOUNT}:role/ci/github/deployer"
    findings, sent = simulated(world, iam_evaluator, deployer_policy(), role_arn=pathed)
    assert {params["PolicySourceArn"] for params in sent} == {pathed}
    [finding] = findings
    assert finding.status is Status.OK
    assert pathed in finding.message


def test_a_condition_on_context_preflight_cannot_know_is_unverified_not_a_problem(
    world: World, iam_evaluator: Evaluator
) -> None:
    policy = deployer_policy()
    for statement in policy["Statement"]:
        if statement["Sid"] == "TheClientSecrets":
            statement["Condition"] = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    findings, _ = simulated(world, iam_evaluator, policy)
    [finding] = findings
    assert finding.status is Status.UNVERIFIED
    assert finding.message.startswith("not verified")
    assert "secretsmanager:PutSecretValue, " in finding.message
    assert f"on {SECRET}AbCdEf (implicitDeny without aws:SourceIp; " in finding.message
    assert "kms:" not in finding.message
    assert exit_code(findings) == 0


def test_an_unknown_condition_beside_a_real_denial_keeps_the_problem(
    world: World, iam_evaluator: Evaluator
) -> None:
    policy = without_action(deployer_policy(), "s3:DeleteObject")
    for statement in policy["Statement"]:
        if statement["Sid"] == "TheClientSecrets":
            statement["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "platform"}}
    findings, _ = simulated(world, iam_evaluator, policy)
    assert [f.status for f in findings] == [Status.PROBLEM, Status.UNVERIFIED]
    assert "s3:DeleteObject on " in findings[0].message
    assert "aws:PrincipalTag/team" in findings[1].message
    assert exit_code(findings) == 1


def test_a_caller_that_may_not_simulate_is_skipped(world: World) -> None:
    context = preflight_context(world)
    identity = Identity(ACCOUNT, SESSION, "aws")
    iam = boto3.client("iam", region_name=REGION)
    with Stubber(iam) as stubber:
        stubber.add_client_error("get_role", "AccessDenied", http_status_code=403)
        stubber.add_client_error(
            "simulate_principal_policy", "AccessDenied", "not authorized", http_status_code=403
        )
        [finding] = deploy_permissions.check(context, identity, iam)
    assert finding.status is Status.SKIPPED
    assert "iam:SimulatePrincipalPolicy on arn:aws:iam::123456789012:role/deployer" in (
        finding.message
    )
    assert "AccessDenied" in finding.message
    assert exit_code([finding]) == 0


@pytest.mark.parametrize("describable", [True, False])
def test_a_configured_key_is_only_used_through_secrets_manager(
    world: World, iam_evaluator: Evaluator, monkeypatch: pytest.MonkeyPatch, describable: bool
) -> None:
    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key(Tags=[{"TagKey": "pulumi-project", "TagValue": PROJECT}])
    arn = key["KeyMetadata"]["Arn"]
    world.stack_file["config"][f"{PROJECT}:secretsKmsKeyId"] = arn
    world.write_stack_file()
    if not describable:  # as for a key without the tags the deployer may describe
        found = deploy_requests_module.find_key
        monkeypatch.setattr(
            deploy_requests_module,
            "find_key",
            lambda client, key_id: None if key_id == arn else found(client, key_id),
        )

    findings, sent = simulated(world, iam_evaluator, deployer_policy())

    assert not [p for p in sent if "kms:CreateKey" in p["ActionNames"]]
    assert [p["ActionNames"] for p in sent if p["ResourceArns"] == [arn]] == [
        ["kms:GenerateDataKey", "kms:Decrypt"]
    ]
    if describable:
        assert [f.status for f in findings] == [Status.OK]
    else:
        [finding] = findings
        assert finding.status is Status.UNVERIFIED
        assert (
            f"kms:GenerateDataKey, kms:Decrypt on {arn} (implicitDeny without " in finding.message
        )
        assert "aws:ResourceTag/pulumi-project; the configured secretsKmsKeyId" in finding.message


def test_readers_and_replicas_add_the_policy_and_replication_calls_the_deployer_is_granted(
    world: World, iam_evaluator: Evaluator
) -> None:
    config = world.stack_file["config"]
    config[f"{PROJECT}:clients"][0]["readers"] = ["arn:aws:iam::210987654321:root"]
    config[f"{PROJECT}:replicaRegions"] = [{"region": "us-west-2"}]
    world.write_stack_file()

    findings, sent = simulated(world, iam_evaluator, deployer_policy())

    assert [f.status for f in findings] == [Status.OK], findings
    actions = {action for params in sent for action in params["ActionNames"]}
    assert {
        "secretsmanager:PutResourcePolicy",
        "secretsmanager:DeleteResourcePolicy",
        "secretsmanager:ReplicateSecretToRegions",
        "secretsmanager:RemoveRegionsFromReplication",
        "kms:PutKeyPolicy",
    } <= actions


@pytest.mark.parametrize(
    ("known", "missing", "unknown"),
    [
        # every tag of the resource was sent: a tag it lacks is absent on AWS too
        (("aws:ResourceTag/",), ["aws:ResourceTag/pulumi-backend-role"], []),
        # the tags could not be read: a missing tag key is not known
        ((), ["aws:ResourceTag/pulumi-backend-role"], ["aws:ResourceTag/pulumi-backend-role"]),
        # a direct call carries no kms:ViaService
        (("kms:ViaService",), ["kms:ViaService"], []),
        # nothing preflight knows says where the caller connects from or what it is tagged
        (
            ("aws:ResourceTag/", "aws:RequestTag/", "aws:TagKeys"),
            ["aws:SourceIp", "aws:PrincipalTag/team", "aws:TagKeys"],
            ["aws:PrincipalTag/team", "aws:SourceIp"],
        ),
        # Secrets Manager's encryption context (SecretARN, SecretVersionId) is not sent
        (
            ("aws:ResourceTag/",),
            ["kms:EncryptionContext:SecretARN"],
            ["kms:EncryptionContext:SecretARN"],
        ),
    ],
)
def test_only_context_preflight_could_not_supply_leaves_a_decision_unverified(
    known: tuple[str, ...], missing: list[str], unknown: list[str]
) -> None:
    request = Request(("kms:Decrypt",), "arn:aws:kms:us-east-1:1:key/k", "a test", {}, known)
    assert request.unknown(missing) == unknown


def test_an_unverified_line_keeps_the_report_s_columns_and_the_exit_code_0() -> None:
    lines = [
        Finding("deploy-permissions", Status.UNVERIFIED, "not verified: x").to_text(),
        Finding("state-bucket", Status.OK, "fine").to_text(),
    ]
    assert lines[0].startswith("UNVERIFIED deploy-permissions ")
    assert lines[1].startswith("OK         state-bucket ")
    assert exit_code([Finding("deploy-permissions", Status.UNVERIFIED, "x")]) == 0


def test_a_state_key_preflight_cannot_find_is_unverified_not_ok(
    world: World, iam_evaluator: Evaluator
) -> None:
    """A bucket bootstrapped with ``--state-key-alias`` has no key under the default alias:
    the state key's use through S3 is then not simulated, and the check must not say OK."""
    boto3.client("kms", region_name=REGION).delete_alias(AliasName=DEFAULT_STATE_KEY_ALIAS)
    findings, _ = simulated(world, iam_evaluator, deployer_policy())
    assert [f.status for f in findings] == [Status.UNVERIFIED], findings
    assert f"the state key {DEFAULT_STATE_KEY_ALIAS}, through S3" in findings[0].message
    assert exit_code(findings) == 0
