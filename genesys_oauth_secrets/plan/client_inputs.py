"""Each client's key inputs as the engine would receive them, for the text plan.

A reviewer wants to see, per client, what decides access and loss: the grant type, its roles or
scopes, its redirect URIs, whether the client is adopted (imported), the secret's name, its
recovery window, its replicas, who else may read it, and what is protected. These
are read from the captured requests (``PlannedResource.inputs``, secrets already replaced by
``[secret]``), never from stack config, so the plan shows what the program turned the config
into. Only named, non-secret inputs are listed; a secret never is, not even its length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from genesys_oauth_secrets.plan.planned_resource import PlannedResource
from genesys_oauth_secrets.shared.text import LINE_LIMIT, shown

COMPONENT_TYPE = "genesys-oauth-secrets:index:OAuthClientSecret"
OAUTH_CLIENT_TYPE = "genesyscloud:index/oauthClient:OauthClient"
SECRET_TYPE = "aws:secretsmanager/secret:Secret"  # noqa: S105 - a type token
SECRET_POLICY_TYPE = "aws:secretsmanager/secretPolicy:SecretPolicy"  # noqa: S105 - a type token
_GENERATION = re.compile(r"-gen([0-9]+)$")
PROVIDER_DEFAULT_RECOVERY_DAYS = 30
"""``recovery_window_in_days`` default in terraform-provider-aws (``secret.go``)."""


def readable(value: Any) -> str:
    """A plain input for a person: whole numbers without ``.0``, lists comma-separated, and
    escaped like any printed text (the config is validated, but a plan prints what it is given)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value) or "(none)"
    return shown(value, LINE_LIMIT)


def _role(role: Any) -> str:
    if not isinstance(role, dict):
        return readable(role)
    division = role.get("divisionId")
    where = (
        "all divisions"
        if division == "*"
        else f"division {readable(division)}"
        if division
        else None
    )
    return f"{readable(role.get('roleId'))} ({where or 'home division'})"


def _generation(client: PlannedResource) -> int:
    """The generation in a client's resource name (``…-oauth-client-gen<N>``; none is 1)."""
    match = _GENERATION.search(client.name)
    return int(match.group(1)) if match else 1


def _protected(resource: PlannedResource) -> str:
    return "protected" if resource.protect else "not protected"


def _client_lines(client: PlannedResource, current: bool) -> Iterator[str]:
    inputs = client.inputs
    role = "current" if current else "previous generation, kept valid"
    adopted = f", adopted: imports {client.import_id}" if client.import_id else ""
    yield f"OAuth client {client.name} ({role}{adopted}, {_protected(client)})"
    yield f"  grant: {readable(inputs.get('authorizedGrantType'))}"
    if inputs.get("roles"):
        yield f"  roles: {', '.join(_role(role) for role in inputs['roles'])}"
    if inputs.get("scopes"):
        yield f"  scopes: {readable(inputs['scopes'])}"
    if inputs.get("registeredRedirectUris"):
        yield f"  redirect URIs: {readable(inputs['registeredRedirectUris'])}"
    if "accessTokenValiditySeconds" in inputs:
        yield f"  token lifetime: {readable(inputs['accessTokenValiditySeconds'])} s"
    if "state" in inputs:
        yield f"  state: {readable(inputs['state'])}"


def _secret_lines(secret: PlannedResource) -> Iterator[str]:
    days = secret.inputs.get("recoveryWindowInDays", PROVIDER_DEFAULT_RECOVERY_DAYS)
    window = (
        "0 days: deleted at once, no recovery"
        if readable(days) == "0"
        else f"{readable(days)} days"
    )
    yield f"secret {readable(secret.inputs.get('name'))} ({_protected(secret)})"
    yield f"  recovery window: {window}"
    yield f"  key: {readable(secret.inputs.get('kmsKeyId', '(AWS-managed)'))}"
    for replica in secret.inputs.get("replicas") or []:
        if isinstance(replica, dict):
            key = readable(replica.get("kmsKeyId", "(AWS-managed)"))
            yield f"  replica: {readable(replica.get('region'))} (key: {key})"


def _readers(policy: PlannedResource) -> str:
    """The principals the secret policy lets read, or why they cannot be listed."""
    try:
        statements = json.loads(policy.inputs.get("policy", "")).get("Statement", [])
        principals = [
            arn
            for statement in statements
            for arns in [statement.get("Principal", {}).get("AWS", [])]
            for arn in ([arns] if isinstance(arns, str) else arns)
        ]
    except (TypeError, ValueError, AttributeError):
        return "(the policy is not known before deploy)"
    blocked = "public policies blocked" if policy.inputs.get("blockPublicPolicy") else "public"
    return f"{', '.join(map(str, principals)) or '(none)'} ({blocked})"


def client_input_lines(resources: Sequence[PlannedResource]) -> Iterator[str]:
    """Per component: its OAuth clients (current last) and its secret, indented two spaces."""
    components = sorted((r for r in resources if r.type == COMPONENT_TYPE), key=lambda r: r.name)
    for component in components:
        children = [r for r in resources if r.parent == component.urn]
        clients = sorted(
            (r for r in children if r.type == OAUTH_CLIENT_TYPE),
            key=_generation,
        )
        yield f"  {component.name}"
        for index, client in enumerate(clients):
            current = index == len(clients) - 1
            yield from (f"    {line}" for line in _client_lines(client, current))
        for secret in (r for r in children if r.type == SECRET_TYPE):
            yield from (f"    {line}" for line in _secret_lines(secret))
        for policy in (r for r in children if r.type == SECRET_POLICY_TYPE):
            yield f"      readers: {_readers(policy)}"
