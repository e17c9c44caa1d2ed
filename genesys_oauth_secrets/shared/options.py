"""The options several subcommands share, defined once so they mean the same everywhere.

- ``--stack NAME`` (default ``prod``): the stack, i.e. ``Pulumi.NAME.yaml`` and the state
  object ``.pulumi/stacks/<project>/NAME.json``; checked against Pulumi's stack-name rule.
- ``--dir DIR``: the project directory holding ``Pulumi.yaml``. Default: the nearest directory
  upwards from the current one that has a ``Pulumi.yaml``, as the Pulumi CLI finds its project.
- ``--bucket NAME``: the DIY state bucket. Default: the backend the Pulumi CLI would use,
  ``PULUMI_BACKEND_URL`` else ``Pulumi.yaml``'s ``backend.url`` (``shared.backend_url``); the
  bucket's region comes from that URL's ``region=``.
- ``--endpoint-url URL``: one AWS endpoint for every call (a local emulator); default
  ``AWS_ENDPOINT_URL``, else real AWS.
- ``--genesys-base-url URL``: one base URL for the Genesys login host and API (a gateway, a
  test server); default the ``login.``/``api.`` hosts of the stack's ``genesysRegion``.
- ``--json``: exactly one JSON document on stdout; progress and text go to stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from genesys_oauth_secrets.shared import names
from genesys_oauth_secrets.shared.aws import ENDPOINT_ENV
from genesys_oauth_secrets.shared.backend_url import BACKEND_ENV, PROJECT_FILE
from genesys_oauth_secrets.shared.errors import UsageError

DEFAULT_STACK = "prod"
DEFAULT_PROJECT = "genesys-oauth-secrets"
T = TypeVar("T")


def argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse ``type`` from a parser raising :class:`UsageError`; argparse names the flag."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except UsageError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def checked(check: Callable[[str], None]) -> Callable[[str], str]:
    """An argparse ``type`` that runs one of ``names``' checks and keeps the text."""

    def keep(text: str) -> str:
        check(text)
        return text

    return argument(keep)


def number(flag: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``low`` to ``high``."""
    return argument(lambda text: names.bounded_number(text, flag, low, high))


BUCKET = checked(names.validate_bucket_name)
REGION = checked(names.validate_region)
STACK = checked(lambda text: names.validate_pulumi_name(text, "--stack"))
PROJECT = checked(lambda text: names.validate_pulumi_name(text, "--project"))


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest directory from ``start`` upwards holding ``Pulumi.yaml``, else ``start``."""
    origin = (start or Path.cwd()).resolve()
    for candidate in (origin, *origin.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    return origin


def add_stack(parser: argparse.ArgumentParser, purpose: str = "") -> None:
    detail = f"; {purpose}" if purpose else ""
    parser.add_argument(
        "--stack",
        type=STACK,
        default=DEFAULT_STACK,
        help=f"stack name: Pulumi.STACK.yaml{detail}",
    )


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=PROJECT,
        default=DEFAULT_PROJECT,
        help="Pulumi project name (the name: of Pulumi.yaml)",
    )


def add_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help=f"project directory holding {PROJECT_FILE} (default: the nearest one from here "
        "upwards, as the Pulumi CLI finds it)",
    )


def project_dir(args: argparse.Namespace) -> Path:
    """``--dir``, else the project directory found from the current directory."""
    given: Path | None = args.dir
    return given if given is not None else find_project_dir()


def add_bucket(parser: argparse.ArgumentParser, *, region: bool = True) -> None:
    parser.add_argument(
        "--bucket",
        type=BUCKET,
        help=f"the DIY state bucket (default: from ${BACKEND_ENV}, else {PROJECT_FILE}'s "
        "backend.url)",
    )
    if region:
        parser.add_argument(
            "--region",
            type=REGION,
            help="the bucket's region (default: the backend URL's region=, else $AWS_REGION, "
            "else us-east-1)",
        )


def add_endpoint_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        help=f"one AWS endpoint for every call, e.g. a local emulator (default: ${ENDPOINT_ENV}, "
        "else real AWS)",
    )


def add_genesys_base_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--genesys-base-url",
        help="one base URL for both the Genesys login host and API (a gateway, a test server); "
        "default: https://login.<domain> and https://api.<domain> of genesysRegion",
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print exactly one JSON document on stdout (progress and text go to stderr)",
    )
