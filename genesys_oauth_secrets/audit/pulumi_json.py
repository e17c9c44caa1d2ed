"""Read a checkpoint's JSON the way Pulumi's Go code reads it, one resource at a time.

Pulumi decodes state with Go's ``encoding/json`` into the structs of ``pulumi/pulumi``
``sdk/go/common/apitype/core.go`` (v3.259.0): ``VersionedCheckpoint`` → ``CheckpointV3`` →
``DeploymentV3`` → ``ResourceV3`` for a DIY state file, ``UntypedDeployment`` → ``DeploymentV3``
for ``pulumi stack export`` output. Two rules of that decoder decide what Pulumi sees and are
easy to miss in Python:

- a JSON key matches a struct field by its exact name or, failing that, case-insensitively with
  Unicode simple folding (``decode.go`` ``object``: ``byExactName`` then ``byFoldedName``;
  ``fold.go`` ``foldRune``), so ``Latest``, ``RESOURCES`` and ``resources`` spelt with a long
  s (U+017F) are the same field, and the Kelvin sign U+212A is a ``k``. Keys of a map
  (``inputs``, ``outputs``) are matched exactly;
- a key given twice is decoded twice into the same field: the later value wins, and for a
  pointer, map or slice it is decoded *into* the earlier one, which merges them.

This module turns the ijson event stream (C backend) into those structs' view: struct levels are
walked key by key with Go's matching, every other value is built as plain Python data, one
resource at a time, so memory stays at one resource whatever the file size. It does not decide
which merge Pulumi would end with: a case-variant key or a repeated key is reported to the
visitor as ambiguous, and every occurrence is handed over for auditing, so the audit covers
whatever Pulumi would load and more. Anything that Pulumi could not load as a checkpoint (not
JSON, a resource that is not an object, nesting beyond Go's 10,000 levels) raises
``CheckpointUnreadable`` with one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import ijson

from genesys_oauth_secrets.audit.checkpoint import ChunkReader
from genesys_oauth_secrets.audit.refusal import PulumiRefuses
from genesys_oauth_secrets.shared.errors import CheckpointUnreadable

JsonPath = tuple[str | int, ...]
Occurrence = tuple[JsonPath, object]
"""A value and the path of the key it was written under."""

SIG_KEY = "4dabf18193072939515e22adb298388d"
"""Pulumi's special-value marker key (``resource.SigKey``): secrets, assets, references."""
MAX_DEPTH = 10_000
"""Go's ``encoding/json`` ``maxNestingDepth`` (scanner.go): Pulumi cannot load deeper JSON."""

_FOLD = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, "\u017f": "s", "\u212a": "k"}
)
"""ASCII case plus the only two non-ASCII runes whose Go simple-fold orbit holds an ASCII letter
(``unicode/tables.go`` ``caseOrbit``: K k U+212A, S s U+017F). Every field name is ASCII, so no
other rune can fold onto one."""
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(path: JsonPath) -> str:
    """``$.checkpoint.latest.resources[3].outputs['genesys-oauth-client']``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            parts.append(f".{part}")
        else:
            escaped = json.dumps(part)[1:-1].replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def fold(name: str) -> str:
    """The key as Go compares it with an (ASCII) field name: equal folds mean the same field."""
    return name.translate(_FOLD)


@dataclass(frozen=True)
class Struct:
    """A Go struct's JSON field names (the ``json:"..."`` tags)."""

    name: str
    fields: tuple[str, ...]

    def match(self, key: str) -> str | None:
        """The field ``key`` decodes into, or None if Go ignores the key."""
        if key in self.fields:
            return key
        return self.folded(key)

    def folded(self, key: str) -> str | None:
        """The field ``key`` matches only case-insensitively (Go's second lookup), if any."""
        folded = fold(key)
        return next((f for f in self.fields if f.lower() == folded), None)


ROOT = Struct(
    "VersionedCheckpoint/UntypedDeployment", ("version", "features", "checkpoint", "deployment")
)
CHECKPOINT = Struct("CheckpointV3", ("stack", "config", "latest"))
DEPLOYMENT = Struct(
    "DeploymentV3",
    (
        "manifest",
        "secrets_providers",
        "resources",
        "pending_operations",
        "metadata",
        "snippets",
        "extensions",
    ),
)
OPERATION = Struct("OperationV2", ("resource", "type"))
RESOURCE = Struct(
    "ResourceV3",
    (
        "urn",
        "custom",
        "delete",
        "id",
        "type",
        "inputs",
        "outputs",
        "parent",
        "protect",
        "taint",
        "external",
        "dependencies",
        "initErrors",
        "provider",
        "propertyDependencies",
        "pendingReplacement",
        "additionalSecretOutputs",
        "aliases",
        "customTimeouts",
        "importID",
        "retainOnDelete",
        "deletedWith",
        "replaceWith",
        "created",
        "modified",
        "sourcePosition",
        "stackTrace",
        "ignoreChanges",
        "hideDiff",
        "replaceOnChanges",
        "replacementTrigger",
        "refreshBeforeUpdate",
        "viewOf",
        "resourceHooks",
        "extensionRef",
        "snippetID",
    ),
)
SECRETS_PROVIDERS = Struct("SecretsProvidersV1", ("type", "state"))

