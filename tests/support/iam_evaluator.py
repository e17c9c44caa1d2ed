"""The real IAM policy evaluator of the tests: ``@cloud-copilot/iam-simulate`` in one Node process.

``make install`` installs it (``npm ci`` in ``tests/iam-evaluator``, pinned by its lock file).
The process starts the first time a test asks for a verdict and serves the whole session over
JSON lines (``tests/iam-evaluator/evaluate.mjs``). Without Node or the installed package the
first verdict fails the test with the command that installs it: a call that was never evaluated
must not pass as allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from genesys_oauth_secrets.bootstrap.documents import Names, render
from tests.support.request_context import MOTO_CALLER, Authorization

EVALUATOR_DIR = Path(__file__).resolve().parents[1] / "iam-evaluator"
INSTALLED = EVALUATOR_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate"


@dataclass(frozen=True)
class Verdict:
    """The evaluator's answer to one request."""

    result: str
    near_misses: tuple[Mapping[str, Any], ...]
    errors: Any = None
    identity_allows: bool = False

    @property
    def allowed(self) -> bool:
        return self.result == "Allowed"

    @property
    def not_evaluated(self) -> bool:
        """The target's resource policy does not parse: the request was not evaluated.

        Only tests that store a malformed bucket policy on purpose (bootstrap must report it,
        not crash) reach this; real AWS refuses to store such a policy, so no real request is
        judged against one. Such a call is neither allowed nor denied by the evaluator.
        """
        return isinstance(self.errors, Mapping) and bool(self.errors.get("resourcePolicyErrors"))

    def explain(self) -> str:
        """Which statements came close and which condition keys the request lacked."""
        if self.errors:
            return f"the evaluator could not run it: {json.dumps(self.errors)[:400]}"
        if self.identity_allows:
            return "the identity policy allows it, the resource policy (key policy) does not"
        if not self.near_misses:
            return "no statement allows this action on this resource"
        parts = []
        for miss in self.near_misses:
            conditions = "; ".join(
                f"{c['operator']} {c['key']} wants {c['wanted']}, request has {c['got']!r}"
                for c in miss["conditions"]
            )
            parts.append(
                f"statement {miss['sid']} of {miss['policy']} ({conditions or 'no match'})"
            )
        return "; ".join(parts)


class Evaluator:
    """One Node process, started on first use, answering one request per line."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._cache: dict[str, Verdict] = {}

    def _start(self) -> subprocess.Popen[str]:
        node = shutil.which("node")
        if node is None or not INSTALLED.is_dir():
            pytest.fail(
                "the IAM evaluator is not installed: run `make install` (it runs `npm ci` in "
                "tests/iam-evaluator; Node 20 or newer)"
            )
        return subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [node, "evaluate.mjs"],
            cwd=EVALUATOR_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def evaluate(self, request: Mapping[str, Any]) -> Verdict:
        line = json.dumps(request, sort_keys=True)
        if line in self._cache:
            return self._cache[line]
        if self._process is None:
            self._process = self._start()
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        verdict = Verdict(
            answer["result"],
            tuple(answer.get("nearMisses", [])),
            answer.get("errors"),
            identity_allows="Allowed" in answer.get("identityResult", []),
        )
        self._cache[line] = verdict
        return verdict

    def close(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=10)


def principal(document: str) -> str:
    """The role a document is attached to, named after the document."""
    return f"arn:aws:iam::123456789012:role/{document.removesuffix('.json')}"


def judge(
    evaluator: Evaluator, document: str, names: Names, authorization: Authorization
) -> Verdict:
    """The verdict on one request made by the role that holds ``iam/<document>``."""
    return judge_policy(evaluator, document, render(document, names), authorization)


def judge_policy(
    evaluator: Evaluator,
    document: str,
    policy: Mapping[str, Any],
    authorization: Authorization,
) -> Verdict:
    """The verdict on one request made by the role named ``document`` that holds ``policy``.

    ``policy`` is ``iam/<document>`` as rendered, or a test's changed copy of it.
    """
    request = authorization.as_request()
    if request["resource"] == MOTO_CALLER:  # the role simulating its own policy
        request["resource"] = principal(document)
    request = {
        **request,
        "principal": principal(document),
        "identityPolicies": [{"name": document, "policy": policy}],
    }
    return evaluator.evaluate(request)


def judge_all(
    evaluator: Evaluator, document: str, names: Names, requests: Sequence[Authorization]
) -> Iterator[tuple[Authorization, Verdict]]:
    for authorization in requests:
        yield authorization, judge(evaluator, document, names, authorization)


_SESSION = Evaluator()


@pytest.fixture(scope="session")
def iam_evaluator() -> Iterator[Evaluator]:
    """The session's evaluator; the Node process starts on the first verdict asked for."""
    yield _SESSION
    _SESSION.close()
