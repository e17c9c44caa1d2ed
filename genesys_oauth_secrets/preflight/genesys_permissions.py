"""Check 6: the deploying client may do what ``pulumi up`` will ask of it in Genesys Cloud.

Two rules, both from the provider's documentation of ``genesyscloud_oauth_client``
(terraform-provider-genesyscloud v1.84.1 ``docs/resources/oauth_client.md``):

- the deploying client needs ``oauth:client:add|view|edit|delete`` and
  ``authorization:grant:add|view`` (``integrations:integration:*`` only for integration
  credentials, which this project does not create);
- "the roles must also already be assigned to the OAuth Client used by Terraform": every
  ``roleId`` in config must be one the deploying client holds, and must exist.

The calls: ``GET /api/v2/tokens/me`` (who the token belongs to, no permission needed),
``GET /api/v2/oauth/clients/{id}`` (its role grants; ``oauth:client:view``),
``GET /api/v2/authorization/roles/{id}`` (each role's permissions; ``authorization:role:view``)
and ``GET /api/v2/authorization/divisions/{id}`` (each configured division; no permission).
A role the check may not read makes the check unable to conclude: it says so (exit 2) and
names the permission that would let it. Division scoping of a held role is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus

from genesys_credentials import RetryPolicy, Secret
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.preflight.genesys_answers import (
    Caller,
    Role,
    caller,
    client_grants,
    holds,
    role,
)
from genesys_oauth_secrets.preflight.genesys_login import ID_ENV, SECRET_ENV, TOKEN_ENV
from genesys_oauth_secrets.preflight.platform_api import (
    ApiError,
    PlatformApi,
    UnusableAnswer,
    api_path,
)
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.text import shown

CHECK = "genesys-permissions"
REQUIRED = (
    "oauth:client:add",
    "oauth:client:view",
    "oauth:client:edit",
    "oauth:client:delete",
    "authorization:grant:add",
    "authorization:grant:view",
)
ROLE_VIEW = "authorization:role:view"
ALL_DIVISIONS = "*"


def check(context: Context, token: Secret | None, retry: RetryPolicy) -> list[Finding]:
    if token is None or context.api_base_url is None:
        return [Finding(CHECK, Status.SKIPPED, "needs a token from genesys-credentials")]
    try:
        api = PlatformApi(context.api_base_url, token, retry)
        return _check(context, api)
    except ApiError as error:
        if error.status == HTTPStatus.UNAUTHORIZED:
            used = TOKEN_ENV if context.env.get(TOKEN_ENV) else f"{ID_ENV}/{SECRET_ENV}"
            return [
                Finding(
                    CHECK,
                    Status.PROBLEM,
                    f"the API rejected the token ({error})",
                    fix=f"set {used} to the deploying client's current credentials",
                )
            ]
        return [Finding(CHECK, Status.ERROR, str(error))]
    except (UnusableAnswer, OSError, ValueError) as error:
        return [Finding(CHECK, Status.ERROR, str(error))]


def _check(context: Context, api: PlatformApi) -> list[Finding]:
    me = caller(api.get("/api/v2/tokens/me"))
    if me is None:
        return [
            Finding(
                CHECK,
                Status.ERROR,
                "the token belongs to a user, not an OAuth client: its roles cannot be read "
                "this way",
                fix=f"deploy with a client-credentials client ({ID_ENV}/{SECRET_ENV})",
            )
        ]
    try:
        grants = client_grants(api.get(api_path("/api/v2/oauth/clients/{}", me.client_id)))
    except ApiError as error:
        if error.status != HTTPStatus.FORBIDDEN:
            raise
        grants = me.grants
    held = _roles(api, {grant.role_id for grant in grants})
    if isinstance(held, Finding):
        return [held]
    findings = _permissions(held)
    findings += _configured_roles(context, api, Caller(me.client_id, grants))
    if not any(finding.status is not Status.OK for finding in findings):
        count = len(held)
        findings = [
            Finding(
                CHECK,
                Status.OK,
                f"the deploying client's {count} role(s) grant {', '.join(REQUIRED)}, and it "
                "holds every role the config grants",
            )
        ]
    return findings


def _roles(api: PlatformApi, role_ids: Iterable[str]) -> list[Role] | Finding:
    roles = []
    for role_id in sorted(role_ids):
        try:
            roles.append(
                role(api.get(api_path("/api/v2/authorization/roles/{}", role_id)), role_id)
            )
        except ApiError as error:
            if error.status != HTTPStatus.FORBIDDEN:
                raise
            return Finding(
                CHECK,
                Status.ERROR,
                f"cannot read the deploying client's role {shown(role_id)} ({error}), so its "
                "permissions are unknown",
                fix=f"add {ROLE_VIEW} to one of the deploying client's roles, then rerun",
            )
    return roles


def _permissions(roles: list[Role]) -> list[Finding]:
    granted = [permission for held in roles for permission in held.permissions]
    missing = [needed for needed in REQUIRED if not holds(granted, needed)]
    if not missing:
        return []
    return [
        Finding(
            CHECK,
            Status.PROBLEM,
            f"the deploying client's roles lack {', '.join(missing)} (needed to manage OAuth "
            "clients and grant them roles)",
            fix="add them to one of its roles in Genesys Cloud (Admin > Roles / Permissions)",
        )
    ]


def _configured_roles(context: Context, api: PlatformApi, me: Caller) -> list[Finding]:
    if context.config is None:
        return [
            Finding(
                CHECK,
                Status.ERROR,
                "the roles the config grants are unknown (see the config finding)",
            )
        ]
    held = {grant.role_id for grant in me.grants}
    findings = []
    for client in context.config.clients:
        for grant in client.roles:
            where = f"clients[{client.name}] roleId {shown(grant.role_id)}"
            if grant.role_id not in held:
                findings.append(_unheld(api, where, grant.role_id))
            division = grant.division_id
            if division not in (None, ALL_DIVISIONS) and not _exists(
                api, api_path("/api/v2/authorization/divisions/{}", division)
            ):
                findings.append(
                    Finding(
                        CHECK,
                        Status.PROBLEM,
                        f"clients[{client.name}] divisionId {shown(division)} does not exist",
                        fix="use a division id from Admin > Divisions, or * for all divisions",
                    )
                )
    return findings


def _unheld(api: PlatformApi, where: str, role_id: str) -> Finding:
    if not _exists(api, api_path("/api/v2/authorization/roles/{}", role_id)):
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"{where} does not exist in this org",
            fix="use a role id from Admin > Roles / Permissions (the id is in the role's URL)",
        )
    return Finding(
        CHECK,
        Status.PROBLEM,
        f"{where} is not held by the deploying client: Genesys refuses to grant a role the "
        "granting client does not have",
        fix="assign that role to the deploying OAuth client (Admin > Integrations > OAuth > Roles)",
    )


def _exists(api: PlatformApi, path: str) -> bool:
    try:
        api.get(path)
    except ApiError as error:
        if error.status == HTTPStatus.NOT_FOUND:
            return False
        raise
    return True
