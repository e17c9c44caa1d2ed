"""Stack guardrail: every OAuth client sits in a component with exactly one Secret and one version.

A client whose credentials are not written to a Secrets Manager secret beside it is a client
nobody can use, except by reading the state. The rule is per component (parent URN), not per
client, because rotation keeps the previous generation's client alive next to the current one
while one secret and one secret version carry the current credentials; a dynamic resource that
regenerates the secret may sit beside them too. When both are known, the version must write to
that component's secret.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from guardrails.reading import UNKNOWN, peek, shown
from guardrails.resource_types import OAUTH_CLIENT, SECRET, SECRET_VERSION, STACK


def _check_component(
    component: PolicyResource, children: list[PolicyResource], report: ReportViolation
) -> None:
    clients = sum(1 for r in children if r.resource_type == OAUTH_CLIENT)
    secrets = [r for r in children if r.resource_type == SECRET]
    versions = [r for r in children if r.resource_type == SECRET_VERSION]
    if len(secrets) != 1 or len(versions) != 1:
        report(
            f"component {shown(component.name)} holds {clients} OAuth client(s) with "
            f"{len(secrets)} Secret(s) and {len(versions)} SecretVersion(s): it needs exactly "
            "one of each; build it with OAuthClientSecret.",
            component.urn,
        )
        return
    secret_id = peek(versions[0].props, "secretId")
    targets = [peek(secrets[0].props, "arn"), peek(secrets[0].props, "id")]
    if isinstance(secret_id, str) and UNKNOWN not in targets and secret_id not in targets:
        report(
            f"the SecretVersion of component {shown(component.name)} writes to another secret "
            "than the component's own: pass secret_id=secret.id.",
            versions[0].urn,
        )


def _secret_and_version_per_client(args: StackValidationArgs, report: ReportViolation) -> None:
    by_urn = {r.urn: r for r in args.resources}
    children: defaultdict[str, list[PolicyResource]] = defaultdict(list)
    for resource in args.resources:
        children[resource.opts.parent or ""].append(resource)
    judged: set[str] = set()
    for client in (r for r in args.resources if r.resource_type == OAUTH_CLIENT):
        parent_urn = client.opts.parent or ""
        component = by_urn.get(parent_urn)
        if component is None or component.resource_type == STACK:
            report(
                f"OAuth client {shown(client.name)} is not inside a component: create it through "
                "OAuthClientSecret, which stores its credentials in a secret beside it.",
                client.urn,
            )
        elif parent_urn not in judged:
            judged.add(parent_urn)
            _check_component(component, children[parent_urn], report)


POLICY: Final = StackValidationPolicy(
    name="oauth-client-secret-per-component",
    description=(
        "Every OAuth client must sit in a component that holds exactly one Secrets Manager "
        "Secret and one SecretVersion writing to it: otherwise a client's credentials are "
        "stored nowhere but the state, or two secrets compete for one client. Fix: create "
        "clients through OAuthClientSecret (rotation's extra generations stay inside it)."
    ),
    validate=_secret_and_version_per_client,
    severity=Severity.HIGH,
)
