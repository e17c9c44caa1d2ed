"""Create, or check and repair, the DIY state bucket and the two KMS keys before ``pulumi up``.

Two keys, on purpose: the bucket's SSE-KMS key protects the state file at rest, the
secrets-provider key (``awskms://``) protects each secret inside it. Principals that only read
the state file (this audit, a backup job) need the first one only; whoever runs Pulumi on the
stack (preview, up, a StackReference to it) needs both. One key for both would let every state
reader decrypt every client secret.

Idempotent: every setting is read back and compared before anything is written, so a second run
changes nothing and says so. On a bucket that already exists, a setting that differs is a
violation: listed always, changed only with ``--fix`` (an existing bucket may be someone's
deliberate choice). Everything created is recorded in the journal as it happens, so a failure
halfway reports exactly what was left behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from genesys_oauth_secrets.shared.aws import AwsClients
from genesys_oauth_secrets.shared.errors import (
    AccessDenied,
    BackendError,
    BucketOwnedElsewhere,
    KeyAliasTaken,
    UsageError,
    error_code,
    translate,
)
from genesys_oauth_secrets.shared.names import (
    validate_alias,
    validate_bucket_name,
    validate_pulumi_name,
)

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client

DEFAULT_KEY_ALIAS = "alias/pulumi-genesys-oauth-secrets"
DEFAULT_STATE_KEY_ALIAS = "alias/pulumi-genesys-oauth-secrets-state"
DEFAULT_NONCURRENT_DAYS = 90
MAX_NONCURRENT_DAYS = 36500
"""A century: S3 documents no maximum; a longer retention is a typo, not a policy."""
ROLE_TAG = "pulumi-backend-role"
"""Tag that marks a key as created by bootstrap for one role; an alias on an untagged key is
someone else's and is never taken over silently."""
SECRETS_ROLE = "secrets-provider"
STATE_ROLE = "state-bucket"
TLS_STATEMENT_ID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "expire-noncurrent-state-versions"
LIVE_STATE_KEYS = (".pulumi/stacks/", ".pulumi/meta.yaml")
"""What the DIY backend cannot lose: each stack's state, and the file saying how they are laid
out. Backups, history and locks under ``.pulumi/`` may expire (a history rule is a fair choice)."""

_NOT_FOUND = frozenset(
    {
        "NoSuchBucketPolicy",
        "NoSuchLifecycleConfiguration",
        "NoSuchPublicAccessBlockConfiguration",
        "OwnershipControlsNotFoundError",
        "ServerSideEncryptionConfigurationNotFoundError",
    }
)


@dataclass(frozen=True)
class BootstrapSettings:
    """What to create; every field has the project's default except bucket and region."""

    bucket: str
    region: str
    key_alias: str = DEFAULT_KEY_ALIAS
    state_key_alias: str = DEFAULT_STATE_KEY_ALIAS
    noncurrent_days: int = DEFAULT_NONCURRENT_DAYS
    stack: str = "prod"


@dataclass
class Journal:
    """What bootstrap did and found, printed line by line as it happens."""

    emit: Callable[[str], None]
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def create(self, what: str) -> None:
        """A resource that did not exist before this run."""
        self.created.append(what)
        self.emit(f"created    {what}")

    def change(self, what: str) -> None:
        """A setting written on a resource this run created or was told to fix."""
        self.changed.append(what)
        self.emit(f"set        {what}")

    def ok(self, what: str) -> None:
        """A setting read back and found as expected."""
        self.emit(f"ok         {what}")

    def violation(self, what: str, found: str, *, fixed: bool) -> None:
        """A setting that differs; fixed now, or left for ``--fix``."""
        if fixed:
            self.changed.append(what)
            self.emit(f"fixed      {what} (was: {found})")
        else:
            self.violations.append(what)
            self.emit(f"VIOLATION  {what}: found {found}")


def aws_call(service: str, target: str, action: Callable[[], Any]) -> Any:
    """Run one AWS call, turning its errors into messages that name the fix."""
    try:
        return action()
    except (ClientError, BotoCoreError) as error:
        raise translate(error, service=service, target=target) from error


