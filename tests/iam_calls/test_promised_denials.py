"""The denials the docs promise hold in the shipped documents, and widening one is caught.

The previewer never reads a secret value and never writes the state; the state auditor never
decrypts with the secrets-provider key; a secret reader reads its one secret (and can read it:
a document that allows nothing would pass the denials and prove nothing).
"""

from __future__ import annotations

import pytest

from tests.iam_calls.denials import DENIALS, READER, READER_ALLOWED, Denial
from tests.iam_calls.verdicts import broken_denials, shipped
from tests.support.iam_evaluator import Evaluator, judge_policy
from tests.support.policy_edits import widened

DOCUMENTS = sorted({denial.document for denial in DENIALS})


def test_every_promised_denial_holds_in_the_shipped_documents(iam_evaluator: Evaluator) -> None:
    assert broken_denials(iam_evaluator, shipped(*DOCUMENTS), DENIALS) == []


@pytest.mark.parametrize(
    "denial",
    DENIALS,
    ids=[f"{d.document}:{d.request.action}:{d.request.why or d.request.resource}" for d in DENIALS],
)
def test_widening_a_document_to_allow_a_promised_denial_fails_the_check(
    iam_evaluator: Evaluator, denial: Denial
) -> None:
    policies = shipped(*DOCUMENTS)
    policies[denial.document] = widened(
        policies[denial.document], denial.request.action, denial.request.resource
    )

    lines = broken_denials(iam_evaluator, policies, [denial])

    assert lines == [
        f"{denial.promise}: iam/{denial.document} allows {denial.request.action} on "
        f"{denial.request.resource}"
    ]


def test_the_reader_can_read_its_own_secret(iam_evaluator: Evaluator) -> None:
    policy = shipped(READER)[READER]
    verdicts = [judge_policy(iam_evaluator, READER, policy, r) for r in READER_ALLOWED]

    assert [v.result for v in verdicts] == ["Allowed"] * len(READER_ALLOWED)
