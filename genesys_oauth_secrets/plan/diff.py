"""The difference between two snapshots, resource by resource, marked as ``pulumi preview`` does.

``+`` create, ``-`` delete, ``~`` update (with the changed inputs by name), ``+-`` replace
(a changed input the provider's schema marks ``ForceNew``, see ``force_new``), ``=`` import
(a new resource registered with ``importId``). A change of ``protect`` alone is, for the engine,
a "same" step that only rewrites the checkpoint (pkg/resource/deploy's snapshot manager:
``mustWrite`` on ``old.Protect != new.Protect``); it is listed as kept, with the flag's change,
because the rotation runbook depends on it.

An input holding another resource's computed value (``<computed: NAME.prop>``) changes when
NAME is created or replaced (or, for a dynamic resource, updated), although its text does not:
its real value will be new. That is
applied until nothing moves, so a replaced secret replaces its version (``secretId``). Secret
inputs are compared by digest and reported as ``secretString (secret)``, never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from genesys_oauth_secrets.plan.documents import json_document
from genesys_oauth_secrets.plan.force_new import forces_replacement
from genesys_oauth_secrets.plan.snapshot import Snapshot, SnapshotResource

CREATE, DELETE, UPDATE, REPLACE, IMPORT, SAME = "+", "-", "~", "+-", "=", " "
OPERATIONS = {
    CREATE: "create",
    DELETE: "delete",
    UPDATE: "update",
    REPLACE: "replace",
    IMPORT: "import",
    SAME: "same",
}
SUMMARY_ORDER = (CREATE, IMPORT, UPDATE, REPLACE, DELETE, SAME)
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
"""Type tokens of dynamic resources: ``pulumi-python:dynamic/<module>:<Type>``."""


@dataclass(frozen=True)
class Change:
    """What happens to one resource."""

    mark: str
    urn: str
    type: str
    name: str
    changed_inputs: tuple[str, ...] = ()
    """Changed inputs, sorted."""
    secret_inputs: tuple[str, ...] = ()
    """The subset of ``changed_inputs`` that is secret (named, never shown)."""
    replace_because: tuple[str, ...] = ()
    """The subset of ``changed_inputs`` whose schema forces replacement."""
    protect: tuple[bool, bool] | None = None
    """(before, after) when ``protect`` changes or a protected resource is deleted."""

    @property
    def operation(self) -> str:
        return OPERATIONS[self.mark]

    def to_json(self) -> dict[str, Any]:
        before_after = None
        if self.protect is not None:
            before_after = {"before": self.protect[0], "after": self.protect[1]}
        return json_document(self, omit={"mark"}, op=self.operation, protect=before_after)

    def lines(self) -> Iterator[str]:
        flags = []
        if self.replace_because:
            flags.append(f"[replace: {', '.join(self.replace_because)}]")
        if self.protect is not None and self.mark == DELETE and self.protect[0]:
            flags.append("[protected: pulumi up refuses to delete it until protect is lifted]")
        elif self.protect is not None:
            kept = "kept, " if self.mark == SAME else ""
            flags.append(f"[{kept}protect: {_flag(self.protect[0])} => {_flag(self.protect[1])}]")
        suffix = f"  {' '.join(flags)}" if flags else ""
        yield f"  {self.mark:<2} {self.type}  {self.name}{suffix}"
        for key in self.changed_inputs:
            yield f"       ~ {key} (secret)" if key in self.secret_inputs else f"       ~ {key}"


def _flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class Diff:
    """Every resource's change from ``before`` (REF) to ``after`` (this checkout)."""

    ref: str
    commit: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def shown(self) -> tuple[Change, ...]:
        """Changes worth a line: everything but a "same" whose protect flag also stayed."""
        return tuple(c for c in self.changes if c.mark != SAME or c.protect is not None)

    def counts(self) -> dict[str, int]:
        return {
            OPERATIONS[mark]: sum(change.mark == mark for change in self.changes)
            for mark in SUMMARY_ORDER
        }

    def to_json(self) -> dict[str, Any]:
        return json_document(self, changes=self.shown, summary=self.counts())

    def lines(self) -> Iterator[str]:
        yield (
            f"Changes against {self.ref} ({self.commit[:12]}), as `pulumi preview` would mark "
            "them: + create, - delete, ~ update, +- replace, = import;"
        )
        yield "secret inputs are compared by keyed digest and named, never shown."
        if not self.shown:
            yield "  no changes: both register the same resources with the same inputs"
        for change in self.shown:
            yield from change.lines()
        counts = [
            f"{count} unchanged" if op == "same" else f"{count} to {op}"
            for op, count in self.counts().items()
            if count
        ]
        yield f"Resources: {', '.join(counts) or 'none'}"


def _compared_keys(resource_type: str, keys: set[str]) -> set[str]:
    """A dynamic resource's ``__provider`` (its pickled code) is not an input a user changes."""
    if resource_type.startswith(DYNAMIC_TYPE_PREFIX):
        return {key for key in keys if not key.startswith("__")}
    return keys


def _changed_inputs(
    before: SnapshotResource, after: SnapshotResource, renewed: set[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(changed keys, the secret ones among them), both sorted."""
    changed, secret = set(), set()
    for key in _compared_keys(after.type, before.inputs.keys() | after.inputs.keys()):
        old, new = before.inputs.get(key), after.inputs.get(key)
        moved = (
            old is None
            or new is None
            or not old.same_as(new)
            or bool(renewed.intersection(new.refs))
        )
        if moved:
            changed.add(key)
            if (old is not None and old.secret) or (new is not None and new.secret):
                secret.add(key)
    return tuple(sorted(changed)), tuple(sorted(secret))


def diff(before: Snapshot, after: Snapshot, *, ref: str, commit: str) -> Diff:
    """Compare REF's snapshot (``before``) with this checkout's (``after``)."""
    created = {urn for urn in after if urn not in before}
    renewed = {after[urn].name for urn in created}
    kept = sorted(urn for urn in after if urn in before)
    # ``renewed`` only grows, and an input changes only as it grows: this settles.
    while True:
        known = len(renewed)
        for urn in kept:
            moved = frozenset(_changed_inputs(before[urn], after[urn], renewed)[0])
            dynamic = after[urn].type.startswith(DYNAMIC_TYPE_PREFIX)
            # A dynamic resource's update is its whole point (RegeneratedSecret's update asks
            # Genesys for a new secret): its outputs are new, like a created resource's.
            if forces_replacement(after[urn].type, moved) or (moved and dynamic):
                renewed.add(after[urn].name)
        if len(renewed) == known:
            break

    changes: list[Change] = []
    for urn in sorted(created):
        resource = after[urn]
        changes.append(
            Change(IMPORT if resource.import_id else CREATE, urn, resource.type, resource.name)
        )
    for urn in sorted(set(before) - set(after)):
        resource = before[urn]
        protect = (True, False) if resource.protect else None
        changes.append(Change(DELETE, urn, resource.type, resource.name, protect=protect))
    for urn in kept:
        old, new = before[urn], after[urn]
        changed, secret = _changed_inputs(old, new, renewed)
        because = forces_replacement(new.type, frozenset(changed))
        mark = REPLACE if because else UPDATE if changed and new.custom else SAME
        protect = (old.protect, new.protect) if old.protect != new.protect else None
        changes.append(Change(mark, urn, new.type, new.name, changed, secret, because, protect))
    order = {mark: index for index, mark in enumerate(SUMMARY_ORDER)}
    return Diff(ref, commit, tuple(sorted(changes, key=lambda c: (order[c.mark], c.urn))))
