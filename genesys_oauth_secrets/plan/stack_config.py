"""``Pulumi.<stack>.yaml`` (plus ``Pulumi.yaml``'s project config) as the CLI hands it over.

The plan must see the config ``pulumi up`` would give the program, or it proves nothing: stack
values win over the project's ``config:`` block, keys carry their namespace, and nothing is
guessed. What the CLI could read but this module cannot (an encrypted ``secure:`` value needs
the stack's secrets provider) stops the plan with the key and the way out; it is never skipped.

Stack files come from pull requests, forks included, so reading is bounded: a regular file of
at most ``MAX_FILE_BYTES``, and at most ``MAX_NODES`` values after YAML aliases are expanded
(an alias bomb is a few lines of text).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.shared.names import is_pulumi_name

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64
SCALARS = (str, int, float, bool, type(None))
SCHEMA_KEYS = frozenset({"type", "default", "value", "description", "secret", "items"})
"""Keys of a typed project-config declaration in ``Pulumi.yaml``."""


class _StackFileLoader(yaml.SafeLoader):
    """Safe YAML as the CLI's Go decoder reads it into config: a bare date stays a string.

    gopkg.in/yaml.v3 keeps timestamp-like scalars as strings when decoding into ``any``
    (``resolve.go``); PyYAML would make them ``datetime``, which config cannot hold.
    """


_StackFileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validate_stack_name(stack: str) -> str:
    """The name, or PlanError saying what Pulumi accepts."""
    if not is_pulumi_name(stack):
        raise PlanError(
            "--stack: stack names are 1-100 letters, digits, hyphens, underscores or periods "
            "(the NAME of Pulumi.NAME.yaml), e.g. --stack prod"
        )
    return stack


def read_yaml(path: Path) -> Any:
    """Parse ``path``: a regular file, size- and alias-bounded; PlanError on anything else."""
    try:
        info = path.stat()
    except FileNotFoundError as error:
        stacks = sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in path.parent.glob("Pulumi.*.yaml")
        )
        known = f"; stacks with a file here: {', '.join(stacks)}" if stacks else ""
        raise PlanError(f"{path.name}: not found in {path.parent}{known}") from error
    except OSError as error:
        raise PlanError(f"{path.name}: cannot be read ({error.strerror})") from error
    if not stat.S_ISREG(info.st_mode):
        raise PlanError(f"{path.name}: not a regular file")
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise PlanError(f"{path.name}: cannot be read ({error.strerror})") from error
    if len(raw) > MAX_FILE_BYTES:
        raise PlanError(f"{path.name}: larger than {MAX_FILE_BYTES} bytes; not a stack file")
    try:
        document = yaml.load(raw, Loader=_StackFileLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise PlanError(f"{path.name}: not valid YAML{line}; fix the syntax") from None
    except (RecursionError, UnicodeDecodeError, ValueError):
        raise PlanError(f"{path.name}: not valid YAML; fix the syntax") from None
    _check_bounds(path.name, document)
    return document


def _check_bounds(name: str, document: Any) -> None:
    """Walk at most MAX_NODES values, MAX_DEPTH deep: alias bombs and deep nesting stop here.

    Also refuses values config cannot carry (``!!binary``, ``!!set``, ``!!timestamp``).
    """
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise PlanError(f"{name}: more than {MAX_NODES} values (after YAML aliases)")
        if depth > MAX_DEPTH:
            raise PlanError(f"{name}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif not isinstance(value, SCALARS):
            raise PlanError(
                f"{name}: holds a YAML {type(value).__name__} (an explicit !! tag); config "
                "values are text, numbers, booleans, lists and maps"
            )


def _secure_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        if "secure" in value:
            yield path
            return
        for key, item in value.items():
            yield from _secure_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secure_paths(item, f"{path}[{index}]")


def _config_block(name: str, document: Any) -> Mapping[Any, Any]:
    if document is None:
        return {}
    if not isinstance(document, Mapping):
        raise PlanError(f"{name}: must be a YAML map (with a config: key)")
    block = document.get("config")
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise PlanError(f"{name}: config: must be a map of key to value")
    return block


def _project_config(project: str, document: Any) -> dict[str, Any]:
    """``Pulumi.yaml``'s ``config:``: bare keys are the project's; typed keys give a default."""
    values: dict[str, Any] = {}
    for key, value in _config_block("Pulumi.yaml", document).items():
        full_key = str(key) if ":" in str(key) else f"{project}:{key}"
        if isinstance(value, Mapping) and value and set(value) <= SCHEMA_KEYS:
            if "value" in value:
                values[full_key] = value["value"]
            elif "default" in value:
                values[full_key] = value["default"]
        else:
            values[full_key] = value
    return values


def load_config(project_dir: Path, project: str, stack: str) -> dict[str, Any]:
    """The stack's config as the CLI would pass it: ``namespace:key`` to value."""
    stack_path = project_dir / f"Pulumi.{validate_stack_name(stack)}.yaml"
    values = _project_config(project, read_yaml(project_dir / "Pulumi.yaml"))
    for key, value in _config_block(stack_path.name, read_yaml(stack_path)).items():
        if not isinstance(key, str) or ":" not in key:
            raise PlanError(
                f"{stack_path.name}: config key {str(key)[:64]!r} has no namespace; "
                f"write it as {project}:<key> (what `pulumi config set` writes)"
            )
        values[key] = value
    for key, value in values.items():
        for path in _secure_paths(value, key):
            raise PlanError(
                f"{path} is encrypted (secure:) and the offline plan has no secrets provider; "
                "run the plan on a copy of the stack file with a sample plain value there"
            )
    return values
