"""The command line: argument parsing, output and exit codes; the work happens in the modules.

Exit codes, for every command: 0 done and clean, 1 done but something needs attention (audit
findings, bootstrap violations left unfixed, locks not cleared), 2 could not do the job (bad
arguments, unreadable state, AWS refused). Expected failures print one ``error:`` line and no
stack trace -- argparse's own errors included: names, regions and numbers are checked as they
are parsed (``state_backend.names``), and a bad one is one line naming the flag.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import NoReturn, TypeVar

from genesys_credentials.safe_text import printable
from state_backend import audit, bootstrap, checkpoint, locks, names
from state_backend.aws import ENDPOINT_ENV, connect
from state_backend.errors import BackendError, UsageError

EXIT_CLEAN = 0
EXIT_ATTENTION = 1
DEFAULT_PROJECT = "genesys-oauth-secrets"
DEFAULT_STACK = "prod"


MAX_PORT = 65535
MAX_MESSAGE = 400
T = TypeVar("T")


def _emit(line: str) -> None:
    print(line, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is a :class:`UsageError` (one line, exit 2), not usage text."""

    def error(self, message: str) -> NoReturn:
        """argparse quotes unrecognised arguments raw: escaped here, so one line stays one."""
        raise UsageError(f"{self.prog}: {printable(message, MAX_MESSAGE)} (see --help)")


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse ``type`` from a parser raising :class:`UsageError`; argparse names the flag."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except UsageError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _checked(check: Callable[[str], None]) -> Callable[[str], str]:
    """An argparse ``type`` that runs one of ``names``' checks and keeps the text."""

    def keep(text: str) -> str:
        check(text)
        return text

    return _argument(keep)


def _number(flag: str, low: int, high: int) -> Callable[[str], int]:
    return _argument(lambda text: names.bounded_number(text, flag, low, high))


BUCKET = _checked(names.validate_bucket_name)
REGION = _checked(names.validate_region)
STACK = _checked(lambda text: names.validate_pulumi_name(text, "--stack"))
PROJECT = _checked(lambda text: names.validate_pulumi_name(text, "--project"))


def _aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        help=f"AWS endpoint for every call, e.g. a local emulator (default: ${ENDPOINT_ENV}, "
        "else real AWS)",
    )


def _stack_options(parser: argparse.ArgumentParser, *, bucket_required: bool) -> None:
    parser.add_argument(
        "--bucket", type=BUCKET, required=bucket_required, help="the DIY state bucket"
    )
    parser.add_argument(
        "--project",
        type=PROJECT,
        default=DEFAULT_PROJECT,
        help="Pulumi project name (default: %(default)s)",
    )
    parser.add_argument(
        "--stack", type=STACK, default=DEFAULT_STACK, help="stack name (default: %(default)s)"
    )
    parser.add_argument(
        "--region", type=REGION, help="bucket region (default: $AWS_REGION, else us-east-1)"
    )


