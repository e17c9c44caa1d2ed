"""Fixtures for the consumer example: its program under Pulumi's mocks, with a faked secrets stack.

The StackReference and the two data-source invokes are the only things this program reads; the
mocks answer them in the real shapes (a StackReference resource's ``outputs`` and
``secretOutputNames``; the ``kmsKeyId`` of DescribeSecret as ``getSecret`` returns it), and every
other resource registration is recorded for the assertions.
"""

from __future__ import annotations

import asyncio
import json
import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))  # `__main__.py` imports consumer_access as Pulumi would


@dataclass(frozen=True)
class FakeSecretsStack:
    """What the genesys-oauth-secrets stack exports, and the key its secrets are encrypted with."""

    region: str = "eu-west-1"
    consumer_region: str = "us-east-1"  # the consumer's own aws:region; need not match
    account: str = "123456789012"
    key_id: str = "0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
    client_names: tuple[str, ...] = ("ivr-integration", "agent-desktop")

    @property
    def key_arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account}:key/{self.key_id}"

    def secret_arn(self, client: str) -> str:
        # Secrets Manager appends six random characters to the name in every ARN.
        suffix = "AbCdEf" if client == "ivr-integration" else "GhIjKl"
        return (
            f"arn:aws:secretsmanager:{self.region}:{self.account}:"
            f"secret:genesys/oauth/prod/{client}-{suffix}"
        )

    def clients_output(self) -> dict[str, dict[str, str]]:
        """The stack's only output, ``clients``, as a StackReference hands it back."""
        return {
            name: {"client_id": f"client-id-of-{name}", "secret_arn": self.secret_arn(name)}
            for name in self.client_names
        }


@dataclass
class ConsumerMocks(mocks.Mocks):
    """Answers the StackReference and invokes; records every other resource."""

    stack: FakeSecretsStack
    secret_kms_key_id: str
    resources: list[mocks.MockResourceArgs] = field(default_factory=list)
    stack_reference_names: list[str] = field(default_factory=list)
    invokes: list[mocks.MockCallArgs] = field(default_factory=list)

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            self.stack_reference_names.append(str(args.inputs["name"]))
            return args.name, {
                "name": args.inputs["name"],
                "outputs": {"clients": self.stack.clients_output()},
                "secretOutputNames": [],
            }
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.invokes.append(args)
        if args.token == "aws:secretsmanager/getSecret:getSecret":
            return {"arn": args.args["arn"], "kmsKeyId": self.secret_kms_key_id}, []
        if args.token == "aws:kms/getKey:getKey":
            return {"arn": self.stack.key_arn, "keyId": self.stack.key_id}, []
        raise AssertionError(f"the consumer made an unexpected invoke: {args.token}")

    def policy_document(self) -> dict[str, Any]:
        """The document of the one RolePolicy the program registered."""
        [policy] = [r for r in self.resources if r.typ == "aws:iam/rolePolicy:RolePolicy"]
        document: dict[str, Any] = json.loads(policy.inputs["policy"])
        return document


RunConsumer = Callable[..., ConsumerMocks]


@pytest.fixture
def secrets_stack() -> FakeSecretsStack:
    return FakeSecretsStack()


@pytest.fixture
def run_consumer(secrets_stack: FakeSecretsStack) -> RunConsumer:
    """Run ``__main__.py`` fresh with the given config; returns the mocks with what they saw.

    ``secret_kms_key_id`` is what DescribeSecret reports: Secrets Manager echoes the key as the
    secret's creator gave it (ARN, id or alias), so the program must cope with all three.
    """

    def run(config: dict[str, str], secret_kms_key_id: str | None = None) -> ConsumerMocks:
        asyncio.set_event_loop(asyncio.new_event_loop())
        pulumi.runtime.settings.ROOT.set(None)
        key_id = secrets_stack.key_arn if secret_kms_key_id is None else secret_kms_key_id
        consumer_mocks = ConsumerMocks(secrets_stack, key_id)
        pulumi.runtime.set_all_config(
            {f"genesys-oauth-consumer:{key}": value for key, value in config.items()}
            | {"aws:region": secrets_stack.consumer_region}
        )
        mocks.set_mocks(consumer_mocks, project="genesys-oauth-consumer", stack="dev")

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def program() -> None:
            runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")

        program()
        return consumer_mocks

    return run
