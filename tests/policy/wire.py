"""Requests built the way the engine builds them, and the pack's answers read back.

URNs follow the engine (a top-level resource's type has no stack prefix; a child's is its
parent's type chain), secrets travel in the engine's envelope, options carry what
``marshalResourceOptions`` sets. The pack sees nothing a real deployment would not send.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from genesys_oauth_secrets.plan.analyzer_requests import resource_options, to_struct
from genesys_oauth_secrets.plan.engine import PROJECT, SECRET_SIG_KEY, SECRET_SIG_VALUE, STACK
from genesys_oauth_secrets.plan.pack_config import LEVELS, engine_config
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack

STACK_TYPE = "pulumi:pulumi:Stack"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::{STACK_TYPE}::{PROJECT}-{STACK}"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's marker for a string not known during preview (pulumi.runtime.rpc.UNKNOWN)."""


def secret(value: Any) -> dict[str, Any]:
    """A value in the engine's secret envelope."""
    return {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": value}


def urn(type_: str, name: str, parent: str = STACK_URN) -> str:
    """The URN the engine gives a resource of ``type_`` named ``name`` under ``parent``."""
    parent_type = parent.split("::")[2]
    qualified = type_ if parent_type == STACK_TYPE else f"{parent_type}${type_}"
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


def request(
    type_: str,
    name: str,
    properties: Mapping[str, Any],
    *,
    parent: str = STACK_URN,
    secret_outputs: Sequence[str] = (),
) -> analyzer_pb2.AnalyzeRequest:
    """An ``Analyze`` request for one resource's inputs."""
    return analyzer_pb2.AnalyzeRequest(
        type=type_,
        name=name,
        urn=urn(type_, name, parent),
        properties=to_struct(properties),
        options=resource_options(parent=parent, additional_secret_outputs=list(secret_outputs)),
    )


@dataclass(frozen=True)
class Resource:
    """One resource of a hand-made stack: what ``AnalyzeStack`` receives for it."""

    type: str
    name: str
    outputs: Mapping[str, Any]
    parent: str = STACK_URN
    secret_outputs: Sequence[str] = ()

    @property
    def urn(self) -> str:
        return STACK_URN if self.type == STACK_TYPE else urn(self.type, self.name, self.parent)

    def wire(self) -> analyzer_pb2.AnalyzerResource:
        parent = "" if self.type == STACK_TYPE else self.parent
        return analyzer_pb2.AnalyzerResource(
            type=self.type,
            name=self.name,
            urn=self.urn,
            parent=parent,
            properties=to_struct(self.outputs),
            options=resource_options(
                parent=parent, additional_secret_outputs=list(self.secret_outputs)
            ),
        )


def stack_request(resources: Sequence[Resource]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[r.wire() for r in resources])


@dataclass(frozen=True)
class Violation:
    """One diagnostic, decoded."""

    policy: str
    level: str
    message: str
    urn: str


def violations(response: analyzer_pb2.AnalyzeResponse) -> list[Violation]:
    names = {number: name for name, number in LEVELS.items()}
    return [
        Violation(
            policy=d.policyName,
            level=names.get(d.enforcementLevel, str(d.enforcementLevel)),
            message=d.message,
            urn=d.urn,
        )
        for d in response.diagnostics
    ]


@contextmanager
def configured(pack: RunningPolicyPack, file_config: Mapping[str, Any]) -> Iterator[None]:
    """The pack configured from ``file_config`` for the block, then back to the defaults."""
    info = pack.info()
    pack.configure(engine_config(info, file_config))
    try:
        yield
    finally:
        pack.configure(engine_config(info, {}))
