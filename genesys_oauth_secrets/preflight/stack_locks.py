"""Check 4: no lock stands in the way of the next run.

A lock younger than ``STALE_AFTER`` belongs to a run that may still be going: Pulumi would
refuse to start, and the answer is to wait. An older one was left by a run that died; it is
answered with the ``state_backend locks`` line that removes it (which re-checks both clocks
and a live local process before deleting anything). Six hours is the longest a GitHub-hosted
job may run (``timeout-minutes`` defaults to 360), so no workflow run can still hold an older
lock.
"""

from __future__ import annotations

import shlex

from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared.aws import AwsClients
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.stack_locks import (
    describe,
    is_stale,
    list_locks,
    parse_duration,
    utcnow,
)
from genesys_oauth_secrets.shared.text import shown

CHECK = "locks"
STALE_AFTER = "6h"
DESCRIPTION_LIMIT = 400


def check(context: Context, clients: AwsClients) -> list[Finding]:
    skipped: list[str] = []
    try:
        found = list_locks(
            clients.s3, context.bucket, context.project, context.stack, emit=skipped.append
        )
    except BackendError as error:
        return [Finding(CHECK, Status.ERROR, str(error))]
    stack = f"organization/{context.project}/{context.stack}"
    if not found:
        return [Finding(CHECK, Status.OK, f"{stack} is not locked")]
    now = utcnow()
    threshold = parse_duration(STALE_AFTER)
    findings = []
    for lock in found:
        line = shown(describe(lock, now), DESCRIPTION_LIMIT)
        if is_stale(lock, now, threshold):
            findings.append(
                Finding(
                    CHECK,
                    Status.PROBLEM,
                    f"stale lock (older than {STALE_AFTER}): {line}",
                    fix=_clear_command(context),
                )
            )
        else:
            findings.append(
                Finding(
                    CHECK,
                    Status.PROBLEM,
                    f"{stack} is locked by a run that may still be going: {line}",
                    fix="wait for that run to finish; never delete a fresh lock",
                )
            )
    return findings


def _clear_command(context: Context) -> str:
    words = [
        "genesys-oauth-secrets locks",
        f"--bucket {shlex.quote(context.bucket)}",
        f"--project {shlex.quote(context.project)}",
        f"--stack {shlex.quote(context.stack)}",
        f"--region {shlex.quote(context.bucket_region)}",
        f"--clear-stale --older-than {STALE_AFTER}",
    ]
    if context.endpoint_url:
        words.append(f"--endpoint-url {shlex.quote(context.endpoint_url)}")
    return " ".join(words)
