"""Providers for the plan: every value a provider computes is shown as a placeholder.

``ProviderMocks`` answers like the real providers with realistic fakes (ids, ARNs, a marker
secret), which tests need. A person reading a plan must never mistake a fake for a value the
deployment will have, nor see a secret, even a made-up one. So the plan keeps what the program
sent as input and replaces everything the provider would add, ids included, with
``<computed: <resource>.<property>>``.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime import mocks

from genesys_oauth_secrets.plan.engine import ProviderMocks

PLAN_MARKER = "offline-plan"


def placeholder(resource: str, prop: str) -> str:
    """How the plan shows a value only the provider knows."""
    return f"<computed: {resource}.{prop}>"


class PlanMocks(ProviderMocks):
    """``ProviderMocks`` with every provider-computed value turned into a placeholder."""

    def __init__(self, marker: str = PLAN_MARKER) -> None:
        super().__init__(marker)
        self.placeholders: set[str] = set()
        """Every placeholder handed out: values a real preview would not know yet."""

    def _placeholder(self, resource: str, prop: str) -> str:
        value = placeholder(resource, prop)
        self.placeholders.add(value)
        return value

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        resource_id, outputs = super().new_resource(args)
        inputs = dict(args.inputs)
        planned = {
            key: value
            if key in inputs and inputs[key] == value
            else self._placeholder(args.name, key)
            for key, value in outputs.items()
        }
        return (self._placeholder(args.name, "id") if args.custom else resource_id), planned
