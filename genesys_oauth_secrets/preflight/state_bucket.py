"""Check 2: the state bucket exists, is reachable, and still has bootstrap's hardening.

The comparison is ``shared.backend_baseline.inspect_bucket``: the very checks bootstrap runs,
without writing. A missing bucket is answered with the bootstrap command that creates it, drift
with the same command and ``--fix``.
"""

from __future__ import annotations

import shlex

from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared.aws import AwsClients
from genesys_oauth_secrets.shared.backend_baseline import BootstrapSettings, Journal, inspect_bucket
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.findings import Finding, Status

CHECK = "state-bucket"
VIOLATION = "VIOLATION"


def bootstrap_command(context: Context) -> str:
    """The bootstrap line for this bucket, as the user would type it."""
    words = [
        "genesys-oauth-secrets bootstrap",
        f"--bucket {shlex.quote(context.bucket)}",
        f"--region {shlex.quote(context.bucket_region)}",
    ]
    if context.endpoint_url:
        words.append(f"--endpoint-url {shlex.quote(context.endpoint_url)}")
    return " ".join(words)


def check(context: Context, clients: AwsClients) -> tuple[list[Finding], bool]:
    """The findings, and whether the bucket could be read (later checks read it too)."""
    settings = BootstrapSettings(
        bucket=context.bucket, region=context.bucket_region, stack=context.stack
    )
    lines: list[str] = []
    journal = Journal(lines.append)
    target = f"s3://{context.bucket}"
    try:
        exists = inspect_bucket(clients, settings, journal=journal)
    except BackendError as error:
        return [Finding(CHECK, Status.ERROR, str(error))], False
    if not exists:
        return [
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{target} does not exist (pulumi login and every run would fail)",
                fix=bootstrap_command(context),
            )
        ], False
    drift = [line.removeprefix(VIOLATION).strip() for line in lines if line.startswith(VIOLATION)]
    if drift:
        return [
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{target} differs from the bootstrap baseline: {'; '.join(drift)}",
                fix=f"{bootstrap_command(context)} --fix",
            )
        ], True
    message = f"{target} exists with all {len(lines)} baseline settings"
    return [Finding(CHECK, Status.OK, message)], True
