"""The checkpoint is read as Pulumi's Go decoder reads it: field matching, repeats, shapes, limits.

Each rule cites where Go or Pulumi says so: ``encoding/json`` ``decode.go``/``fold.go``/
``scanner.go``, ``unicode/tables.go`` ``caseOrbit``, and ``pulumi/pulumi`` v3.259.0
``sdk/go/common/apitype/core.go`` and ``pkg/resource/stack/checkpoint.go``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genesys_oauth_secrets.audit.checkpoint import MIB, local_source, open_regular, open_stream
from genesys_oauth_secrets.audit.pulumi_json import (
    CHECKPOINT,
    DEPLOYMENT,
    MAX_DEPTH,
    RESOURCE,
    Found,
    JsonPath,
    Resource,
    Shape,
    fold,
    walk,
)
from genesys_oauth_secrets.demo.sample_state import SampleState
from genesys_oauth_secrets.shared.errors import CheckpointUnreadable


class Recorder:
    """A visitor that keeps everything the walk reports."""

    def __init__(self) -> None:
        self.parts: list[tuple[JsonPath, str | None, object]] = []
        self.resources: list[Resource] = []
        self.ambiguities: list[JsonPath] = []

    def part(self, path: JsonPath, name: str | None, value: object, found: Found) -> None:
        self.parts.append((path, name, value))

    def resource(self, resource: Resource) -> None:
        self.resources.append(resource)

    def ambiguous(self, path: JsonPath, message: str) -> None:
        self.ambiguities.append(path)


def walked(tmp_path: Path, text: str | bytes) -> tuple[Shape, Recorder]:
    path = tmp_path / "state.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    source = local_source(path, 64 * MIB)
    recorder = Recorder()
    with open_regular(path, "state file") as file:
        shape = walk(open_stream(source, file), recorder)
    return shape, recorder


def checkpoint_text(latest: str, *, checkpoint_extra: str = "", version: str = "3") -> str:
    return (
        f'{{"version": {version}, "checkpoint": {{"stack": "organization/p/s", '
        f'"latest": {latest}{checkpoint_extra}}}}}'
    )


@pytest.mark.parametrize(
    ("key", "field"),
    [
        pytest.param("latest", "latest", id="exact"),
        pytest.param("Latest", "latest", id="capitalised"),
        pytest.param("LATEST", "latest", id="upper"),
        pytest.param("late\u017ft", "latest", id="long-s-folds-to-s"),
        pytest.param("Re\u017fources", "resources", id="long-s-in-resources"),
        pytest.param("\u212aeep", None, id="kelvin-sign-is-k-not-e"),
        pytest.param("Secrets_Providers", "secrets_providers", id="snake-case-variant"),
        pytest.param("secretsproviders", None, id="underscore-is-not-case"),
        pytest.param("lat\u0130st", None, id="dotted-capital-i-folds-to-itself"),
        pytest.param("lat\u0131st", None, id="dotless-i-folds-to-itself"),
        pytest.param("latest ", None, id="trailing-space"),
    ],
)
def test_keys_match_fields_like_gos_decoder(key: str, field: str | None) -> None:
    schema = CHECKPOINT if field in (None, "latest") else DEPLOYMENT
    assert schema.match(key) == field


def test_the_kelvin_sign_matches_a_k() -> None:
    assert fold("\u212a") == fold("k") == fold("K")
    assert RESOURCE.match("\u212aey") is None
    assert DEPLOYMENT.match("ma\u212aifest") is None
    assert fold("\u212aind") == "kind"


def test_every_resource_field_the_audit_reads_is_a_resourcev3_tag() -> None:
    for name in ("urn", "type", "inputs", "outputs", "additionalSecretOutputs"):
        assert RESOURCE.match(name) == name


def test_a_case_variant_key_is_read_as_its_field_and_reported(tmp_path: Path) -> None:
    text = checkpoint_text('{"Resources": [{"Type": "t", "Outputs": {"a": 1}}]}')

    _, recorder = walked(tmp_path, text.replace('"latest"', '"Latest"'))

    [resource] = recorder.resources
    assert resource.last("type") == "t"
    assert resource.last("outputs") == {"a": 1}
    assert resource.path == ("checkpoint", "Latest", "Resources", 0)
    assert recorder.ambiguities == [
        ("checkpoint", "Latest"),
        ("checkpoint", "Latest", "Resources"),
        ("checkpoint", "Latest", "Resources", 0, "Type"),
        ("checkpoint", "Latest", "Resources", 0, "Outputs"),
    ]


def test_a_repeated_latest_hands_over_both_deployments(tmp_path: Path) -> None:
    text = checkpoint_text(
        '{"resources": [{"type": "clean"}]}',
        checkpoint_extra=', "Latest": {"resources": [{"type": "leaky"}]}',
    )

    _, recorder = walked(tmp_path, text)

    assert [r.last("type") for r in recorder.resources] == ["clean", "leaky"]
    assert ("checkpoint", "Latest") in recorder.ambiguities


def test_a_repeated_key_inside_a_value_keeps_the_last_and_reports_the_earlier(
    tmp_path: Path,
) -> None:
    text = checkpoint_text('{"resources": [{"outputs": {"s": "first", "s": "last"}}]}')

    _, recorder = walked(tmp_path, text)

    [resource] = recorder.resources
    assert resource.last("outputs") == {"s": "last"}
    assert resource.found.duplicates == [
        (("checkpoint", "latest", "resources", 0, "outputs", "s"), "first")
    ]


def test_a_repeated_resource_field_keeps_every_occurrence(tmp_path: Path) -> None:
    text = checkpoint_text('{"resources": [{"outputs": {"a": 1}, "outputs": {"b": 2}}]}')

    _, recorder = walked(tmp_path, text)

    [resource] = recorder.resources
    assert [value for _, value in resource.fields["outputs"]] == [{"a": 1}, {"b": 2}]
    assert recorder.ambiguities == [("checkpoint", "latest", "resources", 0, "outputs")]


def test_keys_pulumi_ignores_are_still_handed_over(tmp_path: Path) -> None:
    text = checkpoint_text('{"resources": [{"type": "t", "notes": "kept"}], "extra": 1}')

    _, recorder = walked(tmp_path, text)

    [resource] = recorder.resources
    assert resource.ignored == [(("checkpoint", "latest", "resources", 0, "notes"), "kept")]
    assert (("checkpoint", "latest", "extra"), None, 1) in recorder.parts


def test_envelopes_are_noted_with_their_path_while_building(tmp_path: Path) -> None:
    envelope = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    outputs = json.dumps({"list": [0, {"deep": envelope}]})
    text = checkpoint_text(f'{{"resources": [{{"outputs": {outputs}}}]}}')

    _, recorder = walked(tmp_path, text)

    [(path, found)] = recorder.resources[0].found.envelopes
    assert path == ("checkpoint", "latest", "resources", 0, "outputs", "list", 1, "deep")
    assert found == envelope


def test_nesting_up_to_gos_limit_is_read_without_recursion(tmp_path: Path) -> None:
    depth = MAX_DEPTH - 10
    text = checkpoint_text(f'{{"resources": [{{"outputs": {{"x": {"[" * depth}{"]" * depth}}}}}]}}')

    _, recorder = walked(tmp_path, text)

    assert len(recorder.resources) == 1


def test_the_sample_state_walks_in_document_order(tmp_path: Path, sample: SampleState) -> None:
    shape, recorder = walked(tmp_path, sample.to_bytes())

    assert shape == Shape("diy-checkpoint", "checkpoint", 3)
    assert [r.path[-1] for r in recorder.resources] == list(range(len(sample.resources)))
    assert not recorder.ambiguities


UNLOADABLE: dict[str, tuple[str | bytes, str]] = {
    "resources-as-object": (
        checkpoint_text('{"resources": {"a": {}}}'),
        "is an object, not a list",
    ),
    "list-in-list": (
        checkpoint_text('{"resources": [[{"type": "t"}]]}'),
        r"resources\[0\] is a list, not a resource object",
    ),
    "resource-as-string": (
        checkpoint_text('{"resources": ["urn:x"]}'),
        "is a string, not a resource",
    ),
    "resource-null": (checkpoint_text('{"resources": [null]}'), "is null, not a resource"),
    "outputs-as-string": (
        checkpoint_text('{"resources": [{"outputs": "secret"}]}'),
        "cannot decode into `outputs`",
    ),
    "type-as-number": (
        checkpoint_text('{"resources": [{"type": 7}]}'),
        "cannot decode into `type`",
    ),
    "aso-numbers": (
        checkpoint_text('{"resources": [{"additionalSecretOutputs": [1]}]}'),
        "other than property names",
    ),
    "provider-as-string": (
        checkpoint_text('{"secrets_providers": "awskms"}'),
        "is a string, not an object",
    ),
    "latest-as-list": (checkpoint_text("[]"), "is a list, not an object"),
    "checkpoint-as-number": ('{"version": 3, "checkpoint": 5}', "is a number, not an object"),
    "nan": (checkpoint_text('{"resources": [{"outputs": {"x": NaN}}]}'), "not valid JSON"),
    "infinity": (
        checkpoint_text('{"resources": [{"outputs": {"x": Infinity}}]}'),
        "not valid JSON",
    ),
    "huge-float": (checkpoint_text('{"resources": [{"outputs": {"x": 1e999}}]}'), "overflow"),
    "trailing-garbage": (checkpoint_text("{}") + " trailing", r"\[trailing-data\]"),
    "second-document": (checkpoint_text("{}") + "{}", r"\[trailing-data\]"),
    "empty": ("", "premature EOF"),
    "json-array": ("[1, 2]", "the JSON is a list, not an object"),
    "json-string": ('"state"', "the JSON is a string"),
    "other-object": ('{"name": "genesys-oauth-secrets"}', "not a Pulumi checkpoint"),
    "legacy-v0": ('{"target": "foo", "latest": {"resources": []}}', "legacy version-0 checkpoint"),
    "legacy-v1-shape": ('{"stack": "s", "latest": {}}', "legacy version-0 checkpoint"),
    "version-1": (checkpoint_text("{}", version="1"), "version 1 is not supported"),
    "version-5": (checkpoint_text("{}", version="5"), "version 5 is not supported"),
    "version-float": (checkpoint_text("{}", version="3.0"), "not an integer"),
    "version-string": (checkpoint_text("{}", version='"3"'), "not an integer"),
    "version-bool": (checkpoint_text("{}", version="true"), "not an integer"),
    "version-null": (checkpoint_text("{}", version="null"), "not an integer"),
    "version-missing": ('{"checkpoint": {}}', "not an integer"),
    "both-roots": ('{"version": 3, "checkpoint": {}, "deployment": {}}', "holds both `checkpoint`"),
    "deeper-than-go": (
        checkpoint_text(f'{{"resources": [{{"outputs": {"[" * MAX_DEPTH}{"]" * MAX_DEPTH}}}]}}'),
        "nested deeper than 10,000 levels",
    ),
    "control-char": (
        b'{"version": 3, "checkpoint": {"stack": "a\x01"}}',
        "invalid character inside string",
    ),
}
"""What Pulumi could not load, and the words the one-line error must contain."""


@pytest.mark.parametrize(("text", "message"), UNLOADABLE.values(), ids=UNLOADABLE.keys())
def test_what_pulumi_cannot_load_is_unreadable_in_one_line(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    with pytest.raises(CheckpointUnreadable, match=message) as raised:
        walked(tmp_path, text)

    assert "\n" not in str(raised.value)


def test_a_parse_error_never_quotes_the_file(tmp_path: Path) -> None:
    secret = "s3cr3t-value-in-a-broken-file"
    text = checkpoint_text(f'{{"resources": [{{"outputs": {{"x": "{secret}" NaN}}}}]}}')

    with pytest.raises(CheckpointUnreadable) as raised:
        walked(tmp_path, text)

    assert secret not in str(raised.value)
    assert "not valid JSON" in str(raised.value)
