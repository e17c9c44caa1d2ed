"""``python -m project_files --stack prod [--github-output FILE]``: the check before any Pulumi run.

Exit 0: the stack file has an ``awskms://`` provider with its committed ``encryptedkey`` and
ciphertext-only config, and ``Pulumi.yaml`` (or ``PULUMI_BACKEND_URL``) names an S3 backend with
its region. Exit 1: something to fix, one line each. Exit 2: a file could not be read or the
arguments are wrong, one line. With ``--github-output`` (a workflow's ``$GITHUB_OUTPUT``) the
backend is appended as step outputs ``backend-url``, ``bucket`` and ``region``, and problems are
printed as ``::error`` annotations on the file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from project_files.backend import Backend, BackendProblem, resolve_backend
from project_files.loading import Unreadable, load_mapping, shorten
from project_files.stack_file import stack_file_problems
from state_backend.names import is_pulumi_name

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, like every other failure of this tool."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m project_files",
        description="Check Pulumi.yaml and Pulumi.<stack>.yaml before a Pulumi run: an awskms:// "
        "secrets provider with its committed encryptedkey, ciphertext-only config, and an S3 "
        "backend with its region (PULUMI_BACKEND_URL, else Pulumi.yaml backend.url).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--stack", default="prod", help="stack name")
    parser.add_argument(
        "--dir", type=Path, default=Path(), help="directory holding Pulumi.yaml (the project)"
    )
    parser.add_argument(
        "--github-output",
        type=Path,
        help="append backend-url, bucket and region to this file ($GITHUB_OUTPUT) and print "
        "problems as GitHub annotations",
    )
    return parser


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
    args = build_parser().parse_args(argv)
    if not is_pulumi_name(args.stack):
        print(
            f"error: --stack {shorten(args.stack)} is not a Pulumi stack name: 1-100 of "
            "A-Z a-z 0-9 _ . -",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    stack_file = f"Pulumi.{args.stack}.yaml"
    try:
        backend, problems = check(args.dir, args.stack, os.environ if environ is None else environ)
    except Unreadable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if problems:
        for problem in problems:
            if args.github_output is not None:
                print(annotation(stack_file, problem))
            else:
                print(f"error: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"ok: {stack_file}: awskms:// secrets provider with its encryptedkey")
    print(f"ok: state backend {backend.url} (from {backend.source})")
    if args.github_output is not None:
        try:
            with args.github_output.open("a", encoding="utf-8") as outputs:
                outputs.write(
                    f"backend-url={backend.url}\nbucket={backend.bucket}\nregion={backend.region}\n"
                )
        except OSError as error:
            print(f"error: cannot append to --github-output: {error.strerror}", file=sys.stderr)
            return EXIT_UNREADABLE
    return EXIT_OK
