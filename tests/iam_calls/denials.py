"""What the docs promise a role can never do, as requests its document must deny.

docs/iam.md and docs/continuous-delivery.md promise: the previewer never reads a secret value
and never writes the state; the state auditor never decrypts with the secrets-provider key; a
secret reader reads its one secret. ``tests/iam_calls/test_promised_denials.py`` evaluates
each request below against the shipped document and expects a denial.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.iam_calls.table import (
    BUCKET_ARN,
    LOCKS,
    PROVIDER_KEY,
    PROVIDER_KEY_CONTEXT,
    REGION,
    SECRET,
    STACKS,
    VERSION,
    key_request,
    secret_request,
    via_secretsmanager,
)
from tests.support.request_context import ACCOUNT, Authorization, default_key_policy

PREVIEWER = "pr-previewer.json"
AUDITOR = "state-auditor.json"
READER = "secret-reader.json"

SECRETS = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:genesys/oauth"
OTHER_CLIENT = f"{SECRETS}/prod/agent-desktop-XyZ123"
OTHER_STACK = f"{SECRETS}/dev/ivr-integration-QwErTy"


@dataclass(frozen=True)
class Denial:
    """A request the role holding ``document`` must be denied, and the promise it keeps."""

    document: str
    promise: str
    request: Authorization


NO_SECRET_VALUE = "the previewer never reads a secret value"
NO_STATE_WRITE = "the previewer never writes the state"
NO_PROVIDER_KEY = "the auditor never decrypts with the secrets-provider key"
ONE_SECRET = "a reader reads its one secret only"

DENIALS: tuple[Denial, ...] = (
    Denial(PREVIEWER, NO_SECRET_VALUE, secret_request("secretsmanager:GetSecretValue")),
    Denial(PREVIEWER, NO_SECRET_VALUE, via_secretsmanager("kms:Decrypt", "GetSecretValue")),
    Denial(PREVIEWER, NO_STATE_WRITE, Authorization("s3:PutObject", f"{BUCKET_ARN}/{STACKS}")),
    Denial(PREVIEWER, NO_STATE_WRITE, Authorization("s3:PutObject", f"{BUCKET_ARN}/{LOCKS}x.json")),
    Denial(PREVIEWER, NO_STATE_WRITE, Authorization("s3:DeleteObject", f"{BUCKET_ARN}/{STACKS}")),
    Denial(
        AUDITOR,
        NO_PROVIDER_KEY,
        Authorization("kms:Decrypt", PROVIDER_KEY, PROVIDER_KEY_CONTEXT, default_key_policy()),
    ),
    Denial(
        AUDITOR,
        NO_PROVIDER_KEY,
        Authorization(
            "kms:Decrypt",
            PROVIDER_KEY,
            {**PROVIDER_KEY_CONTEXT, "kms:ViaService": f"s3.{REGION}.amazonaws.com"},
            default_key_policy(),
            why="through S3",
        ),
    ),
    Denial(READER, ONE_SECRET, Authorization("secretsmanager:GetSecretValue", OTHER_CLIENT)),
    Denial(READER, ONE_SECRET, Authorization("secretsmanager:GetSecretValue", OTHER_STACK)),
    Denial(READER, ONE_SECRET, key_request("kms:Decrypt")),
)
"""The reader's last row: ``kms:Decrypt`` on the stack key directly, not through Secrets
Manager, which would let it decrypt any ciphertext of that key."""

READER_ALLOWED: tuple[Authorization, ...] = (
    Authorization("secretsmanager:GetSecretValue", SECRET),
    via_secretsmanager("kms:Decrypt", "GetSecretValue"),
)
"""What the reader's document exists for; a denial test that passes because the reader can do
nothing at all would prove nothing."""

REFRESH_NEEDS_THE_VALUE = VERSION
"""The resource type whose Read (``GetSecretValue``) makes a refresh impossible for the
previewer."""
