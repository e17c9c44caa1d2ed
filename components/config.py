"""Stack config → typed, validated settings. The only place user input is checked.

Every rule of the Genesys provider and Platform API that can be checked before a deployment is
checked here, before a single resource is registered, and every problem is reported at once
with its config path and the fix (``genesys-oauth-secrets:clients[1].roles: …``). Messages
echo a user's value only where it is an enumeration or a number: free text (descriptions,
names of things) may hold something that should not land in a CI log.

Inside the component the types are trusted; nothing there validates again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pulumi

from components.genesys_package import PACKAGE_NAME
from components.genesys_regions import REGION_DOMAINS, GenesysRegion, genesys_region

NAMESPACE = "genesys-oauth-secrets"

CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS"
GRANT_TYPES = ("CODE", "TOKEN", "SAML2-BEARER", "SAML2BEARER", "PASSWORD", CLIENT_CREDENTIALS)
"""Accepted by the provider's ``authorized_grant_type`` validation (both SAML spellings)."""
REDIRECT_GRANT_TYPES = frozenset({"CODE", "TOKEN"})
"""Browser flows: Genesys sends the user back to a registered redirect URI."""
CLIENT_STATES = ("active", "inactive")

TOKEN_VALIDITY_MIN = 300
TOKEN_VALIDITY_MAX = 38_880_000
TOKEN_VALIDITY_DEFAULT = 86_400
TOKEN_VALIDITY_NON_SCIM_MAX = 172_800
"""48 h: the provider documents lifetimes up to TOKEN_VALIDITY_MAX for SCIM clients only."""
RECOVERY_WINDOW_DEFAULT = 30
RECOVERY_WINDOW_MIN = 7
RECOVERY_WINDOW_MAX = 30

MAX_TAGS = 50
"""Secrets Manager and KMS both allow 50 tags per resource, ours included."""
RESERVED_TAG_KEYS = ("managed-by", "pulumi-project", "pulumi-stack", "genesys-oauth-client")

CLIENT_KEYS = (
    "name",
    "description",
    "grantType",
    "roles",
    "scopes",
    "redirectUris",
    "accessTokenValiditySeconds",
    "state",
    "recoveryWindowInDays",
)
ROLE_KEYS = ("roleId", "divisionId")

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_KMS_KEY_ID = re.compile(
    r"^(?:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|mrk-[0-9a-f]{32})$"
)
_KMS_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,250}$")
_KMS_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$"
)
_TAG_TEXT = re.compile(r"^[\w .:/=+\-@]*$")
_SCOPE = re.compile(r"^\S+$")


class ConfigError(pulumi.RunError):
    """Stack config is invalid. ``RunError`` makes the engine print the message, no traceback."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"Stack config has {len(self.problems)} problem(s); nothing was deployed:\n{listing}"
        )


@dataclass(frozen=True)
class RoleGrant:
    """A role granted to a CLIENT-CREDENTIALS client, in one division or all (``*``)."""

    role_id: str
    division_id: str | None = None
    """None means the home division; ``*`` means every division."""


@dataclass(frozen=True)
class ClientConfig:
    """One OAuth client as declared under ``genesys-oauth-secrets:clients``."""

    name: str
    """Unique, ``[a-z0-9-]``: the Genesys display name and the last segment of the secret name."""
    grant_type: str
    description: str | None = None
    roles: tuple[RoleGrant, ...] = ()
    scopes: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()
    access_token_validity_seconds: int = TOKEN_VALIDITY_DEFAULT
    state: str = "active"
    recovery_window_in_days: int = RECOVERY_WINDOW_DEFAULT
    """Days Secrets Manager keeps a deleted secret; 0 deletes at once (an explicit opt-in)."""


@dataclass(frozen=True)
class StackConfig:
    """Everything the program needs, validated."""

    genesys_region: GenesysRegion
    clients: tuple[ClientConfig, ...]
    secrets_kms_key_id: str | None = None
    """An existing CMK for the secrets; None makes the program create one per stack."""
    tags: Mapping[str, str] = field(default_factory=dict)


class _Problems:
    """Collects every problem so that one run reports them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{NAMESPACE}:{path}: {message}")


