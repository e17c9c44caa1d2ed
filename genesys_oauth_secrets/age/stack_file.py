"""The clients of a stack as its ``Pulumi.<stack>.yaml`` declares them, with their line numbers.

Validation is the program's own (``components.config.parse_stack_config``), so the report
judges exactly the rotation settings ``pulumi up`` would use. The files are read by the shared
loader (``shared.stack_file``), whose YAML nodes give the line a user edits to rotate:
``rotation.generation`` if written, else the client's first line.

The one secret key the program accepts, ``adoptedClientSecrets``, is stored encrypted
(``secure:``); the report never decrypts it. Its entries only tell the validator which clients
have a seed, so each is passed on as an empty sealed placeholder, never its ciphertext.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.config import ClientConfig, ConfigError, parse_stack_config
from genesys_oauth_secrets.shared.sealed_seeds import sealed_seeds
from genesys_oauth_secrets.shared.stack_file import Unreadable, read_stack_file


class StackFileError(Exception):
    """The stack's config cannot be read or is invalid; the message names the file and fix."""


@dataclass(frozen=True)
class DeclaredClient:
    """One client of the stack and where its rotation is set."""

    config: ClientConfig
    path: str
    """Config path of the value to bump, e.g. ``clients[1].rotation.generation``."""
    line: int | None
    """1-based line of that value (or of the client when it has no generation yet)."""


@dataclass(frozen=True)
class StackClients:
    """What the report needs from the stack's files."""

    stack_file: Path
    project: str
    aws_region: str | None
    clients: tuple[DeclaredClient, ...]


def read_stack(project_dir: Path, stack: str) -> StackClients:
    """Read ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` under ``project_dir``."""
    project_doc, _ = _load(project_dir / "Pulumi.yaml")
    project = project_doc.get("name")
    if not isinstance(project, str) or not project:
        raise StackFileError(f"{project_dir / 'Pulumi.yaml'} has no project name (`name:`)")
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    document, root = _load(stack_file)
    config = document.get("config")
    if not isinstance(config, Mapping):
        raise StackFileError(f"{stack_file} has no `config:` map")
    prefix = f"{project}:"
    raw: dict[str, Any] = {
        key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)
    }
    seeds = sealed_seeds(raw)
    for key, value in raw.items():
        if isinstance(value, Mapping) and "secure" in value:
            raise StackFileError(
                f"{stack_file}: {prefix}{key} is a secret config value; the age report reads "
                "config without decrypting it, so keep clients and their rotation in plain config"
            )
    try:
        parsed = parse_stack_config(raw, seeds=seeds)
    except ConfigError as error:
        first = error.problems[0] if error.problems else "invalid"
        raise StackFileError(
            f"{stack_file} has {len(error.problems)} config problem(s), first: {first}; "
            "run `genesys-oauth-secrets plan` or `pulumi preview` to see them all"
        ) from None
    region = config.get("aws:region")
    lines = _client_nodes(root, f"{prefix}clients")
    return StackClients(
        stack_file=stack_file,
        project=project,
        aws_region=region if isinstance(region, str) and region else None,
        clients=tuple(
            _declared(index, client, lines) for index, client in enumerate(parsed.clients)
        ),
    )


def _load(path: Path) -> tuple[dict[str, Any], yaml.Node]:
    """The file by the shared loader (bounded, strict): its mapping and its nodes."""
    try:
        loaded = read_stack_file(path)
    except Unreadable as error:
        raise StackFileError(str(error)) from None
    return loaded.document, loaded.root


def _client_nodes(root: yaml.Node | None, key: str) -> list[yaml.Node]:
    config = _child(root, "config")
    clients = _child(config, key)
    return list(clients.value) if isinstance(clients, yaml.SequenceNode) else []


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found: yaml.Node = value_node  # the loader refused duplicate keys: the only one
            return found
    return None


def _declared(index: int, client: ClientConfig, nodes: list[yaml.Node]) -> DeclaredClient:
    node = nodes[index] if index < len(nodes) else None
    generation = _child(_child(node, "rotation"), "generation")
    if generation is not None:
        return DeclaredClient(
            client, f"clients[{index}].rotation.generation", generation.start_mark.line + 1
        )
    line = node.start_mark.line + 1 if node is not None else None
    return DeclaredClient(client, f"clients[{index}].rotation.generation", line)
