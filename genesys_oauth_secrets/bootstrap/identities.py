"""The GitHub side of bootstrap: the OIDC provider and the roles the workflows assume.

With ``--github-repo OWNER/REPO`` bootstrap also creates, or checks and repairs, what the
workflows in ``.github/workflows`` need to reach AWS without stored keys: IAM's OpenID Connect
provider for GitHub's token issuer (one per account) and one role per job, each with

- a trust policy admitting only GitHub's tokens for this repository, with the audience
  ``sts.amazonaws.com`` (what aws-actions/configure-aws-credentials asks for) and the subject
  of the job that assumes the role: ``environment:<name>`` for a job with ``environment:``,
  else the branch it runs on (``ref:refs/heads/main``);
- one inline policy: its reviewed ``iam/*.json`` document rendered for this bucket, stack and
  account (:mod:`genesys_oauth_secrets.bootstrap.documents`), never edited here.

The contract is the backend's: an existing provider or role that differs is a violation, listed
always and changed only with ``--fix``; a second run changes nothing. Policies are compared as
documents (parsed, every list a set, a lone value a list of one), never as text: IAM returns
them URL-encoded JSON, which botocore decodes (``json_decode_policies``, botocore/handlers.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from genesys_oauth_secrets.bootstrap.documents import Names, render
from genesys_oauth_secrets.shared.backend_baseline import Journal, aws_call, aws_read
from genesys_oauth_secrets.shared.errors import UsageError
from genesys_oauth_secrets.shared.text import shown

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

ISSUER = "token.actions.githubusercontent.com"
"""GitHub's OIDC token issuer: the provider's URL without ``https://`` and its ARN's suffix."""
AUDIENCE = "sts.amazonaws.com"
"""The audience aws-actions/configure-aws-credentials requests; the provider's client id."""
DEFAULT_BRANCH = "main"
"""The branch the workflows deploy from (``deploy.yml``: ``push: branches: [main]``)."""
ROLE_PREFIX = "genesys-oauth-secrets-"
POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class WorkflowRole:
    """One role: who assumes it, what it may do, and the variable the workflow reads it from."""

    name: str
    document: str
    """Its permissions: ``iam/<document>``."""
    subject: str
    """The OIDC subject after ``repo:OWNER/REPO:``, as GitHub builds it for the job."""
    variable: str | None
    """The repository variable the workflow reads the role's ARN from; None: no workflow."""
    used_by: str


WORKFLOW_ROLES = (
    WorkflowRole(
        f"{ROLE_PREFIX}deployer",
        "deployer.json",
        "environment:production",
        "AWS_DEPLOY_ROLE_ARN",
        "deploy.yml, job deploy",
    ),
    WorkflowRole(
        f"{ROLE_PREFIX}previewer",
        "pr-previewer.json",
        "environment:preview",
        "AWS_PREVIEW_ROLE_ARN",
        "preview.yml, job preview",
    ),
    WorkflowRole(
        f"{ROLE_PREFIX}secret-age",
        "secret-age-reporter.json",
        f"ref:refs/heads/{DEFAULT_BRANCH}",
        "AWS_SECRET_AGE_ROLE_ARN",
        "secret-age.yml, job secret-age (no environment: scheduled runs use the default branch)",
    ),
    WorkflowRole(
        f"{ROLE_PREFIX}auditor",
        "state-auditor.json",
        f"ref:refs/heads/{DEFAULT_BRANCH}",
        None,
        "`audit` of the state in the bucket, from a workflow of yours on the default branch",
    ),
)
"""Subjects from the workflows: ``deploy`` and ``preview`` jobs name an environment, the
``secret-age`` job none (it runs on ``schedule`` and ``workflow_dispatch``); no workflow assumes
the auditor role, which trusts the default branch like the other job without an environment."""


@dataclass(frozen=True)
class GitHubSettings:
    """What the roles are for: the repository that assumes them, and the names to render."""

    repo: str
    bucket: str
    stack: str


@dataclass(frozen=True)
class Account:
    """The caller's account and partition, from ``sts:GetCallerIdentity``."""

    id: str
    partition: str

    def provider_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.id}:oidc-provider/{ISSUER}"


