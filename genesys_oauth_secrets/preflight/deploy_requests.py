"""What ``pulumi up`` asks AWS for: each action on the resource it touches, with the context.

AWS does not authorize an action in the abstract: it authorizes an action on a resource ARN
with the request context it builds (``aws:ResourceTag/*`` from the target's tags,
``aws:RequestTag/*`` and ``aws:TagKeys`` from a call's tags, ``kms:ViaService`` when S3 or
Secrets Manager call KMS on the caller's behalf, ``kms:EncryptionContext:*``,
``secretsmanager:Name``). ``iam:SimulatePrincipalPolicy`` knows none of that on its own: a
statement conditioned on a key it was not given does not match, so without these entries every
tag-conditioned permission of ``iam/deployer.json`` reads as denied on a correct role.

Each ``Request`` here is one group of actions that share a resource and a context, as the deploy
will send them:

- the state object and bucket (the DIY backend), and the state key through S3;
- the secrets-provider key, called directly by gocloud's ``awskms`` keeper with the URL's
  ``context_*`` parameters as encryption context;
- the stack's own key (``components.secrets_key``): created with the stack's tags, then managed
  and used through Secrets Manager under them;
- a client secret (``components.oauth_client_secret``): created with its tags and name, then
  read, written and tagged under them.

Tags come from the program's own functions (``components.tagging``,
``components.oauth_client_secret.secret_tags``) and, for keys that already exist, from the keys
themselves (``kms:ListResourceTags``). A request also says which context keys it knows in full:
when every tag of a resource is supplied, a tag key the simulator reports missing is one the
resource does not have, exactly as on AWS; any other missing key is one preflight cannot know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from components.config import StackConfig
from components.oauth_client_secret import secret_name, secret_tags
from components.secrets_key import alias_name
from components.tagging import tags_of
from genesys_oauth_secrets.preflight.aws_identity import Identity
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.preflight.secrets_provider import parse_url
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.backend_baseline import DEFAULT_STATE_KEY_ALIAS
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.text import shown

if TYPE_CHECKING:
    from mypy_boto3_iam.type_defs import ContextEntryTypeDef
    from mypy_boto3_kms import KMSClient

EXAMPLE_KEY = "key/00000000-0000-0000-0000-000000000000"
"""Stands in for a key that does not exist yet (the stack key before the first deploy)."""
EXAMPLE_SUFFIX = "-AbCdEf"
"""Secrets Manager appends six random characters to a secret's name in its ARN."""
RESOURCE_TAG = "aws:ResourceTag/"
REQUEST_TAG = "aws:RequestTag/"
TAG_KEYS = "aws:TagKeys"
VIA_SERVICE = "kms:ViaService"
ENCRYPTION_CONTEXT = "kms:EncryptionContext:"
SM_NAME_KEY = "secretsmanager:Name"

STATE_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
STACK_KEY_MANAGE_ACTIONS = (
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "kms:EnableKeyRotation",
    "kms:ScheduleKeyDeletion",
)
STACK_KEY_ALIAS_ACTIONS = ("kms:CreateAlias", "kms:DeleteAlias")
THROUGH_SECRETS_MANAGER = ("kms:GenerateDataKey", "kms:Decrypt")
SECRET_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:UpdateSecret",
    "secretsmanager:UntagResource",
    "secretsmanager:DeleteSecret",
)
READER_SECRET_ACTIONS = ("secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy")
"""``readers``: the secret's resource policy (``components.reader_access``)."""
READER_KEY_ACTIONS = ("kms:PutKeyPolicy",)
"""``readers``: the stack key's policy, which the program then owns."""
REPLICA_SECRET_ACTIONS = (
    "secretsmanager:ReplicateSecretToRegions",
    "secretsmanager:RemoveRegionsFromReplication",
)
"""``replicaRegions``: the secret's replicas (``components.replica_regions``)."""

ContextValue = str | tuple[str, ...]


