"""The authorization requests AWS builds for one API call, with the context it adds.

AWS does not authorize "an API call": it authorizes an action on a resource ARN with a request
context, and some calls are authorized more than once (``kms:CreateAlias`` on the alias and on
the key) or cause calls on the caller's behalf (S3 and Secrets Manager calling KMS with
``kms:ViaService``). ``authorizations`` turns one botocore call, seen before it is sent, into
those requests, reading what AWS would read at that moment from moto through clients the
recorder does not watch: the target's tags (``aws:ResourceTag/*``), the key a secret or a bucket
encrypts with, and the key's policy (the default key policy or the one bootstrap set).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.iam_policies import permission_for

ACCOUNT = "123456789012"
"""moto's account: every ARN the tests see belongs to it."""
NEW_KEY = "key/00000000-0000-0000-0000-000000000000"
"""CreateKey's TagResource is authorized before the key's id exists; any key ARN stands in."""
NEW_SECRET_SUFFIX = "-AbCdEf"
"""CreateSecret is authorized on the ARN the secret will have: its name and six characters."""
ALWAYS = {"aws:SecureTransport": "true"}
MOTO_CALLER = f"arn:aws:iam::{ACCOUNT}:user/moto"
"""Who moto says the caller is; in the tests it stands for the role that holds the document."""


def default_key_policy() -> dict[str, Any]:
    """The key policy KMS gives a key created without one: the account's IAM policies decide.

    AWS KMS Developer Guide, "Default key policy": the statement ``Enable IAM User Permissions``
    allows ``kms:*`` to ``arn:aws:iam::<account>:root``.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


"""The tools reach AWS over HTTPS only (the state bucket's TLS-only statement checks this)."""

ReadClient = Callable[[str], Any]


@dataclass(frozen=True)
class Authorization:
    """One request AWS evaluates: what the caller asks, and what AWS knows about it."""

    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)
    resource_policy: Mapping[str, Any] | None = None
    why: str = ""
    """Empty for the call itself; otherwise the call this one is made for (e.g. via S3)."""

    def as_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {
            "action": self.action,
            "resource": self.resource,
            "account": ACCOUNT,
            "context": {**ALWAYS, **self.context},
        }
        if self.resource_policy is not None:
            request["resourcePolicy"] = self.resource_policy
        return request


def _quiet(read: Callable[[], Any]) -> Any:
    """A read of moto's state; None when the target does not exist (yet).

    botocore's DEBUG logging is off meanwhile: these reads are the recorder's, not the tool's,
    and must not show up in the logs the tests inspect (a Decrypt answer carries plaintext).
    """
    previous = logging.root.manager.disable
    logging.disable(logging.DEBUG)
    try:
        return read()
    except Exception:
        return None
    finally:
        logging.disable(previous)


