"""``genesys-oauth-secrets preflight``: run every check in order, print each result as it comes.

Exit codes: 0 every check passed (a check the account does not allow may say it was skipped);
1 something needs you, each such line followed by its ``fix:``; 2 a check could not run, so
the run proves nothing about what it checks. ``--json`` prints one JSON document on stdout
(progress then goes to stderr). Nothing here prints a secret: the Genesys secret and tokens
stay wrapped, KMS plaintext is dropped unnamed, and text from AWS or Genesys is escaped.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from genesys_credentials import RetryPolicy
from genesys_oauth_secrets.preflight import (
    aws_identity,
    client_secrets,
    deploy_permissions,
    genesys_login,
    genesys_permissions,
    secrets_provider,
    stack_locks,
    state_bucket,
)
from genesys_oauth_secrets.preflight.context import Context, PreflightError, resolve
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.command import Command, Phase, dispatch
from genesys_oauth_secrets.shared.findings import EXIT_FAILURE, Finding, Status, exit_code
from genesys_oauth_secrets.shared.output import Report

CONFIG_CHECK = "config"
PREFLIGHT_RETRY = RetryPolicy(max_attempts=3, max_delay=10.0)
"""A person waits on preflight: three tries, no wait over ten seconds."""


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_stack(parser)
    options.add_dir(parser)
    options.add_bucket(parser, region=False)
    options.add_endpoint_url(parser)
    options.add_genesys_base_url(parser)
    options.add_json(parser)


def run_checks(
    context: Context, retry: RetryPolicy, emit: Callable[[Finding], None]
) -> list[Finding]:
    """Every check in order; ``emit`` sees each finding as soon as it is known."""
    findings: list[Finding] = []

    def report(new: list[Finding]) -> None:
        for finding in new:
            findings.append(finding)
            emit(finding)

    report([_config(context)])
    identity_findings, clients, identity = aws_identity.check(context)
    report(identity_findings)
    if clients is None or identity is None:
        needs = "needs AWS credentials (aws-identity)"
        report([Finding(name, Status.SKIPPED, needs) for name in AWS_CHECKS])
    else:
        bucket_findings, bucket_exists = state_bucket.check(context, clients)
        report(bucket_findings)
        report(secrets_provider.check(context))
        if bucket_exists:
            report(stack_locks.check(context, clients))
        else:
            report([Finding(stack_locks.CHECK, Status.SKIPPED, "needs the state bucket")])
    login_findings, token = genesys_login.check(context, retry)
    report(login_findings)
    report(genesys_permissions.check(context, token, retry))
    if clients is not None and identity is not None:
        report(client_secrets.check(context))
        iam = deploy_permissions.iam_client(context, clients.endpoint_url)
        report(deploy_permissions.check(context, identity, iam))
    return findings


AWS_CHECKS = (
    state_bucket.CHECK,
    secrets_provider.CHECK,
    stack_locks.CHECK,
    client_secrets.CHECK,
    deploy_permissions.CHECK,
)


def _config(context: Context) -> Finding:
    if context.config is not None:
        count = len(context.config.clients)
        return Finding(
            CONFIG_CHECK,
            Status.OK,
            f"Pulumi.{context.stack}.yaml: {count} client(s), genesysRegion "
            f"{context.config.genesys_region.name}",
        )
    problem = context.config_problem or "unreadable"
    if "cannot be read here" in problem or "could not be validated" in problem:
        return Finding(CONFIG_CHECK, Status.ERROR, problem)
    return Finding(
        CONFIG_CHECK,
        Status.PROBLEM,
        problem.replace("\n", " "),
        fix=f"correct each listed key in Pulumi.{context.stack}.yaml",
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    project_dir: Path | None = None,
    retry: RetryPolicy = PREFLIGHT_RETRY,
) -> int:
    """``genesys-oauth-secrets preflight`` with the tests' seams (project directory, retries)."""

    def execute(args: argparse.Namespace) -> int:
        if project_dir is not None:
            args.dir = project_dir
        return run(args, retry=retry)

    return dispatch(COMMAND, argv, execute)


def run(args: argparse.Namespace, *, retry: RetryPolicy = PREFLIGHT_RETRY) -> int:
    """Resolve the inputs, run every check, report each as it comes."""
    report = Report(as_json=args.json)
    try:
        context = resolve(
            stack=args.stack,
            bucket=args.bucket,
            endpoint_url=args.endpoint_url,
            genesys_base_url=args.genesys_base_url,
            project_dir=options.project_dir(args),
            env=os.environ,
        )
    except PreflightError as error:
        return report.fail(str(error), EXIT_FAILURE, checks=[])
    report.line(f"preflight: stack {context.stack} of {context.project}, s3://{context.bucket}")
    findings = run_checks(context, retry, lambda finding: report.line(finding.to_text()))
    code = exit_code(findings)
    report.line(f"preflight: exit {code}")
    document = {
        "stack": context.stack,
        "project": context.project,
        "bucket": context.bucket,
        "checks": [finding.to_json() for finding in findings],
    }
    return report.verdict(code, document)


COMMAND = Command(
    name="preflight",
    phase=Phase.EVERY_DEPLOY,
    summary="read-only checks before `pulumi preview`/`up`, each failure with its fix",
    description="Read-only checks before `pulumi preview`/`up`: AWS identity, state bucket and "
    "its hardening, secrets provider, locks, Genesys credentials and permissions, client "
    "secrets, IAM simulation. Exit 0 all passed, 1 something needs you (each line says the "
    "fix), 2 a check could not run.",
    configure=configure,
    run=run,
)