_RESOURCE_TYPES: Mapping[str, type] = {
    "urn": str,
    "type": str,
    "inputs": dict,
    "outputs": dict,
    "additionalSecretOutputs": list,
}
"""Fields the audit reads, with the JSON type Go needs (``null`` is always accepted)."""


@dataclass
class Found:
    """What building values noticed on the way: secret envelopes and repeated keys."""

    envelopes: list[tuple[JsonPath, dict[str, object]]] = field(default_factory=list)
    """Every object holding the special-value key (secret, asset, archive, reference)."""
    duplicates: list[Occurrence] = field(default_factory=list)
    """Every repeated key in a built value, with the earlier value it replaced."""


@dataclass
class Resource:
    """One ``ResourceV3`` as written: every occurrence of each field, under its Go name."""

    path: JsonPath
    fields: dict[str, list[Occurrence]]
    ignored: list[Occurrence]
    """Keys Pulumi ignores: not loaded, but still in the file for anyone to read."""
    found: Found
    operation: bool
    """True for the resource of a pending operation (an interrupted update)."""

    def last(self, name: str) -> object:
        """The field's value as Go ends with it when written once (the last one otherwise)."""
        occurrences = self.fields.get(name)
        return occurrences[-1][1] if occurrences else None


class Visitor(Protocol):
    """What the walk reports, in document order."""

    def part(self, path: JsonPath, name: str | None, value: object, found: Found) -> None:
        """A value outside the resources; ``name`` is its Go field (None: ignored by Pulumi)."""

    def resource(self, resource: Resource) -> None:
        """One resource, complete."""

    def ambiguous(self, path: JsonPath, message: str) -> None:
        """A key Pulumi reads differently from how it looks (case variant, repeated)."""


@dataclass(frozen=True)
class Shape:
    """What the walk found at the top: which format, the schema version."""

    kind: str
    """``diy-checkpoint`` or ``stack-export``."""
    root: str
    """``checkpoint`` or ``deployment``: the key holding the deployment."""
    version: int


_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})

FieldHandler = Callable[[str | None, JsonPath, str, object], None]
"""Called per key of a struct: Go field (or None), path, first event of the value, its value."""

_YAJL_REASON = re.compile(r"^(?:b')?((?:lexical|parse) error: [a-zA-Z0-9 ()'\-]+)")


class BigInteger(Exception):
    """yajl cannot hold an integer above int64; Go reads it as a float64 (re-read slower)."""


def walk(reader: ChunkReader, visitor: Visitor, *, big_numbers: bool = False) -> Shape:
    """Stream the checkpoint in ``reader`` to ``visitor``; raise if Pulumi could not load it.

    Parses with ``multiple_values`` so that what follows the document is decided by the
    format: ``pulumi stack import`` decodes one value and ignores the rest
    (pkg/cmd/pulumi/stack/stack_import.go ``json.NewDecoder(reader).Decode``), the DIY loader
    unmarshals the whole file (pkg/backend/diy/state.go ``getCheckpoint``), which refuses it.
    """
    parse = ijson.get_backend("python").basic_parse if big_numbers else ijson.basic_parse
    walker = _Walker(parse(reader, use_float=True, multiple_values=True), reader, visitor)
    try:
        return walker.run()
    except ijson.JSONError as error:
        if "integer overflow" in str(error) and not big_numbers:
            raise BigInteger from None
        if walker.document_done:
            raise PulumiRefuses(
                reader.label, "trailing-data", "data follows the checkpoint's JSON document"
            ) from None
        reason = _YAJL_REASON.match(str(error))
        raise CheckpointUnreadable(
            f"{reader.label}: not valid JSON ({reason.group(1) if reason else 'malformed'} "
            f"near byte {reader.position}), so not a checkpoint Pulumi can load"
        ) from None


def _kind(event: str) -> str:
    return {
        "start_map": "an object",
        "start_array": "a list",
        "string": "a string",
        "number": "a number",
        "boolean": "a boolean",
        "null": "null",
    }.get(event, event)


