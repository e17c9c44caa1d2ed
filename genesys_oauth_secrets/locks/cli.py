"""The ``locks`` subcommand: list, or clear the stale ones after confirmation."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from typing import Any

from genesys_oauth_secrets.shared import options, stack_locks
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.backend_url import state_bucket
from genesys_oauth_secrets.shared.command import Command, Phase
from genesys_oauth_secrets.shared.errors import BackendError, UsageError
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_OK, Report
from genesys_oauth_secrets.shared.text import shown


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_bucket(parser)
    options.add_project(parser)
    options.add_stack(parser)
    options.add_dir(parser)
    parser.add_argument("--clear-stale", action="store_true", help="delete stale locks")
    parser.add_argument(
        "--older-than",
        type=options.argument(stack_locks.parse_duration),
        help=f"staleness threshold, e.g. 2h, 30m, 1d (at most {stack_locks.MAX_OLDER_THAN.days}d)",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    options.add_endpoint_url(parser)
    options.add_json(parser)


def _confirm(args: argparse.Namespace, count: int, report: Report) -> bool:
    if args.yes:
        return True
    if report.as_json:  # the prompt would land in the one JSON document on stdout
        report.line("refusing to delete without --yes: --json leaves no stdout to ask on")
        return False
    if not sys.stdin.isatty():
        report.line("refusing to delete without --yes: there is no terminal to confirm on")
        return False
    answer = input(
        f"Delete {count} stale lock(s)? Only if no pulumi run on this stack is alive. [y/N] "
    )
    return answer.strip().lower() in {"y", "yes"}


def _lock_json(
    lock: stack_locks.Lock, now: datetime, older_than: timedelta | None
) -> dict[str, Any]:
    """One lock in the ``--json`` document: its key, holder (escaped) and age."""
    return {
        "key": shown(lock.key, 1024),
        "holder": lock.holder,
        "since": (lock.timestamp or lock.last_modified).isoformat(),
        "ageSeconds": int(lock.age(now).total_seconds()),
        "stale": None if older_than is None else stack_locks.is_stale(lock, now, older_than),
    }


def run(args: argparse.Namespace) -> int:
    """List or clear; under ``--json`` one document on stdout, failures included."""
    report = Report(as_json=args.json)
    try:
        return _run(args, report)
    except BackendError as error:
        if not args.json:
            raise
        return report.fail(str(error), error.exit_code)


def _run(args: argparse.Namespace, report: Report) -> int:
    if args.clear_stale and not args.older_than:
        raise UsageError("--clear-stale needs --older-than (e.g. 2h): how old is stale?")
    older_than: timedelta | None = args.older_than
    bucket, region = state_bucket(args.bucket, options.project_dir(args), os.environ)
    clients = connect(args.region or region, args.endpoint_url)
    found = stack_locks.list_locks(clients.s3, bucket, args.project, args.stack, emit=report.line)
    now = stack_locks.utcnow()
    stack = f"organization/{args.project}/{args.stack}"
    if not args.clear_stale or older_than is None:
        if not found:
            report.line(f"no locks: {stack} is not locked")
        else:
            report.line(f"{len(found)} lock(s) on {stack} in s3://{bucket}:")
        for lock in found:
            mark = ""
            if older_than is not None:
                mark = "  [stale]" if stack_locks.is_stale(lock, now, older_than) else "  [fresh]"
            report.line(f"  {stack_locks.describe(lock, now)}{mark}")
        locks = [_lock_json(lock, now, older_than) for lock in found]
        return report.verdict(EXIT_OK, {"stack": stack, "locks": locks})
    stale_count = sum(stack_locks.is_stale(lock, now, older_than) for lock in found)
    deleted = stack_locks.clear_stale(
        clients.s3,
        bucket,
        found,
        now=now,
        older_than=older_than,
        confirm=lambda _: _confirm(args, stale_count, report),
        emit=report.line,
    )
    code = EXIT_OK if len(deleted) == stale_count else EXIT_ATTENTION
    return report.verdict(
        code,
        {
            "stack": stack,
            "locks": [_lock_json(lock, now, older_than) for lock in found],
            "deleted": [shown(lock.key, 1024) for lock in deleted],
        },
    )


COMMAND = Command(
    name="locks",
    phase=Phase.DAY_2,
    summary="list a stack's locks; clear stale ones",
    description="List the DIY lock objects of a stack with who, where and when. With "
    "--clear-stale, delete the locks older than --older-than after confirmation.",
    configure=configure,
    run=run,
)