def aws_read(
    service: str, target: str, action: Callable[[], Any], *, absent: Collection[str]
) -> Any:
    """The answer of a read, or None when AWS answers one of the ``absent`` codes (the thing or
    setting does not exist, which bootstrap then creates); other errors name the fix."""
    try:
        return action()
    except ClientError as error:
        if error_code(error) in absent:
            return None
        raise translate(error, service=service, target=target) from error
    except BotoCoreError as error:
        raise translate(error, service=service, target=target) from error


def _read_optional(target: str, action: Callable[[], Any]) -> Any:
    """A bucket setting, or None when it was never configured (S3 answers "not found")."""
    return aws_read("s3", target, action, absent=_NOT_FOUND)


def _probe_bucket(s3: S3Client, settings: BootstrapSettings, account: str) -> bool:
    """True if the bucket exists and is ours, False if it does not exist.

    A 403 stops the run before anything is created. ``ExpectedBucketOwner`` makes S3 answer 403
    for another account's bucket, and S3 also answers 403 when the bucket is ours but we lack
    s3:ListBucket. Nothing we may call tells the two apart: CreateBucket cannot, because in
    us-east-1 it answers 200 for a bucket you already own, and the existing state bucket would
    then be reported as created by this run.
    """
    bucket = settings.bucket
    target = f"s3://{bucket}"
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
    except ClientError as error:
        code = error_code(error)
        if code in {"404", "NoSuchBucket"}:
            return False
        if code in {"403", "AccessDenied"}:
            raise AccessDenied(
                f"{target} exists but this identity cannot read it (HeadBucket answered 403): "
                "grant s3:ListBucket on it to the principal you run as (`aws sts "
                "get-caller-identity`), which Pulumi's DIY backend needs too, and rerun; if "
                "another AWS account owns the bucket, choose another name"
            ) from error
        raise translate(error, service="s3", target=target) from error
    except BotoCoreError as error:
        raise translate(error, service="s3", target=target) from error
    return True


def _owned_elsewhere(bucket: str) -> BucketOwnedElsewhere:
    return BucketOwnedElsewhere(
        f"the bucket name {bucket!r} is taken by another AWS account (bucket names are global): "
        "choose another name, e.g. with your account id or org as a prefix"
    )


def _inspect_key(kms: KMSClient, alias: str, role: str) -> Any:
    """The metadata of the key behind ``alias`` (None if the alias is free); read-only.

    Runs for both aliases before anything is created, so a taken alias fails the run cleanly.
    """
    described = aws_read(
        "kms", alias, lambda: kms.describe_key(KeyId=alias), absent={"NotFoundException"}
    )
    if described is None:
        return None
    meta = described["KeyMetadata"]
    key_id = meta["KeyId"]
    tags = aws_call("kms", alias, lambda: kms.list_resource_tags(KeyId=key_id))["Tags"]
    if {tag["TagKey"]: tag["TagValue"] for tag in tags}.get(ROLE_TAG) != role:
        raise KeyAliasTaken(
            f"{alias} already points at KMS key {key_id} ({meta.get('Description') or 'no '}"
            f"description), which bootstrap did not create as the {role} key: choose another "
            f"alias, or adopt that key by tagging it {ROLE_TAG}={role} after checking its key "
            "policy and rotation"
        )
    if meta["KeyState"] == "PendingDeletion":
        raise BackendError(
            f"the KMS key behind {alias} ({key_id}) is scheduled for deletion: cancel it with "
            f"`aws kms cancel-key-deletion --key-id {key_id}` before anything depends on it"
        )
    return meta


def _ensure_key(
    kms: KMSClient,
    alias: str,
    meta: Any,
    *,
    role: str,
    description: str,
    fix: bool,
    journal: Journal,
) -> str:
    """The ARN of the key behind ``alias``: created if ``meta`` is None, else checked."""
    if meta is None:
        return _create_key(kms, alias, role=role, description=description, journal=journal)
    key_id = meta["KeyId"]
    if meta["KeyState"] != "Enabled":
        journal.violation(f"{alias} enabled", meta["KeyState"], fixed=fix)
        if fix:
            aws_call("kms", alias, lambda: kms.enable_key(KeyId=key_id))
    rotation = aws_call("kms", alias, lambda: kms.get_key_rotation_status(KeyId=key_id))
    if rotation["KeyRotationEnabled"]:
        journal.ok(f"{alias} -> {meta['Arn']}, rotation on")
    else:
        journal.violation(f"{alias} key rotation on", "rotation off", fixed=fix)
        if fix:
            aws_call("kms", alias, lambda: kms.enable_key_rotation(KeyId=key_id))
    return str(meta["Arn"])


