"""Reading checkpoints: compression by magic bytes, encodings, caps, only regular files, the bucket.

These tests read the byte stream ``open_stream`` hands the JSON parser; how that stream is read
as a checkpoint is in test_pulumi_json.py, and what the audit concludes in test_audit.py.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zstandard

from genesys_oauth_secrets.audit import checkpoint
from genesys_oauth_secrets.audit.checkpoint import (
    MIB,
    StateSource,
    choose_state_key,
    download_state,
    local_source,
    open_regular,
    open_stream,
)
from genesys_oauth_secrets.audit.refusal import PulumiRefuses
from genesys_oauth_secrets.demo.sample_state import PROJECT, STACK, SampleState, build_state
from genesys_oauth_secrets.shared.aws import AwsClients
from genesys_oauth_secrets.shared.errors import BackendError, CheckpointUnreadable
from tests.support.text_files import powershell_redirect, utf8_with_bom, utf16_be_with_bom

PLAIN = checkpoint.stack_key(PROJECT, STACK)
ZSTD = f"{PLAIN}.zst"


def zstd(raw: bytes) -> bytes:
    """One zstd frame, as the DIY backend's ``EncodeAll`` writes it."""
    return zstandard.ZstdCompressor().compress(raw)


def streamed(source: StateSource) -> bytes:
    """Everything the JSON parser would be handed, read the way ijson reads it."""
    with open_regular(source.path, "state file") as file:
        reader = open_stream(source, file)
        return b"".join(iter(lambda: reader.read(64 * 1024), b""))


def stream_of(path: Path, max_bytes: int = 512 * MIB) -> bytes:
    return streamed(local_source(path, max_bytes))


def test_a_plain_file_is_streamed_unchanged(tmp_path: Path, sample: SampleState) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(sample.to_bytes())

    assert stream_of(path) == sample.to_bytes()


def test_gzip_is_recognised_by_magic_bytes_not_name(tmp_path: Path, sample: SampleState) -> None:
    misnamed = tmp_path / "state.json"
    misnamed.write_bytes(sample.to_bytes(compress=True))

    assert stream_of(misnamed) == sample.to_bytes()


def test_gzip_members_back_to_back_are_one_document(tmp_path: Path, sample: SampleState) -> None:
    raw = sample.to_bytes()
    path = tmp_path / "state.json.gz"
    path.write_bytes(gzip.compress(raw[:1000]) + gzip.compress(raw[1000:]))

    assert stream_of(path) == raw


def test_zstd_is_recognised_by_magic_bytes_not_name(tmp_path: Path, sample: SampleState) -> None:
    misnamed = tmp_path / "state.json"
    misnamed.write_bytes(zstd(sample.to_bytes()))

    assert stream_of(misnamed) == sample.to_bytes()


def test_zstd_frames_back_to_back_are_one_document(tmp_path: Path, sample: SampleState) -> None:
    raw = sample.to_bytes()
    path = tmp_path / "state.json.zst"
    path.write_bytes(zstd(raw[:1000]) + zstd(raw[1000:]))

    assert stream_of(path) == raw


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(utf8_with_bom, id="utf-8-with-bom"),
        pytest.param(powershell_redirect, id="powershell-5.1-redirect"),
        pytest.param(utf16_be_with_bom, id="utf-16-be"),
    ],
)
def test_a_byte_order_mark_is_refused_as_go_refuses_it(
    tmp_path: Path, sample: SampleState, encode: Callable[[str], bytes]
) -> None:
    """Go's JSON decoder rejects a BOM: neither `stack import` nor the DIY loader reads it."""
    path = tmp_path / "prod.json"
    path.write_bytes(encode(sample.to_bytes().decode()))

    with pytest.raises(PulumiRefuses, match=r"\[byte-order-mark\]"):
        stream_of(path)


def test_invalid_utf8_becomes_u_fffd_as_in_go(tmp_path: Path, sample: SampleState) -> None:
    raw = sample.to_bytes().replace(b'"stack"', b'"st\xffack"', 1)
    path = tmp_path / "prod.json"
    path.write_bytes(raw)

    assert stream_of(path) == raw.replace(b"\xff", "\ufffd".encode())


