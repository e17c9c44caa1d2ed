"""Judging the call table and the promised denials against IAM documents, shipped or changed.

Both checks take the documents as values (name → policy), so a test can hand them a changed
copy (one action dropped, one denial widened) and show that the check then fails, naming the
row or the denial: the proof that the checks can fail at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from genesys_oauth_secrets.bootstrap.documents import Names, render
from tests.iam_calls.denials import Denial
from tests.iam_calls.table import Call
from tests.support.iam_evaluator import Evaluator, judge_policy

Policies = Mapping[str, Mapping[str, Any]]


def shipped(*documents: str) -> dict[str, Mapping[str, Any]]:
    """The reviewed documents, rendered with their own example names."""
    return {document: render(document, Names()) for document in documents}


def denied_rows(evaluator: Evaluator, policies: Policies, calls: Iterable[Call]) -> list[str]:
    """One line per (row, role) the role's document does not allow; [] when all are allowed."""
    lines = []
    for call in calls:
        for document in call.roles():
            verdict = judge_policy(evaluator, document, policies[document], call.request)
            if not verdict.allowed:
                lines.append(
                    f"{call.name}: {verdict.result} for iam/{document} ({verdict.explain()}); "
                    f"read from {call.source.cite()}"
                )
    return lines


def broken_denials(
    evaluator: Evaluator, policies: Policies, denials: Iterable[Denial]
) -> list[str]:
    """One line per promised denial the document allows; [] when every promise holds."""
    return [
        f"{denial.promise}: iam/{denial.document} allows {denial.request.action} on "
        f"{denial.request.resource}"
        for denial in denials
        if judge_policy(
            evaluator, denial.document, policies[denial.document], denial.request
        ).allowed
    ]
