"""``genesys-oauth-secrets check [--github-output FILE]``: the check before any Pulumi run.

Exit 0: the stack file has an ``awskms://`` provider with its committed ``encryptedkey`` and
ciphertext-only config, and ``Pulumi.yaml`` (or ``PULUMI_BACKEND_URL``) names an S3 backend with
its region. Exit 1: something to fix, one line each. Exit 2: a file could not be read or the
arguments are wrong, one line. With ``--github-output`` (a workflow's ``$GITHUB_OUTPUT``) the
backend is appended as step outputs ``backend-url``, ``bucket`` and ``region``, and problems are
printed as ``::error`` annotations on the file. With ``--json`` the verdict, the backend and the
problems are one document on stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from genesys_oauth_secrets.check.stack_file import stack_file_problems
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.backend_url import Backend, BackendProblem, resolve_backend
from genesys_oauth_secrets.shared.command import Command, Phase, dispatch
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_CANNOT, EXIT_OK, Report
from genesys_oauth_secrets.shared.stack_file import Unreadable, load_mapping


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_stack(parser)
    options.add_dir(parser)
    parser.add_argument(
        "--github-output",
        type=Path,
        help="append backend-url, bucket and region to this file ($GITHUB_OUTPUT) and print "
        "problems as GitHub annotations",
    )
    options.add_json(parser)


def annotation(file_name: str, message: str) -> str:
    """A GitHub ``::error`` workflow command; its data escaped so it stays one line."""
    data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::error file={file_name}::{data}"


def check(project_dir: Path, stack: str, environ: Mapping[str, str]) -> tuple[Backend, list[str]]:
    """The backend and every problem; :class:`Unreadable` if a file cannot be judged."""
    name = f"Pulumi.{stack}.yaml"
    problems = stack_file_problems(
        load_mapping(project_dir / name), name, stack=stack, require_encryptedkey=True
    )
    try:
        backend = resolve_backend(project_dir, environ)
    except BackendProblem as problem:
        return Backend(url="", source="", bucket="", region=""), [*problems, str(problem)]
    return backend, problems


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """``genesys-oauth-secrets check`` with the tests' seam (the environment)."""
    return dispatch(COMMAND, argv, lambda args: run(args, environ=environ))


def run(args: argparse.Namespace, *, environ: Mapping[str, str] | None = None) -> int:
    stack_file = f"Pulumi.{args.stack}.yaml"
    report = Report(as_json=args.json)
    try:
        backend, problems = check(
            options.project_dir(args), args.stack, os.environ if environ is None else environ
        )
    except Unreadable as error:
        return report.fail(str(error), EXIT_CANNOT, stackFile=stack_file)
    if problems:
        for problem in problems:
            if args.github_output is not None:
                report.line(annotation(stack_file, problem))
            else:
                print(f"error: {problem}", file=sys.stderr)
        return report.verdict(EXIT_ATTENTION, _document(stack_file, None, problems))
    report.line(f"ok: {stack_file}: awskms:// secrets provider with its encryptedkey")
    report.line(f"ok: state backend {backend.url} (from {backend.source})")
    if args.github_output is not None:
        try:
            with args.github_output.open("a", encoding="utf-8") as outputs:
                outputs.write(
                    f"backend-url={backend.url}\nbucket={backend.bucket}\nregion={backend.region}\n"
                )
        except OSError as error:
            message = f"cannot append to --github-output: {error.strerror}"
            return report.fail(message, EXIT_CANNOT, stackFile=stack_file)
    return report.verdict(EXIT_OK, _document(stack_file, backend, []))


def _document(
    stack_file: str, backend: Backend | None, problems: Sequence[str]
) -> dict[str, object]:
    """The ``--json`` verdict: the backend a workflow would use, or every problem to fix."""
    return {
        "stackFile": stack_file,
        "backend": None
        if backend is None
        else {
            "url": backend.url,
            "source": backend.source,
            "bucket": backend.bucket,
            "region": backend.region,
        },
        "problems": list(problems),
    }


COMMAND = Command(
    name="check",
    phase=Phase.EVERY_DEPLOY,
    summary="check Pulumi.yaml and the stack file before any Pulumi run",
    description="Check Pulumi.yaml and Pulumi.STACK.yaml before a Pulumi run: an awskms:// "
    "secrets provider with its committed encryptedkey, ciphertext-only config, and an S3 "
    "backend with its region (PULUMI_BACKEND_URL, else Pulumi.yaml backend.url).",
    configure=configure,
    run=run,
)
