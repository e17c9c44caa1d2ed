"""Stack config → typed, validated settings. The only place user input is checked.

Every rule of the Genesys provider and Platform API that can be checked before a deployment is
checked here, before a single resource is registered, and every problem is reported at once
with its config path and the fix (``genesys-oauth-secrets:clients[1].roles: …``). Messages
echo a user's value only where it is a short enumeration-like word or a small number: free text
(descriptions, names of things) may hold something that should not land in a CI log.

Validation never raises anything but ``ConfigError``, whatever JSON the config holds: lists are
bounded before they are walked, duplicate checks use sets, patterns are ASCII full matches (no
trailing newline, no Unicode digits), and numbers are echoed only when they are small.

Inside the component the types are trusted; nothing there validates again.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.adoption import ADOPTED_SECRETS_KEY, FROM_CONFIG, Adoption, parse_adopt
from components.config_source import read_project_config
from components.genesys_provider import GenesysProviderSettings, ProxySettings
from components.genesys_regions import REGION_DOMAINS, GenesysRegion, genesys_region
from components.identifiers import CLIENT_NAME, UUID
from components.issue_time import ISSUED_AT_TAG
from components.kms_key_reference import aws_managed, is_key_reference
from components.problems import ListRule, config_map, distinct_list
from components.readers import parse_readers, statement_to_add
from components.redirect_uri import is_dns_name, redirect_uri_problem
from components.replica_regions import ReplicaRegion, parse_replica_regions
from components.rotation import RotationConfig, parse_rotation

NAMESPACE = "genesys-oauth-secrets"

CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS"
GRANT_TYPES = ("CODE", "TOKEN", "SAML2-BEARER", "PASSWORD", CLIENT_CREDENTIALS)
"""Grant types as the Platform API stores and returns them."""
GRANT_TYPE_SPELLINGS = {"SAML2BEARER": "SAML2-BEARER"}
"""Accepted by the provider but stored by the API under another spelling. The provider has no
diff suppression, so the config spelling would show a diff and PUT on every run: normalised."""
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
TOKEN_POOL_MIN = 1
TOKEN_POOL_MAX = 50
"""The provider's ``token_pool_size`` range (``MinClients``/``MaxClients``, sdk_client_pool.go)."""

MAX_TAGS = 50
"""Secrets Manager and KMS both allow 50 tags per resource, ours included."""
RESERVED_TAG_KEYS = (
    "managed-by",
    "pulumi-project",
    "pulumi-stack",
    "genesys-oauth-client",
    ISSUED_AT_TAG,
)
MAX_CLIENTS = 500
"""Our bound, the size the program benchmark covers; Genesys' per-org limit is unverified."""
MAX_LIST_ITEMS = 100
"""Our bound for roles, scopes and redirect URIs per client; Genesys' limits are unverified."""
MAX_DESCRIPTION_LENGTH = 1000
"""Our bound for a client description; Genesys' limit is unverified."""
MAX_DURATION_LENGTH = 32
_CLIENT_LIST = ListRule(
    most=MAX_CLIENTS,
    not_a_list="must be a list of clients, each starting with '- name: …'",
    too_many=f"at most {MAX_CLIENTS} clients per stack; split them across stacks",
    duplicate=(".name", "duplicate client name; names must be unique (they name the secret)"),
)

STACK_KEYS = (
    "genesysRegion",
    "clients",
    "secretsKmsKeyId",
    "tags",
    "protectResources",
    "genesysProvider",
    "replicaRegions",
    ADOPTED_SECRETS_KEY,
)
"""Every key of the project's config namespace; anything else is reported as unknown."""
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
    "rotation",
    "readers",
    "adopt",
)
"""Keys of one entry of ``clients``: a new per-client setting is added here and parsed below."""
ROLE_KEYS = ("roleId", "divisionId")
PROVIDER_KEYS = ("tokenPoolSize", "customRetryTimeout", "proxy")
"""``genesysProvider`` keys: the provider's own (bridged, camelCase) setting names."""
PROXY_KEYS = ("host", "port", "protocol")
PROXY_PROTOCOLS = ("http", "https")

