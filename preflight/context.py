"""Everything the checks share, resolved once from the flags, the environment and the stack files.

Where a value comes from, in the order the Pulumi CLI itself uses:

- the state bucket: ``--bucket``, else ``PULUMI_BACKEND_URL``, else ``Pulumi.yaml``'s
  ``backend.url`` (pulumi/pulumi ``pkg/workspace/creds.go``: the variable wins over the file);
  the bucket's region from that URL's ``region=``, else the shell's AWS region;
- the secrets provider: the stack file's ``secretsprovider`` and ``encryptedkey``, and
  ``PULUMI_CLOUD_SECRET_OVERRIDE``, which the CLI prefers (``pkg/secrets/cloud/manager.go``);
- the Genesys hosts: ``--genesys-base-url`` for both the login host and the API, else
  ``https://login.<domain>`` and ``https://api.<domain>`` of ``genesysRegion``.

The config is validated by the program's own rules (``components.config``); a config the
program would refuse is reported once, and the checks that need it say they could not run.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.config import NAMESPACE, ConfigError, StackConfig, parse_stack_config
from offline_plan.errors import PlanError
from offline_plan.stack_file import load_config, read_yaml, validate_stack_name
from preflight.text import shown
from state_backend.aws import resolve_region
from state_backend.bootstrap import validate_bucket_name
from state_backend.errors import BackendError

BACKEND_ENV = "PULUMI_BACKEND_URL"
SECRETS_OVERRIDE_ENV = "PULUMI_CLOUD_SECRET_OVERRIDE"
AWS_REGION_KEY = "aws:region"


class PreflightError(Exception):
    """Preflight cannot start (bad flags, unreadable stack files): one line, exit 2."""


@dataclass(frozen=True)
class Context:
    """The resolved inputs of one run; the checks read it and never change it."""

    stack: str
    project: str
    bucket: str
    bucket_region: str
    endpoint_url: str | None
    secrets_provider: str | None
    """The stack file's ``secretsprovider``."""
    secrets_override: str | None
    """``PULUMI_CLOUD_SECRET_OVERRIDE``: when set, the CLI uses it instead of the file's."""
    encrypted_key: str | None
    aws_region: str
    """Where the program creates its secrets (the stack's ``aws:region``)."""
    config: StackConfig | None
    config_problem: str | None
    """Why ``config`` is None: the program's own message, or why it could not be read."""
    login_base_url: str | None
    api_base_url: str | None
    env: Mapping[str, str]


def resolve(
    *,
    stack: str,
    bucket: str | None,
    endpoint_url: str | None,
    genesys_base_url: str | None,
    project_dir: Path,
    env: Mapping[str, str],
) -> Context:
    """Read the stack files and settle every input; PreflightError when that is impossible."""
    try:
        validate_stack_name(stack)
        project_file = read_yaml(project_dir / "Pulumi.yaml")
        stack_file = read_yaml(project_dir / f"Pulumi.{stack}.yaml")
    except PlanError as error:
        raise PreflightError(str(error)) from None
    project = _project_name(project_file)
    backend_url = env.get(BACKEND_ENV) or _backend_url(project_file)
    bucket_name, bucket_region = _bucket(bucket, backend_url)
    config, problem, aws_region = _config(project_dir, project, stack)
    login, api = _genesys_urls(genesys_base_url, config)
    return Context(
        stack=stack,
        project=project,
        bucket=bucket_name,
        bucket_region=bucket_region or resolve_region(None),
        endpoint_url=endpoint_url,
        secrets_provider=_string(stack_file, "secretsprovider"),
        secrets_override=env.get(SECRETS_OVERRIDE_ENV) or None,
        encrypted_key=_string(stack_file, "encryptedkey"),
        aws_region=aws_region or resolve_region(None),
        config=config,
        config_problem=problem,
        login_base_url=login,
        api_base_url=api,
        env=env,
    )


def _string(document: Any, key: str) -> str | None:
    value = document.get(key) if isinstance(document, Mapping) else None
    return value if isinstance(value, str) and value.strip() else None


def _project_name(project_file: Any) -> str:
    name = _string(project_file, "name")
    if name is None:
        raise PreflightError("Pulumi.yaml: no project name (name: …); is this the project root?")
    return name


def _backend_url(project_file: Any) -> str | None:
    backend = project_file.get("backend") if isinstance(project_file, Mapping) else None
    return _string(backend, "url")


def _bucket(flag: str | None, backend_url: str | None) -> tuple[str, str | None]:
    """The bucket name and, when the backend URL names it, its region."""
    if flag is not None:
        name, region = flag, None
    elif backend_url is None:
        raise PreflightError(
            f"no state bucket: pass --bucket, set {BACKEND_ENV}=s3://<bucket>?region=<region>, or "
            "set backend.url in Pulumi.yaml"
        )
    else:
        parts = urllib.parse.urlsplit(backend_url)
        if parts.scheme != "s3" or not parts.hostname:
            raise PreflightError(
                f"the backend URL {shown(backend_url)} is not s3://<bucket>?region=<region>: this "
                "project keeps its state in a DIY S3 backend; fix "
                f"{BACKEND_ENV} or Pulumi.yaml's backend.url, or pass --bucket"
            )
        name = parts.netloc
        region = urllib.parse.parse_qs(parts.query).get("region", [None])[0]
    try:
        validate_bucket_name(name)
    except BackendError as error:
        raise PreflightError(f"--bucket: {error}") from None
    return name, region


def _config(
    project_dir: Path, project: str, stack: str
) -> tuple[StackConfig | None, str | None, str | None]:
    try:
        values = load_config(project_dir, project, stack)
    except PlanError as error:
        return None, f"the stack config cannot be read here: {error}", None
    region = values.get(AWS_REGION_KEY)
    aws_region = region if isinstance(region, str) and region else None
    prefix = f"{NAMESPACE}:"
    raw = {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}
    try:
        return parse_stack_config(raw), None, aws_region
    except ConfigError as error:
        return None, str(error), aws_region
    except (ValueError, TypeError) as error:
        # Rules that crash on hostile values instead of reporting them (being fixed in
        # components.config): say which kind of failure, never the value.
        return None, f"the stack config could not be validated ({type(error).__name__})", aws_region


def _genesys_urls(flag: str | None, config: StackConfig | None) -> tuple[str | None, str | None]:
    if flag is not None:
        parts = urllib.parse.urlsplit(flag)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise PreflightError(
                f"--genesys-base-url {shown(flag)}: give a base URL like "
                "https://gateway.example.com (scheme and host, no query)"
            )
        base = flag.rstrip("/")
        return base, base
    if config is None:
        return None, None
    region = config.genesys_region
    return f"https://{region.login_host}", f"https://{region.api_host}"