class _Walker:
    def __init__(
        self, events: Iterator[tuple[str, Any]], reader: ChunkReader, visitor: Visitor
    ) -> None:
        self.events = events
        self.reader = reader
        self.visitor = visitor
        self.found = Found()
        self.version: list[object] = []
        self.roots: list[str] = []
        self.legacy = False
        self.document_done = False

    def fail(self, path: JsonPath, problem: str) -> CheckpointUnreadable:
        return CheckpointUnreadable(
            f"{self.reader.label}: {json_path(path)} {problem}, so this is not a checkpoint "
            "Pulumi can load"
        )

    def run(self) -> Shape:
        event, _ = next(self.events)
        if event != "start_map":
            raise CheckpointUnreadable(
                f"{self.reader.label}: not a Pulumi checkpoint (the JSON is {_kind(event)}, not "
                "an object)"
            )
        self.struct(ROOT, (), self.root_field)
        self.document_done = True
        shape = self.shape()
        if shape.root == "checkpoint" and next(self.events, None) is not None:
            raise PulumiRefuses(
                self.reader.label, "trailing-data", "data follows the checkpoint's JSON document"
            )
        return shape

    def shape(self) -> Shape:
        label = self.reader.label
        version = self.version[-1] if self.version else None
        if len(set(self.roots)) > 1:
            raise CheckpointUnreadable(
                f"{label}: holds both `checkpoint` (a DIY state file) and `deployment` (`pulumi "
                "stack export` output); Pulumi reads one or the other depending on how the file "
                "is used, so the audit cannot tell which: keep the one that belongs"
            )
        if version is None and self.legacy:
            raise CheckpointUnreadable(
                f"{label}: a legacy version-0 checkpoint (`latest` at the top, no `version`), "
                "from CLIs older than the versioned state format; the audit reads versions 3 "
                "and 4: import it with a current CLI and audit `pulumi stack export` output"
            )
        if not self.roots:
            raise CheckpointUnreadable(
                f"{label}: not a Pulumi checkpoint: expected a `version` and either a "
                "`checkpoint` (DIY state file) or a `deployment` (`pulumi stack export`) object"
            )
        if type(version) is not int or version not in (3, 4):
            shown = version if type(version) is int else "missing or not an integer"
            raise CheckpointUnreadable(
                f"{label}: checkpoint version {shown} is not supported (only 3, written by every "
                "Pulumi 3 CLI, and 4, written when the state uses newer features); run `pulumi "
                "stack export` with a current CLI and audit that"
            )
        root = self.roots[-1]
        return Shape("diy-checkpoint" if root == "checkpoint" else "stack-export", root, version)

    def struct(self, schema: Struct, path: JsonPath, handle: FieldHandler) -> None:
        """Walk one JSON object as Go decodes it into ``schema``, after its ``start_map``."""
        if len(path) >= MAX_DEPTH:
            raise self.fail(path, "is nested deeper than 10,000 levels")
        seen: set[str] = set()
        exact = frozenset(schema.fields)
        events = self.events
        for event, key in events:
            if event == "end_map":
                return
            where = (*path, key)
            name = key if key in exact else schema.folded(key)
            if name is not None:
                if name != key:
                    self.visitor.ambiguous(
                        where,
                        f"`{key}` is not `{name}`, yet Pulumi reads it as `{name}` (Go matches "
                        f"{schema.name} fields case-insensitively): write it as `{name}`",
                    )
                if name in seen:
                    self.visitor.ambiguous(
                        where,
                        f"`{name}` is given more than once here; Pulumi decodes each into the "
                        "same field (the later wins or merges into the earlier): keep one",
                    )
                seen.add(name)
            value_event, value = next(events)
            handle(name, where, value_event, value)

    def root_field(self, name: str | None, path: JsonPath, event: str, value: object) -> None:
        if name in ("checkpoint", "deployment"):
            self.roots.append(name)
            if event == "start_map" and name == "checkpoint":
                self.struct(CHECKPOINT, path, self.checkpoint_field)
                return
            if event == "start_map":
                self.struct(DEPLOYMENT, path, self.deployment_field)
                return
            if event != "null":
                raise self.fail(path, f"is {_kind(event)}, not an object")
            return
        if name is None and fold(str(path[-1])) in ("latest", "stack", "target"):
            self.legacy = True
        built = self.leaf(path, event, value)
        if name == "version":
            self.version.append(built)
        self.visitor.part(path, name, built, self.take_found())

    def checkpoint_field(self, name: str | None, path: JsonPath, event: str, value: object) -> None:
        if name == "latest" and event == "start_map":
            self.struct(DEPLOYMENT, path, self.deployment_field)
            return
        if name == "latest" and event != "null":
            raise self.fail(path, f"is {_kind(event)}, not an object")
        self.visitor.part(path, name, self.leaf(path, event, value), self.take_found())

    def deployment_field(self, name: str | None, path: JsonPath, event: str, value: object) -> None:
        if name in ("resources", "pending_operations"):
            if event == "start_array":
                self.resource_list(path, operations=name == "pending_operations")
                return
            if event != "null":
                raise self.fail(path, f"is {_kind(event)}, not a list")
            return
        if name == "secrets_providers" and event not in ("start_map", "null"):
            raise self.fail(path, f"is {_kind(event)}, not an object")
        self.visitor.part(path, name, self.leaf(path, event, value), self.take_found())

    def resource_list(self, path: JsonPath, *, operations: bool) -> None:
        for index, (event, _) in enumerate(self.events):
            if event == "end_array":
                return
            where = (*path, index)
            if event != "start_map":
                what = "pending operation" if operations else "resource"
                raise self.fail(where, f"is {_kind(event)}, not a {what} object")
            self.reader.mark()
            if operations:
                self.struct(OPERATION, where, self.operation_field)
            else:
                self.resource(where, operation=False)

    def operation_field(self, name: str | None, path: JsonPath, event: str, value: object) -> None:
        if name == "resource" and event == "start_map":
            self.resource(path, operation=True)
            return
        if name == "resource" and event != "null":
            raise self.fail(path, f"is {_kind(event)}, not a resource object")
        self.visitor.part(path, name, self.leaf(path, event, value), self.take_found())

    def resource(self, path: JsonPath, *, operation: bool) -> None:
        fields: dict[str, list[Occurrence]] = {}
        ignored: list[Occurrence] = []

        def collect(name: str | None, where: JsonPath, event: str, value: object) -> None:
            built = self.leaf(where, event, value)
            if name is None:
                ignored.append((where, built))
                return
            if name in _RESOURCE_TYPES and built is not None:
                self.check_type(name, where, event, built)
            if name in fields:
                fields[name].append((where, built))
            else:
                fields[name] = [(where, built)]

        self.struct(RESOURCE, path, collect)
        self.visitor.resource(Resource(path, fields, ignored, self.take_found(), operation))

    def check_type(self, name: str, where: JsonPath, event: str, built: object) -> None:
        """A field the audit reads must have the JSON type Go decodes into it."""
        if type(built) is not _RESOURCE_TYPES[name]:
            raise self.fail(where, f"is {_kind(event)}, which Go cannot decode into `{name}`")
        if isinstance(built, list) and not all(isinstance(item, str) for item in built):
            raise self.fail(where, "holds something other than property names")

    def take_found(self) -> Found:
        found, self.found = self.found, Found()
        return found

    def leaf(self, path: JsonPath, first: str, first_value: object) -> object:  # noqa: PLR0912
        """Build one JSON value as plain data, after its first event; record envelopes/repeats.

        The hot loop of the audit: kept flat, with the path of a container worked out only when
        something is recorded in it (hence one function with many branches).
        """
        if first == "start_map":
            root: object = {}
        elif first == "start_array":
            root = []
        else:
            return first_value
        room = MAX_DEPTH - len(path) - 1
        stack: list[Any] = [root]
        keys: list[Any] = [None]
        key: Any = None
        envelopes = self.found.envelopes
        for event, value in self.events:
            if event == "map_key":
                key = value
                if key == SIG_KEY:
                    envelopes.append(((*path, *_where(stack, keys)), stack[-1]))
                continue
            if event in _CLOSE:
                stack.pop()
                keys.pop()
                if not stack:
                    return root
                continue
            if event == "start_map":
                new: object = {}
            elif event == "start_array":
                new = []
            else:
                new = value
            top = stack[-1]
            if type(top) is dict:
                if key in top:
                    self.found.duplicates.append(((*path, *_where(stack, keys), key), top[key]))
                top[key] = new
                slot = key
            else:
                top.append(new)
                slot = None
            if event in _OPEN:
                if len(stack) >= room:
                    raise self.fail(path, "is nested deeper than 10,000 levels")
                stack.append(new)
                keys.append(slot)
        raise CheckpointUnreadable(f"{self.reader.label}: the JSON ends inside a value")


def _where(stack: list[Any], keys: list[Any]) -> JsonPath:
    """The path from the built value's root to the innermost open container."""
    steps: list[str | int] = []
    for depth in range(1, len(stack)):
        parent = stack[depth - 1]
        if isinstance(parent, dict):
            steps.append(str(keys[depth]))
        else:
            assert isinstance(parent, list)  # noqa: S101 - containers are dicts or lists
            steps.append(len(parent) - 1)
    return tuple(steps)