def build_parser() -> argparse.ArgumentParser:
    """All commands and options; ``--help`` on each explains it."""
    parser = _Parser(
        prog="python -m state_backend",
        description="Pulumi DIY S3 backend tools: bootstrap, audit, locks, and a local demo.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    boot = commands.add_parser(
        "bootstrap",
        help="create or check the state bucket and the KMS keys",
        description="Create, or check, the state bucket (versioning, SSE-KMS with a bucket key, "
        "public access blocked, BucketOwnerEnforced, TLS-only policy, noncurrent-version "
        "expiry) and the KMS keys of the bucket and of the awskms:// secrets provider. Safe to "
        "rerun: an existing bucket's differences are listed, and changed only with --fix.",
    )
    boot.add_argument(
        "--bucket", type=BUCKET, required=True, help="state bucket name (globally unique)"
    )
    boot.add_argument(
        "--region", type=REGION, required=True, help="AWS region of the bucket and the keys"
    )
    boot.add_argument(
        "--key-alias",
        type=_checked(lambda text: names.validate_alias(text, "--key-alias")),
        default=bootstrap.DEFAULT_KEY_ALIAS,
        help="alias of the secrets-provider key (default: %(default)s)",
    )
    boot.add_argument(
        "--state-key-alias",
        type=_checked(lambda text: names.validate_alias(text, "--state-key-alias")),
        default=bootstrap.DEFAULT_STATE_KEY_ALIAS,
        help="alias of the bucket's SSE-KMS key (default: %(default)s)",
    )
    boot.add_argument(
        "--noncurrent-days",
        type=_number("--noncurrent-days", 1, bootstrap.MAX_NONCURRENT_DAYS),
        default=bootstrap.DEFAULT_NONCURRENT_DAYS,
        help="days after which old state versions expire (default: %(default)s)",
    )
    boot.add_argument(
        "--stack",
        type=STACK,
        default=DEFAULT_STACK,
        help="stack name for the printed `pulumi stack init` (default: %(default)s)",
    )
    boot.add_argument(
        "--fix", action="store_true", help="change the settings of an existing bucket or key"
    )
    _aws_options(boot)

    aud = commands.add_parser(
        "audit",
        help="prove a state checkpoint holds secrets only as ciphertext",
        description="Audit a checkpoint from FILE (`pulumi stack export` output or a DIY state "
        "file: .json, .json.gz or .json.zst) or from the bucket. Exit 0 clean, 1 findings, 2 "
        "unreadable.",
    )
    aud.add_argument("file", nargs="?", type=Path, help="state file; omit to read --bucket")
    _stack_options(aud, bucket_required=False)
    aud.add_argument(
        "--known-secret-file",
        type=Path,
        action="append",
        default=[],
        help="file with one known secret per line: fail if any appears in clear (repeatable)",
    )
    aud.add_argument("--json", action="store_true", help="print a JSON report for CI")
    aud.add_argument(
        "--max-state-mib",
        default=str(checkpoint.DEFAULT_MAX_MIB),
        metavar="MIB",
        help="refuse states larger than this after decompression (default: %(default)s)",
    )
    _aws_options(aud)

    lck = commands.add_parser(
        "locks",
        help="list a stack's locks; clear stale ones",
        description="List the DIY lock objects of a stack with who/where/when. With "
        "--clear-stale, delete the locks older than --older-than after confirmation.",
    )
    _stack_options(lck, bucket_required=True)
    lck.add_argument("--clear-stale", action="store_true", help="delete stale locks")
    lck.add_argument(
        "--older-than",
        type=_argument(locks.parse_duration),
        help=f"staleness threshold, e.g. 2h, 30m, 1d (at most {locks.MAX_OLDER_THAN.days}d)",
    )
    lck.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _aws_options(lck)

    dem = commands.add_parser(
        "demo",
        help="run the whole flow against a local AWS emulator (moto) on 127.0.0.1",
        description="Start moto in server mode on 127.0.0.1 with fake credentials, then "
        "bootstrap (twice), write a sample state and two locks, audit, clear the stale lock, and "
        "show bootstrap's check and --fix on the existing bucket.",
    )
    dem.add_argument(
        "--port",
        type=_number("--port", 0, MAX_PORT),
        default=0,
        help="port (default: a free one)",
    )
    dem.add_argument(
        "--keep-running",
        action="store_true",
        help="keep the emulator up afterwards, for trying the commands by hand",
    )
    return parser


def run_bootstrap(args: argparse.Namespace) -> int:
    """Create or check; on failure, list what this run had already created."""
    settings = bootstrap.BootstrapSettings(
        bucket=args.bucket,
        region=args.region,
        key_alias=args.key_alias,
        state_key_alias=args.state_key_alias,
        noncurrent_days=args.noncurrent_days,
        stack=args.stack,
    )
    clients = connect(args.region, args.endpoint_url)
    journal = bootstrap.Journal(_emit)
    try:
        bootstrap.bootstrap(clients, settings, fix=args.fix, journal=journal)
    except BackendError:
        if journal.created:
            _emit(
                "this run created, before failing (kept; once the cause is fixed, rerun with "
                "--fix to finish configuring them):"
            )
            for item in journal.created:
                _emit(f"  - {item}")
        raise
    if journal.violations:
        _emit(
            f"{len(journal.violations)} setting(s) differ from the baseline and were not "
            "changed; rerun with --fix to change them"
        )
        return EXIT_ATTENTION
    if journal.created or journal.changed:
        _emit(f"done: {len(journal.created)} created, {len(journal.changed)} setting(s) written")
    else:
        _emit("no changes: everything was already as configured")
    if args.next_steps:
        _emit("next:")
        for line in bootstrap.next_steps(settings, clients.endpoint_url):
            _emit(f"  {line}")
    return EXIT_CLEAN