def _create_key(
    kms: KMSClient, alias: str, *, role: str, description: str, journal: Journal
) -> str:
    meta = aws_call(
        "kms",
        alias,
        lambda: kms.create_key(
            Description=description,
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
            Tags=[
                {"TagKey": ROLE_TAG, "TagValue": role},
                {"TagKey": "managed-by", "TagValue": "state_backend bootstrap"},
            ],
        ),
    )["KeyMetadata"]
    journal.create(f"KMS key {meta['Arn']} ({role})")
    aws_call("kms", alias, lambda: kms.enable_key_rotation(KeyId=meta["KeyId"]))
    journal.change(f"{meta['KeyId']} key rotation on")
    try:
        kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    except ClientError as error:
        if error_code(error) == "AlreadyExistsException":
            raise KeyAliasTaken(
                f"{alias} was created by someone else while this run created key "
                f"{meta['KeyId']}; that key now has no alias: schedule its deletion with "
                f"`aws kms schedule-key-deletion --key-id {meta['KeyId']} "
                "--pending-window-in-days 7` and rerun"
            ) from error
        raise translate(error, service="kms", target=alias) from error
    except BotoCoreError as error:
        raise translate(error, service="kms", target=alias) from error
    journal.create(f"alias {alias} -> {meta['KeyId']}")
    return str(meta["Arn"])


@dataclass(frozen=True)
class BucketSetting:
    """One baseline setting: how to find what differs (None = compliant) and how to apply it."""

    name: str
    differs: Callable[[], str | None]
    apply: Callable[[], object]