def load_stack_config(config: pulumi.Config) -> StackConfig:
    """Read the project's config keys and validate them (raises ConfigError).

    Also reads the region the default Genesys provider will use (its ``awsRegion`` config, else
    ``GENESYSCLOUD_REGION``): the clients are created there, while the stored document's hosts
    come from ``genesysRegion``, so the two must agree.
    """
    raw: dict[str, Any] = {
        "genesysRegion": config.get("genesysRegion"),
        "secretsKmsKeyId": config.get("secretsKmsKeyId"),
        "clients": config.get_object("clients"),
        "tags": config.get_object("tags"),
    }
    provider_region = pulumi.Config(PACKAGE_NAME).get("awsRegion") or os.environ.get(
        "GENESYSCLOUD_REGION"
    )
    return parse_stack_config(raw, provider_region=provider_region)


def parse_stack_config(
    raw: Mapping[str, Any], *, provider_region: str | None = None
) -> StackConfig:
    """Validate raw config values (as ``pulumi.Config`` returns them) into a StackConfig.

    ``provider_region`` is the region the Genesys provider was given, if any.
    """
    problems = _Problems()
    region = _parse_region(raw.get("genesysRegion"), problems)
    # The provider lower-cases its region before use, so EU-WEST-1 there is eu-west-1 here.
    if region is not None and provider_region and provider_region.lower() != region.name:
        shown = (
            provider_region if provider_region.lower() in REGION_DOMAINS else "an unknown region"
        )
        problems.add(
            "genesysRegion",
            f"is {region.name} but the Genesys provider is set to {shown} (genesyscloud:awsRegion "
            "or GENESYSCLOUD_REGION); the clients would be created in one org region and the "
            "secret would point at the other. Set both to your org's region",
        )
    kms_key_id = _parse_kms_key_id(raw.get("secretsKmsKeyId"), problems)
    tags = _parse_tags(raw.get("tags"), problems)
    clients = _parse_clients(raw.get("clients"), problems)
    if problems.items or region is None:
        raise ConfigError(problems.items)
    return StackConfig(
        genesys_region=region, clients=clients, secrets_kms_key_id=kms_key_id, tags=tags
    )


def _parse_region(value: Any, problems: _Problems) -> GenesysRegion | None:
    if value in (None, ""):
        problems.add(
            "genesysRegion",
            "required: the Genesys Cloud region of your org, e.g. "
            "`pulumi config set genesysRegion us-east-1`",
        )
        return None
    if not isinstance(value, str) or value not in REGION_DOMAINS:
        problems.add(
            "genesysRegion",
            f"unknown Genesys Cloud region; use one of: {', '.join(sorted(REGION_DOMAINS))}",
        )
        return None
    return genesys_region(value)


def _parse_kms_key_id(value: Any, problems: _Problems) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not (
        _KMS_KEY_ID.match(value) or _KMS_ALIAS.match(value) or _KMS_ARN.match(value)
    ):
        problems.add(
            "secretsKmsKeyId",
            "not a KMS key reference; use a key id, key ARN, alias/NAME or alias ARN, "
            "or leave it empty to let the program create a key",
        )
        return None
    if value.startswith("alias/aws/") or ":alias/aws/" in value:
        problems.add(
            "secretsKmsKeyId",
            "AWS-managed keys cannot be shared or audited by key policy; "
            "use a customer-managed key or leave it empty",
        )
        return None
    return value


def _parse_tags(value: Any, problems: _Problems) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add("tags", "must be a map of tag key to value, e.g. {team: contact-center}")
        return {}
    if len(value) > MAX_TAGS - len(RESERVED_TAG_KEYS):
        problems.add(
            "tags",
            f"at most {MAX_TAGS - len(RESERVED_TAG_KEYS)} tags; "
            f"AWS allows {MAX_TAGS} and the program adds {len(RESERVED_TAG_KEYS)}",
        )
    tags: dict[str, str] = {}
    for key, tag_value in value.items():
        path = f"tags.{key}"
        if key in RESERVED_TAG_KEYS:
            problems.add(path, "reserved: the program sets this tag itself; pick another key")
        elif key.lower().startswith("aws:"):
            problems.add(path, "keys starting with 'aws:' are reserved by AWS")
        elif not 1 <= len(key) <= 128 or not _TAG_TEXT.match(key):  # noqa: PLR2004 - AWS limit
            problems.add(path, "tag keys are 1-128 letters, digits, spaces or _ . : / = + - @")
        elif not isinstance(tag_value, str):
            problems.add(path, "tag values must be strings; quote the value")
        elif len(tag_value) > 256 or not _TAG_TEXT.match(tag_value):  # noqa: PLR2004 - AWS limit
            problems.add(path, "tag values are 0-256 letters, digits, spaces or _ . : / = + - @")
        else:
            tags[key] = tag_value
    return tags


