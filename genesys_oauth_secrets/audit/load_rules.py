"""Pulumi's own load rules, applied while the audit streams: a file Pulumi refuses is refused.

The audit's OK line claims Pulumi would load the file it read; these are the rules on Pulumi's
load path (``pulumi/pulumi`` at commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8) that the
walk in ``pulumi_json`` does not already enforce:

- ``pkg/resource/stack/checkpoint.go`` ``UnmarshalVersionedCheckpointToLatestCheckpoint`` and
  ``deployment.go`` ``UnmarshalUntypedDeployment``: ``features`` is a ``[]string``; with version
  4 every feature must be one this CLI supports (``supportedFeatures``);
- ``sdk/go/common/resource/config/map.go`` ``Map.UnmarshalJSON`` → ``key.go`` ``ParseKey``: every
  config key is ``<namespace>:<name>`` (or ``<namespace>:config:<name>``);
- ``sdk/go/common/apitype/core.go`` ``ResourceV3``: the typed fields decode into Go types
  (``custom`` a bool, ``created``/``modified`` RFC 3339 ``time.Time``, ...);
- ``deployment.go`` ``DeserializeResource`` (also for pending operations): a URN and a type,
  and no id on a resource that is not custom; ``DeserializePropertyValue``: a signature value
  it knows, and a byte string whose ``value`` is base64;
- ``pkg/resource/deploy/snapshot.go`` ``VerifyIntegrity`` (``pkg/backend/diy/state.go``
  ``getSnapshot`` refuses the snapshot when it fails): the manifest magic is the SHA-256 of its
  version; parents, dependencies and deleted-with targets come earlier; a provider reference
  names a provider resource before it; a URN appears more than once only if all but one are
  marked ``delete``;
- ``pkg/secrets/cloud/manager.go`` ``NewCloudSecretsManagerFromState``: ``encryptedkey`` is a
  Go ``[]byte``, i.e. standard base64.

URNs are remembered as 64-bit digests, so memory stays small at any number of resources.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from datetime import datetime

from genesys_oauth_secrets.audit.pulumi_json import RESOURCE, SIG_KEY, JsonPath, Resource, json_path
from genesys_oauth_secrets.audit.refusal import PulumiRefuses
from genesys_oauth_secrets.audit.secret_forms import BYTE_STRING_SIG, decode_b64

SUPPORTED_FEATURES = frozenset(
    {
        "refreshBeforeUpdate",
        "views",
        "hooks",
        "taint",
        "replaceWith",
        "snippets-prototype",
        "extensionParameterization",
        "byteString",
    }
)
"""``supportedFeatures`` in pkg/resource/stack/deployment.go."""

KNOWN_SIGNATURES = frozenset(
    {
        "c44067f5952c0a294b673a41bacd8c17",  # asset (sig.AssetSig)
        "0def7320c3a5731c473e5ecbe6d01bc7",  # archive (sig.ArchiveSig)
        "1b47061264138c4ac30d75fd1eb44270",  # secret (sig.Secret)
        "5cf8f73096256a8f31e491e813e4eb8e",  # resource reference (sig.ResourceReference)
        BYTE_STRING_SIG,
        "8ad145fe-0d11-4827-bfd7-1abcbf086f5c",  # float (deployment.go floatSignature)
    }
)
"""The signatures ``DeserializePropertyValue`` accepts; anything else is "unrecognized"."""

_BOOL_FIELDS = (
    "custom",
    "delete",
    "protect",
    "taint",
    "external",
    "pendingReplacement",
    "retainOnDelete",
    "refreshBeforeUpdate",
)
_STRING_FIELDS = ("id", "parent", "provider", "importID", "deletedWith", "viewOf", "snippetID")
_URN_LISTS = ("dependencies", "aliases", "replaceWith")
_TIME_FIELDS = ("created", "modified")
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$"
)
_PROVIDER_TYPE = re.compile(r"^pulumi:providers:.+")
_PROPERTY_SECTIONS = frozenset({"inputs", "outputs", "replacementTrigger"})
_MAX_OFFSET_HOURS = 24
_MAX_MINUTES = 60


def _digest(text: str) -> int:
    """A 64-bit digest (SipHash) for membership: a collision would need 2**32 URNs."""
    return hash(text)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_string(value: object) -> bool:
    return isinstance(value, str)


def _is_urn_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_time(value: object) -> bool:
    return isinstance(value, str) and is_rfc3339(value)


_TYPED: dict[str, tuple[Callable[[object], bool], str]] = {
    **dict.fromkeys(_BOOL_FIELDS, (_is_bool, "is not a boolean, as Go needs")),
    **dict.fromkeys(_STRING_FIELDS, (_is_string, "is not a string, as Go needs")),
    **dict.fromkeys(_URN_LISTS, (_is_urn_list, "is not a list of URNs")),
    **dict.fromkeys(_TIME_FIELDS, (_is_time, "is not an RFC 3339 time")),
}
"""``ResourceV3`` fields (sdk/go/common/apitype/core.go) and the JSON Go can decode into them."""


@functools.lru_cache(maxsize=4096)
def is_rfc3339(text: str) -> bool:
    """Go's ``time.Time.UnmarshalJSON`` (``time.RFC3339``, strict since Go 1.20)."""
    match = _RFC3339.match(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    if match.group(9) is not None and (
        int(match.group(9)) >= _MAX_OFFSET_HOURS or int(match.group(10)) >= _MAX_MINUTES
    ):
        return False
    return second < _MAX_MINUTES


def config_key_ok(key: str) -> bool:
    """``config.ParseKey``: ``<namespace>:<name>`` or ``<namespace>:config:<name>``."""
    parts = key.split(":")
    return len(parts) == 2 or (len(parts) == 3 and parts[1] == "config")  # noqa: PLR2004


class LoadRules:
    """Raises ``PulumiRefuses`` the moment the file breaks a rule Pulumi enforces on load."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.features: object = None
        self.magic: tuple[JsonPath, object] | None = None
        self.urns: set[int] = set()
        """Digests of the URNs listed so far."""
        self.live: set[int] = set()
        """Digests of the URNs listed so far without ``delete``."""
        self.duplicated = False
        """A URN listed twice without ``delete``: ``VerifyIntegrity`` accepts n occurrences only
        when n-1 or n are marked ``delete``, i.e. at most one is not."""
        self.providers: set[int] = set()
        self.index = 0

    def refuse(self, rule: str, path: JsonPath, why: str) -> PulumiRefuses:
        return PulumiRefuses(self.label, rule, f"{json_path(path)} {why}")

    def part(self, path: JsonPath, name: str | None, value: object) -> None:
        """Top-level and deployment-level values: features, manifest, config."""
        if name == "features" and len(path) == 1:
            if value is not None and not (
                isinstance(value, list) and all(isinstance(item, str) for item in value)
            ):
                raise self.refuse("features-type", path, "is not a list of strings")
            self.features = value
        elif name == "manifest":
            self.magic = (path, value)
        elif name == "config" and len(path) == 2 and path[0] == "checkpoint":  # noqa: PLR2004
            self.config(path, value)

    def config(self, path: JsonPath, value: object) -> None:
        if isinstance(value, dict):
            for key in value:
                if not config_key_ok(key):
                    raise self.refuse(
                        "config-key",
                        path,
                        "holds a key that is not `<namespace>:<name>` (config.ParseKey)",
                    )

    def resource(self, resource: Resource) -> None:
        """``DeserializeResource`` for every resource; ``VerifyIntegrity`` for the list."""
        self.typed_fields(resource)
        self.signatures(resource)
        last = resource.last
        urn, kind, custom, ident = last("urn"), last("type"), last("custom"), last("id")
        if not urn:
            raise self.refuse("resource-without-urn", resource.path, "has no `urn`")
        if not kind:
            raise self.refuse("resource-without-type", resource.path, "has no `type`")
        if not custom and ident:
            raise self.refuse("id-without-custom", resource.path, "has an `id` but is not `custom`")
        if resource.operation:
            return
        assert isinstance(urn, str)  # noqa: S101 - typed_fields checked it
        self.integrity(resource, urn, str(kind), str(ident or ""))

    def typed_fields(self, resource: Resource) -> None:
        for name, occurrences in resource.fields.items():
            typed = _TYPED.get(name)
            if typed is None:
                continue
            check, problem = typed
            for where, value in occurrences:
                if value is not None and not check(value):
                    raise self.refuse("field-type", where, problem)

    def signatures(self, resource: Resource) -> None:
        """Every special value in a property must be one ``DeserializePropertyValue`` knows."""
        depth = len(resource.path)
        for where, value in resource.found.envelopes:
            if RESOURCE.match(str(where[depth])) not in _PROPERTY_SECTIONS:
                continue
            sig = value.get(SIG_KEY)
            # A signature that is not a string (a list, an object) matches no case of Go's
            # switch either: it is an unknown signature, not a crash.
            if not isinstance(sig, str) or sig not in KNOWN_SIGNATURES:
                raise self.refuse(
                    "unknown-signature", where, "has a special-value signature Pulumi does not know"
                )
            if sig == BYTE_STRING_SIG and not (
                isinstance(value.get("value"), str) and decode_b64(str(value["value"])) is not None
            ):
                raise self.refuse(
                    "malformed-byte-string", where, "is a byte string whose `value` is not base64"
                )

    def integrity(self, resource: Resource, urn: str, kind: str, ident: str) -> None:
        path = resource.path
        if path[-1] == 0:
            # A repeated `resources` (or `latest`) is decoded into the same slice, which Go's
            # decoder first empties: only the last list is the snapshot Pulumi verifies.
            self.urns.clear()
            self.live.clear()
            self.duplicated = False
            self.providers.clear()
        if _PROVIDER_TYPE.match(kind):
            self.providers.add(_digest(f"{urn}::{ident or '04da6b54-80e4-46f7-96ec-b56ff0331ba9'}"))
        provider = resource.last("provider")
        if provider and not resource.last("pendingReplacement"):
            assert isinstance(provider, str)  # noqa: S101 - typed_fields checked it
            if "::" not in provider or _digest(provider) not in self.providers:
                raise self.refuse(
                    "unknown-provider",
                    path,
                    "refers to a provider that is not a provider resource listed before it",
                )
        urns = self.urns
        parent = resource.last("parent")
        if parent and _digest(str(parent)) not in urns:
            raise self.refuse(
                "missing-parent", path, "names a parent that is missing or comes after it"
            )
        for target in self.dependencies(resource):
            if _digest(target) not in urns:
                raise self.refuse(
                    "missing-dependency", path, "depends on a resource missing or after it"
                )
        digest = _digest(urn)
        urns.add(digest)
        if not resource.last("delete"):
            self.duplicated = self.duplicated or digest in self.live
            self.live.add(digest)

    @staticmethod
    def dependencies(resource: Resource) -> list[str]:
        """``GetAllDependencies`` besides the parent: dependencies, by property, deleted-with."""
        fields = resource.fields
        if not (
            "dependencies" in fields or "propertyDependencies" in fields or "deletedWith" in fields
        ):
            return []
        found = [d for d in resource.last("dependencies") or () if d]  # type: ignore[attr-defined]
        by_property = resource.last("propertyDependencies")
        if isinstance(by_property, dict):
            found += [
                u for urns in by_property.values() if isinstance(urns, list) for u in urns if u
            ]
        deleted_with = resource.last("deletedWith")
        if isinstance(deleted_with, str) and deleted_with:
            found.append(deleted_with)
        return found

    def finish(self, version: int, deployment: JsonPath) -> None:
        """Rules that need the whole file: features of version 4, magic, duplicate URNs."""
        if version >= 4 and isinstance(self.features, list):  # noqa: PLR2004
            unsupported = [f for f in self.features if f not in SUPPORTED_FEATURES]
            if unsupported:
                raise self.refuse(
                    "unsupported-feature",
                    ("features",),
                    f"names {len(unsupported)} feature(s) this CLI does not support",
                )
        if self.magic is not None:
            path, manifest = self.magic
            version_text = manifest.get("version") if isinstance(manifest, dict) else None
            magic = manifest.get("magic") if isinstance(manifest, dict) else None
            expected = (
                hashlib.sha256(version_text.encode()).hexdigest()
                if isinstance(version_text, str) and version_text
                else ""
            )
            if (magic or "") != expected:
                raise self.refuse(
                    "manifest-magic",
                    path,
                    "magic is not the SHA-256 of the manifest version (possible tampering)",
                )
        if self.duplicated:
            raise self.refuse(
                "duplicate-urn",
                (*deployment, "resources"),
                "lists a URN more than once, not marked for deletion",
            )