def _tls_statement(bucket_arn: str) -> dict[str, Any]:
    return {
        "Sid": TLS_STATEMENT_ID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _denies_plain_http(statement: dict[str, Any], bucket_arn: str) -> bool:
    """A statement that denies every principal every S3 action over plain HTTP, bucket-wide.

    A policy is JSON someone wrote: any part may have another shape, which is then no match.
    """
    condition = _member(_member(statement, "Condition"), "Bool")
    secure_transport = _as_list(_member(condition, "aws:SecureTransport"))
    return (
        statement.get("Effect") == "Deny"
        and statement.get("Principal") in ("*", {"AWS": "*"})
        and "s3:*" in _as_list(statement.get("Action"))
        and {bucket_arn, f"{bucket_arn}/*"} <= set(map(str, _as_list(statement.get("Resource"))))
        and bool(secure_transport)
        and str(secure_transport[0]).lower() == "false"
    )


def _member(value: object, key: str) -> object:
    """``value[key]`` if ``value`` is an object holding it, else None."""
    return value.get(key) if isinstance(value, dict) else None


def _whole_bucket(rule: dict[str, Any]) -> bool:
    rule_filter = rule.get("Filter")
    return (rule_filter in (None, {}, {"Prefix": ""})) and rule.get("Prefix", "") == ""


def expires_current_state(rule: dict[str, Any]) -> bool:
    """An enabled rule whose ``Expiration`` (of current versions) can reach the live state.

    In a versioned bucket that puts a delete marker on the live state: the stack vanishes for
    Pulumi. A rule reaches the state unless its prefix points elsewhere or it needs a tag (Pulumi
    tags no object); a size condition does not protect the state, so it is ignored.
    ``ExpiredObjectDeleteMarker`` alone only tidies markers and is harmless.
    """
    expiration = rule.get("Expiration", {})
    if rule.get("Status") != "Enabled" or not ({"Days", "Date"} & expiration.keys()):
        return False
    rule_filter = rule.get("Filter") or {}
    condition = rule_filter.get("And", rule_filter)
    if "Tag" in condition or condition.get("Tags"):
        return False
    prefix = str(condition.get("Prefix", rule.get("Prefix", "")))
    return any(key.startswith(prefix) or prefix.startswith(key) for key in LIVE_STATE_KEYS)


def bucket_settings(
    clients: AwsClients, settings: BootstrapSettings, state_key_arn: str, partition: str
) -> list[BucketSetting]:
    """The baseline of the state bucket, each setting read back the way S3 reports it."""
    s3 = clients.s3
    bucket = settings.bucket
    target = f"s3://{bucket}"
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    days = settings.noncurrent_days
    block_all = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }

    def versioning() -> str | None:
        status = aws_call("s3", target, lambda: s3.get_bucket_versioning(Bucket=bucket)).get(
            "Status"
        )
        return None if status == "Enabled" else f"versioning {status or 'never enabled'}"

    def encryption() -> str | None:
        config = _read_optional(target, lambda: s3.get_bucket_encryption(Bucket=bucket))
        rules = config["ServerSideEncryptionConfiguration"]["Rules"] if config else []
        rule = rules[0] if rules else {}
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        if default.get("SSEAlgorithm") != "aws:kms":
            return f"default encryption {default.get('SSEAlgorithm') or 'none'}"
        if not _same_key(clients.kms, default.get("KMSMasterKeyID", ""), state_key_arn):
            return "SSE-KMS with another key"
        return None if rule.get("BucketKeyEnabled") else "SSE-KMS without a bucket key"

    def public_access() -> str | None:
        config = _read_optional(target, lambda: s3.get_public_access_block(Bucket=bucket))
        current = config["PublicAccessBlockConfiguration"] if config else {}
        off = sorted(name for name in block_all if not current.get(name))
        return f"not blocked: {', '.join(off)}" if off else None

    def ownership() -> str | None:
        config = _read_optional(target, lambda: s3.get_bucket_ownership_controls(Bucket=bucket))
        rules = config["OwnershipControls"]["Rules"] if config else []
        found = rules[0]["ObjectOwnership"] if rules else "not set"
        return None if found == "BucketOwnerEnforced" else f"object ownership {found}"

    def tls_only() -> str | None:
        statements = _policy_statements(_read_policy(s3, bucket, target))
        if any(_denies_plain_http(s, bucket_arn) for s in statements):
            return None
        return "no statement denying requests without TLS"

    def apply_tls_only() -> None:
        kept = [
            s
            for s in _policy_statements(_read_policy(s3, bucket, target))
            if s.get("Sid") != TLS_STATEMENT_ID
        ]
        policy = {"Version": "2012-10-17", "Statement": [*kept, _tls_statement(bucket_arn)]}
        aws_call(
            "s3", target, lambda: s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        )

    def lifecycle() -> str | None:
        for rule in _lifecycle_rules(s3, bucket, target):
            expiry = rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
            if (
                rule.get("Status") == "Enabled"
                and _whole_bucket(rule)
                and expiry == days
                and not expires_current_state(rule)
            ):
                return None
        return f"no enabled rule expiring noncurrent versions after {days} days"

    def keeps_current_state() -> str | None:
        doomed = [r for r in _lifecycle_rules(s3, bucket, target) if expires_current_state(r)]
        if not doomed:
            return None
        names = ", ".join(repr(r.get("ID", "(no ID)")) for r in doomed)
        return f"rule(s) {names} expire current objects under .pulumi/stacks/, the live state"

    def apply_lifecycle() -> None:
        """The intended configuration: our rule, plus every other rule that spares the state."""
        kept = [
            r
            for r in _lifecycle_rules(s3, bucket, target)
            if r.get("ID") != LIFECYCLE_RULE_ID and not expires_current_state(r)
        ]
        ours: dict[str, Any] = {
            "ID": LIFECYCLE_RULE_ID,
            "Status": "Enabled",
            "Filter": {},
            "NoncurrentVersionExpiration": {"NoncurrentDays": days},
        }
        rules: list[Any] = [*kept, ours]
        aws_call(
            "s3",
            target,
            lambda: s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": rules}
            ),
        )

    return [
        BucketSetting(
            "versioning on",
            versioning,
            lambda: s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            ),
        ),
        BucketSetting(
            "default encryption SSE-KMS with the state key and a bucket key",
            encryption,
            lambda: s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": state_key_arn,
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
            ),
        ),
        BucketSetting(
            "all four public access blocks on",
            public_access,
            lambda: s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration=block_all,  # type: ignore[arg-type]
            ),
        ),
        BucketSetting(
            "object ownership BucketOwnerEnforced (ACLs off)",
            ownership,
            lambda: s3.put_bucket_ownership_controls(
                Bucket=bucket,
                OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            ),
        ),
        BucketSetting("bucket policy denies requests without TLS", tls_only, apply_tls_only),
        BucketSetting(
            "no lifecycle rule expires the current state", keeps_current_state, apply_lifecycle
        ),
        BucketSetting(
            f"lifecycle expires noncurrent versions after {days} days", lifecycle, apply_lifecycle
        ),
    ]


