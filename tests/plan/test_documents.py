"""The one rule by which the plan's result objects become its ``--json`` document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from genesys_oauth_secrets.plan.documents import JsonDocument, camel_case, json_document


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("urn", "urn"),
        ("import_id", "importId"),
        ("base_plugin_version", "basePluginVersion"),
        ("secret_inputs", "secretInputs"),
    ],
)
def test_a_field_is_shown_under_its_camel_case_name(field: str, key: str) -> None:
    assert camel_case(field) == key


@dataclass(frozen=True)
class Inner(JsonDocument):
    secret_inputs: tuple[str, ...]


@dataclass(frozen=True)
class Outer:
    name: str
    mark: str
    inner: tuple[Inner, ...]
    by_key: dict[str, Inner]
    raw: Any


def test_every_field_is_a_json_value_and_nested_results_show_their_own_document() -> None:
    outer = Outer("n", "+", (Inner(("a", "b")),), {"k": Inner(())}, {"x": [1, ("y",)]})

    assert json_document(outer) == {
        "name": "n",
        "mark": "+",
        "inner": [{"secretInputs": ["a", "b"]}],
        "byKey": {"k": {"secretInputs": []}},
        "raw": {"x": [1, ["y"]]},
    }


def test_the_caller_leaves_fields_out_and_shows_derived_values() -> None:
    outer = Outer("n", "+", (), {}, None)

    document = json_document(outer, omit={"mark", "by_key"}, op="create", raw="shown")

    assert document == {"name": "n", "inner": [], "raw": "shown", "op": "create"}