def _parse_clients(value: Any, problems: _Problems) -> tuple[ClientConfig, ...]:
    if value is None:
        problems.add(
            "clients", "required: declare at least one OAuth client (see Pulumi.prod.yaml)"
        )
        return ()
    if not isinstance(value, list):
        problems.add("clients", "must be a list of clients, each starting with '- name: …'")
        return ()
    if not value:
        problems.add("clients", "is empty: declare at least one OAuth client")
        return ()
    clients: list[ClientConfig] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        client = _parse_client(f"clients[{index}]", item, problems)
        if client is None:
            continue
        if client.name in seen:
            problems.add(
                f"clients[{index}].name",
                "duplicate client name; names must be unique (they name the secret)",
            )
            continue
        seen.add(client.name)
        clients.append(client)
    return tuple(clients)


def _parse_client(path: str, item: Any, problems: _Problems) -> ClientConfig | None:
    if not isinstance(item, Mapping):
        problems.add(path, "each client must be a map with at least name and grantType")
        return None
    before = len(problems.items)
    for key in item:
        if key not in CLIENT_KEYS:
            problems.add(f"{path}.{key}", f"unknown key; valid keys are: {', '.join(CLIENT_KEYS)}")
    name = _parse_name(f"{path}.name", item.get("name"), problems)
    grant_type = _parse_grant_type(f"{path}.grantType", item.get("grantType"), problems)
    description = _parse_description(f"{path}.description", item.get("description"), problems)
    roles = _parse_roles(f"{path}.roles", item.get("roles"), grant_type, problems)
    scopes = _parse_scopes(f"{path}.scopes", item.get("scopes"), grant_type, problems)
    redirect_uris = _parse_redirect_uris(
        f"{path}.redirectUris", item.get("redirectUris"), grant_type, problems
    )
    validity = _parse_int_in_range(
        f"{path}.accessTokenValiditySeconds",
        item.get("accessTokenValiditySeconds", TOKEN_VALIDITY_DEFAULT),
        TOKEN_VALIDITY_MIN,
        TOKEN_VALIDITY_MAX,
        problems,
    )
    state = _parse_state(f"{path}.state", item.get("state", "active"), problems)
    recovery = _parse_recovery_window(
        f"{path}.recoveryWindowInDays",
        item.get("recoveryWindowInDays", RECOVERY_WINDOW_DEFAULT),
        problems,
    )
    if len(problems.items) > before or name is None or grant_type is None:
        return None
    return ClientConfig(
        name=name,
        grant_type=grant_type,
        description=description,
        roles=roles,
        scopes=scopes,
        redirect_uris=redirect_uris,
        access_token_validity_seconds=validity,
        state=state,
        recovery_window_in_days=recovery,
    )


def _parse_name(path: str, value: Any, problems: _Problems) -> str | None:
    if value in (None, ""):
        problems.add(path, "required: a unique name such as ivr-integration")
        return None
    if not isinstance(value, str) or not _NAME.match(value):
        problems.add(
            path,
            "use 1-63 lowercase letters, digits and hyphens, not starting or ending "
            "with a hyphen (it becomes part of the secret name)",
        )
        return None
    return value


def _parse_grant_type(path: str, value: Any, problems: _Problems) -> str | None:
    if value in (None, ""):
        problems.add(path, f"required: one of {', '.join(GRANT_TYPES)}")
        return None
    if value not in GRANT_TYPES:
        shown = f"'{value}' " if isinstance(value, str) and len(value) <= 32 else ""  # noqa: PLR2004
        problems.add(path, f"{shown}is not a grant type; use one of {', '.join(GRANT_TYPES)}")
        return None
    return str(value)


