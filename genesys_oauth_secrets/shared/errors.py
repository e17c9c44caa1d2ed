"""Expected failures, and AWS errors translated into sentences a platform engineer can act on.

Every failure a user can cause (no credentials, a missing permission, a bucket name someone else
owns, a corrupt state file) becomes a ``BackendError`` with one message and an exit code; the CLI
prints the message, never a stack trace. A stack trace is kept for real bugs only.

AWS error messages are safe to repeat (they never carry object contents), so the original code is
kept in the message for searchability.
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from genesys_oauth_secrets.shared.output import EXIT_CANNOT as EXIT_FAILURE


class BackendError(Exception):
    """A failure the user can fix; ``str(error)`` is the whole message."""

    exit_code = EXIT_FAILURE


class CheckpointUnreadable(BackendError):
    """The state could not be read or is not a Pulumi checkpoint: the audit proves nothing."""


class UsageError(BackendError):
    """Arguments that cannot work together, caught before any AWS call."""


class AccessDenied(BackendError):
    """AWS refused an action; the message names the IAM action to grant."""


class BucketOwnedElsewhere(BackendError):
    """S3 bucket names are global: this one belongs to another AWS account."""


class KeyAliasTaken(BackendError):
    """The KMS alias points at a key that bootstrap did not create for this role."""


ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "403", "Forbidden", "AllAccessDisabled"}
)
"""HEAD requests carry no body, so S3 reports their 403 with the bare status as the code."""

EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
REJECTED_CREDENTIAL_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)

S3_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "CreateBucket": "s3:CreateBucket",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "PutBucketVersioning": "s3:PutBucketVersioning",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
}
"""S3 operations whose IAM action is not ``s3:<operation>`` (AWS's documented mapping)."""

_NAMED_ACTION = re.compile(r"not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)")


def iam_action(service: str, operation: str, message: str = "") -> str:
    """The IAM action an operation needs: named by AWS in the message if it did, else mapped."""
    named = _NAMED_ACTION.search(message)
    if named:
        return named.group(1)
    if service == "s3":
        return S3_ACTIONS.get(operation, f"s3:{operation}")
    return f"{service}:{operation}"


def error_code(error: ClientError) -> str:
    """AWS's error code (``ResourceNotFoundException``, ``NoSuchKey``, ``404``); "" if absent."""
    return str(error.response.get("Error", {}).get("Code", ""))


def translate(error: ClientError | BotoCoreError, *, service: str, target: str) -> BackendError:
    """Turn a botocore error into an expected failure naming the fix.

    ``service`` is the IAM service prefix (``s3``, ``kms``, ``sts``) and ``target`` what the call
    was about (``s3://bucket``, ``alias/name``), so the message says where to grant access.
    """
    if isinstance(error, ClientError):
        return _from_response(error, service, target)
    return _from_botocore(error, target)


def _from_botocore(error: BotoCoreError, target: str) -> BackendError:
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return BackendError(
            "no usable AWS credentials: set AWS_PROFILE (then `aws sso login` if it is an SSO "
            "profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; to try the tools without an AWS "
            "account run `genesys-oauth-secrets demo`"
        )
    if isinstance(error, NoRegionError):
        return UsageError("no AWS region: pass --region or set AWS_REGION")
    if isinstance(error, EndpointConnectionError):
        return BackendError(
            f"cannot reach the AWS endpoint {error.kwargs.get('endpoint_url', '')}: check "
            "--endpoint-url/AWS_ENDPOINT_URL (is the local emulator still running?) and the network"
        )
    return BackendError(f"AWS call for {target} failed: {error}")


def _from_response(error: ClientError, service: str, target: str) -> BackendError:
    code = error_code(error)
    message = str(error.response.get("Error", {}).get("Message", ""))
    operation = error.operation_name
    if code in ACCESS_DENIED_CODES:
        action = iam_action(service, operation, message)
        hint = ""
        if operation == "HeadObject":
            hint = " (and s3:ListBucket: without it S3 answers 403, not 404, for a missing object)"
        elif action in {"s3:GetObject", "s3:PutObject"}:
            hint = (
                " (objects in an SSE-KMS bucket also need kms:Decrypt/kms:GenerateDataKey on its "
                "key)"
            )
        return AccessDenied(
            f"access denied: {operation} on {target} needs the IAM permission {action}{hint}; "
            "grant it to the principal you are running as (`aws sts get-caller-identity`)"
        )
    if code in EXPIRED_CODES | REJECTED_CREDENTIAL_CODES:
        return BackendError(
            f"AWS rejected the credentials ({code}): refresh them, or check AWS_PROFILE and the "
            "access key pair"
        )
    if code == "InvalidBucketName":
        return UsageError(f"invalid bucket name for {target}: {message}")
    if code == "NoSuchBucket" or (code == "404" and operation == "HeadBucket"):
        return BackendError(
            f"the bucket of {target} does not exist: check the name and region, or create it "
            "with `genesys-oauth-secrets bootstrap`"
        )
    return BackendError(f"{operation} on {target} failed: {code}: {message}")
