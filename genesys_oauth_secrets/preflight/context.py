"""Everything the checks share, resolved once from the flags, the environment and the stack files.

Where a value comes from, in the order the Pulumi CLI itself uses:

- the state bucket: ``--bucket``, else ``PULUMI_BACKEND_URL``, else ``Pulumi.yaml``'s
  ``backend.url`` (pulumi/pulumi ``pkg/workspace/creds.go``: the variable wins over the file);
  the bucket's region from that URL's ``region=``, else the shell's AWS region;
- the secrets provider: the stack file's ``secretsprovider`` and ``encryptedkey``, and
  ``PULUMI_CLOUD_SECRET_OVERRIDE``, which the CLI prefers (``pkg/secrets/cloud/manager.go``);
- the Genesys hosts: ``--genesys-base-url`` for both the login host and the API, else
  ``https://login.<domain>`` and ``https://api.<domain>`` of ``genesysRegion``.

The files are read by the shared loader (bounded, strict YAML; the backend resolved as the CLI
resolves it). The config is validated by the program's own rules (``components.config``); a
config the program would refuse is reported once, and the checks that need it say they could
not run.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.config import NAMESPACE, ConfigError, StackConfig, parse_stack_config
from genesys_oauth_secrets.shared.aws import resolve_region
from genesys_oauth_secrets.shared.backend_url import BackendProblem, resolve_backend
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.names import is_pulumi_name, validate_bucket_name
from genesys_oauth_secrets.shared.sealed_seeds import sealed_seeds
from genesys_oauth_secrets.shared.stack_file import Unreadable, load_mapping
from genesys_oauth_secrets.shared.text import shown

SECRETS_OVERRIDE_ENV = "PULUMI_CLOUD_SECRET_OVERRIDE"
AWS_REGION_KEY = "aws:region"


class PreflightError(Exception):
    """Preflight cannot start (bad flags, unreadable project files): one line, exit 2."""


@dataclass(frozen=True)
class Context:
    """The resolved inputs of one run; the checks read it and never change it."""

    stack: str
    project: str
    bucket: str
    bucket_region: str
    endpoint_url: str | None
    stack_document: Mapping[str, Any]
    """``Pulumi.<stack>.yaml`` as loaded, for ``check``' own checks."""
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

    @property
    def stack_file(self) -> str:
        return f"Pulumi.{self.stack}.yaml"


def resolve(
    *,
    stack: str,
    bucket: str | None,
    endpoint_url: str | None,
    genesys_base_url: str | None,
    project_dir: Path,
    env: Mapping[str, str],
) -> Context:
    """Read the project files and settle every input; PreflightError when that is impossible."""
    if not is_pulumi_name(stack):
        raise PreflightError(
            f"--stack {shown(stack, 60)} is not a Pulumi stack name: 1-100 of A-Z a-z 0-9 _ . -"
        )
    try:
        project_file = load_mapping(project_dir / "Pulumi.yaml")
        stack_file = load_mapping(project_dir / f"Pulumi.{stack}.yaml")
        bucket_name, bucket_region = _bucket(bucket, project_dir, env)
    except (Unreadable, BackendProblem) as error:
        raise PreflightError(str(error)) from None
    values = stack_file.get("config")
    config, problem, aws_region = _config(values if isinstance(values, dict) else {})
    return Context(
        stack=stack,
        project=_project_name(project_file),
        bucket=bucket_name,
        bucket_region=bucket_region or resolve_region(None),
        endpoint_url=endpoint_url,
        stack_document=stack_file,
        secrets_provider=_string(stack_file, "secretsprovider"),
        secrets_override=env.get(SECRETS_OVERRIDE_ENV) or None,
        encrypted_key=_string(stack_file, "encryptedkey"),
        aws_region=aws_region or resolve_region(None),
        config=config,
        config_problem=problem,
        login_base_url=_genesys_url(genesys_base_url, config, "login"),
        api_base_url=_genesys_url(genesys_base_url, config, "api"),
        env=env,
    )


def _string(document: Mapping[str, Any], key: str) -> str | None:
    value = document.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _project_name(project_file: Mapping[str, Any]) -> str:
    name = _string(project_file, "name")
    if name is None:
        raise PreflightError("Pulumi.yaml: no project name (name: …); is this the project root?")
    return name


def _bucket(flag: str | None, project_dir: Path, env: Mapping[str, str]) -> tuple[str, str | None]:
    """``--bucket`` (region from the backend URL when it names the same bucket), else the
    backend the CLI would use."""
    if flag is None:
        backend = resolve_backend(project_dir, env)
        return backend.bucket, backend.region
    try:
        validate_bucket_name(flag)
    except BackendError as error:
        raise PreflightError(f"--bucket: {error}") from None
    try:
        backend = resolve_backend(project_dir, env)
    except (Unreadable, BackendProblem):
        return flag, None
    return flag, backend.region if backend.bucket == flag else None


def _config(values: Mapping[str, Any]) -> tuple[StackConfig | None, str | None, str | None]:
    region = values.get(AWS_REGION_KEY)
    aws_region = region if isinstance(region, str) and region else None
    prefix = f"{NAMESPACE}:"
    raw = {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}
    seeds = sealed_seeds(raw)
    encrypted = sorted(
        key for key, value in raw.items() if isinstance(value, dict) and "secure" in value
    )
    if encrypted:
        return (
            None,
            f"the config key(s) {', '.join(encrypted)} are encrypted (secure:), which preflight "
            "cannot read: the checks that need the clients cannot run",
            aws_region,
        )
    try:
        return parse_stack_config(raw, seeds=seeds), None, aws_region
    except ConfigError as error:
        return None, str(error), aws_region
    except (ValueError, TypeError) as error:
        # Rules that crash on hostile values instead of reporting them (being fixed in
        # components.config): say which kind of failure, never the value.
        return None, f"the stack config could not be validated ({type(error).__name__})", aws_region


def _genesys_url(flag: str | None, config: StackConfig | None, host: str) -> str | None:
    """``--genesys-base-url`` for both hosts, else the region's ``login``/``api`` host."""
    if flag is not None:
        parts = urllib.parse.urlsplit(flag)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise PreflightError(
                f"--genesys-base-url {shown(flag)}: give a base URL like "
                "https://gateway.example.com (scheme and host, no query)"
            )
        return flag.rstrip("/")
    if config is None:
        return None
    region = config.genesys_region
    return f"https://{region.login_host if host == 'login' else region.api_host}"