def run_audit(args: argparse.Namespace) -> int:
    """Read, audit, report; with --json even a read failure is reported as JSON.

    A bucket's state is copied to a temporary directory first (within the size cap), so both
    passes of the audit read the same bytes.
    """
    try:
        if (args.file is None) == (args.bucket is None):
            raise UsageError("give either a state FILE or --bucket (with --project/--stack)")
        max_bytes = checkpoint.max_bytes_from_mib(args.max_state_mib)
        known = audit.merge_known(audit.load_known_secrets(p) for p in args.known_secret_file)
        with tempfile.TemporaryDirectory(prefix="state-audit-") as scratch:
            if args.file is not None:
                source = checkpoint.local_source(args.file, max_bytes)
            else:
                clients = connect(args.region, args.endpoint_url)
                source = checkpoint.download_state(
                    clients.s3,
                    args.bucket,
                    args.project,
                    args.stack,
                    directory=Path(scratch),
                    max_bytes=max_bytes,
                )
            report = audit.audit(source, known)
    except BackendError as error:
        if args.json:
            print(_json_failure(error))
        raise
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.to_text())
    return EXIT_CLEAN if report.clean else EXIT_ATTENTION


def _json_failure(error: BackendError) -> str:
    """What CI reads under --json when the job could not be done."""
    return json.dumps({"clean": False, "error": str(error)}, indent=2)


def _confirm(args: argparse.Namespace, count: int) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        _emit("refusing to delete without --yes: there is no terminal to confirm on")
        return False
    answer = input(
        f"Delete {count} stale lock(s)? Only if no pulumi run on this stack is alive. [y/N] "
    )
    return answer.strip().lower() in {"y", "yes"}


def run_locks(args: argparse.Namespace) -> int:
    """List, or clear the stale ones after confirmation."""
    if args.clear_stale and not args.older_than:
        raise UsageError("--clear-stale needs --older-than (e.g. 2h): how old is stale?")
    older_than: timedelta | None = args.older_than
    clients = connect(args.region, args.endpoint_url)
    found = locks.list_locks(clients.s3, args.bucket, args.project, args.stack, emit=_emit)
    now = locks.utcnow()
    stack = f"organization/{args.project}/{args.stack}"
    if not args.clear_stale:
        if not found:
            _emit(f"no locks: {stack} is not locked")
        else:
            _emit(f"{len(found)} lock(s) on {stack} in s3://{args.bucket}:")
        for lock in found:
            mark = ""
            if older_than is not None:
                mark = "  [stale]" if locks.is_stale(lock, now, older_than) else "  [fresh]"
            _emit(f"  {locks.describe(lock, now)}{mark}")
        return EXIT_CLEAN
    assert older_than is not None  # noqa: S101 - checked above
    stale_count = sum(locks.is_stale(lock, now, older_than) for lock in found)
    deleted = locks.clear_stale(
        clients.s3,
        args.bucket,
        found,
        now=now,
        older_than=older_than,
        confirm=lambda _: _confirm(args, stale_count),
        emit=_emit,
    )
    return EXIT_CLEAN if len(deleted) == stale_count else EXIT_ATTENTION


def run_demo(args: argparse.Namespace) -> int:
    """Imported lazily: moto is a development dependency, not needed by the other commands."""
    from state_backend import embedded  # noqa: PLC0415 - optional dependency

    return embedded.run(port=args.port, keep_running=args.keep_running, emit=_emit)


HANDLERS = {
    "bootstrap": run_bootstrap,
    "audit": run_audit,
    "locks": run_locks,
    "demo": run_demo,
}


def main(argv: Sequence[str] | None = None, *, next_steps: bool = True) -> int:
    """Parse, dispatch, and turn expected failures into one line on stderr and exit code 2.

    ``next_steps=False`` leaves out bootstrap's ``next:`` commands: the demo prints its own,
    and only while its emulator is still there to run them against.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = build_parser().parse_args(arguments)
        except UsageError as error:
            if "--json" in arguments:
                print(_json_failure(error))
            raise
        args.next_steps = next_steps
        return HANDLERS[args.command](args)
    except BackendError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
