"""A stack's policy-pack config (``policy/config/<stack>.json``) as the engine turns it into the
pack's ``Configure`` request.

The workflows pass ``policy/config/prod.json`` with ``--policy-pack-config``; the offline plan
reads the same file so it judges a run under the levels and properties a real preview would use,
and the pack's tests build their ``Configure`` requests here too. A file that cannot be read as
the engine reads it is one ``PackConfigError`` line naming the file and the entry, never a guess.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

LEVELS: Final = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "disabled": analyzer_pb2.DISABLED,
}
MAX_FILE_BYTES: Final = 64 * 1024
"""A pack config is a few policy entries; anything larger is not one."""


class PackConfigError(Exception):
    """The pack config file cannot be read as the engine reads it; the message names the fix."""


def config_entry(entry: str | Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """One pack-config entry as the engine reads it: a level, or an object holding
    ``enforcementLevel`` beside the policy's properties."""
    if isinstance(entry, str):
        return entry, {}
    properties = dict(entry)
    return properties.pop("enforcementLevel", None), properties


def engine_config(
    info: analyzer_pb2.AnalyzerInfo, file_config: Mapping[str, Any]
) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """The ``Configure`` request the engine sends for a ``--policy-pack-config`` document.

    Follows ``ReconcilePolicyPackConfig`` (pulumi/pulumi ``pkg/resource/analyzer/config.go``):
    every policy starts at its declared level with its schema defaults, then the file's entries
    (a level string, or an object with ``enforcementLevel`` and properties) override them.
    """
    levels: dict[str, int] = {}
    properties: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        levels[policy.name] = policy.enforcementLevel
        schema = json_format.MessageToDict(policy.configSchema.properties)
        properties[policy.name] = {
            key: spec["default"] for key, spec in schema.items() if "default" in spec
        }
    for name, entry in file_config.items():
        given_level, given = config_entry(entry)
        if given_level is not None:
            levels[name] = LEVELS[given_level]
        properties.setdefault(name, {}).update(given)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, level in levels.items():
        request.policyConfig[name].enforcementLevel = level  # type: ignore[assignment]
        request.policyConfig[name].properties.update(properties.get(name, {}))
    return request


def _checked_entry(where: str, entry: Any) -> None:
    if not isinstance(entry, str | dict):
        raise PackConfigError(f"{where} must be a level string or an object")
    level, _ = config_entry(entry)
    if level is not None and level not in LEVELS:
        shown = str(level)[:40]
        raise PackConfigError(f"{where} has level {shown!r}: use one of {', '.join(LEVELS)}")


def read_pack_config(path: Path) -> dict[str, Any]:
    """The file's entries, each a level or an object; ``{}`` when there is no file, which is
    what the engine uses when no ``--policy-pack-config`` is given."""
    if not path.exists():
        return {}
    if not path.is_file():
        raise PackConfigError(f"{path} is not a regular file: replace it with a JSON object")
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise PackConfigError(f"{path} is larger than {MAX_FILE_BYTES} bytes: not a pack config")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise PackConfigError(f"{path} is not valid JSON: fix it or delete it") from None
    if not isinstance(document, dict):
        raise PackConfigError(f"{path} must be a JSON object of policy entries")
    for name, entry in document.items():
        _checked_entry(f"{path}: {name[:80]!r}", entry)
    return document


def check_policy_names(path: Path, config: Mapping[str, Any], policies: frozenset[str]) -> None:
    """Every entry names a policy of the pack. The engine skips a name it does not know
    (``ReconcilePolicyPackConfig``), so a misspelt downgrade would silently not apply and an
    ``all`` entry would bend every policy; the plan refuses both, as the pack's tests do."""
    for name in config:
        if name not in policies:
            raise PackConfigError(
                f"{path}: {name[:80]!r} is not a policy of the pack: fix its name or remove it"
            )
