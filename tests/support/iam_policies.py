"""Which shipped IAM document covers which tool, and whether it grants an AWS call.

``TOOL_POLICIES`` is the contract between the code and ``iam/``: every boto3 call made in the
tests is attributed to the outermost module of the repository's own code (outside ``tests/``)
that has an entry here, and must be granted by that entry's documents. A new tool (preflight, the
secret-age report …) adds its module prefix here with its document, or its first AWS call in a
test fails naming this file; a new call in an existing tool needs its action in the document.
Calls made by test code itself (seeding moto) have no tool frame and are not checked.

The permission an operation needs is ``<endpoint prefix>:<operation>`` except where the AWS
API reference names another (``S3_PERMISSIONS``, and the versioned object calls).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

IAM_DIR = Path(__file__).resolve().parents[2] / "iam"

REPO = IAM_DIR.parent
NOT_TOOLS = (REPO / "tests", REPO / "venv", REPO / "examples")
"""Test code (seeding moto), installed packages and examples are not checked."""

TOOL_POLICIES: Mapping[str, tuple[str, ...]] = {
    "genesys_oauth_secrets.shared.backend_baseline": ("backend-bootstrapper.json",),
    "genesys_oauth_secrets.bootstrap": ("backend-bootstrapper.json",),
    "genesys_oauth_secrets.audit.checkpoint": ("state-auditor.json",),
    "genesys_oauth_secrets.audit.scan": ("state-auditor.json",),
    "genesys_oauth_secrets.shared.stack_locks": ("deployer.json",),
    "genesys_credentials": ("secret-reader.json",),
    "genesys_oauth_secrets.preflight": ("pr-previewer.json", "deployer.json"),
    "genesys_oauth_secrets.age": ("secret-age-reporter.json",),
    "genesys_oauth_secrets.demo.walkthrough": (),
}
"""Module prefix → the documents that must each grant its calls (preflight runs in both the
preview and the deploy job); empty: not run against real AWS (the demo's emulator-only set-up).
The longest matching prefix wins. A call belongs to the outermost mapped module on the stack,
so preflight's use of bootstrap's read-only checks is judged as preflight's own."""

S3_PERMISSIONS = {
    "HeadBucket": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "HeadObject": "s3:GetObject",
    "DeleteObjects": "s3:DeleteObject",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
}
VERSIONED_S3 = {
    "GetObject": "s3:GetObjectVersion",
    "HeadObject": "s3:GetObjectVersion",
    "DeleteObject": "s3:DeleteObjectVersion",
}
NO_PERMISSION_NEEDED = frozenset({"sts:GetCallerIdentity"})
"""AWS: "No permissions are required to perform this operation" (STS API reference)."""


def permission_for(prefix: str, operation: str, params: Mapping[str, Any]) -> str | None:
    """The IAM action an API call is authorized as; None when AWS checks none."""
    if prefix == "s3":
        if params.get("VersionId") and operation in VERSIONED_S3:
            return VERSIONED_S3[operation]
        action = S3_PERMISSIONS.get(operation, f"s3:{operation}")
    else:
        action = f"{prefix}:{operation}"
    return None if action in NO_PERMISSION_NEEDED else action


def is_tool_code(filename: str) -> bool:
    """True for the repository's own code outside the tests: every package that may call AWS."""
    if not Path(filename).is_absolute():  # "<frozen runpy>", "<string>": not a file of ours
        return False
    path = Path(filename).resolve()
    return (
        path.is_relative_to(REPO)
        and "site-packages" not in path.parts
        and not any(path.is_relative_to(directory) for directory in NOT_TOOLS)
    )


def policy_for_module(module: str) -> tuple[str, ...] | None:
    """The documents of a tool module (longest prefix wins); None when it has no entry."""
    matches = [p for p in TOOL_POLICIES if module == p or module.startswith(f"{p}.")]
    return TOOL_POLICIES[max(matches, key=len)] if matches else None


def unmapped(module: str) -> str:
    """The failure for AWS calls from repository code with no entry in TOOL_POLICIES."""
    return (
        f"{module} calls AWS but has no IAM document: add it to TOOL_POLICIES in "
        "tests/support/iam_policies.py with the iam/*.json that grants its calls"
    )


def load_document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((IAM_DIR / name).read_text())
    return document


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allowed_actions(document: Mapping[str, Any]) -> Iterable[str]:
    """Every action pattern of the document's Allow statements."""
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            yield from _as_list(statement["Action"])


def grants(document: Mapping[str, Any], action: str) -> bool:
    """True when an Allow statement names ``action`` (IAM matches actions case-blind)."""
    return any(
        fnmatch.fnmatchcase(action.lower(), pattern.lower())
        for pattern in allowed_actions(document)
    )
