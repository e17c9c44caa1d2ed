"""The AWS calls ``pulumi up``, ``preview``, ``refresh`` and ``destroy`` make for this program.

One row per authorization AWS makes: a resource type's function (or the DIY backend's, or the
secrets provider's) calls an API; AWS authorizes an IAM action on a resource ARN with a request
context, sometimes twice (``kms:CreateAlias`` on the alias and on the key) and sometimes on the
caller's behalf (Secrets Manager and S3 calling KMS, ``kms:ViaService``). Each row says in which
Pulumi operations it happens and where it was read (``tests/iam_calls/sources.py``);
``tests/iam_calls/test_call_table.py`` evaluates it against the document of the role that runs
the operation (``ROLE_OF``), and ``docs/iam-calls.md`` is rendered from it.

Which functions run when, in the Pulumi engine with a bridged provider:
- ``preview`` (no ``--refresh``) diffs the program against the state: Check and Diff run in the
  provider without AWS calls, so only the DIY backend reads (meta, checkpoint, the secrets
  provider's data key). No lock: ``diyBackend.Preview`` takes none, unlike ``Update``.
- ``up`` runs Create, Update and Delete (replacements, removed resources), each followed by the
  resource's Read where the provider does that (read-after-create), and writes the state.
- ``refresh`` runs every resource's Read and writes the state.
- ``destroy`` runs every resource's Delete and writes the state.

Names are the reviewed documents' examples: bucket ``acme-genesys-oauth-secrets-state``, stack
``prod``, client ``ivr-integration``, region us-east-1, moto's account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genesys_oauth_secrets.bootstrap.documents import EXAMPLE_BUCKET, EXAMPLE_CLIENT, EXAMPLE_STACK
from tests.iam_calls import sources as src
from tests.iam_calls.sources import Source
from tests.support.request_context import ACCOUNT, Authorization, default_key_policy

PREVIEW, UP, REFRESH, DESTROY = "preview", "up", "refresh", "destroy"
OPERATIONS = (PREVIEW, UP, REFRESH, DESTROY)
ROLE_OF = {
    PREVIEW: "pr-previewer.json",
    UP: "deployer.json",
    REFRESH: "deployer.json",
    DESTROY: "deployer.json",
}
"""The document of the role that runs each operation (docs/continuous-delivery.md). The
previewer does not refresh (docs/iam.md): PR previews run without ``--refresh``."""

PROJECT = "genesys-oauth-secrets"
REGION = "us-east-1"
BUCKET_ARN = f"arn:aws:s3:::{EXAMPLE_BUCKET}"
STACK_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-11aa-11aa-11aa-111111111111"
STATE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/2222bbbb-22bb-22bb-22bb-222222222222"
PROVIDER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/3333cccc-33cc-33cc-33cc-333333333333"
REPLICA_REGION = "eu-west-1"
REPLICA_KEY = f"arn:aws:kms:{REPLICA_REGION}:{ACCOUNT}:key/4444dddd-44dd-44dd-44dd-444444444444"
"""The key ``create_secrets_key(..., region)`` makes in a replica region: the stack tags too."""
ALIAS = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/genesys-oauth-secrets-{EXAMPLE_STACK}"
SECRET_NAME = f"genesys/oauth/{EXAMPLE_STACK}/{EXAMPLE_CLIENT}"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{SECRET_NAME}-AbCdEf"

STACK_TAGS = {"managed-by": "pulumi", "pulumi-project": PROJECT, "pulumi-stack": EXAMPLE_STACK}
"""``components.tagging.stack_tags`` with no user tags: what the stack key carries."""
SECRET_TAGS = {**STACK_TAGS, "genesys-oauth-client": EXAMPLE_CLIENT}

STACKS = f".pulumi/stacks/{PROJECT}/{EXAMPLE_STACK}.json"
LOCKS = f".pulumi/locks/organization/{PROJECT}/{EXAMPLE_STACK}/"
HISTORY = f".pulumi/history/{PROJECT}/{EXAMPLE_STACK}/{EXAMPLE_STACK}-1767225600000000000"

Context = Mapping[str, str | list[str]]


def _resource_tags(tags: Mapping[str, str]) -> dict[str, str | list[str]]:
    return {f"aws:ResourceTag/{key}": value for key, value in tags.items()}


def _request_tags(tags: Mapping[str, str]) -> dict[str, str | list[str]]:
    return {
        **{f"aws:RequestTag/{key}": value for key, value in tags.items()},
        "aws:TagKeys": sorted(tags),
    }


STACK_KEY_CONTEXT = _resource_tags(STACK_TAGS)
SECRET_CONTEXT: Context = {"secretsmanager:Name": SECRET_NAME, **_resource_tags(SECRET_TAGS)}
STATE_KEY_CONTEXT = _resource_tags({"pulumi-backend-role": "state-bucket"})
PROVIDER_KEY_CONTEXT = _resource_tags({"pulumi-backend-role": "secrets-provider"})


@dataclass(frozen=True)
class Call:
    """One authorization one function causes, in the operations that run that function."""

    resource_type: str
    step: str
    """The function's role for the resource: Create, Read, Update (what changed), Delete."""
    request: Authorization
    source: Source
    operations: frozenset[str]
    when: str = ""
    """The stack config that adds the call (``readers``, ``replicaRegions``); "" always."""

    @property
    def label(self) -> str:
        when = f" [{self.when}]" if self.when else ""
        return f"{self.resource_type} {self.step}{when}"

    @property
    def name(self) -> str:
        via = f" ({self.request.why})" if self.request.why else ""
        return f"{self.label}: {self.request.action} on {self.request.resource}{via}"

    def roles(self) -> list[str]:
        return sorted({ROLE_OF[operation] for operation in self.operations})


