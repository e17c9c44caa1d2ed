"""A Genesys Cloud organisation on loopback: the login host and the Platform API on one port.

The real platform answers ``/oauth/token`` on ``login.<domain>`` and ``/api/v2/...`` on
``api.<domain>``; behind a provider ``gateway`` (and here) both share one base URL. The login
half is :class:`~tests.support.fake_genesys_login.FakeGenesysLogin` itself; this class adds the
API paths a deploying client reads, each as the Genesys SDKs document it
(MyPureCloud/platform-client-sdk-go ``platformclientv2``, platform-client-sdk-python
``build/docs``; details in ``shared/reference/genesys.md``):

- every ``/api/v2`` request needs ``Authorization: Bearer <token>`` with a token this host
  issued to a client that is still ``active``; else 401 ``authentication.required`` /
  ``bad.credentials``;
- ``GET /api/v2/tokens/me`` (no permission): ``TokenInfo`` with the PascalCase key
  ``OAuthClient`` (an ``OrgOAuthClient``: ``id``, ``name``, ``roleDivisions``, ...);
- ``GET /api/v2/authorization/roles/{roleId}`` (``authorization:role:view``):
  ``DomainOrganizationRole`` with ``permissionPolicies[{domain, entityName, actionSet}]`` and
  the legacy flat ``permissions``;
- ``GET /api/v2/authorization/divisions/{divisionId}`` (no permission): ``AuthzDivision``;
- ``GET /api/v2/oauth/clients/{clientId}`` (``oauth:client:view``): ``OAuthClient``, without
  its ``secret`` (Genesys stopped returning it from GET);
- ``POST /api/v2/oauth/clients/{clientId}/secret`` (``oauth:client:edit``, no body): the
  ``OAuthClient`` with a new ``secret``; from then on the login host accepts only the new one;
- :meth:`FakeGenesysApi.commit_then` lets the next request to a path do what the contract
  says (a regeneration commits: the new secret is live, the old one dead) and then answers
  something else instead: a gateway's 502 after the backend committed, or a connection closed
  on the answer (``HANG_UP``); with ``delay``, the request waits that long before committing,
  as a slow backend does while the caller's deadline runs out;
- a scripted answer with ``echo_request`` quotes the request's headers (the bearer token
  included) in its ``message``, as a misconfigured gateway would;
- errors are always an ``ErrorBody`` JSON (``message, code, status, contextId, details,
  errors``): 403 ``missing.permissions`` naming the permission, 404 ``not.found``, 429
  ``too.many.requests.retry.after`` with ``Retry-After``.

A permission is held when one of the caller's roles has a policy whose domain, entity and
action match it (``*`` matching anything), as Genesys evaluates ``permissionPolicies``.
Division scoping is not modelled: every permission the fake checks is organisation-wide.

To serve another path, add a row to :attr:`FakeGenesysApi.routes` (method, path pattern,
permission, handler); tests script answers ahead of the contract per path with
:meth:`FakeGenesysApi.script_api` and read :attr:`FakeGenesysApi.api_calls`.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from typing import Any

import pytest

from tests.support.fake_genesys_login import FakeGenesysLogin, Scripted, echoed, serving

API_PREFIX = "/api/v2/"
CREATED = "2026-01-05T09:30:00Z"
RATE_LIMIT_HEADERS = {
    "inin-ratelimit-count": "1",
    "inin-ratelimit-allowed": "300",
    "inin-ratelimit-reset": "60",
}

Handler = Callable[[Mapping[str, str], str], Scripted]
"""Builds the answer from the path's named groups and the calling client's id."""


@dataclass(frozen=True)
class Route:
    """One API path: who may call it and what answers."""

    method: str
    pattern: re.Pattern[str]
    permission: str | None
    handler: Handler


@dataclass(frozen=True)
class Committed:
    """Run the contract first (committing whatever it changes), then send ``answer`` instead of
    the contract's own answer (``None``: send the contract's), ``delay`` seconds late."""

    answer: Scripted | None
    delay: float = 0.0


@dataclass(frozen=True)
class ApiCall:
    """What the fake saw of one ``/api/v2`` request (never the bearer token)."""

    method: str
    path: str
    status: int
    """What the fake did: the scripted status, or the contract's (also after ``commit_then``,
    whatever was sent instead)."""
    client_id: str | None


def error_body(status: int, code: str, message: str, **params: str) -> dict[str, object]:
    """Genesys' ``ErrorBody`` as the Platform API sends it with every 4xx/5xx."""
    return {
        "message": message,
        "code": code,
        "status": status,
        "messageWithParams": message,
        "messageParams": dict(params),
        "contextId": str(uuid.uuid4()),
        "details": [],
        "errors": [],
    }


def _policy(permission: str) -> dict[str, object]:
    domain, entity, action = _split(permission)
    return {
        "domain": domain,
        "entityName": entity,
        "actionSet": [action],
        "allowConditions": False,
        "namedResources": [],
    }


