"""Each resource guardrail over the wire: one violating request per rule, and requests shaped
like the program's that pass every rule."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from components.issue_time import ISSUED_AT_TAG
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.policy.wire import request, secret, violations

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEY = "aws:kms/key:Key"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b7f6c52-3c1e-4f7b-9f2e-8d0a1e6c4b21"
EXPOSES = "oauth-client-exposes-secret"
NO_DIRECTORY = "oauth-client-no-directory-secret"
SEALED = "client-secret-outputs-sealed"
SPELLING = "oauth-client-grant-type-spelling"
ROLES_OR_SCOPES = "oauth-client-roles-or-scopes"
CMK = "secret-customer-managed-key"
RECOVERY = "secret-recovery-window"
TAGS = "secret-required-tags"
ROTATION = "kms-key-rotation"
DELETION = "kms-key-deletion-window"
DELETE = object()
"""A change that removes the property."""

SERVICE_CLIENT: dict[str, Any] = {
    "name": "ivr-integration",
    "description": "IVR data dips",
    "authorizedGrantType": "CLIENT-CREDENTIALS",
    "exposeClientSecret": True,
    "accessTokenValiditySeconds": 86400,
    "roles": [{"roleId": "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13", "divisionId": "*"}],
}
USER_CLIENT: dict[str, Any] = {
    "name": "agent-desktop",
    "authorizedGrantType": "CODE",
    "exposeClientSecret": True,
    "registeredRedirectUris": ["https://desktop.example.com/callback"],
    "scopes": ["users:readonly"],
    "state": "active",
}
CLIENT_SECRET: dict[str, Any] = {
    "name": "genesys/oauth/prod/ivr-integration",
    "description": "Credentials of the Genesys Cloud OAuth client ivr-integration (stack prod)",
    "kmsKeyId": KEY_ARN,
    "recoveryWindowInDays": 30,
    "tags": {
        "team": "contact-center-platform",
        "managed-by": "pulumi",
        "pulumi-project": "genesys-oauth-secrets",
        "pulumi-stack": "prod",
        "genesys-oauth-client": "ivr-integration",
        ISSUED_AT_TAG: "2026-11-30T09:15:00Z",
    },
}
SECRETS_KEY: dict[str, Any] = {
    "description": "Encrypts the Genesys Cloud OAuth client secrets of stack prod",
    "enableKeyRotation": True,
    "deletionWindowInDays": 30,
    "tags": {"managed-by": "pulumi", "pulumi-project": "genesys-oauth-secrets"},
}
BASES = {
    "service-client": (OAUTH_CLIENT, SERVICE_CLIENT, ["clientSecret"]),
    "user-client": (OAUTH_CLIENT, USER_CLIENT, ["clientSecret"]),
    "secret": (SECRET, CLIENT_SECRET, []),
    "key": (KMS_KEY, SECRETS_KEY, []),
}


def changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = {**base, **changes}
    return {key: value for key, value in result.items() if value is not DELETE}


def analyze(
    pack: RunningPolicyPack, base: str, changes: dict[str, Any], secret_outputs: list[str] | None
) -> list[Any]:
    type_, properties, default_outputs = BASES[base]
    outputs = default_outputs if secret_outputs is None else secret_outputs
    wire = request(type_, "under-test", changed(properties, changes), secret_outputs=outputs)
    return violations(pack.analyze(wire))


class Case(NamedTuple):
    """One violating request: the base resource, what changes, the rule and its message."""

    base: str
    changes: dict[str, Any]
    policy: str
    fragment: str
    secret_outputs: list[str] | None = None
    """None: the base's (``clientSecret`` for OAuth clients)."""


