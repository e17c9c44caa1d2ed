"""The tests' IAM evaluator denies what a document does not grant, and says which call and why.

Proof that the autouse recorder (``tests/support/aws_calls.py``) can fail a test: the same
recorded call is allowed by the shipped ``iam/deployer.json`` and denied, with its name, by a
copy of it that lacks the one action the call needs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from genesys_oauth_secrets.bootstrap import documents
from genesys_oauth_secrets.bootstrap.documents import Names
from tests.support import policy_edits
from tests.support.aws_calls import CallRecorder, ToolCall
from tests.support.iam_evaluator import Evaluator
from tests.support.request_context import Authorization

BUCKET = "acme-genesys-oauth-secrets-state"
LOCK = f"arn:aws:s3:::{BUCKET}/.pulumi/locks/organization/genesys-oauth-secrets/prod/x.json"


def recorded_lock_write() -> CallRecorder:
    """What the recorder holds after the deployer's stack-lock code wrote a lock object."""
    recorder = CallRecorder()
    recorder.calls.append(
        ToolCall(
            module="genesys_oauth_secrets.shared.stack_locks",
            document="deployer.json",
            operation="s3:PutObject",
            names=Names(bucket=BUCKET),
            requests=(Authorization("s3:PutObject", LOCK),),
        )
    )
    return recorder


def without_action(tmp_path: Path, document: str, action: str) -> Path:
    """A copy of ``iam/`` whose ``document`` no longer names ``action`` in any statement."""
    copy = tmp_path / "iam"
    shutil.copytree(documents.IAM_DIR, copy)
    policy = json.loads((copy / document).read_text())
    (copy / document).write_text(json.dumps(policy_edits.without_action(policy, action)))
    return copy


def test_the_shipped_deployer_document_allows_the_recorded_lock_write(
    iam_evaluator: Evaluator,
) -> None:
    assert recorded_lock_write().denied(iam_evaluator) == []


def test_a_deployer_without_s3_put_object_is_denied_the_recorded_call_by_name(
    iam_evaluator: Evaluator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        documents, "IAM_DIR", without_action(tmp_path, "deployer.json", "s3:PutObject")
    )

    [line] = recorded_lock_write().denied(iam_evaluator)

    assert line.startswith("genesys_oauth_secrets.shared.stack_locks calls s3:PutObject: ")
    assert f"s3:PutObject on {LOCK} is ImplicitlyDenied for iam/deployer.json" in line
    assert "no statement allows this action on this resource" in line
