"""Which state backend the Pulumi CLI will use, decided as the CLI decides it.

pulumi/pulumi ``pkg/workspace/creds.go`` (``GetCurrentCloudURLWithSource``): the environment
variable ``PULUMI_BACKEND_URL`` wins, then ``backend.url`` in ``Pulumi.yaml``, and only then the
URL of the last ``pulumi login``. A stored login therefore never overrides ``Pulumi.yaml``; the
environment variable does. The bucket is named once, in ``Pulumi.yaml``; the workflows read it
from here and pass it on as ``PULUMI_BACKEND_URL``, so every tool in a run agrees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from genesys_oauth_secrets.shared.errors import UsageError
from genesys_oauth_secrets.shared.names import validate_bucket_name
from genesys_oauth_secrets.shared.stack_file import Unreadable, load_mapping
from genesys_oauth_secrets.shared.text import shorten

BACKEND_ENV = "PULUMI_BACKEND_URL"
PROJECT_FILE = "Pulumi.yaml"
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", flags=re.ASCII)
_PRINTABLE_URL = re.compile(r"[\x21-\x7e]{1,2048}", flags=re.ASCII)


class BackendProblem(Exception):
    """The backend URL is there but will not work; ``str(error)`` says why and the fix."""


@dataclass(frozen=True)
class Backend:
    """An S3 DIY backend: the URL as the CLI gets it, and where it came from."""

    url: str
    source: str
    bucket: str
    region: str


def parse_s3_url(url: str, source: str) -> Backend:
    """``s3://<bucket>?region=<region>``; anything the workflows cannot hand on is a problem."""
    if not _PRINTABLE_URL.fullmatch(url):
        raise BackendProblem(
            f"{source}: the URL contains spaces, control or non-ASCII characters, or is empty; "
            "write s3://<bucket>?region=<region>"
        )
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise BackendProblem(
            f"{source}: this project keeps its state in S3; write s3://<bucket>?region=<region> "
            "(the bucket `genesys-oauth-secrets bootstrap` created)"
        )
    try:
        validate_bucket_name(parts.netloc)
    except UsageError as error:
        raise BackendProblem(f"{source}: {error}") from None
    if parts.path not in ("", "/") or parts.fragment:
        raise BackendProblem(f"{source}: the URL names more than a bucket; drop the path")
    regions = parse_qs(parts.query).get("region", [])
    if len(regions) != 1 or not _REGION.fullmatch(regions[0]):
        raise BackendProblem(
            f"{source}: add the bucket's region once, e.g. s3://{parts.netloc}?region=us-east-1 "
            "(the CI credentials step and the audit need it)"
        )
    return Backend(url=url, source=source, bucket=parts.netloc, region=regions[0])


def resolve_backend(project_dir: Path, environ: Mapping[str, str]) -> Backend:
    """The backend the CLI would use in ``project_dir`` with ``environ``, but never a stored login.

    A stored login is a per-machine accident, not something a repository can rely on: with neither
    the variable nor ``backend.url`` set, this is a problem to fix, not a fallback.
    """
    from_env = environ.get(BACKEND_ENV, "")
    if from_env:
        return parse_s3_url(from_env, BACKEND_ENV)
    project = load_mapping(project_dir / PROJECT_FILE)
    backend = project.get("backend") or {}
    if not isinstance(backend, dict):
        raise Unreadable(f"{PROJECT_FILE}: backend must be a mapping with url: s3://…")
    url = backend.get("url")
    if not isinstance(url, str) or not url:
        raise BackendProblem(
            f"{PROJECT_FILE}: no backend.url and no {BACKEND_ENV}; set backend.url to "
            "s3://<state bucket>?region=<region>"
        )
    unknown = sorted(set(backend) - {"url"})
    if unknown:
        raise BackendProblem(
            f"{PROJECT_FILE}: backend has the unknown key {shorten(unknown[0])}; only url is read"
        )
    return parse_s3_url(url, f"{PROJECT_FILE} backend.url")


def state_bucket(
    flag: str | None, project_dir: Path, environ: Mapping[str, str]
) -> tuple[str, str | None]:
    """The bucket a command works on, and its region when the backend URL names it.

    ``--bucket`` wins (it is already checked by its option type); its region is taken from the
    backend URL only when that URL names the same bucket. Without ``--bucket``, the backend the
    CLI would use; :class:`UsageError` naming both ways out when there is none.
    """
    try:
        backend = resolve_backend(project_dir, environ)
    except (Unreadable, BackendProblem) as error:
        if flag is not None:
            return flag, None
        raise UsageError(
            f"no state bucket: {error}; or pass --bucket (and --region) explicitly"
        ) from None
    if flag is None:
        return backend.bucket, backend.region
    return flag, backend.region if backend.bucket == flag else None
