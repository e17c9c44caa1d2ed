"""Check 3: the stack's ``awskms://`` secrets provider works for this caller, read-only.

How the Pulumi CLI uses it (pulumi/pulumi ``pkg/secrets/cloud/manager.go``): the stack file's
``encryptedkey`` is the standard base64 of the KMS ciphertext of a 32-byte data key. Without
it, or when ``PULUMI_CLOUD_SECRET_OVERRIDE`` names another provider, every ``preview``/``up``
generates a new data key (``kms:Encrypt``) and rewrites the stack file. With it, the CLI only
calls ``kms:Decrypt``: gocloud's awskms keeper (google/go-cloud ``secrets/awskms/kms.go``)
sends the ciphertext with the ``context_*`` URL parameters as encryption context and *no* key
id, so KMS decrypts with whichever key made the ciphertext.

The file's own rules (an awskms provider, a well-formed ``encryptedkey``, config holding
secrets only as ciphertext) are ``check``'; then this check does what the CLI does: one
real ``kms:Decrypt`` of the ``encryptedkey``. The data
key in the answer is never bound to a name: only the id of the key that decrypted it is kept,
and it must be the key the URL names.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from genesys_oauth_secrets.check.stack_file import stack_file_problems, strict_base64
from genesys_oauth_secrets.preflight.context import SECRETS_OVERRIDE_ENV, Context
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.errors import BackendError, error_code, translate
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.text import shown

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

CHECK = "secrets-provider"
SCHEME = "awskms"
CONTEXT_PREFIX = "context_"


@dataclass(frozen=True)
class KmsUrl:
    """An ``awskms://`` URL as gocloud reads it."""

    key_id: str
    region: str | None
    encryption_context: dict[str, str]


def parse_url(url: str) -> KmsUrl | None:
    """gocloud's reading: key id = host + path without the leading slash; None if not awskms."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != SCHEME:
        return None
    key_id = f"{parts.netloc}{parts.path}".lstrip("/")
    query = urllib.parse.parse_qs(parts.query)
    context = {
        name[len(CONTEXT_PREFIX) :]: values[-1]
        for name, values in query.items()
        if name.startswith(CONTEXT_PREFIX)
    }
    return KmsUrl(key_id, query.get("region", [None])[-1], context) if key_id else None


def check(context: Context) -> list[Finding]:
    """The stack file's own rules (those of ``check``), then the live key and a real Decrypt."""
    findings = [
        Finding(CHECK, Status.PROBLEM, problem)
        for problem in stack_file_problems(
            dict(context.stack_document),
            context.stack_file,
            stack=context.stack,
            require_encryptedkey=True,
        )
    ]
    url = context.secrets_provider
    if context.secrets_override and context.secrets_override != url:
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{SECRETS_OVERRIDE_ENV} overrides the stack file's provider: every run would "
                "generate a new data key (kms:Encrypt) and rewrite the stack file",
                fix=f"unset {SECRETS_OVERRIDE_ENV}",
            )
        )
    kms_url = parse_url(url) if url else None
    blob = strict_base64(context.encrypted_key) if context.encrypted_key else None
    if kms_url is None or blob is None:
        return findings
    return [*findings, _decrypts(context, kms_url, blob)]


def _decrypts(context: Context, kms_url: KmsUrl, blob: bytes) -> Finding:
    key = shown(kms_url.key_id)
    try:
        kms = connect(kms_url.region or context.bucket_region, context.endpoint_url).kms
        meta = kms.describe_key(KeyId=kms_url.key_id)["KeyMetadata"]
    except BackendError as error:
        return Finding(CHECK, Status.ERROR, str(error))
    except (ClientError, BotoCoreError) as error:
        return _describe_failed(error, key)
    state = str(meta.get("KeyState"))
    key_arn = str(meta["Arn"])
    if state != "Enabled":
        undo = "cancel-key-deletion" if state == "PendingDeletion" else "enable-key"
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"the secrets-provider key {key} ({key_arn}) is {shown(state)}: nothing in the "
            "state can be decrypted",
            fix=f"aws kms {undo} --key-id {key_arn}",
        )
    return _decrypt(kms, blob, kms_url, key, key_arn)


def _describe_failed(error: ClientError | BotoCoreError, key: str) -> Finding:
    if isinstance(error, ClientError) and error_code(error) == "NotFoundException":
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"the secrets-provider key {key} does not exist in this account and region",
            fix="create it with `genesys-oauth-secrets bootstrap …`, or correct the URL",
        )
    return Finding(CHECK, Status.ERROR, str(translate(error, service="kms", target=key)))


def _decrypt(kms: KMSClient, blob: bytes, kms_url: KmsUrl, key: str, key_arn: str) -> Finding:
    try:
        used = _decrypting_key(kms, blob, kms_url.encryption_context)
    except ClientError as error:
        code = error_code(error)
        if code in ("InvalidCiphertextException", "IncorrectKeyException"):
            return Finding(
                CHECK,
                Status.PROBLEM,
                f"the encryptedkey does not decrypt ({code}): it was made with another key or "
                "encryption context than the URL's",
                fix="restore the stack file's encryptedkey and secretsprovider lines from git "
                "history; they belong together",
            )
        translated = translate(error, service="kms", target=key_arn)
        status = Status.PROBLEM if code in ("AccessDeniedException", "AccessDenied") else None
        return Finding(CHECK, status or Status.ERROR, str(translated))
    except BotoCoreError as error:
        return Finding(CHECK, Status.ERROR, str(translate(error, service="kms", target=key)))
    if used != key_arn:
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"the encryptedkey decrypts, but with {shown(used)}, not the key the URL names "
            f"({key_arn}): roles allowed only the URL's key get AccessDenied",
            fix="restore the matching encryptedkey and secretsprovider lines from git history",
        )
    return Finding(
        CHECK, Status.OK, f"{key} ({key_arn}) is enabled and this caller can decrypt encryptedkey"
    )


def _decrypting_key(kms: KMSClient, blob: bytes, encryption_context: dict[str, str]) -> str:
    """The ARN of the key that decrypts ``blob``; the plaintext is dropped unnamed."""
    return str(kms.decrypt(CiphertextBlob=blob, EncryptionContext=encryption_context)["KeyId"])
