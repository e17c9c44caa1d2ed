"""Records every AWS call a tool makes during a test, as the IAM action AWS would check.

A fixture wraps ``botocore.session.Session.create_client`` so that each client built during the
test (boto3 builds them through it) gets a ``provide-client-params`` handler: botocore emits
that event once per API call with the operation model and the caller's parameters, before
anything is sent. The handler attributes the call to the innermost tool module on the stack
(``iam_policies.is_tool_code``, ``policy_for_module``) and notes the action; the fixture then
checks each action against that tool's document in ``iam/``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import botocore.session
import pytest

from tests.support.iam_policies import (
    grants,
    is_tool_code,
    load_document,
    permission_for,
    policy_for_module,
)


@dataclass(frozen=True)
class ToolCall:
    """One API call made from a tool module."""

    module: str
    document: str
    action: str


@dataclass
class CallRecorder:
    calls: list[ToolCall] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def provide_client_params(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        """botocore handler: must return None, or botocore would use the result as params."""
        action = permission_for(model.service_model.endpoint_prefix, model.name, params)
        if action is None:
            return
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and not is_tool_code(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None:
            return
        module = str(frame.f_globals.get("__name__", ""))
        try:
            document = policy_for_module(module)
        except LookupError as error:
            self.problems.append(str(error))
            return
        if document is not None:
            self.calls.append(ToolCall(module, document, action))

    def ungranted(self) -> list[str]:
        """One line per call whose tool's document does not grant it."""
        return self.problems + sorted(
            {
                f"{call.module} calls {call.action}, which iam/{call.document} does not grant"
                for call in self.calls
                if not grants(load_document(call.document), call.action)
            }
        )


@pytest.fixture(autouse=True)
def aws_calls_fit_the_iam_documents(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallRecorder]:
    """Every test: each AWS call a tool makes must be granted by its shipped IAM document."""
    recorder = CallRecorder()
    original: Callable[..., Any] = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("provide-client-params.*.*", recorder.provide_client_params)
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", create_client)
    yield recorder
    if problems := recorder.ungranted():
        pytest.fail("AWS calls the shipped IAM documents do not allow:\n" + "\n".join(problems))