@dataclass(frozen=True)
class Request:
    """Actions AWS authorizes on one resource with one request context."""

    actions: tuple[str, ...]
    resource: str
    why: str
    """What in the deploy sends it, for the report."""
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    known: tuple[str, ...] = ()
    """Context keys (or prefixes ending in ``/`` or ``:``) whose every value is in ``context``:
    one of them the simulator reports missing is absent on AWS too, so it decides nothing
    preflight does not know."""

    def context_entries(self) -> list[ContextEntryTypeDef]:
        """``ContextEntries`` of ``iam:SimulatePrincipalPolicy``: a list is a ``stringList``."""
        return [
            {
                "ContextKeyName": key,
                "ContextKeyValues": list(value) if isinstance(value, tuple) else [value],
                "ContextKeyType": "stringList" if isinstance(value, tuple) else "string",
            }
            for key, value in sorted(self.context.items())
        ]

    def unknown(self, missing: Sequence[str]) -> list[str]:
        """The missing context keys preflight could not have supplied."""
        return sorted(
            {
                key
                for key in missing
                if key not in self.known
                and not any(
                    key.startswith(prefix) for prefix in self.known if prefix.endswith(("/", ":"))
                )
            }
        )


@dataclass(frozen=True)
class Key:
    """A KMS key as the deploy will meet it: its ARN and, when read, its tags."""

    arn: str
    tags: Mapping[str, str] | None
    """None when the tags could not be read: the resource-tag context is then incomplete."""


def find_key(kms: KMSClient, key_id: str) -> Key | None:
    """The key an alias or id names, with its tags; None if it cannot be described.

    Only reads (``kms:DescribeKey``, ``kms:ListResourceTags``), both of which the deployer
    document grants on the backend and stack keys.
    """
    try:
        arn = str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"])
    except (ClientError, BotoCoreError, ResponseParserError, KeyError):
        return None
    try:
        pages = kms.get_paginator("list_resource_tags").paginate(KeyId=arn)
        tags = {tag["TagKey"]: tag["TagValue"] for page in pages for tag in page.get("Tags", [])}
    except (ClientError, BotoCoreError, ResponseParserError, KeyError):
        return Key(arn, None)
    return Key(arn, tags)


def _if_readers(config: StackConfig | None, actions: tuple[str, ...]) -> tuple[str, ...]:
    """``actions`` when a client has readers in other accounts, else none."""
    return actions if config and any(client.readers for client in config.clients) else ()


def _tag_context(tags: Mapping[str, str], *prefixes: str) -> dict[str, ContextValue]:
    return {f"{prefix}{key}": value for prefix in prefixes for key, value in tags.items()}


def _request_tags(tags: Mapping[str, str]) -> dict[str, ContextValue]:
    return {**_tag_context(tags, REQUEST_TAG), TAG_KEYS: tuple(sorted(tags))}


def _on_key(
    actions: tuple[str, ...],
    key: Key,
    why: str,
    context: Mapping[str, ContextValue] | None = None,
    known: tuple[str, ...] = (),
) -> Request:
    """A request on an existing key, its tags as ``aws:ResourceTag`` (complete if read).

    No such call carries tags of its own, so ``aws:RequestTag``/``aws:TagKeys`` are known absent.
    """
    tags = key.tags or {}
    complete = (RESOURCE_TAG,) if key.tags is not None else ()
    return Request(
        actions,
        key.arn,
        why,
        {**_tag_context(tags, RESOURCE_TAG), **(context or {})},
        (*complete, REQUEST_TAG, TAG_KEYS, *known),
    )


@dataclass(frozen=True)
class Keys:
    """The keys the deploy touches, as found before the simulation (None: not found)."""

    state: Key | None
    secrets_provider: Key | None
    stack: Key | None