def trust_policy(account: Account, repo: str, role: WorkflowRole) -> dict[str, Any]:
    """Only GitHub's tokens for ``repo`` with ``role``'s subject and the STS audience."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "GitHubActionsJobOfThisRepository",
                "Effect": "Allow",
                "Principal": {"Federated": account.provider_arn()},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:aud": AUDIENCE,
                        f"{ISSUER}:sub": f"repo:{repo}:{role.subject}",
                    }
                },
            }
        ],
    }


def permissions(account: Account, github: GitHubSettings, role: WorkflowRole) -> dict[str, Any]:
    """``iam/<document>`` for this bucket, stack and account."""
    return render(
        role.document, Names(bucket=github.bucket, stack=github.stack, account=account.id)
    )


def policy_name(role: WorkflowRole) -> str:
    return role.document.removesuffix(".json")


def canonical(document: object) -> object:
    """A policy as IAM means it: lists are sets, and a lone value is a list of one.

    Accepts the decoded dict botocore returns, or the URL-encoded JSON text IAM sends when
    botocore could not decode it; text that is no JSON stays text and equals nothing rendered.
    """
    if isinstance(document, str):
        try:
            return canonical(json.loads(unquote(document)))
        except (ValueError, RecursionError):
            return document
    if isinstance(document, dict):
        return tuple(sorted((key, _as_set(value)) for key, value in document.items()))
    return document


def _as_set(value: object) -> object:
    items = value if isinstance(value, list) else [value]
    members = {json.dumps(_plain(canonical(item)), sort_keys=True) for item in items}
    return tuple(sorted(members))


def _plain(value: object) -> object:
    """A canonical value as JSON can write it (tuples become lists)."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def same_policy(found: object, wanted: dict[str, Any]) -> bool:
    return canonical(found) == canonical(wanted)


def _subjects(document: object) -> Iterator[str]:
    """The ``sub`` values a trust policy admits, for the violation line."""
    parsed = json.loads(unquote(document)) if isinstance(document, str) else document
    statements = parsed.get("Statement", []) if isinstance(parsed, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        conditions = statement.get("Condition", {}) if isinstance(statement, dict) else {}
        for operator in conditions.values() if isinstance(conditions, dict) else []:
            if isinstance(operator, dict) and f"{ISSUER}:sub" in operator:
                value = operator[f"{ISSUER}:sub"]
                yield from (value if isinstance(value, list) else [value])


def _trust_found(document: object) -> str:
    try:
        subjects = sorted({shown(subject) for subject in _subjects(document)})
    except (ValueError, RecursionError):
        return "a trust policy that is no JSON"
    if not subjects:
        return "a trust policy without a GitHub subject"
    return "a trust policy for " + ", ".join(subjects)


def _missing(target: str, action: Any) -> Any:
    """The answer of a read, or None when IAM says the entity does not exist."""
    return aws_read("iam", target, action, absent={"NoSuchEntity"})


def validate_account(account: Account) -> None:
    """The documents name the ``aws`` partition; elsewhere they would grant nothing."""
    if account.partition != "aws":
        raise UsageError(
            f"--github-repo: the documents in iam/ name the aws partition, and this account is "
            f"in {shown(account.partition)}: create the roles by hand from docs/iam.md there, "
            "or run bootstrap without --github-repo"
        )


def ensure_provider(iam: IAMClient, account: Account, *, fix: bool, journal: Journal) -> None:
    """GitHub's OIDC provider, admitting the STS audience; created without a thumbprint.

    ``ThumbprintList`` is optional in CreateOpenIDConnectProvider (IAM then fetches the
    certificate chain itself), and for GitHub's issuer IAM validates against its library of
    trusted root CAs rather than a thumbprint (IAM API reference,
    UpdateOpenIDConnectProviderThumbprint), so a pinned thumbprint would only go stale.
    """
    arn = account.provider_arn()
    found = _missing(arn, lambda: iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn))
    setting = f"OIDC provider {arn} admits audience {AUDIENCE}"
    if found is None:
        created = aws_read(
            "iam",
            arn,
            lambda: iam.create_open_id_connect_provider(
                Url=f"https://{ISSUER}", ClientIDList=[AUDIENCE]
            ),
            absent={"EntityAlreadyExists"},
        )
        if created is not None:
            journal.create(f"OIDC provider {arn} (audience {AUDIENCE})")
            return
        # Not idempotent either: a retried request whose first answer was lost, or another run
        # in between, makes the provider exist now. Read it and check it like any existing one.
        found = aws_call(
            "iam", arn, lambda: iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        )
    audiences = list(found.get("ClientIDList", []))
    if AUDIENCE in audiences:
        journal.ok(setting)
        return
    listed = ", ".join(shown(audience) for audience in audiences) or "none"
    journal.violation(setting, f"audiences {listed}", fixed=fix)
    if fix:
        aws_call(
            "iam",
            arn,
            lambda: iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=arn, ClientID=AUDIENCE
            ),
        )


