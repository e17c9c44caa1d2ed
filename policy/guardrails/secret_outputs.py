"""Guardrail: every output that carries a Genesys client secret is sealed in state.

The engine encrypts an output in state only when the resource lists it in
``additionalSecretOutputs`` (dynamic providers and the bridged Genesys provider do not mark it
on their own). ``SECRET_OUTPUTS`` is the one catalog of such outputs: a new resource type that
hands Pulumi a client secret is added here, and the rule covers it.
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from guardrails.resource_types import OAUTH_CLIENT, REGENERATED_SECRET

SECRET_OUTPUTS: Final = {OAUTH_CLIENT: "clientSecret", REGENERATED_SECRET: "secret"}
"""Resource type → its output holding a client secret: the bridged OAuth client's (set when the
client is created) and the one a ``regenerate`` rotation receives."""


def _sealed(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    output = SECRET_OUTPUTS.get(args.resource_type)
    if output is not None and output not in args.opts.additional_secret_outputs:
        report_violation(
            f"{output} is not in additionalSecretOutputs: register the resource with "
            f'ResourceOptions(additional_secret_outputs=["{output}"]) (the components do).',
            None,
        )


POLICY: Final = ResourceValidationPolicy(
    name="client-secret-outputs-sealed",
    description=(
        "Every output carrying a Genesys client secret (the OAuth client's clientSecret, the "
        "regenerated secret of a rotation) must be in additionalSecretOutputs: otherwise "
        "`pulumi up` writes the live secret to state in plaintext. Fix: add the output's name "
        "to additional_secret_outputs."
    ),
    validate=_sealed,
    severity=Severity.CRITICAL,
)
