"""Guardrails for ``aws:secretsmanager/secretPolicy:SecretPolicy``: who else may read a secret.

The program writes one resource policy per client with ``readers``: named principals may call
``GetSecretValue`` and ``DescribeSecret``, nothing more, and ``blockPublicPolicy`` makes Secrets
Manager itself refuse a policy that would open the secret to anyone. These checks hold any such
policy to that shape: no ``*`` principal (or ``NotPrincipal``), no action beyond reading (no
wildcard, no ``NotAction``), and ``blockPublicPolicy`` on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Final

from pulumi_policy import ResourceValidationArgs, Severity

from guardrails.declare import Report, resource_policy

SECRET_POLICY: Final = "aws:secretsmanager/secretPolicy:SecretPolicy"  # noqa: S105 - a type token
READ_ACTIONS: Final = frozenset({"secretsmanager:getsecretvalue", "secretsmanager:describesecret"})
"""IAM action names compare case-insensitively."""


def _as_list(value: object) -> list[object]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def _principals(principal: object) -> list[object]:
    if isinstance(principal, Mapping):
        return [item for value in principal.values() for item in _as_list(value)]
    return _as_list(principal)


def _statements(args: ResourceValidationArgs, report: Report) -> list[Mapping[str, object]]:
    text = args.props.get("policy")
    try:
        document = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        document = None
    if not isinstance(document, Mapping):
        report("policy is not a JSON policy document: build it with components/reader_access.py.")
        return []
    statements = _as_list(document.get("Statement"))
    return [statement for statement in statements if isinstance(statement, Mapping)]


def _not_public(args: ResourceValidationArgs, report: Report) -> None:
    if args.props.get("blockPublicPolicy") is not True:
        report("blockPublicPolicy is not true: set block_public_policy=True on the SecretPolicy.")
    for statement in _statements(args, report):
        if statement.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in statement:
            report(
                "an Allow statement uses NotPrincipal, which allows everyone else: name readers."
            )
        if any(not isinstance(p, str) or "*" in p for p in _principals(statement.get("Principal"))):
            report("an Allow statement's principal is * or a pattern: name each reader's ARN.")


def _reads_only(args: ResourceValidationArgs, report: Report) -> None:
    for statement in _statements(args, lambda _message: None):
        if statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if "NotAction" in statement or any(
            not isinstance(action, str) or action.lower() not in READ_ACTIONS for action in actions
        ):
            report(
                "an Allow statement grants more than reading: allow only "
                "secretsmanager:GetSecretValue and secretsmanager:DescribeSecret."
            )


POLICIES: Final = [
    resource_policy(
        name="secret-reader-policy-not-public",
        description=(
            "A secret's resource policy must name its readers and block public policies: a * "
            "principal (or NotPrincipal) lets any AWS account read the client's credentials. Fix: "
            "list account-root or role ARNs in readers; keep blockPublicPolicy true."
        ),
        resource_type=SECRET_POLICY,
        check=_not_public,
        severity=Severity.CRITICAL,
    ),
    resource_policy(
        name="secret-reader-policy-reads-only",
        description=(
            "A secret's resource policy may allow only GetSecretValue and DescribeSecret: "
            "anything more lets another account change, delete or re-share the credentials. "
            "Fix: keep the policy components/reader_access.py writes."
        ),
        resource_type=SECRET_POLICY,
        check=_reads_only,
        severity=Severity.HIGH,
    ),
]
