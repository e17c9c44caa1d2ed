"""What the program sends the engine, reduced to a stable, comparable document.

The tools around the program move and change; the program must not. A snapshot holds, for a
fixed set of configs, every RegisterPackage, every RegisterResource (type, name, parent,
provider, protect, inputs with their secret envelopes, ``additionalSecretOutputs``,
``packageRef``, version) and every RegisterResourceOutputs, sorted by URN because the engine
does not fix the order in which sibling resources register. ``tests/program/registrations.json``
holds the snapshot taken before the house moved; ``test_registrations_are_unchanged`` compares.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import mocks

from genesys_oauth_secrets.plan.engine import ProviderMocks, start_engine

MARKER = "MARKER-registration-snapshot"
EXISTING_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"


class DeterministicMocks(ProviderMocks):
    """The usual fake providers, but a created KMS key's id is derived from its name.

    The real key id is random and flows into every secret's ``kmsKeyId`` input, which would make
    two runs of the same program differ for a reason that says nothing about the program.
    """

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        resource_id, outputs = super().new_resource(args)
        if args.typ == "aws:kms/key:Key":
            key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, args.name))
            arn = f"arn:aws:kms:us-east-1:123456789012:key/{key_id}"
            return key_id, {**outputs, "arn": arn, "keyId": key_id}
        return resource_id, outputs


def with_rotation(config: dict[str, Any], **rotation: Any) -> dict[str, Any]:
    """``config`` with the first client's rotation block set to ``rotation``."""
    result = copy.deepcopy(config)
    result["clients"][0]["rotation"] = rotation
    return result


def scenarios(prod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The configs whose graphs are pinned: the shipped stack and each shape it can take."""
    given_key = {**prod, "secretsKmsKeyId": EXISTING_KEY}
    return {
        "shipped": prod,
        "existing-key": given_key,
        "unprotected": {**prod, "protectResources": False},
        "genesys-provider-options": {
            **prod,
            "genesysProvider": {
                "tokenPoolSize": 5,
                "customRetryTimeout": "5m",
                "proxy": {"host": "proxy.example.com", "port": 8080, "protocol": "https"},
            },
        },
        "overlap-generation-3": with_rotation(given_key, generation=3),
        "overlap-no-previous": with_rotation(given_key, generation=2, keepPrevious=False),
        "regenerate-generation-2": with_rotation(given_key, generation=2, strategy="regenerate"),
    }


def snapshot(config: dict[str, Any]) -> dict[str, Any]:
    """Run the program once under the capturing engine and reduce what it sent."""
    run = start_engine(DeterministicMocks(MARKER))
    run.evaluate(config)
    registrations = sorted(run.registrations, key=lambda r: r.urn)
    return {
        "packages": [json_format.MessageToDict(p) for p in run.monitor.packages],
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "provider": r.provider,
                "protect": r.protect,
                "inputs": r.inputs,
                "packageRef": r.package_ref,
                "additionalSecretOutputs": r.additional_secret_outputs,
                "version": r.version,
            }
            for r in registrations
        ],
        "outputs": dict(sorted(run.monitor.outputs.items())),
    }
