"""Records every AWS call a tool makes during a test, as the IAM action AWS would check.

A fixture wraps ``botocore.session.Session.create_client`` so that each client built during the
test (boto3 builds them through it) gets a ``provide-client-params`` handler: botocore emits
that event once per API call with the operation model and the caller's parameters, before
anything is sent. The handler attributes the call to the outermost tool module on the stack
that has an IAM entry (``iam_policies.is_tool_code``, ``policy_for_module``) and notes the
action; the fixture then checks each action against that tool's documents in ``iam/``.
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
    unmapped,
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
        tool_modules: list[str] = []
        frame: FrameType | None = sys._getframe(1)
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
        self.calls.extend(ToolCall(module, document, action) for document in documents or ())

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