def find_keys(context: Context) -> Keys:
    """Look up the state key (bootstrap's alias, the bucket's region), the secrets-provider
    key (the URL's key, its region) and the stack key (``secretsKmsKeyId`` or the program's
    alias, the stack's region)."""

    def lookup(key_id: str | None, region: str) -> Key | None:
        if not key_id:
            return None
        try:
            kms = connect(region, context.endpoint_url).kms
        except BackendError:
            return None
        return find_key(kms, key_id)

    url = parse_url(context.secrets_override or context.secrets_provider or "")
    configured = context.config.secrets_kms_key_id if context.config else None
    return Keys(
        state=lookup(DEFAULT_STATE_KEY_ALIAS, context.bucket_region),
        secrets_provider=lookup(url.key_id, url.region or context.bucket_region) if url else None,
        stack=lookup(configured or alias_name(context.stack), context.aws_region),
    )


def state_requests(context: Context, identity: Identity, keys: Keys) -> list[Request]:
    """The DIY backend: list the bucket, read and write the stack's state through the state key."""
    bucket = f"arn:{identity.partition}:s3:::{context.bucket}"
    state = f"{bucket}/.pulumi/stacks/{context.project}/{context.stack}.json"
    requests = [
        Request(("s3:ListBucket",), bucket, "the state bucket"),
        Request(STATE_OBJECT_ACTIONS, state, "the stack's state object"),
    ]
    if keys.state is not None:
        requests.append(
            _on_key(
                ("kms:GenerateDataKey", "kms:Decrypt"),
                keys.state,
                "the state object's SSE-KMS key, through S3",
                {VIA_SERVICE: f"s3.{context.bucket_region}.amazonaws.com"},
            )
        )
    return requests


def secrets_provider_request(context: Context, keys: Keys) -> list[Request]:
    """gocloud's ``awskms`` keeper: Decrypt of ``encryptedkey`` (Encrypt when there is none)."""
    url = parse_url(context.secrets_override or context.secrets_provider or "")
    if url is None or keys.secrets_provider is None:
        return []
    actions = ("kms:Decrypt",) if context.encrypted_key else ("kms:Encrypt", "kms:Decrypt")
    return [
        _on_key(
            actions,
            keys.secrets_provider,
            "the secrets-provider key, called directly",
            _tag_context(url.encryption_context, ENCRYPTION_CONTEXT),
            (VIA_SERVICE, ENCRYPTION_CONTEXT),
        )
    ]


def stack_key_requests(
    context: Context, identity: Identity, keys: Keys, tags: Mapping[str, str], tags_known: bool
) -> list[Request]:
    """The stack's own key: created tagged, aliased, managed, used through Secrets Manager.

    With ``secretsKmsKeyId`` set the program creates nothing and only uses that key through
    Secrets Manager; its tags are whatever that key has.
    """
    via: dict[str, ContextValue] = {
        VIA_SERVICE: f"secretsmanager.{context.aws_region}.amazonaws.com"
    }
    kms = f"arn:{identity.partition}:kms:{context.aws_region}:{identity.account}"
    config = context.config
    configured = config.secrets_kms_key_id if config is not None else None
    if configured:
        # A key the caller may not describe is still simulated when its ARN is known, tags unknown.
        found = keys.stack or (Key(configured, None) if ":key/" in configured else None)
        if found is None:
            return []
        why = "the configured secretsKmsKeyId, through Secrets Manager"
        return [_on_key(THROUGH_SECRETS_MANAGER, found, why, via)]
    complete = (REQUEST_TAG, TAG_KEYS) if tags_known else ()
    # Before the first deploy the key does not exist: it will carry exactly the program's tags.
    key = keys.stack or Key(f"{kms}:{EXAMPLE_KEY}", tags if tags_known else None)
    alias = f"{kms}:{alias_name(context.stack)}"
    return [
        Request(
            ("kms:CreateKey",),
            "*",
            "CreateKey with the stack's tags",
            _request_tags(tags),
            (*complete, RESOURCE_TAG),
        ),
        Request(
            ("kms:TagResource",),
            key.arn,
            "CreateKey's tags on the new key",
            _request_tags(tags),
            (*complete, RESOURCE_TAG),
        ),
        Request(("kms:ListAliases",), "*", "finding the stack key's alias"),
        Request(
            STACK_KEY_ALIAS_ACTIONS,
            alias,
            "the stack key's alias",
            {},
            (RESOURCE_TAG, REQUEST_TAG, TAG_KEYS),
        ),
        _on_key(STACK_KEY_ALIAS_ACTIONS, key, "the alias's target key"),
        _on_key(
            (*STACK_KEY_MANAGE_ACTIONS, *_if_readers(config, READER_KEY_ACTIONS)),
            key,
            "the stack key",
        ),
        _on_key(THROUGH_SECRETS_MANAGER, key, "the stack key, through Secrets Manager", via),
    ]


