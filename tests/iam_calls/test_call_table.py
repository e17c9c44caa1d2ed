"""Every AWS call of ``pulumi up``/``preview``/``refresh``/``destroy`` is allowed to its role.

The table (``tests/iam_calls/table.py``) is judged by the real IAM evaluator against the shipped
document of the role that runs each operation: the deployer for up, refresh and destroy, the
previewer for preview. A denial names the row and the source it was read from. The mutation
tests prove the check can fail: with any one action a row needs dropped from its document, the
same check names that row.
"""

from __future__ import annotations

import pytest
import yaml

from tests.iam_calls.table import CALLS, PREVIEW, REFRESH, ROLE_OF, VERSION, Call
from tests.iam_calls.verdicts import denied_rows, shipped
from tests.support.iam_evaluator import Evaluator
from tests.support.policy_edits import without_action
from tests.test_workflows import REPO, load, pulumi_steps

ROLE_DOCUMENTS = sorted(set(ROLE_OF.values()))
NEEDED = sorted({(document, call.request.action) for call in CALLS for document in call.roles()})
"""Each (document, action) some row needs: the single actions the mutation test drops."""


def test_the_shipped_documents_allow_every_tabled_call(iam_evaluator: Evaluator) -> None:
    assert denied_rows(iam_evaluator, shipped(*ROLE_DOCUMENTS), CALLS) == []


@pytest.mark.parametrize(("document", "action"), NEEDED, ids=[f"{d}:{a}" for d, a in NEEDED])
def test_dropping_an_action_a_row_needs_fails_the_check_naming_the_row(
    iam_evaluator: Evaluator, document: str, action: str
) -> None:
    policies = shipped(*ROLE_DOCUMENTS)
    policies[document] = without_action(policies[document], action)
    needing = [c for c in CALLS if c.request.action == action and document in c.roles()]

    lines = denied_rows(iam_evaluator, policies, needing)

    assert [line.split(": ", 1)[0] for line in lines] == [c.label for c in needing]
    assert all(f"for iam/{document}" in line for line in lines)
    assert all(c.name in "\n".join(lines) for c in needing)


def test_a_preview_makes_no_provider_call_only_state_reads() -> None:
    """Check and Diff run offline in the bridged provider; preview reads the state, no lock."""
    previews = [c for c in CALLS if PREVIEW in c.operations]

    assert {c.request.action for c in previews} == {"s3:GetObject", "s3:ListBucket", "kms:Decrypt"}
    assert all(c.resource_type.startswith(("DIY", "secrets provider")) for c in previews)


def test_the_previewer_cannot_refresh_because_the_secret_version_read_needs_the_value(
    iam_evaluator: Evaluator,
) -> None:
    """``preview --refresh`` runs every resource's Read and writes nothing; of those Reads the
    previewer's document allows all but the secret version's (docs/iam.md: not supported)."""
    refresh_as_previewer = [
        Call(c.resource_type, c.step, c.request, c.source, frozenset({PREVIEW}))
        for c in CALLS
        if REFRESH in c.operations and c.step == "Read" and not c.when
    ]

    lines = denied_rows(iam_evaluator, shipped(ROLE_OF[PREVIEW]), refresh_as_previewer)

    assert f"{VERSION} Read: secretsmanager:GetSecretValue" in "\n".join(lines)
    assert all(line.startswith(f"{VERSION} Read") for line in lines)


def test_pr_previews_run_without_refresh() -> None:
    """Neither the pulumi/actions step (input ``refresh``) nor Pulumi.yaml (``options.refresh``,
    ``ProjectOptions`` in pulumi/pulumi sdk/go/common/workspace/project.go) turns it on."""
    [(_, _, step)] = pulumi_steps(load("preview.yml"))
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())

    assert step["with"]["command"] == "preview"
    assert str(step["with"].get("refresh", "false")).lower() == "false"
    assert "refresh" not in (project.get("options") or {})


def test_every_row_cites_a_function_at_a_full_commit_or_a_release() -> None:
    for call in CALLS:
        commit = call.source.commit
        assert len(commit) == 40 or commit == "1.44.18", call.name
        assert call.source.function, call.name
        assert call.operations, call.name
