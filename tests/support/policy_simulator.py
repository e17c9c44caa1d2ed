"""``iam:SimulatePrincipalPolicy`` answered by the tests' real IAM evaluator, for the Stubber.

moto does not implement the simulator, so preflight's requests are stubbed; this module makes
the stub's answers a judgement rather than a script: each action of a request is evaluated by
``@cloud-copilot/iam-simulate`` (``tests.support.iam_evaluator``) against a given identity
policy, on the request's resource, with exactly the ``ContextEntries`` preflight sent. The answer
has the shape of the real API's ``EvaluationResult`` (AWS IAM API Reference,
``API_EvaluationResult``/``API_ResourceSpecificResult``): ``EvalDecision`` as ``allowed``,
``implicitDeny`` or ``explicitDeny``, and ``MissingContextValues`` naming each condition key a
statement about this action and resource needed but the request did not carry — as the real
simulator does, whatever the decision.

A KMS key ARN is judged with the default key policy (the account's IAM policies decide), which
is what the real simulator assumes when it is given no resource policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.support.iam_evaluator import Evaluator, judge_policy
from tests.support.request_context import ACCOUNT, Authorization, default_key_policy

DECISIONS = {
    "Allowed": "allowed",
    "ImplicitlyDenied": "implicitDeny",
    "ExplicitlyDenied": "explicitDeny",
}


def sent_context(entries: Sequence[Mapping[str, Any]]) -> dict[str, str | list[str]]:
    """``ContextEntries`` as the evaluator's context: a ``stringList`` stays a list."""
    context: dict[str, str | list[str]] = {}
    for entry in entries:
        values = list(entry["ContextKeyValues"])
        context[entry["ContextKeyName"]] = (
            values if entry["ContextKeyType"].endswith("List") else values[0]
        )
    return context


def answer(
    evaluator: Evaluator, document: str, policy: Mapping[str, Any], params: Mapping[str, Any]
) -> dict[str, Any]:
    """The simulator's response to one ``SimulatePrincipalPolicy`` request (one resource), for
    the role named after ``document`` that holds ``policy``."""
    [resource] = params["ResourceArns"]
    context = sent_context(params.get("ContextEntries", []))
    key_policy = default_key_policy() if f":{ACCOUNT}:key/" in resource else None
    results = []
    for action in params["ActionNames"]:
        authorization = Authorization(action, resource, context, key_policy)
        verdict = judge_policy(evaluator, document, policy, authorization)
        missing = sorted(
            {
                condition["key"]
                for miss in verdict.near_misses
                for condition in miss["conditions"]
                if condition["got"] is None and condition["key"] not in context
            }
        )
        assert verdict.result in DECISIONS, f"{action} on {resource}: {verdict.explain()}"
        decision = DECISIONS[verdict.result]
        results.append(
            {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": decision,
                "MissingContextValues": missing,
                "ResourceSpecificResults": [
                    {
                        "EvalResourceName": resource,
                        "EvalResourceDecision": decision,
                        "MissingContextValues": missing,
                    }
                ],
            }
        )
    return {"EvaluationResults": results, "IsTruncated": False}