VIOLATIONS = {
    "expose-false": Case(
        "service-client", {"exposeClientSecret": False}, EXPOSES, "exposeClientSecret is not true"
    ),
    "expose-missing": Case(
        "user-client", {"exposeClientSecret": DELETE}, EXPOSES, "exposeClientSecret is not true"
    ),
    "expose-as-text": Case(
        "service-client", {"exposeClientSecret": "true"}, EXPOSES, "exposeClientSecret is not true"
    ),
    "directory-secret": Case(
        "service-client",
        {"directoryClientSecret": "secrets-dir"},
        NO_DIRECTORY,
        "directoryClientSecret is set",
    ),
    "directory-secret-sealed": Case(
        "user-client",
        {"directoryClientSecret": secret("/srv")},
        NO_DIRECTORY,
        "directoryClientSecret is set",
    ),
    "secret-output-unsealed": Case(
        "service-client",
        {},
        SEALED,
        "clientSecret is not in additionalSecretOutputs",
        secret_outputs=[],
    ),
    "secret-output-other-name": Case(
        "user-client",
        {},
        SEALED,
        "clientSecret is not in additionalSecretOutputs",
        secret_outputs=["client_secret"],
    ),
    "grant-saml2bearer": Case(
        "user-client", {"authorizedGrantType": "SAML2BEARER"}, SPELLING, "write 'SAML2-BEARER'"
    ),
    "grant-snake-case": Case(
        "service-client",
        {"authorizedGrantType": "client_credentials"},
        SPELLING,
        "write 'CLIENT-CREDENTIALS'",
    ),
    "grant-unknown": Case(
        "user-client", {"authorizedGrantType": "IMPLICIT"}, SPELLING, "missing or not a grant type"
    ),
    "grant-missing": Case(
        "user-client", {"authorizedGrantType": DELETE}, SPELLING, "missing or not a grant type"
    ),
    "roles-on-code-client": Case(
        "user-client",
        {"roles": SERVICE_CLIENT["roles"]},
        ROLES_OR_SCOPES,
        "roles are set on a CODE client",
    ),
    "scopes-on-service-client": Case(
        "service-client",
        {"scopes": ["users:readonly"]},
        ROLES_OR_SCOPES,
        "scopes are set on a CLIENT-CREDENTIALS client",
    ),
    "kms-missing": Case("secret", {"kmsKeyId": DELETE}, CMK, "kmsKeyId is not set"),
    "kms-blank": Case("secret", {"kmsKeyId": " "}, CMK, "kmsKeyId is not set"),
    "kms-aws-managed-alias": Case(
        "secret", {"kmsKeyId": "alias/aws/secretsmanager"}, CMK, "AWS-managed key"
    ),
    "kms-aws-managed-alias-arn": Case(
        "secret",
        {"kmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"},
        CMK,
        "AWS-managed key",
    ),
    "kms-aws-managed-other-case": Case(
        "secret", {"kmsKeyId": "Alias/AWS/secretsmanager"}, CMK, "AWS-managed key"
    ),
    "recovery-zero": Case(
        "secret", {"recoveryWindowInDays": 0}, RECOVERY, "0 deletes the secret at once"
    ),
    "recovery-short": Case(
        "secret", {"recoveryWindowInDays": 6}, RECOVERY, "recoveryWindowInDays is 6 days"
    ),
    "recovery-as-text": Case(
        "secret", {"recoveryWindowInDays": "30"}, RECOVERY, "not a whole number"
    ),
    "recovery-fraction": Case(
        "secret", {"recoveryWindowInDays": 7.5}, RECOVERY, "not a whole number"
    ),
    "tags-missing": Case("secret", {"tags": DELETE}, TAGS, "tags are missing"),
    "tags-as-list": Case("secret", {"tags": ["managed-by"]}, TAGS, "tags are missing"),
    "tag-client-missing": Case(
        "secret",
        {"tags": {k: v for k, v in CLIENT_SECRET["tags"].items() if k != "genesys-oauth-client"}},
        TAGS,
        "tags lack 'genesys-oauth-client'",
    ),
    "tag-empty": Case(
        "secret",
        {"tags": {**CLIENT_SECRET["tags"], "pulumi-project": ""}},
        TAGS,
        "tags lack 'pulumi-project'",
    ),
    "tag-managed-by-other": Case(
        "secret",
        {"tags": {**CLIENT_SECRET["tags"], "managed-by": "terraform"}},
        TAGS,
        "managed-by is not 'pulumi'",
    ),
    "tag-other-stack": Case(
        "secret",
        {"tags": {**CLIENT_SECRET["tags"], "pulumi-stack": "dev"}},
        TAGS,
        "pulumi-stack names another stack",
    ),
    "key-rotation-off": Case(
        "key", {"enableKeyRotation": False}, ROTATION, "enableKeyRotation is not true"
    ),
    "key-rotation-missing": Case(
        "key", {"enableKeyRotation": DELETE}, ROTATION, "enableKeyRotation is not true"
    ),
    "key-deletion-short": Case("key", {"deletionWindowInDays": 6}, DELETION, "at least 7"),
    "key-deletion-as-text": Case("key", {"deletionWindowInDays": "30"}, DELETION, "at least 7"),
}


@pytest.mark.parametrize("case", VIOLATIONS.values(), ids=VIOLATIONS.keys())
def test_each_rule_reports_its_violation_as_mandatory(pack: RunningPolicyPack, case: Case) -> None:
    found = analyze(pack, case.base, case.changes, case.secret_outputs)

    assert [(v.policy, v.level) for v in found] == [(case.policy, "mandatory")]
    assert case.fragment in found[0].message


# (case, base, changes): requests that every rule accepts.
PASSING = [
    ("service-client", "service-client", {}),
    ("user-client", "user-client", {}),
    ("saml2-bearer-client", "user-client", {"authorizedGrantType": "SAML2-BEARER"}),
    ("directory-secret-empty", "user-client", {"directoryClientSecret": ""}),
    ("secret", "secret", {}),
    ("secret-window-default", "secret", {"recoveryWindowInDays": DELETE}),
    ("secret-window-minimum", "secret", {"recoveryWindowInDays": 7}),
    ("secret-kms-alias-of-cmk", "secret", {"kmsKeyId": "alias/genesys-oauth-secrets-prod"}),
    ("secret-kms-key-id", "secret", {"kmsKeyId": "0b7f6c52-3c1e-4f7b-9f2e-8d0a1e6c4b21"}),
    (
        "secret-issue-time-not-recorded",
        "secret",
        {"tags": {**CLIENT_SECRET["tags"], ISSUED_AT_TAG: ""}},
    ),
    ("key", "key", {}),
    ("key-window-default", "key", {"deletionWindowInDays": DELETE}),
    ("key-window-minimum", "key", {"deletionWindowInDays": 7}),
]


@pytest.mark.parametrize(
    ("base", "changes"), [pytest.param(*row[1:], id=row[0]) for row in PASSING]
)
def test_resources_shaped_like_the_program_pass_every_rule(
    pack: RunningPolicyPack, base: str, changes: dict[str, Any]
) -> None:
    assert analyze(pack, base, changes, None) == []


def test_a_violation_message_starts_with_why_and_ends_with_the_fix(pack: RunningPolicyPack) -> None:
    found = analyze(pack, "secret", {"kmsKeyId": DELETE}, None)

    description, detail = found[0].message.split("\n", 1)
    assert "Fix:" in description
    assert "secretsKmsKeyId" in detail


def test_other_resource_types_are_not_judged(pack: RunningPolicyPack) -> None:
    wire = request("aws:kms/alias:Alias", "secrets-key-alias", {"name": "alias/aws/nope"})

    assert violations(pack.analyze(wire)) == []
