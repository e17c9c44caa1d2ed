"""The IAM documents in iam/ are valid, lint-clean, and cover every tool that calls AWS.

The other half of the contract, that each AWS call a tool makes in the tests is granted by its
document, is checked after every test by ``tests/support/aws_calls.py``.
"""

from __future__ import annotations

import json

import pytest
from parliament import analyze_policy_string

from tests.support.iam_policies import (
    IAM_DIR,
    REPO,
    TOOL_POLICIES,
    grants,
    is_tool_code,
    load_document,
    permission_for,
    policy_for_module,
    unmapped,
)

DOCUMENTS = [
    "backend-bootstrapper.json",
    "deployer.json",
    "pr-previewer.json",
    "secret-age-reporter.json",
    "secret-reader-cross-account.json",
    "secret-reader.json",
    "state-auditor.json",
]
ACCEPTED_FINDINGS = {
    ("backend-bootstrapper.json", "RESOURCE_POLICY_PRIVILEGE_ESCALATION"): (
        "writing the bucket policy (the TLS-only statement) is this role's job, and a bucket "
        "policy can grant object access: give the role to backend admins only"
    ),
    ("backend-bootstrapper.json", "PERMISSIONS_MANAGEMENT_ACTIONS"): (
        "kms:CreateKey (with the default key policy) and the bucket policy and public access "
        "block are what bootstrap creates, and with --github-repo the OIDC provider and the "
        "genesys-oauth-secrets-* roles with their inline policies; the role exists to do "
        "exactly that"
    ),
    ("deployer.json", "PERMISSIONS_MANAGEMENT_ACTIONS"): (
        "kms:CreateKey: the program creates the stack's secrets key (default key policy, "
        "tag-conditioned); set secretsKmsKeyId and drop the Create/Tag statements to avoid it"
    ),
}
"""Findings kept on purpose, each with the reason; anything else fails."""


def test_iam_holds_exactly_the_documents_the_readme_links() -> None:
    assert sorted(path.name for path in IAM_DIR.glob("*.json")) == DOCUMENTS


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_an_identity_policy_with_named_allow_statements(name: str) -> None:
    document = load_document(name)

    assert set(document) == {"Version", "Statement"}
    assert document["Version"] == "2012-10-17"
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert len(sids) == len(set(sids))
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert {"Action", "Resource"} <= set(statement)
        assert "Principal" not in statement


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_clean_under_parliament(name: str) -> None:
    text = (IAM_DIR / name).read_text()

    findings = analyze_policy_string(text, include_community_auditors=True).findings

    unexpected = [
        f"{finding.issue}: {finding.detail}"
        for finding in findings
        if (name, finding.issue) not in ACCEPTED_FINDINGS
    ]
    assert unexpected == []


def test_parliament_catches_what_it_is_trusted_for() -> None:
    broken = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
            {"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"},
            {"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"},
        ],
    }

    issues = {f.issue for f in analyze_policy_string(json.dumps(broken)).findings}

    assert {"UNKNOWN_ACTION", "UNKNOWN_PREFIX", "MALFORMED"} <= issues


def test_every_tool_module_maps_to_shipped_documents() -> None:
    for module, documents in TOOL_POLICIES.items():
        assert all((IAM_DIR / document).is_file() for document in documents), module
        assert policy_for_module(f"{module}.anything") == documents


def test_a_module_without_an_entry_has_no_documents_and_a_failure_naming_the_fix() -> None:
    assert policy_for_module("some_future_tool.report") is None
    assert "add it to TOOL_POLICIES" in unmapped("some_future_tool.report")


def test_tools_are_the_repositorys_code_outside_tests_and_the_venv() -> None:
    assert is_tool_code(str(REPO / "state_backend" / "locks.py"))
    assert is_tool_code(str(REPO / "some_future_tool" / "cli.py"))
    assert not is_tool_code(str(REPO / "tests" / "state_backend" / "test_locks.py"))
    assert not is_tool_code(str(REPO / "venv" / "lib" / "boto3" / "session.py"))
    assert not is_tool_code(str(REPO / "policy" / "venv" / "lib" / "site-packages" / "x.py"))
    assert not is_tool_code("<frozen runpy>")
    assert not is_tool_code("/usr/lib/python3.11/runpy.py")


@pytest.mark.parametrize(
    ("prefix", "operation", "params", "action"),
    [
        ("s3", "HeadBucket", {}, "s3:ListBucket"),
        ("s3", "ListObjectsV2", {}, "s3:ListBucket"),
        ("s3", "HeadObject", {}, "s3:GetObject"),
        ("s3", "GetObject", {"VersionId": "v1"}, "s3:GetObjectVersion"),
        ("s3", "GetBucketEncryption", {}, "s3:GetEncryptionConfiguration"),
        ("s3", "PutBucketVersioning", {}, "s3:PutBucketVersioning"),
        ("kms", "CreateKey", {}, "kms:CreateKey"),
        ("secretsmanager", "GetSecretValue", {}, "secretsmanager:GetSecretValue"),
        ("sts", "GetCallerIdentity", {}, None),
    ],
)
def test_an_api_call_maps_to_the_action_aws_authorizes(
    prefix: str, operation: str, params: dict[str, str], action: str | None
) -> None:
    assert permission_for(prefix, operation, params) == action


def test_grants_matches_wildcards_case_blind_and_only_in_allow_statements() -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:Describe*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
        ]
    }

    assert grants(document, "kms:DescribeKey")
    assert grants(document, "KMS:describekey")
    assert not grants(document, "kms:Decrypt")
    assert not grants(document, "s3:GetObject")


def test_the_previewer_can_read_state_but_never_a_secret_value_or_write() -> None:
    previewer = load_document("pr-previewer.json")

    assert grants(previewer, "s3:GetObject")
    assert grants(previewer, "kms:Decrypt")
    for action in ("secretsmanager:GetSecretValue", "s3:PutObject", "kms:Encrypt"):
        assert not grants(previewer, action), action


def test_the_auditor_reads_state_without_the_secrets_provider_key() -> None:
    auditor = load_document("state-auditor.json")
    [decrypt] = [s for s in auditor["Statement"] if s["Action"] == "kms:Decrypt"]

    assert decrypt["Condition"]["StringEquals"] == {
        "aws:ResourceTag/pulumi-backend-role": "state-bucket"
    }
