"""Check 8: an IAM simulation of what ``pulumi up`` will ask AWS for, where the account allows it.

``iam:SimulatePrincipalPolicy`` evaluates the caller's own identity policies (not resource
policies, SCPs or permission boundaries' every corner) for each request ``deploy_requests``
lists: each action on the resource it will touch, with ``ContextEntries`` carrying the tags,
``kms:ViaService`` and encryption context the real call carries. Without that context every
tag- or service-conditioned statement reads as denied, and a correctly configured role would be
reported as broken.

Each answer falls in one of three kinds (the API's ``EvaluationResult``: ``EvalDecision``, or
per resource ``ResourceSpecificResults[].EvalResourceDecision``, and ``MissingContextValues``):

- allowed, with no context missing that preflight could not supply: verified;
- decided with a context key missing that preflight cannot know (``aws:SourceIp``, a
  principal tag, Secrets Manager's ``SecretARN`` encryption context…): *unverified*, naming
  the action and the key. It does not fail the run: the deploy may well be allowed;
- denied (``implicitDeny``/``explicitDeny``) with nothing unknown missing: a problem naming
  the action and the resource.

The simulator needs the role's ARN with its path (``iam:GetRole``); an assumed-role ARN has
none. Many principals may not call the simulator, and some emulators do not implement it: then
the check says it was skipped and does not fail the run. AWS has the last word at deploy time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from genesys_oauth_secrets.preflight.aws_identity import Identity
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.preflight.deploy_requests import (
    Request,
    deploy_requests,
    find_keys,
    unsimulated,
)
from genesys_oauth_secrets.shared import aws
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.text import shown

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

CHECK = "deploy-permissions"
ONE_ATTEMPT = Config(retries={"max_attempts": 1, "mode": "standard"})
"""Advisory: a simulator that fails once is reported as skipped rather than waited for."""
ALLOWED = "allowed"


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


@dataclass(frozen=True)
class Outcome:
    """One action of one request, as the simulator judged it."""

    action: str
    resource: str
    why: str
    decision: str
    unknown: tuple[str, ...]
    """Context keys the decision depended on that preflight could not supply."""


def outcomes(request: Request, results: list[Mapping[str, Any]]) -> list[Outcome]:
    """Read each ``EvaluationResult``: the per-resource answer when the API gives one (it
    aggregates across resources at the top), and every missing context key it reports."""
    judged = []
    for result in results:
        specific = result.get("ResourceSpecificResults") or []
        decision = str(result.get("EvalDecision"))
        missing = list(result.get("MissingContextValues") or [])
        for item in specific:
            if item.get("EvalResourceName") in (request.resource, None):
                decision = str(item.get("EvalResourceDecision", decision))
            missing += item.get("MissingContextValues") or []
        judged.append(
            Outcome(
                str(result["EvalActionName"]),
                request.resource,
                request.why,
                decision,
                tuple(request.unknown(missing)),
            )
        )
    return judged


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
    keys = find_keys(context)
    judged: list[Outcome] = []
    for request in deploy_requests(context, identity, keys):
        try:
            pages = iam.get_paginator("simulate_principal_policy").paginate(
                PolicySourceArn=principal,
                ActionNames=list(request.actions),
                ResourceArns=[request.resource],
                ContextEntries=request.context_entries(),
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
        judged += outcomes(request, list(results))
    return report(principal, judged, unsimulated(context, keys))


def _grouped(outcomes: list[Outcome]) -> str:
    """``a, b on RESOURCE (decision, why[: without keys])``, one clause per resource and answer:
    a role missing most of the policy still fits on one line."""
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
    for o in outcomes:
        groups.setdefault((o.resource, o.why, o.decision, o.unknown), []).append(o.action)
    clauses = []
    for (resource, why, decision, unknown), actions in groups.items():
        without = f" without {', '.join(unknown)}" if unknown else ""
        clauses.append(f"{', '.join(actions)} on {resource} ({decision}{without}; {why})")
    return "; ".join(clauses)


def report(
    principal: str, judged: list[Outcome], not_simulated: Sequence[str] = ()
) -> list[Finding]:
    """A problem for each denial that depends on nothing unknown; unverified for the rest.

    An allowed answer with an unknown key missing is unverified too: a Deny conditioned on
    that key (``aws:SourceIp`` outside an office range, say) could still apply on AWS. So is a
    key use that was ``not_simulated`` (its key not found): "OK" would claim more than was
    checked.
    """
    denied = [o for o in judged if o.decision != ALLOWED and not o.unknown]
    unknown = [o for o in judged if o.unknown]
    findings = []
    if denied:
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{principal} would be denied: {_grouped(denied)}",
                fix=f"grant these actions to {principal} on these resources (iam/deployer.json "
                "is the reviewed deploy policy; docs/iam.md says why each statement is there)",
            )
        )
    if unknown:
        findings.append(
            Finding(
                CHECK,
                Status.UNVERIFIED,
                "not verified, the answer depends on context preflight cannot know: "
                + _grouped(unknown),
            )
        )
    if not_simulated:
        findings.append(
            Finding(
                CHECK,
                Status.UNVERIFIED,
                "not verified, preflight could not find the key to simulate: "
                + "; ".join(not_simulated),
            )
        )
    if not findings:
        findings.append(
            Finding(
                CHECK,
                Status.OK,
                f"{principal} is allowed all {len(judged)} deploy actions simulated, "
                "each on its resource with the tags and context the deploy sends",
            )
        )
    return findings
