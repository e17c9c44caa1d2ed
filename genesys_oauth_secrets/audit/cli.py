"""The ``audit`` subcommand: read the state from a file or the bucket, audit, report."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from genesys_oauth_secrets.audit import checkpoint, scan
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.backend_url import state_bucket
from genesys_oauth_secrets.shared.command import Command, Phase
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_OK, Report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", type=Path, help="state file; omit to read the stack's state from S3"
    )
    options.add_bucket(parser)
    options.add_project(parser)
    options.add_stack(parser)
    options.add_dir(parser)
    parser.add_argument(
        "--known-secret-file",
        type=Path,
        action="append",
        default=[],
        help="file with one known secret per line: fail if any appears in clear (repeatable)",
    )
    options.add_json(parser)
    parser.add_argument(
        "--max-state-mib",
        default=str(checkpoint.DEFAULT_MAX_MIB),
        metavar="MIB",
        help="refuse states larger than this after decompression",
    )
    options.add_endpoint_url(parser)


def run(args: argparse.Namespace) -> int:
    """Read, audit, report; with --json even a read failure is reported as JSON.

    A bucket's state is copied to a temporary directory first (within the size cap), so both
    passes of the audit read the same bytes.
    """
    report = Report(as_json=args.json)
    try:
        max_bytes = checkpoint.max_bytes_from_mib(args.max_state_mib)
        known = scan.merge_known(scan.load_known_secrets(p) for p in args.known_secret_file)
        with tempfile.TemporaryDirectory(prefix="state-audit-") as scratch:
            if args.file is not None:
                source = checkpoint.local_source(args.file, max_bytes)
            else:
                bucket, region = state_bucket(args.bucket, options.project_dir(args), os.environ)
                clients = connect(args.region or region, args.endpoint_url)
                source = checkpoint.download_state(
                    clients.s3,
                    bucket,
                    args.project,
                    args.stack,
                    directory=Path(scratch),
                    max_bytes=max_bytes,
                )
            result = scan.audit(source, known)
    except BackendError as error:
        return report.fail(str(error), error.exit_code, clean=False)
    code = EXIT_OK if result.clean else EXIT_ATTENTION
    return report.verdict(code, result.to_json(), [result.to_text()])


COMMAND = Command(
    name="audit",
    phase=Phase.EVERY_DEPLOY,
    summary="prove a state checkpoint holds secrets only as ciphertext",
    description="Audit a checkpoint from FILE (`pulumi stack export` output or a DIY state "
    "file: .json, .json.gz or .json.zst) or, without FILE, the stack's state in the bucket. "
    "Exit 0 clean, 1 findings, 2 unreadable.",
    configure=configure,
    run=run,
)
