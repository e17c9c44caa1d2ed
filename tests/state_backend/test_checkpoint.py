"""Reading checkpoints: both shapes, gzip by magic bytes, the bucket layout, and clear failures."""

from __future__ import annotations

import codecs
import gzip
import json
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zstandard

from state_backend import checkpoint
from state_backend.aws import AwsClients
from state_backend.checkpoint import JsonPath, StateText, choose_state_key, read_bucket, walk
from state_backend.errors import BackendError, CheckpointUnreadable
from state_backend.sample_state import (
    PROJECT,
    STACK,
    SampleState,
    build_state,
    generated_clients,
)

PLAIN = checkpoint.stack_key(PROJECT, STACK)
ZSTD = f"{PLAIN}.zst"


def zstd(raw: bytes) -> bytes:
    """One zstd frame, as the DIY backend's ``EncodeAll`` writes it."""
    return zstandard.ZstdCompressor().compress(raw)


def collect(state: StateText) -> tuple[checkpoint.Shape, list[JsonPath]]:
    paths: list[JsonPath] = []
    shape = walk(state, lambda path, _value: paths.append(path))
    return shape, paths


def test_diy_file_streams_each_resource_at_its_path(sample: SampleState) -> None:
    shape, paths = collect(StateText(sample.to_bytes().decode(), "state.json"))

    resource_paths = [p for p in paths if p[:3] == ("checkpoint", "latest", "resources")]
    assert shape.kind == "diy-checkpoint"
    assert resource_paths == [
        ("checkpoint", "latest", "resources", i) for i in range(len(sample.resources))
    ]
    assert ("checkpoint", "latest", "secrets_providers") in paths
    assert ("checkpoint", "stack") in paths


def test_stack_export_streams_each_resource_under_deployment() -> None:
    exported = build_state(export=True)
    shape, paths = collect(StateText(exported.to_bytes().decode(), "export.json"))

    assert shape.kind == "stack-export"
    assert ("deployment", "resources", len(exported.resources) - 1) in paths


@pytest.mark.parametrize("export", [False, True], ids=["diy-checkpoint", "stack-export"])
def test_version_4_with_features_is_read_like_version_3(export: bool) -> None:
    state = build_state(export=export, tainted=True)
    parts: dict[JsonPath, object] = {}

    shape = walk(StateText(state.to_bytes().decode(), "v4.json"), parts.__setitem__)

    assert shape.kind == ("stack-export" if export else "diy-checkpoint")
    assert parts[("version",)] == 4
    assert parts[("features",)] == ["taint"]
    assert sum("resources" in path for path in parts) == len(state.resources)


def test_compact_and_indented_json_walk_the_same(sample: SampleState) -> None:
    compact = StateText(json.dumps(sample.document, separators=(",", ":")), "compact")
    indented = StateText(json.dumps(sample.document, indent=4), "indented")

    assert collect(compact)[1] == collect(indented)[1]


def test_gzip_is_recognised_by_magic_bytes_not_name(tmp_path: Path, sample: SampleState) -> None:
    misnamed = tmp_path / "state.json"
    misnamed.write_bytes(sample.to_bytes(compress=True))

    state = checkpoint.read_file(misnamed)

    assert json.loads(state.text) == sample.document


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: codecs.BOM_UTF8 + text.encode(), id="utf-8-with-bom"),
        pytest.param(
            lambda text: codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
            id="powershell-5.1-redirect",
        ),
        pytest.param(lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), id="utf-16-be"),
    ],
)
def test_an_export_with_a_byte_order_mark_reads_like_plain_utf8(
    tmp_path: Path, sample: SampleState, encode: Callable[[str], bytes]
) -> None:
    path = tmp_path / "prod.json"
    path.write_bytes(encode(sample.to_bytes().decode()))

    state = checkpoint.read_file(path)

    assert json.loads(state.text) == sample.document
    assert walk(state, lambda _path, _value: None).kind == "diy-checkpoint"


