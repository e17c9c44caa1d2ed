"""The ``bootstrap`` subcommand: options, the journal of what was done, the next commands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from genesys_oauth_secrets.bootstrap import identities
from genesys_oauth_secrets.shared import backend_baseline as baseline
from genesys_oauth_secrets.shared import names, options
from genesys_oauth_secrets.shared.aws import AwsClients, connect, iam_client
from genesys_oauth_secrets.shared.backend_url import state_bucket
from genesys_oauth_secrets.shared.command import Command, Phase
from genesys_oauth_secrets.shared.errors import BackendError, UsageError
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_OK, Report


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_bucket(parser)
    parser.add_argument(
        "--key-alias",
        type=options.checked(lambda text: names.validate_alias(text, "--key-alias")),
        default=baseline.DEFAULT_KEY_ALIAS,
        help="alias of the secrets-provider key",
    )
    parser.add_argument(
        "--state-key-alias",
        type=options.checked(lambda text: names.validate_alias(text, "--state-key-alias")),
        default=baseline.DEFAULT_STATE_KEY_ALIAS,
        help="alias of the bucket's SSE-KMS key",
    )
    parser.add_argument(
        "--noncurrent-days",
        type=options.number("--noncurrent-days", 1, baseline.MAX_NONCURRENT_DAYS),
        default=baseline.DEFAULT_NONCURRENT_DAYS,
        help="days after which old state versions expire",
    )
    options.add_stack(parser, "named in the printed `pulumi stack init`")
    options.add_dir(parser)
    parser.add_argument(
        "--github-repo",
        type=options.checked(names.validate_github_repo),
        metavar="OWNER/REPO",
        help="also create or check GitHub's OIDC provider and the deployer, previewer, "
        "secret-age and auditor roles, trusting this repository's workflow jobs",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="change the settings of an existing bucket, key, provider or role",
    )
    options.add_endpoint_url(parser)
    options.add_json(parser)


def run(args: argparse.Namespace) -> int:
    """Create or check; on failure, list what this run had already created.

    ``args.next_steps`` false (set by the demo, never by a flag) leaves out the ``next:``
    commands: the demo prints its own, and only while its emulator is there to run them against.
    """
    report = Report(as_json=args.json)
    journal = baseline.Journal(report.line)
    try:
        settings = _settings(args)
        clients = connect(settings.region, args.endpoint_url)
    except BackendError as error:
        report.verdict(error.exit_code, _document(journal, error=str(error)))
        raise
    arns: dict[identities.WorkflowRole, str] = {}
    try:
        # The account is checked before the baseline writes anything: a partition the roles'
        # documents cannot name must not leave a bucket and keys behind a refused run.
        account = _account(clients) if args.github_repo else None
        baseline.bootstrap(clients, settings, fix=args.fix, journal=journal)
        if account is not None:
            arns = _github_identities(
                clients, account, settings, args.github_repo, fix=args.fix, journal=journal
            )
    except BackendError as error:
        if journal.created:
            report.line(
                "this run created, before failing (kept; once the cause is fixed, rerun with "
                "--fix to finish configuring them):"
            )
            for item in journal.created:
                report.line(f"  - {item}")
        report.verdict(error.exit_code, _document(journal, error=str(error)))
        raise
    variables = identities.repository_variables(arns, settings.region) if arns else {}
    if journal.violations:
        report.line(
            f"{len(journal.violations)} setting(s) differ from the baseline and were not "
            "changed; rerun with --fix to change them"
        )
        return report.verdict(EXIT_ATTENTION, _document(journal, variables=variables))
    if journal.created or journal.changed:
        report.line(
            f"done: {len(journal.created)} created, {len(journal.changed)} setting(s) written"
        )
    else:
        report.line("no changes: everything was already as configured")
    if getattr(args, "next_steps", True):
        report.line("next:")
        for line in baseline.next_steps(settings, clients.endpoint_url):
            report.line(f"  {line}")
    if arns:
        _print_variables(report, arns, args.github_repo, settings.region)
    return report.verdict(EXIT_OK, _document(journal, variables=variables))


def _settings(args: argparse.Namespace) -> baseline.BootstrapSettings:
    bucket, backend_region = state_bucket(args.bucket, options.project_dir(args), os.environ)
    region = args.region or backend_region
    if region is None:
        raise UsageError(
            "bootstrap needs the bucket's region: pass --region, or write it in the backend URL "
            "(s3://<bucket>?region=<region>)"
        )
    return baseline.BootstrapSettings(
        bucket=bucket,
        region=region,
        key_alias=args.key_alias,
        state_key_alias=args.state_key_alias,
        noncurrent_days=args.noncurrent_days,
        stack=args.stack,
    )


def _document(
    journal: baseline.Journal,
    *,
    variables: Mapping[str, str] | None = None,
    error: str = "",
) -> dict[str, object]:
    """The ``--json`` document: what this run created, wrote and found different, and the
    repository variables to set, so a script can pass them to ``gh variable set``."""
    document: dict[str, object] = {
        "created": list(journal.created),
        "changed": list(journal.changed),
        "violations": list(journal.violations),
        "repositoryVariables": dict(variables or {}),
    }
    if error:
        document["error"] = error
    return document


def _print_variables(
    report: Report, arns: dict[identities.WorkflowRole, str], repo: str, region: str
) -> None:
    """What to set in the repository, named as the workflows read it (``vars.NAME``)."""
    report.line(
        f"repository variables of {repo} (Settings > Secrets and variables > Actions > Variables):"
    )
    for name, value in identities.repository_variables(arns, region).items():
        report.line(f"  {name}={value}")
    for role, arn in arns.items():
        if role.variable is None:
            report.line(f"no workflow reads {role.name}: {arn} ({role.used_by})")


def _account(clients: AwsClients) -> identities.Account:
    """The caller's account and partition, refused if the documents cannot name it."""
    caller = baseline.aws_call("sts", "the caller identity", clients.sts.get_caller_identity)
    account = identities.Account(str(caller["Account"]), str(caller["Arn"]).split(":")[1])
    identities.validate_account(account)
    return account


def _github_identities(
    clients: AwsClients,
    account: identities.Account,
    settings: baseline.BootstrapSettings,
    repo: str,
    *,
    fix: bool,
    journal: baseline.Journal,
) -> dict[identities.WorkflowRole, str]:
    """The OIDC provider and the workflows' roles, for ``repo`` and this backend."""
    github = identities.GitHubSettings(repo=repo, bucket=settings.bucket, stack=settings.stack)
    iam = iam_client(clients.region, clients.endpoint_url)
    return identities.ensure_identities(iam, account, github, fix=fix, journal=journal)


COMMAND = Command(
    name="bootstrap",
    phase=Phase.SET_UP,
    summary="create or check the state bucket, its two KMS keys and the CI roles",
    description="Create, or check, the state bucket (versioning, SSE-KMS with a bucket key, "
    "public access blocked, BucketOwnerEnforced, TLS-only policy, noncurrent-version expiry) "
    "and the KMS keys of the bucket and of the awskms:// secrets provider; with --github-repo "
    "also GitHub's OIDC provider and the roles the workflows assume, each with its iam/*.json "
    "document. Safe to rerun: what exists is compared, its differences are listed, and changed "
    "only with --fix.",
    configure=configure,
    run=run,
)