def _same_key(kms: KMSClient, configured: str, key_arn: str) -> bool:
    """S3 stores whatever was given: a key id, a key ARN, an alias or an alias ARN."""
    if not configured:
        return False
    if configured.rsplit("/", 1)[-1] == key_arn.rsplit("/", 1)[-1]:
        return True
    if "alias/" not in configured:
        return False
    try:
        return kms.describe_key(KeyId=configured)["KeyMetadata"]["Arn"] == key_arn
    except (ClientError, BotoCoreError):
        return False


def _read_policy(s3: S3Client, bucket: str, target: str) -> str | None:
    response = _read_optional(target, lambda: s3.get_bucket_policy(Bucket=bucket))
    return str(response["Policy"]) if response else None


def _policy_statements(policy: str | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    try:
        document = json.loads(policy)
    except (ValueError, RecursionError):
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return [s for s in _as_list(statements) if isinstance(s, dict)]


def _lifecycle_rules(s3: S3Client, bucket: str, target: str) -> list[dict[str, Any]]:
    config = _read_optional(target, lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    return list(config["Rules"]) if config else []


def _create_bucket(s3: S3Client, settings: BootstrapSettings, journal: Journal) -> None:
    bucket = settings.bucket
    extra: dict[str, Any] = {}
    if settings.region != "us-east-1":
        extra["CreateBucketConfiguration"] = {"LocationConstraint": settings.region}
    try:
        s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", **extra)
    except ClientError as error:
        if error_code(error) == "BucketAlreadyExists":
            raise _owned_elsewhere(bucket) from error
        if error_code(error) == "BucketAlreadyOwnedByYou":
            return
        raise translate(error, service="s3", target=f"s3://{bucket}") from error
    except BotoCoreError as error:
        raise translate(error, service="s3", target=f"s3://{bucket}") from error
    journal.create(f"bucket s3://{bucket} in {settings.region}")


LEGACY_LOCATIONS = {"EU": "eu-west-1"}
"""GetBucketLocation answers ``EU`` for buckets created with that legacy constraint."""


def _bucket_region(location_constraint: str | None) -> str:
    """The region a GetBucketLocation answer means: empty for us-east-1, ``EU`` for eu-west-1."""
    if not location_constraint:
        return "us-east-1"
    return LEGACY_LOCATIONS.get(location_constraint, location_constraint)


def _check_region(s3: S3Client, settings: BootstrapSettings) -> None:
    target = f"s3://{settings.bucket}"
    location = aws_call("s3", target, lambda: s3.get_bucket_location(Bucket=settings.bucket))
    region = _bucket_region(location.get("LocationConstraint"))
    if region != settings.region:
        raise UsageError(
            f"s3://{settings.bucket} already exists in {region}, not {settings.region}: rerun "
            f"with --region {region} (the state bucket and the keys belong in one region)"
        )


def bootstrap(
    clients: AwsClients, settings: BootstrapSettings, *, fix: bool, journal: Journal
) -> None:
    """Create what is missing, check what exists; violations stay in ``journal.violations``."""
    validate_bucket_name(settings.bucket)
    validate_alias(settings.key_alias, "--key-alias")
    validate_alias(settings.state_key_alias, "--state-key-alias")
    if settings.key_alias == settings.state_key_alias:
        raise UsageError("--key-alias and --state-key-alias must differ: they are two keys")
    if not 1 <= settings.noncurrent_days <= MAX_NONCURRENT_DAYS:
        raise UsageError(f"--noncurrent-days must be 1 to {MAX_NONCURRENT_DAYS}")
    validate_pulumi_name(settings.stack, "--stack")

    identity = aws_call("sts", "the caller identity", clients.sts.get_caller_identity)
    partition = str(identity["Arn"]).split(":")[1]
    state_key_meta = _inspect_key(clients.kms, settings.state_key_alias, STATE_ROLE)
    secrets_key_meta = _inspect_key(clients.kms, settings.key_alias, SECRETS_ROLE)
    exists = _probe_bucket(clients.s3, settings, str(identity["Account"]))
    if exists:
        _check_region(clients.s3, settings)

    state_key = _ensure_key(
        clients.kms,
        settings.state_key_alias,
        state_key_meta,
        role=STATE_ROLE,
        description=f"Encrypts the Pulumi state objects in s3://{settings.bucket}",
        fix=fix,
        journal=journal,
    )
    _ensure_key(
        clients.kms,
        settings.key_alias,
        secrets_key_meta,
        role=SECRETS_ROLE,
        description="Pulumi secrets provider (awskms://) of the genesys-oauth-secrets stacks",
        fix=fix,
        journal=journal,
    )

    if not exists:
        _create_bucket(clients.s3, settings, journal)
    for setting in bucket_settings(clients, settings, state_key, partition):
        _settle(setting, settings.bucket, created=not exists, fix=fix, journal=journal)


def inspect_bucket(clients: AwsClients, settings: BootstrapSettings, *, journal: Journal) -> bool:
    """Read-only: compare an existing state bucket with the baseline; False if it does not exist.

    The same checks as :func:`bootstrap` on an existing bucket without ``--fix``, for callers
    that must not write (preflight): each difference becomes a violation in ``journal``. Key
    and region problems raise, as in bootstrap.
    """
    identity = aws_call("sts", "the caller identity", clients.sts.get_caller_identity)
    if not _probe_bucket(clients.s3, settings, str(identity["Account"])):
        return False
    _check_region(clients.s3, settings)
    state_key = _inspect_key(clients.kms, settings.state_key_alias, STATE_ROLE)
    if state_key is None:
        journal.violation(f"{settings.state_key_alias} exists", "no such alias", fixed=False)
    partition = str(identity["Arn"]).split(":")[1]
    state_key_arn = str(state_key["Arn"]) if state_key else ""
    for setting in bucket_settings(clients, settings, state_key_arn, partition):
        _settle(setting, settings.bucket, created=False, fix=False, journal=journal)
    return True


def _settle(
    setting: BucketSetting, bucket: str, *, created: bool, fix: bool, journal: Journal
) -> None:
    """Read one setting back; write it only on a bucket this run created, or with ``fix``."""
    found = setting.differs()
    if found is None:
        journal.ok(setting.name)
        return
    if created:
        aws_call("s3", f"s3://{bucket}", setting.apply)
        journal.change(setting.name)
        return
    journal.violation(setting.name, found, fixed=fix)
    if fix:
        aws_call("s3", f"s3://{bucket}", setting.apply)


def next_steps(settings: BootstrapSettings, endpoint_url: str | None) -> list[str]:
    """The exact commands to run next, quoted for a POSIX shell."""
    backend = f"s3://{settings.bucket}?region={settings.region}"
    secrets = f"awskms://{settings.key_alias}?region={settings.region}"
    lines = []
    if endpoint_url:
        endpoint = quote(endpoint_url, safe=":/")
        backend += f"&endpoint={endpoint}&use_path_style=true"
        secrets += f"&endpoint={endpoint}"
        lines.append(f"export AWS_ENDPOINT_URL={endpoint_url}")
    lines += [
        f"pulumi login '{backend}'",
        f"pulumi stack init {settings.stack} --secrets-provider '{secrets}'",
    ]
    return lines