def test_zstd_is_recognised_by_magic_bytes_not_name(tmp_path: Path, sample: SampleState) -> None:
    misnamed = tmp_path / "state.json"
    misnamed.write_bytes(zstd(sample.to_bytes()))

    state = checkpoint.read_file(misnamed)

    assert json.loads(state.text) == sample.document


def test_zstd_frames_back_to_back_are_one_document(tmp_path: Path, sample: SampleState) -> None:
    raw = sample.to_bytes()
    path = tmp_path / "state.json.zst"
    path.write_bytes(zstd(raw[:1000]) + zstd(raw[1000:]))

    assert json.loads(checkpoint.read_file(path).text) == sample.document


def test_a_zstd_file_costs_no_more_memory_than_the_plain_file(tmp_path: Path) -> None:
    raw = build_state(generated_clients(500)).to_bytes()
    plain, compressed = tmp_path / "state.json", tmp_path / "state.json.zst"
    plain.write_bytes(raw)
    with compressed.open("wb") as file, zstandard.ZstdCompressor().stream_writer(file) as writer:
        writer.write(raw)  # streamed, so the frame does not declare its size up front

    def peak_while_reading(path: Path) -> int:
        tracemalloc.start()
        try:
            checkpoint.read_file(path)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak_while_reading(compressed) < peak_while_reading(plain) * 1.02


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(lambda s: s.to_bytes(compress=True)[:-40], "truncated", id="truncated-gzip"),
        pytest.param(lambda s: zstd(s.to_bytes())[:-40], "zstd stream is truncated", id="cut-zstd"),
        pytest.param(
            lambda s: checkpoint.ZSTD_MAGIC + b" garbage" * 20,
            "corrupt zstd data",
            id="corrupt-zstd",
        ),
        pytest.param(
            lambda s: s.to_bytes(compress=True)[:10] + b"\x00garbage" * 20,
            "corrupt gzip",
            id="corrupt-gzip",
        ),
        pytest.param(lambda s: b"\xc3\x28 not text", "not UTF-8 text", id="binary"),
        pytest.param(lambda s: b"\xff\xfe{\x00 ", "not UTF-16 text", id="cut-utf-16"),
        pytest.param(lambda s: b"{not json", "not valid JSON", id="not-json"),
        pytest.param(lambda s: b"[1, 2]", "expected a JSON object", id="json-array"),
        pytest.param(
            lambda s: json.dumps({"name": "genesys-oauth-secrets"}).encode(),
            "not a Pulumi checkpoint",
            id="other-json-object",
        ),
        pytest.param(
            lambda s: json.dumps({"version": 1, "checkpoint": {"stack": "x"}}).encode(),
            "version 1 is not supported",
            id="old-version",
        ),
        pytest.param(
            lambda s: json.dumps({"version": 5, "checkpoint": {"stack": "x"}}).encode(),
            "version 5 is not supported",
            id="future-version",
        ),
        pytest.param(
            lambda s: json.dumps({"version": 3, "checkpoint": {}, "deployment": {}}).encode(),
            "not a Pulumi checkpoint",
            id="both-shapes",
        ),
        pytest.param(
            lambda s: s.to_bytes() + b"\n{}", "unexpected data after the document", id="trailing"
        ),
    ],
)
def test_unreadable_input_fails_with_a_reason(
    tmp_path: Path,
    sample: SampleState,
    content: object,
    expected: str,
) -> None:
    path = tmp_path / "state.json.gz"
    assert callable(content)
    path.write_bytes(content(sample))

    with pytest.raises(CheckpointUnreadable, match=expected):
        walk(checkpoint.read_file(path), lambda _p, _v: None)


def test_a_zst_file_without_zstd_content_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "state.json.zst"
    path.write_bytes(b'{"version": 3, "checkpoint": {}}')

    with pytest.raises(CheckpointUnreadable, match="corrupt zstd data"):
        checkpoint.read_file(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CheckpointUnreadable, match=r"state file not found: .*nope\.json"):
        checkpoint.read_file(tmp_path / "nope.json")


def test_directory_is_not_a_state_file(tmp_path: Path) -> None:
    with pytest.raises(CheckpointUnreadable, match="is a directory"):
        checkpoint.read_file(tmp_path)


NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        pytest.param({PLAIN: NOW}, PLAIN, id="plain-only"),
        pytest.param({f"{PLAIN}.gz": NOW}, f"{PLAIN}.gz", id="gzip-only"),
        pytest.param(
            {PLAIN: NOW - timedelta(hours=1), f"{PLAIN}.gz": NOW}, f"{PLAIN}.gz", id="gzip-newer"
        ),
        pytest.param({PLAIN: NOW, f"{PLAIN}.gz": NOW}, f"{PLAIN}.gz", id="same-time-gzip-wins"),
        pytest.param(
            {PLAIN: NOW, f"{PLAIN}.gz": NOW - timedelta(hours=1)}, PLAIN, id="plain-newer"
        ),
        pytest.param({ZSTD: NOW}, ZSTD, id="zstd-only"),
        pytest.param(
            {PLAIN: NOW, f"{PLAIN}.gz": NOW, ZSTD: NOW}, ZSTD, id="same-time-zstd-wins-over-all"
        ),
        pytest.param(
            {f"{PLAIN}.gz": NOW, ZSTD: NOW - timedelta(seconds=1)}, f"{PLAIN}.gz", id="gzip-newer"
        ),
        pytest.param(
            {PLAIN: NOW, ZSTD: NOW - timedelta(hours=1)}, PLAIN, id="plain-newer-than-zstd"
        ),
        pytest.param({}, None, id="none"),
    ],
)
def test_bucket_state_object_is_chosen_like_pulumi_does(
    found: dict[str, datetime], expected: str | None
) -> None:
    assert choose_state_key(found, PLAIN) == expected


def test_bucket_state_is_read_from_the_project_scoped_key(
    aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=sample.to_bytes(compress=True))

    state = read_bucket(aws.s3, plain_bucket, PROJECT, STACK)

    assert state.source == f"s3://{plain_bucket}/{PLAIN}.gz"
    assert json.loads(state.text) == sample.document


def test_zstd_bucket_state_wins_over_an_older_gzip_one(
    aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    stale = build_state(seed=99)
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=stale.to_bytes(compress=True))
    aws.s3.put_object(Bucket=plain_bucket, Key=ZSTD, Body=zstd(sample.to_bytes()))

    state = read_bucket(aws.s3, plain_bucket, PROJECT, STACK)

    assert state.source == f"s3://{plain_bucket}/{ZSTD}"
    assert json.loads(state.text) == sample.document


def test_the_state_is_found_behind_a_thousand_retained_checkpoints(
    aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    """``PULUMI_RETAIN_CHECKPOINTS`` keys sort between ``.json`` and ``.json.gz``."""
    aws.s3.put_object(Bucket=plain_bucket, Key=PLAIN, Body=build_state(seed=99).to_bytes())
    retained = [f"{PLAIN}.{1_764_000_000_000_000_000 + n}" for n in range(1001)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: aws.s3.put_object(Bucket=plain_bucket, Key=key), retained))
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=sample.to_bytes(compress=True))

    state = read_bucket(aws.s3, plain_bucket, PROJECT, STACK)

    assert state.source == f"s3://{plain_bucket}/{PLAIN}.gz"


def test_bucket_without_the_stack_says_what_it_looked_for(
    aws: AwsClients, plain_bucket: str
) -> None:
    with pytest.raises(CheckpointUnreadable, match=r"no state for stack genesys-oauth-secrets/dev"):
        read_bucket(aws.s3, plain_bucket, PROJECT, "dev")


def test_missing_bucket_points_at_bootstrap(aws: AwsClients) -> None:
    with pytest.raises(BackendError, match=r"does not exist.*bootstrap"):
        read_bucket(aws.s3, "no-such-state-bucket", PROJECT, STACK)


def test_truncated_gzip_in_the_bucket_is_unreadable(
    aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    body = gzip.compress(sample.to_bytes())[:100]
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=body)

    with pytest.raises(CheckpointUnreadable, match="truncated"):
        read_bucket(aws.s3, plain_bucket, PROJECT, STACK)