@pytest.mark.parametrize("byte", [b"\x0c", b"\x0b"], ids=["form-feed", "vertical-tab"])
def test_whitespace_go_does_not_accept_is_refused(
    tmp_path: Path, sample: SampleState, byte: bytes
) -> None:
    path = tmp_path / "prod.json"
    path.write_bytes(sample.to_bytes().replace(b"{", b"{" + byte, 1))

    with pytest.raises(PulumiRefuses, match=r"\[json-whitespace\]"):
        stream_of(path)


@pytest.mark.parametrize(
    "tail", [b"\x00" * 512, b"\x00", b"not gzip"], ids=["zero-padding", "one-zero", "garbage"]
)
def test_bytes_after_a_gzip_member_are_refused_as_go_refuses_them(
    tmp_path: Path, sample: SampleState, tail: bytes
) -> None:
    path = tmp_path / "state.json.gz"
    path.write_bytes(sample.to_bytes(compress=True) + tail)

    with pytest.raises(PulumiRefuses, match=r"\[gzip-trailing-data\]"):
        stream_of(path)


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
        pytest.param(lambda s: b"\xff\xfe{\x00 ", "byte-order-mark", id="cut-utf-16"),
    ],
)
def test_a_damaged_stream_fails_with_a_reason(
    tmp_path: Path, sample: SampleState, content: Callable[[SampleState], bytes], expected: str
) -> None:
    path = tmp_path / "state.json.gz"
    path.write_bytes(content(sample))

    with pytest.raises(CheckpointUnreadable, match=expected):
        stream_of(path)


@pytest.mark.parametrize("name", ["state.json.zst", "state.json.gz"])
def test_the_file_name_decides_no_compression(tmp_path: Path, name: str) -> None:
    """DetectCompression looks at the bytes only: plain JSON under a compressed name is plain."""
    path = tmp_path / name
    path.write_bytes(b'{"version": 3, "checkpoint": {}}')

    assert stream_of(path) == b'{"version": 3, "checkpoint": {}}'


def test_a_file_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b" " * (MIB + 1))

    with pytest.raises(CheckpointUnreadable, match=r"larger than 1 MiB.*--max-state-mib"):
        local_source(path, MIB)


@pytest.mark.parametrize("compress", [gzip.compress, zstd], ids=["gzip-bomb", "zstd-bomb"])
def test_a_compression_bomb_stops_at_the_cap_on_inflated_bytes(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "state.json.gz"
    path.write_bytes(compress(b" " * (8 * MIB)))

    assert path.stat().st_size < MIB // 16
    with pytest.raises(CheckpointUnreadable, match="larger than 2 MiB"):
        stream_of(path, 2 * MIB)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"state file not found: .*nope\.json"):
        local_source(tmp_path / "nope.json", MIB)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        pytest.param(lambda p: p, "a directory", id="directory"),
        pytest.param(lambda p: Path("/dev/zero"), "a device", id="dev-zero"),
        pytest.param(lambda p: Path("/dev/null"), "a device", id="dev-null"),
    ],
)
def test_only_regular_files_are_read(
    tmp_path: Path, make: Callable[[Path], Path], kind: str
) -> None:
    with pytest.raises(BackendError, match=f"is {kind}, not a regular file"):
        local_source(make(tmp_path), MIB)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def attempt() -> None:
        try:
            local_source(fifo, MIB)
        except BackendError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)

    assert not worker.is_alive(), "opening the FIFO blocked"
    assert len(outcome) == 1
    assert "a FIFO (named pipe), not a regular file" in outcome[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("x", 0, id="not-a-number"),
        pytest.param("0", 0, id="zero"),
        pytest.param("-1", 0, id="negative"),
        pytest.param("1.5", 0, id="fraction"),
        pytest.param("\u0661", 0, id="non-ascii-digit"),
        pytest.param("1048577", 0, id="over-one-tebibyte"),
        pytest.param("1", 1, id="one"),
        pytest.param("1048576", 1024**2, id="one-tebibyte"),
    ],
)
def test_max_state_mib_bounds(text: str, expected: int) -> None:
    if expected:
        assert checkpoint.max_bytes_from_mib(text) == expected * MIB
    else:
        with pytest.raises(BackendError, match="--max-state-mib"):
            checkpoint.max_bytes_from_mib(text)


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
    tmp_path: Path, aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=sample.to_bytes(compress=True))

    state = download_state(aws.s3, plain_bucket, PROJECT, STACK, directory=tmp_path, max_bytes=MIB)

    assert state.label == f"s3://{plain_bucket}/{PLAIN}.gz"
    assert json.loads(streamed(state)) == sample.document


