"""Every AWS call a tool makes during a test, judged by a real IAM evaluator.

A fixture wraps ``botocore.session.Session.create_client`` so that each client built during the
test (boto3 builds them through it) gets a ``provide-client-params`` handler: botocore emits
that event once per API call with the operation model and the caller's parameters, before
anything is sent. The handler attributes the call to the outermost tool module on the stack
that has an IAM entry (``iam_policies.is_tool_code``, ``policy_for_module``), and turns it into
the requests AWS would authorize, with the context AWS would add read from moto at that moment
(``request_context``). After the test each request is evaluated against the tool's documents in
``iam/`` (rendered for the bucket and secret it touches) by ``@cloud-copilot/iam-simulate``; a
denied request fails the test naming the call, the document, the statement that came closest and
the condition the request did not meet.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

from genesys_oauth_secrets.bootstrap.documents import Names
from tests.support.iam_evaluator import Evaluator, iam_evaluator, judge
from tests.support.iam_policies import is_tool_code, policy_for_module, unmapped
from tests.support.request_context import Authorization, MotoState, authorizations

__all__ = ["CallRecorder", "aws_calls_fit_the_iam_documents", "iam_evaluator"]

SECRET_NAME = re.compile(
    r"(?:secret:)?genesys/oauth/(?P<stack>[^/]+)/(?P<client>[^/]+?)(?:-\w{6})?$"
)


def names_for(params: Mapping[str, Any]) -> Names:
    """The names a document is rendered with for this call: the bucket and secret it touches."""
    fields: dict[str, str] = {}
    if bucket := params.get("Bucket"):
        fields["bucket"] = str(bucket)
    secret = params.get("SecretId") or params.get("Name")
    if isinstance(secret, str) and (match := SECRET_NAME.search(secret)):
        fields["stack"] = match["stack"]
        fields["client"] = match["client"]
    return Names(**fields)


@dataclass(frozen=True)
class ToolCall:
    """One API call made from a tool module, as the requests AWS authorizes for it."""

    module: str
    document: str
    operation: str
    names: Names
    requests: tuple[Authorization, ...]


@dataclass
class CallRecorder:
    calls: list[ToolCall] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    """Requests on a target whose resource policy the evaluator cannot parse (see Verdict)."""

    def handler(self, state: MotoState) -> Callable[..., None]:
        def provide_client_params(params: dict[str, Any], model: Any, **_: Any) -> None:
            """botocore handler: must return None, or botocore would use the result as params."""
            self.record(state, model, params)

        return provide_client_params

    def record(self, state: MotoState, model: Any, params: Mapping[str, Any]) -> None:
        tool_modules: list[str] = []
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            if is_tool_code(frame.f_code.co_filename):
                tool_modules.append(str(frame.f_globals.get("__name__", "")))
            frame = frame.f_back
        mapped = [
            (m, policy_for_module(m)) for m in tool_modules if policy_for_module(m) is not None
        ]
        if not mapped:
            if tool_modules:
                self.problems.append(unmapped(tool_modules[0]))
            return
        module, documents = mapped[-1]
        if not documents:
            return
        requests = tuple(
            authorizations(state, model.service_model.endpoint_prefix, model.name, params)
        )
        operation = f"{model.service_model.service_name}:{model.name}"
        self.calls.extend(
            ToolCall(module, document, operation, names_for(params), requests)
            for document in documents
        )

    def denied(self, evaluator: Evaluator) -> list[str]:
        """One line per request a tool's document does not allow, with the reason."""
        lines = set(self.problems)
        for call in self.calls:
            for request in call.requests:
                verdict = judge(evaluator, call.document, call.names, request)
                if verdict.not_evaluated:
                    self.not_evaluated.append(f"{call.operation} on {request.resource}")
                elif not verdict.allowed:
                    made_for = f" (made for {request.why})" if request.why else ""
                    lines.add(
                        f"{call.module} calls {call.operation}: {request.action} on "
                        f"{request.resource}{made_for} is {verdict.result} for iam/"
                        f"{call.document}: {verdict.explain()}"
                    )
        return sorted(lines)


@pytest.fixture(autouse=True)
def aws_calls_fit_the_iam_documents(
    monkeypatch: pytest.MonkeyPatch, iam_evaluator: Evaluator
) -> Iterator[CallRecorder]:
    """Every test: each AWS request a tool makes must be allowed by its shipped IAM document."""
    recorder = CallRecorder()
    original: Callable[..., Any] = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        region = client.meta.region_name or "us-east-1"
        endpoint = client.meta.endpoint_url

        def read_client(service: str) -> Any:
            path_style = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
            return original(
                self, service, region_name=region, endpoint_url=endpoint, config=path_style
            )

        state = MotoState(read_client, region)
        client.meta.events.register("provide-client-params.*.*", recorder.handler(state))
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", create_client)
    yield recorder
    if problems := recorder.denied(iam_evaluator):
        pytest.fail("AWS requests the shipped IAM documents do not allow:\n" + "\n".join(problems))