@dataclass
class MotoState:
    """Reads of moto's state, through clients built for ``region`` that the recorder ignores."""

    read_client: ReadClient
    region: str

    def key_arn(self, key_id: str) -> str | None:
        answer = _quiet(lambda: self.read_client("kms").describe_key(KeyId=key_id))
        return None if answer is None else str(answer["KeyMetadata"]["Arn"])

    def key_tags(self, key_arn: str) -> dict[str, str]:
        answer = _quiet(lambda: self.read_client("kms").list_resource_tags(KeyId=key_arn))
        return {tag["TagKey"]: tag["TagValue"] for tag in (answer or {}).get("Tags", [])}

    def key_policy(self, key_arn: str) -> dict[str, Any] | None:
        kms = self.read_client("kms")
        answer = _quiet(lambda: kms.get_key_policy(KeyId=key_arn, PolicyName="default"))
        return None if answer is None else dict(json.loads(answer["Policy"]))

    def secret(self, secret_id: str) -> dict[str, Any] | None:
        answer = _quiet(
            lambda: self.read_client("secretsmanager").describe_secret(SecretId=secret_id)
        )
        return None if answer is None else dict(answer)

    def secret_policy(self, secret_arn: str) -> dict[str, Any] | None:
        client = self.read_client("secretsmanager")
        answer = _quiet(lambda: client.get_resource_policy(SecretId=secret_arn))
        policy = (answer or {}).get("ResourcePolicy")
        return dict(json.loads(policy)) if policy else None

    def bucket_policy(self, bucket: str) -> dict[str, Any] | None:
        answer = _quiet(lambda: self.read_client("s3").get_bucket_policy(Bucket=bucket))
        return None if answer is None else dict(json.loads(answer["Policy"]))

    def bucket_key(self, bucket: str) -> str | None:
        answer = _quiet(lambda: self.read_client("s3").get_bucket_encryption(Bucket=bucket))
        for rule in (answer or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
            default = rule.get("ApplyServerSideEncryptionByDefault", {})
            if default.get("SSEAlgorithm") == "aws:kms" and default.get("KMSMasterKeyID"):
                return self.key_arn(str(default["KMSMasterKeyID"]))
        return None

    def decrypting_key(self, params: Mapping[str, Any]) -> str | None:
        """The key a ciphertext names (KMS reads it from the blob; so does moto's Decrypt)."""
        kms = self.read_client("kms")
        extra = (
            {"EncryptionContext": params["EncryptionContext"]}
            if "EncryptionContext" in params
            else {}
        )
        answer = _quiet(lambda: kms.decrypt(CiphertextBlob=params["CiphertextBlob"], **extra))
        return None if answer is None else str(answer["KeyId"])


def _tags_context(tags: Mapping[str, str], prefix: str) -> dict[str, str | list[str]]:
    return {f"{prefix}/{key}": value for key, value in tags.items()}


def _request_tags(tags: Mapping[str, str]) -> dict[str, str | list[str]]:
    if not tags:
        return {}
    return {**_tags_context(tags, "aws:RequestTag"), "aws:TagKeys": sorted(tags)}


def _kms_key(state: MotoState, key_arn: str) -> tuple[dict[str, str | list[str]], Any]:
    """The context and resource policy of a request on an existing key."""
    return _tags_context(state.key_tags(key_arn), "aws:ResourceTag"), state.key_policy(key_arn)


def _kms(
    state: MotoState, operation: str, action: str, params: Mapping[str, Any]
) -> Iterator[Authorization]:
    region = state.region
    if operation == "CreateKey":
        tags = {tag["TagKey"]: tag["TagValue"] for tag in params.get("Tags", [])}
        yield Authorization(action, "*", _request_tags(tags))
        if tags:
            new_key = f"arn:aws:kms:{region}:{ACCOUNT}:{NEW_KEY}"
            policy = json.loads(params["Policy"]) if "Policy" in params else default_key_policy()
            yield Authorization(
                "kms:TagResource", new_key, _request_tags(tags), policy, why="CreateKey with Tags"
            )
        return
    if operation in ("ListAliases", "ListKeys", "GenerateRandom") and "KeyId" not in params:
        yield Authorization(action, "*")
        return
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias"):
        alias = f"arn:aws:kms:{region}:{ACCOUNT}:{params['AliasName']}"
        yield Authorization(action, alias)
        key_id = params.get("TargetKeyId") or (
            params["AliasName"] if operation == "DeleteAlias" else None
        )
        key_arn = state.key_arn(str(key_id)) if key_id else None
        if key_arn:
            context, policy = _kms_key(state, key_arn)
            yield Authorization(action, key_arn, context, policy)
        return
    key_arn = (
        state.key_arn(str(params["KeyId"])) if "KeyId" in params else state.decrypting_key(params)
    )
    if key_arn is None:
        return  # the call will fail with NotFound before any authorization matters
    context, policy = _kms_key(state, key_arn)
    for key, value in params.get("EncryptionContext", {}).items():
        context[f"kms:EncryptionContext:{key}"] = value
    if operation in ("TagResource",):
        context.update(_request_tags({tag["TagKey"]: tag["TagValue"] for tag in params["Tags"]}))
    if operation == "UntagResource":
        context["aws:TagKeys"] = list(params["TagKeys"])
    yield Authorization(action, key_arn, context, policy)


def _via(
    state: MotoState,
    service: str,
    key_arn: str | None,
    *,
    action: str,
    why: str,
    encryption_context: Mapping[str, str],
) -> Iterator[Authorization]:
    """The KMS call ``service`` makes on the caller's behalf with the caller's permissions."""
    if key_arn is None:
        return  # an AWS managed key: its key policy allows the account through the service
    context, policy = _kms_key(state, key_arn)
    context["kms:ViaService"] = f"{service}.{state.region}.amazonaws.com"
    context.update({f"kms:EncryptionContext:{k}": v for k, v in encryption_context.items()})
    yield Authorization(action, key_arn, context, policy, why=why)


SECRET_WRITES_VALUE = ("CreateSecret", "PutSecretValue", "UpdateSecret")


def _secretsmanager(
    state: MotoState, operation: str, action: str, params: Mapping[str, Any]
) -> Iterator[Authorization]:
    region = state.region
    if operation in ("ListSecrets", "GetRandomPassword", "BatchGetSecretValue"):
        yield Authorization(action, "*")
        return
    if operation == "CreateSecret":
        name = str(params["Name"])
        arn = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}{NEW_SECRET_SUFFIX}"
        tags = {tag["Key"]: tag["Value"] for tag in params.get("Tags", [])}
        context: dict[str, str | list[str]] = {"secretsmanager:Name": name, **_request_tags(tags)}
        if "KmsKeyId" in params:
            context["secretsmanager:KmsKeyId"] = str(params["KmsKeyId"])
        yield Authorization(action, arn, context)
        if tags:
            yield Authorization(
                "secretsmanager:TagResource", arn, _request_tags(tags), why="CreateSecret with Tags"
            )
        key_id = params.get("KmsKeyId")
        if key_id and ("SecretString" in params or "SecretBinary" in params):
            yield from _via(
                state,
                "secretsmanager",
                state.key_arn(str(key_id)),
                action="kms:GenerateDataKey",
                why="CreateSecret with a value",
                encryption_context={"SecretARN": arn},
            )
        return
    secret = state.secret(str(params["SecretId"]))
    if secret is None:
        return  # ResourceNotFound: AWS answers that, whatever the policy
    arn = str(secret["ARN"])
    context = {
        "secretsmanager:Name": str(secret["Name"]),
        **_tags_context({t["Key"]: t["Value"] for t in secret.get("Tags", [])}, "aws:ResourceTag"),
    }
    if operation == "TagResource":
        context.update(_request_tags({tag["Key"]: tag["Value"] for tag in params["Tags"]}))
    if operation == "UntagResource":
        context["aws:TagKeys"] = list(params["TagKeys"])
    yield Authorization(action, arn, context, state.secret_policy(arn))
    key_id = params.get("KmsKeyId") or secret.get("KmsKeyId")
    key_arn = state.key_arn(str(key_id)) if key_id else None
    if operation == "GetSecretValue":
        yield from _via(
            state,
            "secretsmanager",
            key_arn,
            action="kms:Decrypt",
            why="GetSecretValue",
            encryption_context={"SecretARN": arn},
        )
    elif operation in SECRET_WRITES_VALUE and (
        "SecretString" in params or "SecretBinary" in params
    ):
        yield from _via(
            state,
            "secretsmanager",
            key_arn,
            action="kms:GenerateDataKey",
            why=f"{operation} with a value",
            encryption_context={"SecretARN": arn},
        )


