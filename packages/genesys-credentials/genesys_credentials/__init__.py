"""Genesys Cloud credentials for services, read from the secret this project's stack writes.

A service holds one secret ARN (stack output ``clients[<name>].secret_arn``) and needs either
the OAuth client's credentials or a bearer token for the Platform API::

    from genesys_credentials import CredentialsReader, TokenClient

    reader = CredentialsReader(secret_arn)        # one per secret per process, thread-safe
    credentials = reader.get()                    # GenesysCredentials, cached for 5 minutes
    tokens = TokenClient(reader)
    headers = {"Authorization": f"Bearer {tokens.access_token()}"}
    url = f"{credentials.api_base_url}/api/v2/..."

- :class:`CredentialsReader` reads and validates the version-1 document at most once per
  ``ttl`` (default 300 s); botocore retries throttled calls.
- :class:`TokenClient` runs the client-credentials grant against ``login_host`` and reuses the
  token until ``safety_margin`` (60 s) before it expires; it retries 429 (honouring
  ``Retry-After``), 5xx and network errors under a :class:`RetryPolicy`.
- :class:`GenesysCredentials` keeps the client secret in a :class:`Secret`: ``repr``, ``str``,
  logging and pickling never show it; ``credentials.client_secret.reveal()`` does.
- Every failure is a :class:`CredentialsError` whose message names what failed and the fix
  (missing document key, the IAM actions ``secretsmanager:GetSecretValue``/``kms:Decrypt``,
  a 401 from Genesys) and never contains the secret or a token.

Only boto3 is needed; HTTP uses the standard library. The service's role needs
``secretsmanager:GetSecretValue`` on the ARN and ``kms:Decrypt`` on the stack's key with the
condition ``kms:ViaService = secretsmanager.<region>.amazonaws.com``.
"""

from genesys_credentials.credentials import GenesysCredentials
from genesys_credentials.errors import (
    CredentialsError,
    InvalidArgument,
    MalformedSecret,
    SecretAccessDenied,
    SecretUnavailable,
    TokenRateLimited,
    TokenRejected,
    TokenRequestFailed,
)
from genesys_credentials.reader import CredentialsReader
from genesys_credentials.retry import RetryPolicy
from genesys_credentials.secret import Secret
from genesys_credentials.token_client import TokenClient

__all__ = [
    "CredentialsError",
    "CredentialsReader",
    "GenesysCredentials",
    "InvalidArgument",
    "MalformedSecret",
    "RetryPolicy",
    "Secret",
    "SecretAccessDenied",
    "SecretUnavailable",
    "TokenClient",
    "TokenRateLimited",
    "TokenRejected",
    "TokenRequestFailed",
]
