"""The Platform API answers the permission check reads, parsed strictly into small types.

Shapes as the Genesys SDKs document them (MyPureCloud/platform-client-sdk-go
``platformclientv2``: ``tokeninfo.go``, ``orgoauthclient.go``, ``roledivision.go``,
``domainorganizationrole.go``, ``domainpermissionpolicy.go``):

- ``TokenInfo.OAuthClient`` (PascalCase key) → ``OrgOAuthClient{id, name, roleDivisions}``;
- ``OAuthClient.roleDivisions[{roleId, divisionId}]``;
- ``DomainOrganizationRole{id, name, permissionPolicies[{domain, entityName, actionSet[]}],
  permissions[]}`` where ``permissions`` are legacy flat names.

A permission is ``domain:entity:action``; a policy grants it when domain, entity and one of
its actions match, ``*`` matching anything. Anything else in an answer raises
:class:`~genesys_oauth_secrets.preflight.platform_api.UnusableAnswer` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from genesys_oauth_secrets.preflight.platform_api import UnusableAnswer

WILDCARD = "*"
PERMISSION_PARTS = 3


@dataclass(frozen=True)
class Grant:
    """A role held in a division (``*`` = all divisions)."""

    role_id: str
    division_id: str


@dataclass(frozen=True)
class Caller:
    """The OAuth client a token belongs to."""

    client_id: str
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class Role:
    """A role's permissions as ``(domain, entity, action)`` triples, wildcards kept."""

    role_id: str
    name: str
    permissions: frozenset[tuple[str, str, str]]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise UnusableAnswer(f"{where} is not a non-empty string")
    return value


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnusableAnswer(f"{where} is not a list")
    return value


def _grants(value: object, where: str) -> tuple[Grant, ...]:
    grants = []
    for index, item in enumerate(_list(value, where)):
        if not isinstance(item, Mapping):
            raise UnusableAnswer(f"{where}[{index}] is not an object")
        grants.append(
            Grant(
                role_id=_text(item.get("roleId"), f"{where}[{index}].roleId"),
                division_id=_text(item.get("divisionId"), f"{where}[{index}].divisionId"),
            )
        )
    return tuple(grants)


def caller(token_info: Mapping[str, Any]) -> Caller | None:
    """The client behind the token, or None when the token is a user's (no ``OAuthClient``)."""
    client = token_info.get("OAuthClient")
    if client is None:
        return None
    if not isinstance(client, Mapping):
        raise UnusableAnswer("tokens/me: OAuthClient is not an object")
    return Caller(
        client_id=_text(client.get("id"), "tokens/me: OAuthClient.id"),
        grants=_grants(client.get("roleDivisions"), "tokens/me: OAuthClient.roleDivisions"),
    )


def client_grants(client: Mapping[str, Any]) -> tuple[Grant, ...]:
    """``OAuthClient.roleDivisions`` of ``GET /api/v2/oauth/clients/{id}``."""
    return _grants(client.get("roleDivisions"), "oauth/clients: roleDivisions")


def role(answer: Mapping[str, Any], role_id: str) -> Role:
    """A role's permissions from its policies and its legacy ``domain:entity:action`` names."""
    where = f"roles/{role_id}"
    permissions: set[tuple[str, str, str]] = set()
    for index, policy in enumerate(_list(answer.get("permissionPolicies"), where)):
        if not isinstance(policy, Mapping):
            raise UnusableAnswer(f"{where}: permissionPolicies[{index}] is not an object")
        domain = _text(policy.get("domain"), f"{where}: permissionPolicies[{index}].domain")
        entity = _text(policy.get("entityName"), f"{where}: permissionPolicies[{index}].entityName")
        actions = _list(policy.get("actionSet"), f"{where}: permissionPolicies[{index}].actionSet")
        for action in actions:
            permissions.add((domain, entity, _text(action, f"{where}: an actionSet entry")))
    for legacy in _list(answer.get("permissions"), f"{where}: permissions"):
        parts = tuple(legacy.split(":")) if isinstance(legacy, str) else ()
        if len(parts) == PERMISSION_PARTS and all(parts):
            permissions.add((parts[0], parts[1], parts[2]))
    name = answer.get("name")
    return Role(role_id, name if isinstance(name, str) else "", frozenset(permissions))


def holds(permissions: Iterable[tuple[str, str, str]], needed: str) -> bool:
    """Whether any granted triple covers ``needed`` (``domain:entity:action``)."""
    wanted = needed.split(":")
    return any(
        all(have in (WILDCARD, want) for have, want in zip(granted, wanted, strict=True))
        for granted in permissions
    )