_TAG_TEXT = re.compile(r"[\w .:/=+\-@]*")
"""AWS tag text is Unicode on purpose: letters, digits, spaces and ``_ . : / = + - @``."""
_SCOPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.-]{0,99}", re.ASCII)
_GO_DURATION = re.compile(r"0|(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|ms|s|m|h))+", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_ECHOABLE_WORD = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)
_ECHOABLE_KEY = re.compile(r"[A-Za-z0-9_.:/=+@-]{1,64}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0/C1 controls, bidi overrides and lone surrogates: they fake or hide text in a UI or log."""

MAX_LISTED_PROBLEMS = 50


class ConfigError(pulumi.RunError):
    """Stack config is invalid. ``RunError`` makes the engine print the message, no traceback."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        listed = self.problems[:MAX_LISTED_PROBLEMS]
        listing = "\n".join(f"  - {problem}" for problem in listed)
        more = len(self.problems) - len(listed)
        if more:
            listing += f"\n  - … and {more} more"
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
    """As the API stores it (``SAML2-BEARER``, never ``SAML2BEARER``)."""
    description: str | None = None
    roles: tuple[RoleGrant, ...] = ()
    scopes: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()
    access_token_validity_seconds: int = TOKEN_VALIDITY_DEFAULT
    state: str = "active"
    recovery_window_in_days: int = RECOVERY_WINDOW_DEFAULT
    """Days Secrets Manager keeps a deleted secret; 0 deletes at once (an explicit opt-in)."""
    rotation: RotationConfig = field(default_factory=RotationConfig)
    """Which generation of the client's secret should exist (``components.rotation``)."""
    readers: tuple[str, ...] = ()
    """IAM principals (account roots, roles) of other accounts that may read the secret."""
    adopt: Adoption | None = None
    """An existing OAuth client to import instead of creating one (``components.adoption``)."""


@dataclass(frozen=True)
class StackConfig:
    """Everything the program needs, validated."""

    genesys_region: GenesysRegion
    clients: tuple[ClientConfig, ...]
    secrets_kms_key_id: str | None = None
    """An existing CMK for the secrets; None makes the program create one per stack."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_resources: bool = True
    """Protect each OAuth client and its Secrets Manager secret (the stack's key always is)."""
    genesys_provider: GenesysProviderSettings = field(default_factory=GenesysProviderSettings)
    replica_regions: tuple[ReplicaRegion, ...] = ()
    """Regions every secret is replicated to, each with its key (``components.replica_regions``)."""
    aws_region: str | None = None
    """The stack's AWS region (``aws:region``), where the secrets and the stack's key live."""


class _Problems:
    """Collects every problem so that one run reports them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{NAMESPACE}:{path}: {message}")

    def unknown_key(self, path: str, key: object, known: Sequence[str]) -> None:
        """An unknown key, with the closest known one when there is a likely typo."""
        close = _closest(key, known)
        hint = f"did you mean {close}? " if close else ""
        valid = ", ".join(known)
        self.add(f"{path}{_key_label(key)}", f"unknown key; {hint}valid keys are: {valid}")


def _key_label(key: object) -> str:
    """A key as it may appear in a message: short printable ASCII, else a neutral stand-in."""
    if isinstance(key, str) and _ECHOABLE_KEY.fullmatch(key):
        return key
    return "<key with an unprintable or overlong name>"


def _closest(key: object, known: Sequence[str]) -> str | None:
    if not isinstance(key, str) or len(key) > 64:  # noqa: PLR2004 - keeps difflib cheap
        return None
    for candidate in known:
        if candidate.lower() == key.lower():
            return candidate
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _number(value: int) -> str:
    """A number for a message, unless it is too long to be useful (or to format at all)."""
    return str(value) if -(10**15) < value < 10**15 else "the number"


def load_stack_config(config: pulumi.Config) -> StackConfig:
    """Read the project's config keys and validate them (raises ConfigError).

    Also reads ``GENESYSCLOUD_REGION``: the program pins the provider to ``genesysRegion`` (an
    explicit input wins over the variable), so a different value there means the deploying
    credentials were meant for another org region.
    """
    raw = read_project_config(config.name)
    aws_region = (
        pulumi.Config("aws").get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
    )
    return parse_stack_config(
        raw.values,
        shell_region=os.environ.get("GENESYSCLOUD_REGION"),
        unread=raw.unread,
        provider_keys=raw.provider_keys,
        aws_region=aws_region,
        seeds=raw.seeds,
    )


def parse_stack_config(
    raw: Mapping[str, Any],
    *,
    shell_region: str | None = None,
    unread: Mapping[str, str] | None = None,
    provider_keys: Collection[str] = (),
    aws_region: str | None = None,
    seeds: Mapping[str, pulumi.Output[str]] | None = None,
) -> StackConfig:
    """Validate raw config values (short keys, objects decoded) into a StackConfig.

    ``unread`` holds keys that were present but not read (secret, not JSON), each with its
    problem; ``provider_keys`` the ``genesyscloud:…`` keys present in the stack config;
    ``aws_region`` the stack's AWS region (None when unknown: then nothing is checked against
    it); ``seeds`` the sealed entries of ``adoptedClientSecrets``.
    """
    problems = _Problems()
    unread = unread or {}
    seeds = seeds or {}
    for key in sorted(set(raw) | set(unread), key=str):
        if key == ADOPTED_SECRETS_KEY and key not in unread:
            problems.add(key, "must be set with pulumi config set --secret --path …")
        elif key in unread:
            problems.add(_key_label(key), unread[key])
        elif key not in STACK_KEYS:
            problems.unknown_key("", key, STACK_KEYS)
    for key in provider_keys:
        problems.items.append(
            f"{_key_label(key)}: ignored: only a default Genesys provider reads the "
            "genesyscloud namespace, and this program uses its own (region from genesysRegion, "
            "credentials from the GENESYSCLOUD_* variables, proxy and token pool from "
            f"genesysProvider); remove it with `pulumi config rm {_key_label(key)}`"
        )

    def value(key: str, default: Any = None) -> Any:
        return default if key in unread else raw.get(key, default)

    region = None if "genesysRegion" in unread else _parse_region(value("genesysRegion"), problems)
    if region is not None and shell_region and shell_region.lower() != region.name:
        shown = shell_region if shell_region.lower() in REGION_DOMAINS else "an unknown region"
        problems.add(
            "genesysRegion",
            f"is {region.name} but GENESYSCLOUD_REGION is {shown}. The program pins the "
            "Genesys provider to genesysRegion and ignores the variable, but deploying "
            "credentials belong to one org region: unset GENESYSCLOUD_REGION or set both to "
            "your org's region",
        )
    kms_key_id = _parse_kms_key_id(value("secretsKmsKeyId"), problems)
    tags = _parse_tags(value("tags"), problems)
    clients = () if "clients" in unread else _parse_clients(value("clients"), seeds, problems)
    protect = _parse_bool("protectResources", value("protectResources", True), problems)
    provider = _parse_provider_settings(value("genesysProvider"), problems)
    replicas = parse_replica_regions(value("replicaRegions"), aws_region, problems)
    _check_seeds(seeds, clients, problems)
    _check_reader_keys(clients, kms_key_id, replicas, aws_region, problems)
    if problems.items or region is None:
        raise ConfigError(problems.items)
    return StackConfig(
        genesys_region=region,
        clients=clients,
        secrets_kms_key_id=kms_key_id,
        tags=tags,
        protect_resources=protect,
        genesys_provider=provider,
        replica_regions=replicas,
        aws_region=aws_region,
    )


def _check_seeds(
    seeds: Mapping[str, object], clients: Sequence[ClientConfig], problems: _Problems
) -> None:
    """A seed is accepted only for a client that adopts with ``secret: config``."""
    adopting = {c.name for c in clients if c.adopt is not None and c.adopt.secret == FROM_CONFIG}
    for name in sorted(set(seeds) - adopting):
        problems.add(
            f"{ADOPTED_SECRETS_KEY}.{name}",
            "no client of that name adopts with secret: config, so this secret would be unused; "
            f"remove it with `pulumi config rm --path '{ADOPTED_SECRETS_KEY}.{name}'`",
        )


def _check_reader_keys(
    clients: Sequence[ClientConfig],
    kms_key_id: str | None,
    replicas: Sequence[ReplicaRegion],
    aws_region: str | None,
    problems: _Problems,
) -> None:
    """Readers need ``kms:Decrypt`` in the key policy, which the program writes only for keys it
    creates: with a key it does not own, the run stops with the statement to add to that key."""
    readers = sorted({reader for client in clients for reader in client.readers})
    if not readers:
        return
    if kms_key_id:
        problems.add(
            "secretsKmsKeyId",
            "readers in other accounts need kms:Decrypt on this key, whose policy the program "
            "does not own: add this statement to its key policy, then remove secretsKmsKeyId "
            "or the readers: " + statement_to_add(readers, aws_region),
        )
    for index, replica in enumerate(replicas):
        if replica.kms_key_id:
            problems.add(
                f"replicaRegions[{index}].kmsKeyId",
                "readers in other accounts need kms:Decrypt on this key, whose policy the "
                "program does not own: add this statement to its key policy, then remove "
                "kmsKeyId or the readers: " + statement_to_add(readers, replica.region),
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
    if not isinstance(value, str) or not is_key_reference(value):
        problems.add(
            "secretsKmsKeyId",
            "not a KMS key reference; use a key id, key ARN, alias/NAME or alias ARN, "
            "or leave it empty to let the program create a key",
        )
        return None
    if aws_managed(value):
        problems.add(
            "secretsKmsKeyId",
            "AWS-managed keys cannot be shared or audited by key policy; "
            "use a customer-managed key or leave it empty",
        )
        return None
    return value


def _parse_bool(path: str, value: Any, problems: _Problems) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    problems.add(path, "must be true or false")
    return True


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
        return {}
    tags: dict[str, str] = {}
    for key, tag_value in value.items():
        path = f"tags.{_key_label(key)}"
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _TAG_TEXT.fullmatch(key):  # noqa: PLR2004 - AWS limit
            problems.add(path, "tag keys are 1-128 letters, digits, spaces or _ . : / = + - @")
        elif key in RESERVED_TAG_KEYS:
            problems.add(path, "reserved: the program sets this tag itself; pick another key")
        elif key.lower().startswith("aws:"):
            problems.add(path, "keys starting with 'aws:' are reserved by AWS")
        elif not isinstance(tag_value, str):
            problems.add(path, "tag values must be strings; quote the value")
        elif len(tag_value) > 256 or not _TAG_TEXT.fullmatch(tag_value):  # noqa: PLR2004 - AWS limit
            problems.add(path, "tag values are 0-256 letters, digits, spaces or _ . : / = + - @")
        else:
            tags[key] = tag_value
    return tags


def _parse_clients(
    value: Any, seeds: Mapping[str, pulumi.Output[str]], problems: _Problems
) -> tuple[ClientConfig, ...]:
    if value is None:
        problems.add(
            "clients", "required: declare at least one OAuth client (see Pulumi.prod.yaml)"
        )
        return ()
    if value == []:
        problems.add("clients", "is empty: declare at least one OAuth client")
        return ()
    return distinct_list(
        "clients",
        value,
        lambda path, item: _parse_client(path, item, seeds, problems),
        problems,
        rule=_CLIENT_LIST,
        identity=lambda client: client.name,
    )


def _parse_client(
    path: str, item: Any, seeds: Mapping[str, pulumi.Output[str]], problems: _Problems
) -> ClientConfig | None:
    before = len(problems.items)
    item = config_map(
        path,
        item,
        CLIENT_KEYS,
        problems,
        not_a_map="each client must be a map with at least name and grantType",
    )
    if item is None:
        return None
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
    rotation = parse_rotation(f"{path}.rotation", item.get("rotation"), problems)
    readers = parse_readers(f"{path}.readers", item.get("readers"), problems)
    adopt = parse_adopt(f"{path}.adopt", item.get("adopt"), seeds, name, problems)
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
        rotation=rotation,
        readers=readers,
        adopt=adopt,
    )


def _parse_name(path: str, value: Any, problems: _Problems) -> str | None:
    if value in (None, ""):
        problems.add(path, "required: a unique name such as ivr-integration")
        return None
    if not isinstance(value, str) or not CLIENT_NAME.fullmatch(value):
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
    if isinstance(value, str) and value in GRANT_TYPE_SPELLINGS:
        return GRANT_TYPE_SPELLINGS[value]
    if value not in GRANT_TYPES:
        echoable = isinstance(value, str) and _ECHOABLE_WORD.fullmatch(value)
        shown = f"'{value}' " if echoable else ""
        problems.add(path, f"{shown}is not a grant type; use one of {', '.join(GRANT_TYPES)}")
        return None
    return str(value)


def _parse_description(path: str, value: Any, problems: _Problems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(path, "must be text; quote it in YAML")
        return None
    if len(value) > MAX_DESCRIPTION_LENGTH:
        problems.add(path, f"at most {MAX_DESCRIPTION_LENGTH} characters")
        return None
    if _CONTROL.search(value):
        problems.add(path, "no control characters (newlines, tabs, escapes); use one line")
        return None
    return value


def _item_list(what: str, duplicate: str) -> ListRule:
    """The rule of a client's lists (roles, scopes, URIs): at most MAX_LIST_ITEMS, each ``what``."""
    return ListRule(
        most=MAX_LIST_ITEMS,
        not_a_list=f"must be a list, each item {what}",
        too_many=f"at most {MAX_LIST_ITEMS} items",
        duplicate=("", duplicate),
    )


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
    return distinct_list(
        path,
        value,
        lambda at, item: _parse_role(at, item, problems),
        problems,
        rule=_item_list(
            "a {roleId, divisionId} map", "duplicate role grant; list each role/division once"
        ),
        identity=lambda role: (role.role_id, role.division_id and role.division_id.lower()),
    )


def _parse_role(path: str, item: Any, problems: _Problems) -> RoleGrant | None:
    item = config_map(
        path,
        item,
        ROLE_KEYS,
        problems,
        not_a_map="each role must be a map: {roleId: <role id>, divisionId: '*'}",
    )
    if item is None:
        return None
    unknown = not item.keys() <= set(ROLE_KEYS)
    role_id = item.get("roleId")
    if not isinstance(role_id, str) or not UUID.fullmatch(role_id):
        problems.add(
            f"{path}.roleId",
            "required: the role's id, a UUID (Admin > Roles, or GET /api/v2/authorization/roles)",
        )
        return None
    division_id = item.get("divisionId")
    if division_id is not None and (
        not isinstance(division_id, str) or not (division_id == "*" or UUID.fullmatch(division_id))
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
    what = "a scope name (up to 100 ASCII letters, digits and : _ . -)"
    return _parse_unique_strings(
        path,
        value,
        what,
        lambda scope: None if _SCOPE.fullmatch(scope) else f"must be {what}",
        problems,
    )


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
    return _parse_unique_strings(
        path, value, "an absolute https:// URI", redirect_uri_problem, problems
    )


def _parse_unique_strings(
    path: str,
    value: Any,
    what: str,
    problem_of: Callable[[str], str | None],
    problems: _Problems,
) -> tuple[str, ...]:
    """Distinct non-empty strings, each checked by ``problem_of`` where it stands (``path[i]``
    is the index in the config, so a problem names the entry the user wrote)."""

    def parse(at: str, item: Any) -> str | None:
        if not isinstance(item, str) or not item:
            problems.add(at, f"must be {what}")
            return None
        problem = problem_of(item)
        if problem is not None:
            problems.add(at, problem)
            return None
        return item

    rule = _item_list(what, "duplicate; list each value once")
    return distinct_list(path, value, parse, problems, rule=rule, identity=lambda item: item)


def _parse_int_in_range(path: str, value: Any, low: int, high: int, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(path, f"must be a whole number from {low} to {high}")
        return low
    if not low <= value <= high:
        problems.add(path, f"{_number(value)} is out of range; use {low} to {high}")
    return value


def _parse_state(path: str, value: Any, problems: _Problems) -> str:
    if value not in CLIENT_STATES:
        problems.add(path, f"use one of {', '.join(CLIENT_STATES)}")
        return "active"
    return str(value)


def _parse_recovery_window(path: str, value: Any, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(
            path,
            "must be a whole number: 7 to 30, or 0 to delete immediately (0 also needs "
            "secret-recovery-window.minimumDays: 0 in policy/config/<stack>.json)",
        )
        return RECOVERY_WINDOW_DEFAULT
    if value != 0 and not RECOVERY_WINDOW_MIN <= value <= RECOVERY_WINDOW_MAX:
        problems.add(
            path,
            f"{_number(value)} is out of range; Secrets Manager accepts 7 to 30 days, "
            "or 0 to delete immediately (no recovery; 0 also needs "
            "secret-recovery-window.minimumDays: 0 in policy/config/<stack>.json)",
        )
    return value


def _parse_provider_settings(value: Any, problems: _Problems) -> GenesysProviderSettings:
    path = "genesysProvider"
    if value is None:
        return GenesysProviderSettings()
    value = config_map(
        path,
        value,
        PROVIDER_KEYS,
        problems,
        not_a_map="must be a map, e.g. {tokenPoolSize: 5, proxy: {host: …}}",
    )
    if value is None:
        return GenesysProviderSettings()
    pool = value.get("tokenPoolSize")
    if pool is not None:
        pool = _parse_int_in_range(
            f"{path}.tokenPoolSize", pool, TOKEN_POOL_MIN, TOKEN_POOL_MAX, problems
        )
    timeout = value.get("customRetryTimeout")
    if timeout is not None and not (
        isinstance(timeout, str)
        and len(timeout) <= MAX_DURATION_LENGTH
        and _GO_DURATION.fullmatch(timeout)
    ):
        problems.add(
            f"{path}.customRetryTimeout", "must be a Go duration such as 90s, 5m or 1h30m, or 0"
        )
        timeout = None
    proxy = _parse_proxy(f"{path}.proxy", value.get("proxy"), problems)
    return GenesysProviderSettings(token_pool_size=pool, custom_retry_timeout=timeout, proxy=proxy)


def _parse_proxy(path: str, value: Any, problems: _Problems) -> ProxySettings | None:
    if value is None:
        return None
    before = len(problems.items)
    value = config_map(
        path,
        value,
        PROXY_KEYS,
        problems,
        not_a_map="must be a map: {host: proxy.example.com, port: 3128, protocol: http}",
    )
    if value is None:
        return None
    host = value.get("host")
    if not isinstance(host, str) or not is_dns_name(host.lower()):
        problems.add(f"{path}.host", "required: the proxy's DNS name or IPv4 address")
    port = _parse_port(value.get("port"))
    if port is None:
        problems.add(f"{path}.port", "required: the proxy's port, 1 to 65535")
    protocol = value.get("protocol")
    if protocol not in PROXY_PROTOCOLS:
        problems.add(f"{path}.protocol", f"required: one of {', '.join(PROXY_PROTOCOLS)}")
    if len(problems.items) > before or port is None:
        return None
    return ProxySettings(host=str(host).lower(), port=port, protocol=str(protocol))


def _parse_port(value: Any) -> int | None:
    """A TCP port given as a number or as digits (the provider's schema types it as a string)."""
    if isinstance(value, str) and _PORT.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:  # noqa: PLR2004 - TCP
        return None
    return value