def key_request(action: str, **extra: Any) -> Authorization:
    """A request on the stack key, which carries the stack tags and the default key policy."""
    context = {**STACK_KEY_CONTEXT, **extra.pop("context", {})}
    return Authorization(action, STACK_KEY, context, default_key_policy(), **extra)


def secret_request(action: str, context: Context | None = None) -> Authorization:
    return Authorization(action, SECRET, {**SECRET_CONTEXT, **(context or {})})


def via_secretsmanager(action: str, why: str) -> Authorization:
    """Secrets Manager's KMS call with the caller's permissions (encryption context SecretARN)."""
    return key_request(
        action,
        context={
            "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            "kms:EncryptionContext:SecretARN": SECRET,
        },
        why=why,
    )


def _object(action: str, key: str) -> Authorization:
    return Authorization(action, f"{BUCKET_ARN}/{key}")


def _via_s3(action: str, why: str) -> Authorization:
    """S3's KMS call for an SSE-KMS object; with a bucket key the context is the bucket ARN."""
    return Authorization(
        action,
        STATE_KEY,
        {
            **STATE_KEY_CONTEXT,
            "kms:ViaService": f"s3.{REGION}.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN,
        },
        default_key_policy(),
        why=why,
    )


def _list(prefix: str) -> Authorization:
    return Authorization("s3:ListBucket", BUCKET_ARN, {"s3:prefix": prefix})


CHANGES = frozenset({UP})
"""Create and Update run in ``up``."""
READS = frozenset({UP, REFRESH})
"""Read runs after Create/Update in ``up`` (read-after-create) and for every resource in
``refresh``."""
DELETES = frozenset({UP, DESTROY})
"""Delete runs in ``up`` (replacements, removed resources) and in ``destroy``."""
ALL = frozenset(OPERATIONS)
STATE_WRITES = frozenset({UP, REFRESH, DESTROY})

KEY = "aws_kms_key"
KEY_POLICY = "aws_kms_key_policy"
SECRET_POLICY = "aws_secretsmanager_secret_policy"
READERS = "readers"
REPLICAS = "replicaRegions"
ALIAS_TYPE = "aws_kms_alias"
SECRET_TYPE = "aws_secretsmanager_secret"
VERSION = "aws_secretsmanager_secret_version"
DIY = "DIY backend (s3://)"
PROVIDER = "secrets provider (awskms://)"