def _s3(
    state: MotoState, operation: str, action: str, params: Mapping[str, Any]
) -> Iterator[Authorization]:
    bucket = str(params.get("Bucket", ""))
    policy = state.bucket_policy(bucket)
    if operation == "ListBuckets":
        yield Authorization(action, "*")
        return
    if operation == "DeleteObjects":
        keys = [str(item["Key"]) for item in params["Delete"]["Objects"]]
    else:
        keys = [str(params["Key"])] if "Key" in params else []
    if not keys:
        yield Authorization(action, f"arn:aws:s3:::{bucket}", {}, policy)
        return
    for key in keys:
        object_arn = f"arn:aws:s3:::{bucket}/{key}"
        yield Authorization(action, object_arn, {}, policy)
        context = {"aws:s3:arn": object_arn}
        if operation == "PutObject":
            key_id = params.get("SSEKMSKeyId")
            key_arn = state.key_arn(str(key_id)) if key_id else state.bucket_key(bucket)
            yield from _via(
                state,
                "s3",
                key_arn,
                action="kms:GenerateDataKey",
                why="PutObject (SSE-KMS)",
                encryption_context=context,
            )
        elif operation == "GetObject":
            yield from _via(
                state,
                "s3",
                state.bucket_key(bucket),
                action="kms:Decrypt",
                why="GetObject (SSE-KMS)",
                encryption_context=context,
            )


def _iam(operation: str, action: str, params: Mapping[str, Any]) -> Iterator[Authorization]:
    if "PolicySourceArn" in params:
        yield Authorization(action, str(params["PolicySourceArn"]))
    elif "RoleName" in params:
        path = str(params.get("Path", "/"))
        yield Authorization(action, f"arn:aws:iam::{ACCOUNT}:role{path}{params['RoleName']}")
    elif "OpenIDConnectProviderArn" in params:
        yield Authorization(action, str(params["OpenIDConnectProviderArn"]))
    elif operation == "CreateOpenIDConnectProvider":
        host = str(params["Url"]).removeprefix("https://")
        yield Authorization(action, f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")
    else:
        yield Authorization(action, "*")


def authorizations(
    state: MotoState, prefix: str, operation: str, params: Mapping[str, Any]
) -> list[Authorization]:
    """Every request AWS authorizes for the call, the call's own first; [] if none is checked."""
    action = permission_for(prefix, operation, params)
    if action is None:
        return []
    if prefix == "kms":
        return list(_kms(state, operation, action, params))
    if prefix == "secretsmanager":
        return list(_secretsmanager(state, operation, action, params))
    if prefix == "s3":
        return list(_s3(state, operation, action, params))
    if prefix == "iam":
        return list(_iam(operation, action, params))
    return [Authorization(action, "*")]
