"""A plan result as its ``--json`` document: one rule for every dataclass the plan reports.

The plan's documents (resources, providers, packages, guardrails, the diff and its snapshots)
name their keys as Pulumi's wire format does, in camelCase (``secretInputs``, ``importId``,
``basePluginVersion``), and hold only JSON values. Writing each ``to_json`` by hand repeated
that rule field by field, and a new field could be forgotten in the document; here it is
written once: every field, under its camelCase name, tuples as lists, a nested result by its own
``to_json``. A result that is exactly its fields inherits :class:`JsonDocument`; one that shows
more (a derived property, a field in another form) calls :func:`json_document` with it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def camel_case(name: str) -> str:
    """``base_plugin_version`` → ``basePluginVersion``."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def json_value(value: Any) -> Any:
    """``value`` as JSON holds it: a result by its ``to_json``, tuples as lists, maps walked."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, Mapping):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def json_document(
    instance: DataclassInstance, *, omit: Collection[str] = (), **shown: Any
) -> dict[str, Any]:
    """Each field of ``instance`` but ``omit`` under its camelCase name, then ``shown``'s keys
    (which replace a field of the same name)."""
    document = {
        camel_case(field.name): json_value(getattr(instance, field.name))
        for field in fields(instance)
        if field.name not in omit
    }
    document.update((key, json_value(value)) for key, value in shown.items())
    return document


class JsonDocument:
    """Mixin for a dataclass whose ``--json`` document is its fields, as :func:`json_document`."""

    def to_json(self: DataclassInstance) -> dict[str, Any]:
        return json_document(self)
