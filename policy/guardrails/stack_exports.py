"""Stack guardrail: the stack exports client ids and secret ARNs, nothing else.

Stack outputs are readable by anyone who can read the state or run ``pulumi stack output``; a
consumer needs only where the credentials live, never the credentials. The root
``pulumi:pulumi:Stack`` resource carries the exports as its outputs, which is how they reach
AnalyzeStack. Each exported id and ARN must also be one of the stack's own OAuth clients and
secrets, so a secret cannot hide under an innocent key, and no entry may be keyed by a client
secret. With ``replicaRegions`` an entry also has ``replica_arns`` (region → ARN), each the
entry's own secret ARN with the region swapped. During preview an exported value not known yet
is left to the update, which judges it; a known value is judged even while other clients' ids
are unknown: only a value computed in this update can be unknown, and its export is then
unknown too, so a correct preview never exports a known id that is missing from the known ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from guardrails.reading import UNKNOWN, listing, peek
from guardrails.resource_types import OAUTH_CLIENT, REGENERATED_SECRET, SECRET, STACK

EXPORT: Final = "clients"
ENTRY_KEYS: Final = frozenset({"client_id", "secret_arn"})
REPLICAS: Final = "replica_arns"


def _foreign_replicas(entry: Mapping[str, object]) -> bool:
    """True when ``replica_arns`` holds anything but the secret's ARN in another region."""
    replicas, primary = peek(entry, REPLICAS), peek(entry, "secret_arn")
    if replicas is None or UNKNOWN in (replicas, primary):
        return False
    if not isinstance(replicas, Mapping) or not isinstance(primary, str):
        return True
    fields = primary.split(":")
    return any(
        peek(replicas, region) != ":".join([*fields[:3], str(region), *fields[4:]])
        for region in replicas
    )


def _known_outputs(resources: list[PolicyResource], resource_type: str, key: str) -> list[object]:
    return [peek(r.props, key) for r in resources if r.resource_type == resource_type]


def _judged(value: object, known: list[object]) -> bool:
    """True when ``value`` is known and not among the ``known`` outputs: an unknown output
    cannot clear it (fail closed), an unknown value is judged by the update."""
    if value is UNKNOWN:
        return False
    return not isinstance(value, str) or value not in known


def _check_clients(
    clients: Mapping[str, object],
    resources: list[PolicyResource],
    report: ReportViolation,
    urn: str,
) -> None:
    client_ids = _known_outputs(resources, OAUTH_CLIENT, "clientId")
    secret_arns = _known_outputs(resources, SECRET, "arn")
    client_secrets = {
        value
        for value in _known_outputs(resources, OAUTH_CLIENT, "clientSecret")
        + _known_outputs(resources, REGENERATED_SECRET, "secret")
        if isinstance(value, str)
    }
    secret_keys = [name for name in clients if name in client_secrets]
    if secret_keys:
        report(
            f"{len(secret_keys)} {EXPORT} entr{'y is' if len(secret_keys) == 1 else 'ies are'} "
            "keyed by a client secret (not shown): key each entry by the client's configured "
            "name.",
            urn,
        )
    misshapen, foreign = [], []
    for name in clients:
        if name in client_secrets:
            continue
        entry = peek(clients, name)
        if entry is UNKNOWN:
            continue
        if not isinstance(entry, Mapping) or set(entry) - {REPLICAS} != ENTRY_KEYS:
            misshapen.append(name)
        elif (
            _judged(peek(entry, "client_id"), client_ids)
            or _judged(peek(entry, "secret_arn"), secret_arns)
            or _foreign_replicas(entry)
        ):
            foreign.append(name)
    if misshapen:
        report(
            f"{EXPORT} entries {listing(misshapen)} are not exactly {{client_id, secret_arn}}: "
            "export only the component's two outputs.",
            urn,
        )
    if foreign:
        report(
            f"{EXPORT} entries {listing(foreign)} hold a client_id or secret_arn that is not one "
            "of this stack's OAuth clients or secrets: export component.client_id and "
            "component.secret_arn.",
            urn,
        )


def _exports_only_client_references(args: StackValidationArgs, report: ReportViolation) -> None:
    stacks = [r for r in args.resources if r.resource_type == STACK]
    if len(stacks) != 1:
        report(
            f"the engine sent {len(stacks)} root stack resources instead of one: the exports "
            "cannot be judged; run the pack through `pulumi preview`/`pulumi up`.",
            None,
        )
        return
    stack = stacks[0]
    others = [key for key in stack.props if key != EXPORT]
    if others:
        report(
            f"the stack exports {listing(others)}: export only {EXPORT!r} "
            "(remove the other pulumi.export calls).",
            stack.urn,
        )
    clients = peek(stack.props, EXPORT)
    if clients is UNKNOWN or clients is None:
        return
    if not isinstance(clients, Mapping):
        report(f"{EXPORT!r} is not a map of client name to {{client_id, secret_arn}}.", stack.urn)
        return
    _check_clients(clients, args.resources, report, stack.urn)


POLICY: Final = StackValidationPolicy(
    name="stack-exports-only-client-references",
    description=(
        "The stack must export nothing but 'clients': client name → {client_id, secret_arn} of "
        "its own clients and secrets. Outputs are readable by whoever reads the state, so any "
        "other export can leak a secret or an internal detail. Fix: remove other pulumi.export "
        "calls and export each component's client_id and secret_arn only."
    ),
    validate=_exports_only_client_references,
    severity=Severity.CRITICAL,
)