def ensure_role(
    iam: IAMClient,
    account: Account,
    github: GitHubSettings,
    role: WorkflowRole,
    *,
    fix: bool,
    journal: Journal,
) -> str:
    """One role with its trust and its one inline policy; returns the role's ARN."""
    trust = trust_policy(account, github.repo, role)
    policy = permissions(account, github, role)
    target = f"role {role.name}"
    found = _missing(target, lambda: iam.get_role(RoleName=role.name))
    trusts = f"{target} trusts only repo:{github.repo}:{role.subject}"
    allows = f"{target} has iam/{role.document} for s3://{github.bucket}, stack {github.stack}"
    if found is None:
        created = aws_read(
            "iam",
            target,
            lambda: iam.create_role(
                RoleName=role.name,
                AssumeRolePolicyDocument=json.dumps(trust),
                Description=f"GitHub Actions ({role.used_by})"[:1000],
            ),
            absent={"EntityAlreadyExists"},
        )
        if created is not None:
            journal.create(f"{target} {created['Role']['Arn']} for {role.used_by}")
            _put_policy(iam, role, policy, target)
            journal.change(allows)
            return str(created["Role"]["Arn"])
        # CreateRole is not idempotent: botocore's retry of a request whose answer was lost, or
        # another run in between, makes the role exist now. Checked like any existing role.
        found = aws_call("iam", target, lambda: iam.get_role(RoleName=role.name))
    existing = found["Role"]
    if same_policy(existing.get("AssumeRolePolicyDocument"), trust):
        journal.ok(trusts)
    else:
        journal.violation(trusts, _trust_found(existing.get("AssumeRolePolicyDocument")), fixed=fix)
        if fix:
            aws_call(
                "iam",
                target,
                lambda: iam.update_assume_role_policy(
                    RoleName=role.name, PolicyDocument=json.dumps(trust)
                ),
            )
    attached = _missing(
        target, lambda: iam.get_role_policy(RoleName=role.name, PolicyName=policy_name(role))
    )
    if attached is not None and same_policy(attached.get("PolicyDocument"), policy):
        journal.ok(allows)
    else:
        what = "another document" if attached else f"no inline policy {policy_name(role)}"
        journal.violation(allows, what, fixed=fix)
        if fix:
            _put_policy(iam, role, policy, target)
    _no_other_policies(iam, role, target, journal)
    return str(existing["Arn"])


def _no_other_policies(iam: IAMClient, role: WorkflowRole, target: str, journal: Journal) -> None:
    """Any other inline or attached managed policy widens what the job may do beyond its
    reviewed document, so "ok" for the document alone would say too much. Listed, never
    removed: ``--fix`` cannot know what else relies on them."""

    def listed() -> list[str]:
        inline = iam.get_paginator("list_role_policies").paginate(RoleName=role.name)
        managed = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role.name)
        return [
            *(
                f"inline policy {shown(name)}"
                for page in inline
                for name in page["PolicyNames"]
                if name != policy_name(role)
            ),
            *(
                f"managed policy {shown(attached.get('PolicyArn', ''))}"
                for page in managed
                for attached in page["AttachedPolicies"]
            ),
        ]

    setting = f"{target} has no permission policy but iam/{role.document}"
    others = aws_call("iam", target, listed)
    if others:
        journal.violation(
            setting, f"{', '.join(others)} (remove by hand; --fix keeps them)", fixed=False
        )
    else:
        journal.ok(setting)


def _put_policy(iam: IAMClient, role: WorkflowRole, policy: dict[str, Any], target: str) -> None:
    aws_call(
        "iam",
        target,
        lambda: iam.put_role_policy(
            RoleName=role.name, PolicyName=policy_name(role), PolicyDocument=json.dumps(policy)
        ),
    )


def ensure_identities(
    iam: IAMClient, account: Account, github: GitHubSettings, *, fix: bool, journal: Journal
) -> dict[WorkflowRole, str]:
    """The provider and every role of :data:`WORKFLOW_ROLES`; each role's ARN."""
    validate_account(account)
    ensure_provider(iam, account, fix=fix, journal=journal)
    return {
        role: ensure_role(iam, account, github, role, fix=fix, journal=journal)
        for role in WORKFLOW_ROLES
    }


def repository_variables(arns: dict[WorkflowRole, str], region: str) -> dict[str, str]:
    """The variables the workflows read (``vars.NAME``), by name."""
    variables = {role.variable: arn for role, arn in arns.items() if role.variable}
    variables["AWS_REGION"] = region
    return variables