def test_zstd_bucket_state_wins_over_an_older_gzip_one(
    tmp_path: Path, aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    stale = build_state(seed=99)
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=stale.to_bytes(compress=True))
    aws.s3.put_object(Bucket=plain_bucket, Key=ZSTD, Body=zstd(sample.to_bytes()))

    state = download_state(aws.s3, plain_bucket, PROJECT, STACK, directory=tmp_path, max_bytes=MIB)

    assert state.label == f"s3://{plain_bucket}/{ZSTD}"
    assert json.loads(streamed(state)) == sample.document


def test_the_state_is_found_behind_a_thousand_retained_checkpoints(
    tmp_path: Path, aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    """``PULUMI_RETAIN_CHECKPOINTS`` keys sort between ``.json`` and ``.json.gz``."""
    aws.s3.put_object(Bucket=plain_bucket, Key=PLAIN, Body=build_state(seed=99).to_bytes())
    retained = [f"{PLAIN}.{1_764_000_000_000_000_000 + n}" for n in range(1001)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: aws.s3.put_object(Bucket=plain_bucket, Key=key), retained))
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=sample.to_bytes(compress=True))

    state = download_state(aws.s3, plain_bucket, PROJECT, STACK, directory=tmp_path, max_bytes=MIB)

    assert state.label == f"s3://{plain_bucket}/{PLAIN}.gz"


def test_bucket_without_the_stack_says_what_it_looked_for(
    tmp_path: Path, aws: AwsClients, plain_bucket: str
) -> None:
    with pytest.raises(CheckpointUnreadable, match=r"no state for stack genesys-oauth-secrets/dev"):
        download_state(aws.s3, plain_bucket, PROJECT, "dev", directory=tmp_path, max_bytes=MIB)


def test_missing_bucket_points_at_bootstrap(tmp_path: Path, aws: AwsClients) -> None:
    with pytest.raises(BackendError, match=r"does not exist.*bootstrap"):
        download_state(
            aws.s3, "no-such-state-bucket", PROJECT, STACK, directory=tmp_path, max_bytes=MIB
        )


def test_truncated_gzip_in_the_bucket_is_unreadable(
    tmp_path: Path, aws: AwsClients, plain_bucket: str, sample: SampleState
) -> None:
    body = gzip.compress(sample.to_bytes())[:100]
    aws.s3.put_object(Bucket=plain_bucket, Key=f"{PLAIN}.gz", Body=body)

    state = download_state(aws.s3, plain_bucket, PROJECT, STACK, directory=tmp_path, max_bytes=MIB)

    with pytest.raises(CheckpointUnreadable, match="truncated"):
        streamed(state)


def test_a_bucket_object_over_the_cap_is_not_downloaded(
    tmp_path: Path, aws: AwsClients, plain_bucket: str
) -> None:
    aws.s3.put_object(Bucket=plain_bucket, Key=PLAIN, Body=b" " * (MIB + 1))

    with pytest.raises(CheckpointUnreadable, match="larger than 1 MiB"):
        download_state(aws.s3, plain_bucket, PROJECT, STACK, directory=tmp_path, max_bytes=MIB)
    assert not list(tmp_path.iterdir())
