"""Check 8: an IAM simulation of what ``pulumi up`` will ask AWS for, where the account allows it.

``iam:SimulatePrincipalPolicy`` evaluates the caller's own identity policies (not resource
policies, SCPs or permission boundaries' every corner) for each action against a
representative resource of this stack: the state object and bucket, a client secret under
``genesys/oauth/<stack>/``, a key of the stack. Each action the simulation does not allow is
named. The actions are the README's list for the deploying principal.

Many principals may not call the simulator (it needs ``iam:SimulatePrincipalPolicy`` on
themselves), and some emulators do not implement it: then the check says it was skipped and
does not fail the run. A denied action still surfaces at deploy time, named by AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from components.oauth_client_secret import secret_name
from genesys_oauth_secrets.preflight.aws_identity import Identity
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared import aws
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.text import shown

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

CHECK = "deploy-permissions"
ONE_ATTEMPT = Config(retries={"max_attempts": 1, "mode": "standard"})
"""Advisory: a simulator that fails once is reported as skipped rather than waited for."""
EXAMPLE_KEY = "key/00000000-0000-0000-0000-000000000000"
EXAMPLE_SUFFIX = "-AbCdEf"
"""Secrets Manager appends six random characters to a secret's name in its ARN."""
KMS_ACTIONS = (
    "kms:CreateKey",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:ScheduleKeyDeletion",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:GenerateDataKey",
)
SECRETS_ACTIONS = (
    "secretsmanager:CreateSecret",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:DeleteSecret",
)
STATE_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")


def principal_arn(identity: Identity) -> str | None:
    """The IAM user or role behind the caller (a session's role, path unknown); None for root."""
    resource = identity.arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    if kind == "user":
        return f"arn:{identity.partition}:iam::{identity.account}:user/{rest}"
    if kind == "assumed-role":
        return f"arn:{identity.partition}:iam::{identity.account}:role/{rest.split('/')[0]}"
    return None


def with_path(iam: IAMClient, principal: str) -> str:
    """The role's ARN with its path (``iam:GetRole``): an assumed-role ARN drops the path, and
    the simulator refuses a role ARN without it. Unchanged for a user, or when GetRole is not
    allowed (right for a role without a path; otherwise the simulation says it was skipped)."""
    kind, _, name = principal.split(":", 5)[-1].partition("/")
    if kind != "role":
        return principal
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except (ClientError, BotoCoreError, ResponseParserError, KeyError):
        return principal


def simulations(context: Context, identity: Identity) -> list[tuple[Sequence[str], str]]:
    """Each group of actions with the representative resource it is simulated on."""
    arn = f"arn:{identity.partition}"
    client = context.config.clients[0].name if context.config and context.config.clients else "x"
    secret = secret_name(context.stack, client)
    state = f".pulumi/stacks/{context.project}/{context.stack}.json"
    kms_region = f"{arn}:kms:{context.aws_region}:{identity.account}"
    return [
        (("s3:ListBucket",), f"{arn}:s3:::{context.bucket}"),
        (STATE_OBJECT_ACTIONS, f"{arn}:s3:::{context.bucket}/{state}"),
        (
            SECRETS_ACTIONS,
            f"{arn}:secretsmanager:{context.aws_region}:{identity.account}:secret:"
            f"{secret}{EXAMPLE_SUFFIX}",
        ),
        (KMS_ACTIONS, f"{kms_region}:{EXAMPLE_KEY}"),
    ]


def iam_client(context: Context, endpoint_url: str | None) -> IAMClient:
    return aws.iam_client(context.aws_region, endpoint_url, ONE_ATTEMPT)


def check(context: Context, identity: Identity, iam: IAMClient) -> list[Finding]:
    principal = principal_arn(identity)
    if principal is None:
        return [
            Finding(
                CHECK,
                Status.SKIPPED,
                f"the caller {shown(identity.arn)} is not an IAM user or role: nothing to simulate",
            )
        ]
    principal = with_path(iam, principal)
    denied = []
    for actions, resource in simulations(context, identity):
        try:
            pages = iam.get_paginator("simulate_principal_policy").paginate(
                PolicySourceArn=principal, ActionNames=list(actions), ResourceArns=[resource]
            )
            results = [result for page in pages for result in page["EvaluationResults"]]
        except (ClientError, BotoCoreError, ResponseParserError) as error:
            reason = shown(getattr(error, "response", {}).get("Error", {}).get("Code") or error)
            return [
                Finding(
                    CHECK,
                    Status.SKIPPED,
                    f"iam:SimulatePrincipalPolicy on {principal} is not available here "
                    f"({shown(reason, 80)}): the deploy permissions were not simulated",
                )
            ]
        denied += [
            f"{result['EvalActionName']} ({result['EvalDecision']})"
            for result in results
            if result["EvalDecision"] != "allowed"
        ]
    if denied:
        return [
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{principal} would be denied: {', '.join(denied)}",
                fix=f"grant these actions to {principal} on this stack's resources (the "
                "README's prerequisites list the deploy policy)",
            )
        ]
    return [Finding(CHECK, Status.OK, f"{principal} is allowed every deploy action simulated")]