NEW_KEY_TAGS = _request_tags(STACK_TAGS)
FIND_KEY_INFO = (
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
)
"""The calls ``findKeyInfo`` (key.go) makes to read a key. The key's Read runs it, and so does
the key policy's (``resourceKeyPolicyRead``): both rows list the same four calls."""

CALLS: tuple[Call, ...] = (
    # aws_kms_key: CreateKey with the stack tags, rotation on, then wait for rotation and tags.
    Call(
        KEY,
        "Create",
        Authorization("kms:CreateKey", "*", NEW_KEY_TAGS),
        src.KMS_KEY.fn("resourceKeyCreate"),
        CHANGES,
    ),
    Call(
        KEY,
        "Create",
        Authorization(
            "kms:TagResource", STACK_KEY, NEW_KEY_TAGS, default_key_policy(), "CreateKey with Tags"
        ),
        src.KMS_KEY.fn("resourceKeyCreate"),
        CHANGES,
    ),
    Call(
        KEY,
        "Create",
        key_request("kms:EnableKeyRotation"),
        src.KMS_KEY.fn("updateKeyRotationEnabled"),
        CHANGES,
    ),
    Call(
        KEY,
        "Create",
        key_request("kms:GetKeyRotationStatus"),
        src.KMS_KEY.fn("waitKeyRotationEnabledPropagated"),
        CHANGES,
    ),
    Call(
        KEY,
        "Create",
        key_request("kms:ListResourceTags"),
        src.KMS_TAGS.fn("waitTagsPropagated"),
        CHANGES,
    ),
    *(
        Call(KEY, "Read", key_request(action), src.KMS_KEY.fn("findKeyInfo"), READS)
        for action in FIND_KEY_INFO
    ),
    Call(
        KEY,
        "Update (description)",
        key_request("kms:UpdateKeyDescription"),
        src.KMS_KEY.fn("updateKeyDescription"),
        CHANGES,
    ),
    Call(
        KEY,
        "Update (description)",
        key_request("kms:DescribeKey"),
        src.KMS_KEY.fn("waitKeyDescriptionPropagated"),
        CHANGES,
    ),
    Call(
        KEY,
        "Update (tags)",
        key_request("kms:TagResource", context=_request_tags({"owner": "platform"})),
        src.KMS_TAGS.fn("updateTags"),
        CHANGES,
    ),
    Call(
        KEY,
        "Update (tags)",
        key_request("kms:UntagResource", context={"aws:TagKeys": ["owner"]}),
        src.KMS_TAGS.fn("updateTags"),
        CHANGES,
    ),
    Call(
        KEY,
        "Delete",
        key_request("kms:ScheduleKeyDeletion"),
        src.KMS_KEY.fn("resourceKeyDelete"),
        DELETES,
    ),
    Call(KEY, "Delete", key_request("kms:DescribeKey"), src.KMS_KEY.fn("waitKeyDeleted"), DELETES),
    # aws_kms_alias: CreateAlias/UpdateAlias/DeleteAlias are authorized on the alias and the key.
    Call(
        ALIAS_TYPE,
        "Create",
        Authorization("kms:CreateAlias", ALIAS),
        src.KMS_ALIAS.fn("resourceAliasCreate"),
        CHANGES,
    ),
    Call(
        ALIAS_TYPE,
        "Create",
        key_request("kms:CreateAlias"),
        src.KMS_ALIAS.fn("resourceAliasCreate"),
        CHANGES,
    ),
    Call(
        ALIAS_TYPE,
        "Read",
        Authorization("kms:ListAliases", "*"),
        src.KMS_FIND.fn("FindAliasByName"),
        READS,
    ),
    Call(
        ALIAS_TYPE,
        "Update (target key)",
        Authorization("kms:UpdateAlias", ALIAS),
        src.KMS_ALIAS.fn("resourceAliasUpdate"),
        CHANGES,
    ),
    Call(
        ALIAS_TYPE,
        "Update (target key)",
        key_request("kms:UpdateAlias"),
        src.KMS_ALIAS.fn("resourceAliasUpdate"),
        CHANGES,
    ),
    Call(
        ALIAS_TYPE,
        "Delete",
        Authorization("kms:DeleteAlias", ALIAS),
        src.KMS_ALIAS.fn("resourceAliasDelete"),
        DELETES,
    ),
    Call(
        ALIAS_TYPE,
        "Delete",
        key_request("kms:DeleteAlias"),
        src.KMS_ALIAS.fn("resourceAliasDelete"),
        DELETES,
    ),
    # aws_secretsmanager_secret: CreateSecret with tags and the stack key, no value.
    Call(
        SECRET_TYPE,
        "Create",
        Authorization(
            "secretsmanager:CreateSecret",
            SECRET,
            {
                "secretsmanager:Name": SECRET_NAME,
                "secretsmanager:KmsKeyId": STACK_KEY,
                **_request_tags(SECRET_TAGS),
            },
        ),
        src.SECRET.fn("resourceSecretCreate"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Create",
        Authorization(
            "secretsmanager:TagResource",
            SECRET,
            {"secretsmanager:Name": SECRET_NAME, **_request_tags(SECRET_TAGS)},
            why="CreateSecret with Tags",
        ),
        src.SECRET.fn("resourceSecretCreate"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Create",
        secret_request("secretsmanager:DescribeSecret"),
        src.SECRET.fn("resourceSecretCreate (findSecretByID)"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Read",
        secret_request("secretsmanager:DescribeSecret"),
        src.SECRET.fn("resourceSecretRead (findSecretByID)"),
        READS,
    ),
    Call(
        SECRET_TYPE,
        "Read",
        secret_request("secretsmanager:GetResourcePolicy"),
        src.SECRET.fn("resourceSecretRead (findSecretPolicyByID)"),
        READS,
    ),
    Call(
        SECRET_TYPE,
        "Update (description)",
        secret_request("secretsmanager:UpdateSecret"),
        src.SECRET.fn("resourceSecretUpdate"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Update (tags)",
        secret_request("secretsmanager:TagResource", _request_tags({"owner": "platform"})),
        src.SECRET.fn("@Tags interceptor: updateTags"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Update (tags)",
        secret_request("secretsmanager:UntagResource", {"aws:TagKeys": ["owner"]}),
        src.SECRET.fn("@Tags interceptor: updateTags"),
        CHANGES,
    ),
    Call(
        SECRET_TYPE,
        "Delete",
        secret_request("secretsmanager:DeleteSecret"),
        src.SECRET.fn("resourceSecretDelete"),
        DELETES,
    ),
    Call(
        SECRET_TYPE,
        "Delete",
        secret_request("secretsmanager:DescribeSecret"),
        src.SECRET.fn("resourceSecretDelete (findSecretByID)"),
        DELETES,
    ),
    # aws_secretsmanager_secret_version: PutSecretValue, then GetSecretValue until it is there.
    Call(
        VERSION,
        "Create",
        secret_request("secretsmanager:PutSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionCreate"),
        CHANGES,
    ),
    Call(
        VERSION,
        "Create",
        via_secretsmanager("kms:GenerateDataKey", "PutSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionCreate"),
        CHANGES,
    ),
    Call(
        VERSION,
        "Create",
        secret_request("secretsmanager:GetSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionCreate (findSecretVersionByTwoPartKey)"),
        CHANGES,
    ),
    Call(
        VERSION,
        "Read",
        secret_request("secretsmanager:GetSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionRead (findSecretVersionByTwoPartKey)"),
        READS,
    ),
    Call(
        VERSION,
        "Read",
        via_secretsmanager("kms:Decrypt", "GetSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionRead (findSecretVersionByTwoPartKey)"),
        READS,
    ),
    Call(
        VERSION,
        "Delete (stages other than AWSCURRENT in state)",
        secret_request("secretsmanager:UpdateSecretVersionStage"),
        src.SECRET_VERSION.fn("resourceSecretVersionDelete"),
        DELETES,
    ),
    Call(
        VERSION,
        "Delete",
        secret_request("secretsmanager:GetSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionDelete (findSecretVersionByTwoPartKey)"),
        DELETES,
    ),
    Call(
        VERSION,
        "Delete",
        via_secretsmanager("kms:Decrypt", "GetSecretValue"),
        src.SECRET_VERSION.fn("resourceSecretVersionDelete (findSecretVersionByTwoPartKey)"),
        DELETES,
    ),
    # readers: a secret resource policy per client, a key policy on each key the program made.
    Call(
        SECRET_POLICY,
        "Create, Update",
        secret_request("secretsmanager:PutResourcePolicy"),
        src.SECRET_POLICY.fn("resourceSecretPolicyCreate, resourceSecretPolicyUpdate"),
        CHANGES,
        READERS,
    ),
    Call(
        SECRET_POLICY,
        "Read",
        secret_request("secretsmanager:GetResourcePolicy"),
        src.SECRET_POLICY.fn("resourceSecretPolicyRead"),
        READS,
        READERS,
    ),
    Call(
        SECRET_POLICY,
        "Delete",
        secret_request("secretsmanager:DeleteResourcePolicy"),
        src.SECRET_POLICY.fn("resourceSecretPolicyDelete"),
        DELETES,
        READERS,
    ),
    Call(
        KEY_POLICY,
        "Create, Update",
        key_request("kms:PutKeyPolicy"),
        src.KMS_KEY.fn("updateKeyPolicy (from resourceKeyPolicyCreate/Update)"),
        CHANGES,
        READERS,
    ),
    Call(
        KEY_POLICY,
        "Create, Update",
        key_request("kms:GetKeyPolicy"),
        src.KMS_KEY.fn("waitKeyPolicyPropagated"),
        CHANGES,
        READERS,
    ),
    *(
        Call(
            KEY_POLICY,
            "Read",
            key_request(action),
            src.KMS_KEY_POLICY.fn("resourceKeyPolicyRead (findKeyInfo in key.go)"),
            READS,
            READERS,
        )
        for action in FIND_KEY_INFO
    ),
    Call(
        KEY_POLICY,
        "Delete (restores the default key policy)",
        key_request("kms:PutKeyPolicy"),
        src.KMS_KEY_POLICY.fn("resourceKeyPolicyDelete (updateKeyPolicy)"),
        DELETES,
        READERS,
    ),
    # replicaRegions: CreateSecret with AddReplicaRegions, then replicas added or removed.
    Call(
        SECRET_TYPE,
        "Create",
        secret_request("secretsmanager:ReplicateSecretToRegions"),
        src.BOTOCORE_SECRETSMANAGER.fn("CreateSecret: Required permissions (AddReplicaRegions)"),
        CHANGES,
        REPLICAS,
    ),
    Call(
        SECRET_TYPE,
        "Update (replica added)",
        secret_request("secretsmanager:ReplicateSecretToRegions"),
        src.SECRET.fn("addSecretReplicas"),
        CHANGES,
        REPLICAS,
    ),
    Call(
        SECRET_TYPE,
        "Create, Update (replica added)",
        via_secretsmanager("kms:Decrypt", "replication reads the primary"),
        src.BOTOCORE_SECRETSMANAGER.fn("ReplicateSecretToRegions: Required permissions"),
        CHANGES,
        REPLICAS,
    ),
    *(
        Call(
            SECRET_TYPE,
            "Create, Update (replica added)",
            Authorization(
                action,
                REPLICA_KEY,
                {
                    **STACK_KEY_CONTEXT,
                    "kms:ViaService": f"secretsmanager.{REPLICA_REGION}.amazonaws.com",
                },
                default_key_policy(),
                why="replication writes the replica",
            ),
            src.BOTOCORE_SECRETSMANAGER.fn("ReplicateSecretToRegions: Required permissions"),
            CHANGES,
            REPLICAS,
        )
        for action in ("kms:GenerateDataKey", "kms:Encrypt")
    ),
    Call(
        SECRET_TYPE,
        "Update (replica removed), Delete",
        secret_request("secretsmanager:RemoveRegionsFromReplication"),
        src.SECRET.fn("removeSecretReplicas"),
        DELETES,
        REPLICAS,
    ),
    # The DIY backend: gocloud blob over S3 (ReadAll = GetObject, WriteAll = PutObject,
    # Exists = HeadObject, List = ListObjectsV2, Copy = CopyObject, Delete = DeleteObject).
    *(
        Call(DIY, step, request, source, operations)
        for step, request, source, operations in (
            (
                "open the backend",
                _object("s3:GetObject", ".pulumi/meta.yaml"),
                src.DIY_META.fn("readPulumiMeta"),
                ALL,
            ),
            (
                "open the backend",
                _via_s3("kms:Decrypt", "GetObject (SSE-KMS)"),
                src.DIY_META.fn("readPulumiMeta"),
                ALL,
            ),
            (
                "find the checkpoint",
                _list(STACKS),
                src.DIY_STATE.fn("stackPath (bucket.List)"),
                ALL,
            ),
            (
                "read the checkpoint",
                _object("s3:GetObject", STACKS),
                src.DIY_STATE.fn("stackExists (Exists: HeadObject), getCheckpoint (ReadAll)"),
                ALL,
            ),
            ("lock", _list(LOCKS), src.DIY_LOCK.fn("checkForLock (listBucket)"), STATE_WRITES),
            (
                "lock",
                _object("s3:PutObject", f"{LOCKS}0b1a9c3e-0000-4000-8000-000000000000.json"),
                src.DIY_LOCK.fn("Lock (WriteAll)"),
                STATE_WRITES,
            ),
            (
                "write an object",
                _via_s3("kms:GenerateDataKey", "PutObject (SSE-KMS)"),
                src.S3BLOB.fn("writer.open (PutObject through the upload manager)"),
                STATE_WRITES,
            ),
            (
                "unlock",
                _object("s3:DeleteObject", f"{LOCKS}0b1a9c3e-0000-4000-8000-000000000000.json"),
                src.DIY_LOCK.fn("Unlock (Delete)"),
                STATE_WRITES,
            ),
            (
                "save the checkpoint",
                _object("s3:GetObject", STACKS),
                src.DIY_STATE.fn("saveCheckpoint: backupTarget (Exists: HeadObject; Copy source)"),
                STATE_WRITES,
            ),
            (
                "save the checkpoint",
                _object("s3:PutObject", f"{STACKS}.bak"),
                src.DIY_STATE.fn("saveCheckpoint: backupTarget (Copy: CopyObject)"),
                STATE_WRITES,
            ),
            (
                "save the checkpoint",
                _object("s3:PutObject", STACKS),
                src.DIY_STATE.fn("saveCheckpoint (WriteAll)"),
                STATE_WRITES,
            ),
            (
                "record the update",
                _object("s3:PutObject", f"{HISTORY}.history.json"),
                src.DIY_STATE.fn("addToHistory (WriteAll)"),
                STATE_WRITES,
            ),
            (
                "record the update",
                _object("s3:PutObject", f"{HISTORY}.checkpoint.json"),
                src.DIY_STATE.fn("addToHistory (Copy: CopyObject)"),
                STATE_WRITES,
            ),
        )
    ),
    Call(
        PROVIDER,
        "decrypt the stack's data key (encryptedkey)",
        Authorization("kms:Decrypt", PROVIDER_KEY, PROVIDER_KEY_CONTEXT, default_key_policy()),
        src.AWSKMS.fn("keeper.Decrypt (no EncryptionContext without context_* URL params)"),
        ALL,
    ),
)
"""Every tabled authorization. ``up``'s Create/Update/Delete rows need the change to happen
(a new client creates a secret and a version, a rotation replaces a version, a removed client
deletes its secret); rows are judged as if it did."""