def secret_requests(
    context: Context, identity: Identity, tags: Mapping[str, str], tags_known: bool
) -> list[Request]:
    """A client secret (the first configured client stands for all): created, then managed."""
    config = context.config
    client = config.clients[0].name if config and config.clients else "x"
    name = secret_name(context.stack, client)
    arn = (
        f"arn:{identity.partition}:secretsmanager:{context.aws_region}:{identity.account}:"
        f"secret:{name}{EXAMPLE_SUFFIX}"
    )
    own = secret_tags(tags, client)
    complete = (REQUEST_TAG, TAG_KEYS) if tags_known else ()
    return [
        Request(
            ("secretsmanager:CreateSecret",),
            arn,
            "CreateSecret with its name and tags",
            {**_request_tags(own), SM_NAME_KEY: name},
            (*complete, RESOURCE_TAG),
        ),
        Request(
            ("secretsmanager:TagResource",),
            arn,
            "CreateSecret's tags",
            _request_tags(own),
            (*complete, RESOURCE_TAG),
        ),
        Request(
            (
                *SECRET_ACTIONS,
                *_if_readers(config, READER_SECRET_ACTIONS),
                *(REPLICA_SECRET_ACTIONS if config and config.replica_regions else ()),
            ),
            arn,
            "the secret and its versions",
            _tag_context(own, RESOURCE_TAG),
            # UntagResource's aws:TagKeys are the keys it removes: not known here.
            (RESOURCE_TAG, REQUEST_TAG) if tags_known else (REQUEST_TAG,),
        ),
    ]


def unsimulated(context: Context, keys: Keys) -> list[str]:
    """The key uses of the deploy that no request stands for, because their key was not found.

    The state key is looked up by bootstrap's default alias (a bucket set up with
    ``--state-key-alias`` has another), the secrets-provider key by the URL, and a configured
    ``secretsKmsKeyId`` given as an alias by that alias: a key the caller may not describe, or
    that is not there, leaves its use unsimulated, which the report must say instead of "OK".
    """
    url = parse_url(context.secrets_override or context.secrets_provider or "")
    configured = context.config.secrets_kms_key_id if context.config else None
    missing = []
    if keys.state is None:
        missing.append(f"the state key {DEFAULT_STATE_KEY_ALIAS}, through S3")
    if url is not None and keys.secrets_provider is None:
        missing.append(f"the secrets-provider key {shown(url.key_id, 120)}")
    if configured and keys.stack is None and ":key/" not in configured:
        missing.append(f"the configured secretsKmsKeyId {shown(configured, 120)}")
    return missing


def deploy_requests(context: Context, identity: Identity, keys: Keys) -> list[Request]:
    """Every request of a ``pulumi up`` this check simulates, in the order the report names them."""
    config = context.config
    tags = tags_of(context.project, context.stack, config.tags if config else {})
    tags_known = config is not None
    return [
        *state_requests(context, identity, keys),
        *secrets_provider_request(context, keys),
        *stack_key_requests(context, identity, keys, tags, tags_known),
        *secret_requests(context, identity, tags, tags_known),
    ]
