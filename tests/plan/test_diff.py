"""The diff's rules, on hand-built snapshots: what `pulumi preview` would mark, and why."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.rotation_provider import REGENERATED_SECRET_TYPE
from genesys_oauth_secrets.plan.diff import Change, diff
from genesys_oauth_secrets.plan.snapshot import Snapshot, SnapshotInput, SnapshotResource

SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
CLIENT = "genesyscloud:index/oauthClient:OauthClient"
KEY = "aws:kms/key:Key"
REGENERATED = REGENERATED_SECRET_TYPE


def plain(value: Any) -> SnapshotInput:
    refs = (value[len("<computed: ") :].split(".")[0],) if str(value).startswith("<comp") else ()
    return SnapshotInput(secret=False, value=value, digest=None, refs=refs)


def secret(digest: str, *refs: str) -> SnapshotInput:
    return SnapshotInput(secret=True, value=None, digest=digest, refs=refs)


def resource(
    type_: str,
    resource_name: str,
    /,
    *,
    protect: bool = False,
    import_id: str = "",
    **inputs: SnapshotInput,
) -> SnapshotResource:
    return SnapshotResource(
        urn=f"urn:pulumi:prod::p::{type_}::{resource_name}",
        type=type_,
        name=resource_name,
        custom=True,
        protect=protect,
        import_id=import_id,
        inputs=inputs,
    )


def snapshot(*resources: SnapshotResource) -> Snapshot:
    return {r.urn: r for r in resources}


def marks(before: Snapshot, after: Snapshot) -> list[tuple[str, str, tuple[str, ...]]]:
    result = diff(before, after, ref="main", commit="0" * 40)
    return [(c.mark, c.name, c.changed_inputs) for c in result.shown]


def secret_and_version(name: str, document: str) -> tuple[SnapshotResource, SnapshotResource]:
    return (
        resource(SECRET, "s", name=plain(name)),
        resource(
            VERSION, "v", secretId=plain("<computed: s.id>"), secretString=secret(document, "c")
        ),
    )


CASES = [
    pytest.param(
        snapshot(*secret_and_version("genesys/oauth/prod/a", "d1")),
        snapshot(*secret_and_version("genesys/oauth/prod/b", "d1")),
        [("+-", "s", ("name",)), ("+-", "v", ("secretId",))],
        id="a ForceNew name replaces the secret, whose new id replaces its version",
    ),
    pytest.param(
        snapshot(*secret_and_version("n", "d1")),
        snapshot(*secret_and_version("n", "d2")),
        [("+-", "v", ("secretString",))],
        id="a new secret document replaces the version (secret_string is ForceNew)",
    ),
    pytest.param(
        snapshot(resource(CLIENT, "c", description=plain("old"))),
        snapshot(resource(CLIENT, "c", description=plain("new"))),
        [("~", "c", ("description",))],
        id="Genesys OAuth clients have no ForceNew input: an update",
    ),
    pytest.param(
        snapshot(resource(KEY, "k", keyUsage=plain("ENCRYPT_DECRYPT"))),
        snapshot(resource(KEY, "k", keyUsage=plain("SIGN_VERIFY"))),
        [("+-", "k", ("keyUsage",))],
        id="a KMS key's key usage is ForceNew",
    ),
    pytest.param(
        snapshot(),
        snapshot(resource(CLIENT, "c", import_id="abc", name=plain("x"))),
        [("=", "c", ())],
        id="a new resource registered with importId is an import",
    ),
    pytest.param(
        snapshot(resource(CLIENT, "c", protect=True)),
        snapshot(),
        [("-", "c", ())],
        id="a deleted resource is a delete",
    ),
    pytest.param(
        snapshot(resource(REGENERATED, "r", generation=plain(2), __provider=plain("A"))),
        snapshot(resource(REGENERATED, "r", generation=plain(3), __provider=plain("B"))),
        [("~", "r", ("generation",))],
        id="RegeneratedSecret updates in place; its pickled __provider is not compared",
    ),
    pytest.param(
        snapshot(resource(CLIENT, "c", protect=True, name=plain("x"))),
        snapshot(resource(CLIENT, "c", protect=False, name=plain("x"))),
        [(" ", "c", ())],
        id="protect alone changing keeps the resource and is listed",
    ),
]


@pytest.mark.parametrize(("before", "after", "expected"), CASES)
def test_marks(before: Snapshot, after: Snapshot, expected: list[Any]) -> None:
    assert marks(before, after) == expected


def test_a_protected_delete_says_the_engine_refuses_it() -> None:
    result = diff(snapshot(resource(CLIENT, "c", protect=True)), snapshot(), ref="m", commit="0")

    assert list(result.shown[0].lines()) == [
        f"  -  {CLIENT}  c  [protected: pulumi up refuses to delete it until protect is lifted]"
    ]


def test_a_changed_secret_is_named_never_shown() -> None:
    before, after = (snapshot(*secret_and_version("n", digest)) for digest in ("d1", "d2"))

    lines = list(diff(before, after, ref="m", commit="0").lines())

    assert "       ~ secretString (secret)" in lines
    assert not [line for line in lines if "d1" in line or "d2" in line]


def test_an_input_holding_a_created_resources_value_changes_though_its_text_does_not() -> None:
    old_client = resource(CLIENT, "c", name=plain("x"))
    version = resource(VERSION, "v", secretString=secret("same", "c-gen2"))
    new_client = resource(CLIENT, "c-gen2", name=plain("x (generation 2)"))

    changes = marks(snapshot(old_client, version), snapshot(old_client, new_client, version))

    assert changes == [("+", "c-gen2", ()), ("+-", "v", ("secretString",))]


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
input_maps = st.dictionaries(st.sampled_from(["name", "description", "secretId"]), values)


@given(inputs=input_maps, changed=st.sampled_from(["name", "description", "secretId"]))
def test_only_the_changed_input_is_named(inputs: dict[str, Any], changed: str) -> None:
    def client_with(values: dict[str, Any]) -> Snapshot:
        inputs = {key: plain(value) for key, value in values.items()}
        return snapshot(SnapshotResource("urn:c", CLIENT, "c", True, False, "", inputs))

    before = client_with(inputs)
    after = client_with({**inputs, changed: ["changed", inputs.get(changed)]})

    assert marks(before, before) == []
    assert marks(before, after) == [("~", "c", (changed,))]


def test_change_json_names_operation_and_protect() -> None:
    change = Change(" ", "urn", CLIENT, "c", protect=(True, False))

    assert change.to_json()["op"] == "same"
    assert change.to_json()["protect"] == {"before": True, "after": False}
