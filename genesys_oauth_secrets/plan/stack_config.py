"""``Pulumi.<stack>.yaml`` (plus ``Pulumi.yaml``'s project config) as the CLI hands it over.

The plan must see the config ``pulumi up`` would give the program, or it proves nothing: stack
values win over the project's ``config:`` block, keys carry their namespace, and nothing is
guessed. What the CLI could read but this module cannot (an encrypted ``secure:`` value needs
the stack's secrets provider) stops the plan with the key and the way out; it is never skipped.

Both files are read by the shared loader (``shared.stack_file``): bounded and as strict as the
CLI, so the plan refuses what ``pulumi up`` would refuse (a duplicate key, for one).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.shared.names import is_pulumi_name
from genesys_oauth_secrets.shared.stack_file import Unreadable, load_mapping
from genesys_oauth_secrets.shared.text import shorten

SCHEMA_KEYS = frozenset({"type", "default", "value", "description", "secret", "items"})
"""Keys of a typed project-config declaration in ``Pulumi.yaml``."""


def validate_stack_name(stack: str) -> str:
    """The name, or PlanError saying what Pulumi accepts."""
    if not is_pulumi_name(stack):
        raise PlanError(
            "--stack: stack names are 1-100 letters, digits, hyphens, underscores or periods "
            "(the NAME of Pulumi.NAME.yaml), e.g. --stack prod"
        )
    return stack


def read_yaml(path: Path) -> dict[str, Any]:
    """``path``'s top-level mapping, read by the shared loader; PlanError on anything else."""
    try:
        return load_mapping(path)
    except Unreadable as error:
        raise PlanError(str(error)) from None


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


def _config_block(name: str, document: Mapping[str, Any]) -> Mapping[Any, Any]:
    block = document.get("config")
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise PlanError(f"{name}: config: must be a map of key to value")
    return block


def _project_config(project: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """``Pulumi.yaml``'s ``config:``: bare keys are the project's; typed keys give a default."""
    values: dict[str, Any] = {}
    for key, value in _config_block("Pulumi.yaml", document).items():
        full_key = key if ":" in key else f"{project}:{key}"
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
        if ":" not in key:
            raise PlanError(
                f"{stack_path.name}: config key {shorten(key)} has no namespace; "
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