def _parse_description(path: str, value: Any, problems: _Problems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(path, "must be text; quote it in YAML")
        return None
    return value


def _parse_roles(
    path: str, value: Any, grant_type: str | None, problems: _Problems
) -> tuple[RoleGrant, ...]:
    client_credentials = grant_type == CLIENT_CREDENTIALS
    if value is None or value == []:
        if client_credentials:
            problems.add(
                path,
                "CLIENT-CREDENTIALS clients need at least one role; "
                "add roles: [{roleId: <role id>, divisionId: '*'}]",
            )
        return ()
    if grant_type is not None and not client_credentials:
        problems.add(path, "roles only apply to CLIENT-CREDENTIALS clients; remove them")
        return ()
    if not isinstance(value, list):
        problems.add(path, "must be a list of {roleId, divisionId} maps")
        return ()
    roles: list[RoleGrant] = []
    for index, item in enumerate(value):
        role = _parse_role(f"{path}[{index}]", item, problems)
        if role is None:
            continue
        if role in roles:
            problems.add(f"{path}[{index}]", "duplicate role grant; list each role/division once")
            continue
        roles.append(role)
    return tuple(roles)


def _parse_role(path: str, item: Any, problems: _Problems) -> RoleGrant | None:
    if not isinstance(item, Mapping):
        problems.add(path, "each role must be a map: {roleId: <role id>, divisionId: '*'}")
        return None
    unknown = [key for key in item if key not in ROLE_KEYS]
    for key in unknown:
        problems.add(f"{path}.{key}", f"unknown key; valid keys are: {', '.join(ROLE_KEYS)}")
    role_id = item.get("roleId")
    if not isinstance(role_id, str) or not _UUID.match(role_id):
        problems.add(
            f"{path}.roleId",
            "required: the role's id, a UUID (Admin > Roles, or GET /api/v2/authorization/roles)",
        )
        return None
    division_id = item.get("divisionId")
    if division_id is not None and (
        not isinstance(division_id, str) or not (division_id == "*" or _UUID.match(division_id))
    ):
        problems.add(
            f"{path}.divisionId",
            "use a division id (UUID), '*' for all divisions, or omit it for the home division",
        )
        return None
    if unknown:
        return None
    return RoleGrant(role_id=role_id.lower(), division_id=division_id)


def _parse_scopes(
    path: str, value: Any, grant_type: str | None, problems: _Problems
) -> tuple[str, ...]:
    client_credentials = grant_type == CLIENT_CREDENTIALS
    if value is None or value == []:
        if grant_type is not None and not client_credentials:
            problems.add(
                path,
                f"{grant_type} clients need at least one scope, e.g. scopes: [users:readonly]",
            )
        return ()
    if client_credentials:
        problems.add(
            path,
            "scopes do not apply to CLIENT-CREDENTIALS clients (their roles grant access); "
            "remove them",
        )
        return ()
    return _parse_unique_strings(path, value, _SCOPE, "a scope name without spaces", problems)


def _parse_redirect_uris(
    path: str, value: Any, grant_type: str | None, problems: _Problems
) -> tuple[str, ...]:
    needs_redirect = grant_type in REDIRECT_GRANT_TYPES
    if value is None or value == []:
        if needs_redirect:
            problems.add(
                path,
                f"{grant_type} clients need at least one redirect URI, "
                "e.g. redirectUris: [https://app.example.com/callback]",
            )
        return ()
    if grant_type is not None and not needs_redirect:
        problems.add(path, "redirect URIs only apply to CODE and TOKEN clients; remove them")
        return ()
    uris = _parse_unique_strings(path, value, None, "an absolute URI", problems)
    for index, uri in enumerate(uris):
        if not _is_acceptable_redirect(uri):
            problems.add(
                f"{path}[{index}]",
                "use an absolute https:// URI (http:// only for localhost), without a fragment",
            )
    return uris


def _is_acceptable_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    if not parts.netloc or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")


def _parse_unique_strings(
    path: str, value: Any, pattern: re.Pattern[str] | None, what: str, problems: _Problems
) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.add(path, f"must be a list, each item {what}")
        return ()
    items: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item or (pattern and not pattern.match(item)):
            problems.add(f"{path}[{index}]", f"must be {what}")
        elif item in items:
            problems.add(f"{path}[{index}]", "duplicate; list each value once")
        else:
            items.append(item)
    return tuple(items)


def _parse_int_in_range(path: str, value: Any, low: int, high: int, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(path, f"must be a whole number from {low} to {high}")
        return low
    if not low <= value <= high:
        problems.add(path, f"{value} is out of range; use {low} to {high}")
    return value


def _parse_state(path: str, value: Any, problems: _Problems) -> str:
    if value not in CLIENT_STATES:
        problems.add(path, f"use one of {', '.join(CLIENT_STATES)}")
        return "active"
    return str(value)


def _parse_recovery_window(path: str, value: Any, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(path, "must be a whole number: 7 to 30, or 0 to delete immediately")
        return RECOVERY_WINDOW_DEFAULT
    if value != 0 and not RECOVERY_WINDOW_MIN <= value <= RECOVERY_WINDOW_MAX:
        problems.add(
            path,
            f"{value} is out of range; Secrets Manager accepts 7 to 30 days, "
            "or 0 to delete immediately (no recovery)",
        )
    return value