def _split(permission: str) -> tuple[str, str, str]:
    parts = permission.split(":")
    if len(parts) != 3:
        raise ValueError(f"a permission is domain:entity:action, not {permission!r}")
    return parts[0], parts[1], parts[2]


def _matches(policy: Mapping[str, Any], permission: str) -> bool:
    domain, entity, action = _split(permission)
    actions = policy.get("actionSet") or []
    return (
        policy.get("domain") in ("*", domain)
        and policy.get("entityName") in ("*", entity)
        and any(granted in ("*", action) for granted in actions)
    )


class FakeGenesysApi(FakeGenesysLogin):
    """An organisation with roles, divisions and OAuth clients, served with its login host.

    Set it up with :meth:`add_role`, :meth:`add_division` and :meth:`add_client`; point code
    at :attr:`base_url` for both hosts.
    """

    def __init__(self, *, expires_in: int = 86400) -> None:
        super().__init__(expires_in=expires_in)
        self.organization = {"id": str(uuid.uuid4()), "name": "Fake Org"}
        self.roles: dict[str, dict[str, Any]] = {}
        self.divisions: dict[str, dict[str, Any]] = {}
        self.clients: dict[str, dict[str, Any]] = {}
        self.api_calls: list[ApiCall] = []
        self._api_script: dict[str, list[Scripted | Committed]] = {}
        self._api_lock = threading.Lock()
        self.home_division = self.add_division("Home", home=True)
        self.routes: list[Route] = [
            self.route_for("GET", "tokens/me", None, self._token_info),
            self.route_for(
                "GET", "authorization/roles/{roleId}", "authorization:role:view", self._role
            ),
            self.route_for("GET", "authorization/divisions/{divisionId}", None, self._division),
            self.route_for("GET", "oauth/clients/{clientId}", "oauth:client:view", self._client),
            self.route_for(
                "POST", "oauth/clients/{clientId}/secret", "oauth:client:edit", self._regenerate
            ),
        ]
        self.regenerated: dict[str, list[str]] = {}
        """Every secret issued by a regeneration, per client id, oldest first."""

    @staticmethod
    def route_for(method: str, template: str, permission: str | None, handler: Handler) -> Route:
        """A :class:`Route` for ``/api/v2/<template>``, ``{name}`` matching one path segment."""
        pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(API_PREFIX + template))
        return Route(method, re.compile(pattern), permission, handler)

    def add_role(self, name: str, *permissions: str, legacy: Iterable[str] = ()) -> str:
        """A role granting ``domain:entity:action`` permissions (``*`` allowed); its id."""
        role_id = str(uuid.uuid4())
        self.roles[role_id] = {
            "id": role_id,
            "name": name,
            "description": f"{name} (fake)",
            "defaultRoleId": None,
            "permissions": list(legacy),
            "permissionPolicies": [_policy(permission) for permission in permissions],
            "userCount": 0,
            "default": False,
            "base": False,
            "selfUri": f"{API_PREFIX}authorization/roles/{role_id}",
        }
        return role_id

    def add_division(self, name: str, *, home: bool = False) -> str:
        division_id = str(uuid.uuid4())
        self.divisions[division_id] = {
            "id": division_id,
            "name": name,
            "description": f"{name} (fake)",
            "homeDivision": home,
            "selfUri": f"{API_PREFIX}authorization/divisions/{division_id}",
        }
        return division_id

    def add_client(
        self,
        name: str,
        secret: str,
        roles: Iterable[tuple[str, str]] = (),
        *,
        grant_type: str = "CLIENT-CREDENTIALS",
        state: str = "active",
    ) -> str:
        """An OAuth client holding ``(roleId, divisionId)`` grants that can log in; its id."""
        client_id = str(uuid.uuid4())
        self.clients[client_id] = {
            "id": client_id,
            "name": name,
            "description": "",
            "accessTokenValiditySeconds": 86400,
            "registeredRedirectUri": [],
            "authorizedGrantType": grant_type,
            "scope": [],
            "roleDivisions": [
                {"roleId": role_id, "divisionId": division_id} for role_id, division_id in roles
            ],
            "state": state,
            "dateCreated": CREATED,
            "dateModified": CREATED,
            "createdBy": {"id": str(uuid.uuid4())},
            "modifiedBy": {"id": str(uuid.uuid4())},
            "selfUri": f"{API_PREFIX}oauth/clients/{client_id}",
        }
        self.accept(client_id, secret)
        return client_id

    def script_api(self, path: str, *answers: Scripted) -> None:
        """The next requests to exactly ``path`` (no query string) get these answers."""
        with self._api_lock:
            self._api_script.setdefault(path, []).extend(answers)

    def commit_then(self, path: str, answer: Scripted | None, *, delay: float = 0.0) -> None:
        """The next request to ``path`` waits ``delay`` seconds, is carried out as the contract
        says, and gets ``answer`` (``HANG_UP``: no answer at all; ``None``: the contract's)."""
        with self._api_lock:
            self._api_script.setdefault(path, []).append(Committed(answer, delay))

    def clear_api_scripts(self) -> None:
        """Drop answers scripted but not consumed (between property-test examples)."""
        with self._api_lock:
            self._api_script.clear()

    def throttle_api(self, path: str, times: int, retry_after: str | None = "1") -> None:
        """The next ``times`` requests to ``path`` get 429, as Genesys rate-limits a client."""
        headers = {"ININ-Correlation-Id": str(uuid.uuid4())}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        body = error_body(
            HTTPStatus.TOO_MANY_REQUESTS,
            "too.many.requests.retry.after",
            "Rate limit exceeded the maximum. Retry the request in [1] seconds",
        )
        self.script_api(path, *[Scripted(HTTPStatus.TOO_MANY_REQUESTS, body, headers)] * times)

    def route(self, method: str, path: str, headers: Message, body: bytes) -> Scripted:
        plain = urllib.parse.urlsplit(path).path
        if not plain.startswith(API_PREFIX):
            return super().route(method, path, headers, body)
        client_id = self._caller(headers.get("Authorization"))
        with self._api_lock:
            queued = self._api_script.get(plain)
            scripted = queued.pop(0) if queued else None
        if isinstance(scripted, Committed):
            time.sleep(scripted.delay)
        with self._api_lock:
            reply = (
                scripted
                if isinstance(scripted, Scripted)
                else self._contract_api(method, plain, client_id)
            )
            self.api_calls.append(ApiCall(method, plain, reply.status, client_id))
        if isinstance(scripted, Committed) and scripted.answer is not None:
            reply = scripted.answer
        return echoed(reply, headers, body, "message")

    def _contract_api(self, method: str, path: str, client_id: str | None) -> Scripted:
        if client_id is None:
            return _error(HTTPStatus.UNAUTHORIZED, "bad.credentials", "Invalid login credentials.")
        if self.clients.get(client_id, {}).get("state", "active") != "active":
            return _error(HTTPStatus.UNAUTHORIZED, "bad.credentials", "The client is not active.")
        for route in self.routes:
            found = route.pattern.fullmatch(path)
            if found is None or route.method != method:
                continue
            if route.permission is not None and not self.holds(client_id, route.permission):
                return _error(
                    HTTPStatus.FORBIDDEN,
                    "missing.permissions",
                    f"You are missing the following permission(s): {route.permission}",
                )
            params = found.groupdict().items()
            return route.handler({key: urllib.parse.unquote(v) for key, v in params}, client_id)
        return _error(HTTPStatus.NOT_FOUND, "not.found", "The requested resource was not found.")

    def holds(self, client_id: str, permission: str) -> bool:
        """Whether one of the client's roles grants ``permission``."""
        grants = self.clients.get(client_id, {}).get("roleDivisions", [])
        policies = (
            policy
            for grant in grants
            for policy in self.roles.get(grant["roleId"], {}).get("permissionPolicies", [])
        )
        return any(_matches(policy, permission) for policy in policies)

    def _caller(self, authorization: str | None) -> str | None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.token_clients.get(token.strip())

    def _token_info(self, _: Mapping[str, str], client_id: str) -> Scripted:
        client = self.clients.get(client_id, {"id": client_id, "roleDivisions": []})
        org = {**self.organization, "selfUri": f"{API_PREFIX}organizations/me"}
        return _ok(
            {
                "organization": org,
                "homeOrganization": org,
                "authorizedScope": [],
                "OAuthClient": {
                    "id": client["id"],
                    "name": client.get("name", ""),
                    "dateCreated": client.get("dateCreated", CREATED),
                    "authorizedGrantType": client.get("authorizedGrantType", ""),
                    "roleDivisions": client["roleDivisions"],
                    "state": client.get("state", "active"),
                    "organization": self.organization,
                },
            }
        )

    def _role(self, params: Mapping[str, str], _: str) -> Scripted:
        return _found(self.roles.get(params["roleId"]))

    def _division(self, params: Mapping[str, str], _: str) -> Scripted:
        return _found(self.divisions.get(params["divisionId"]))

    def _client(self, params: Mapping[str, str], _: str) -> Scripted:
        return _found(self.clients.get(params["clientId"]))

    def _regenerate(self, params: Mapping[str, str], _: str) -> Scripted:
        client = self.clients.get(params["clientId"])
        if client is None:
            return _found(None)
        secret = f"regenerated-{secrets.token_hex(16)}"
        self.accept(client["id"], secret)
        self.regenerated.setdefault(client["id"], []).append(secret)
        return _ok({**client, "secret": secret})


def _ok(body: Mapping[str, object]) -> Scripted:
    return Scripted(HTTPStatus.OK, body, RATE_LIMIT_HEADERS)


def _found(entity: Mapping[str, object] | None) -> Scripted:
    if entity is None:
        return _error(HTTPStatus.NOT_FOUND, "not.found", "The requested resource was not found.")
    return _ok(entity)


def _error(status: int, code: str, message: str) -> Scripted:
    return Scripted(status, error_body(status, code, message))


@pytest.fixture
def genesys_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGenesysApi]:
    """A started fake organisation on 127.0.0.1 (random port), stopped after the test."""
    yield from serving(FakeGenesysApi(), monkeypatch)
