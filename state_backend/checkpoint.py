"""Read a Pulumi checkpoint from a file or the DIY bucket, and walk it one resource at a time.

Two shapes exist (see ``pulumi/pulumi`` ``sdk/go/common/apitype/core.go``):

- the DIY backend's state file ``{"version": 3, "checkpoint": {"stack", "config", "latest":
  {"manifest", "secrets_providers", "resources", "pending_operations"}}}``;
- ``pulumi stack export``: ``{"version": 3, "deployment": {"manifest", "secrets_providers",
  "resources", ...}}``.

Either may be version 4 instead: Pulumi writes 4, with a top-level ``"features": [...]`` beside
the version, as soon as one resource uses a feature older CLIs cannot read (taint, hooks,
refreshBeforeUpdate, replaceWith, ...; ``pkg/resource/stack/deployment.go``). The secret envelope
is the same in both, so the audit reads both; ``features`` is just another top-level part.

Either may be compressed: gzip (``PULUMI_DIY_BACKEND_GZIP``) or, since CLI 3.224, zstd
(``PULUMI_DIY_BACKEND_ZSTD``, ``<stack>.json.zst``). Like Pulumi's ``DetectCompression``, the
format is recognised by its magic bytes, not the object's name; only a local file named ``.zst``
is taken for zstd on its name alone, so that a damaged one is reported as such.

Memory: the decoded text of the file is held once; resources are decoded one by one with the C
JSON scanner and handed to the visitor, so a 10,000-resource state never becomes one big Python
object tree. That keeps the audit's footprint at "the file plus one resource". zstd is inflated
chunk by chunk into one buffer (a local ``.zst`` file is never held compressed in memory), so it
costs no more than an uncompressed file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import zstandard
from botocore.exceptions import BotoCoreError, ClientError

from state_backend.errors import CheckpointUnreadable, translate

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SUPPORTED_VERSIONS = (3, 4)
"""Every Pulumi 3 CLI writes 3; newer ones write 4 when the state uses a version-4 feature."""
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_SUFFIX = ".zst"
_ZSTD_CHUNK = 256 * 1024
"""Compressed bytes fed to the zstd decoder per step: JSON inflates ~10-20x, so a few MiB out."""

JsonPath = tuple[str | int, ...]
Visitor = Callable[[JsonPath, object], None]
"""Called with the path and decoded value of every part of the document not walked into."""

ITEMS = "items"
"""Plan marker: decode this array's elements one at a time instead of the whole array."""

Plan = Mapping[str, "Plan | str"]

_DEPLOYMENT_PLAN: Plan = {"resources": ITEMS, "pending_operations": ITEMS}
_ROOT_PLAN: Plan = {"checkpoint": {"latest": _DEPLOYMENT_PLAN}, "deployment": _DEPLOYMENT_PLAN}
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class StateText:
    """A checkpoint's JSON text and where it came from (for messages, never its content)."""

    text: str
    source: str


@dataclass(frozen=True)
class Shape:
    """What the walk found at the top: which format, and the schema version."""

    kind: str
    """``diy-checkpoint`` or ``stack-export``."""
    root: str
    """``checkpoint`` or ``deployment``: the key holding the deployment."""


def decode_bytes(raw: bytes, source: str) -> StateText:
    """Decompress if the magic bytes say gzip or zstd, then decode the text."""
    if raw[:2] == GZIP_MAGIC:
        raw = _gunzip(raw, source)
    elif raw[:4] == ZSTD_MAGIC:
        raw = _unzstd(io.BytesIO(raw), source)
    return _text(raw, source)


def _gunzip(raw: bytes, source: str) -> bytes:
    try:
        return gzip.decompress(raw)
    except EOFError as error:
        raise CheckpointUnreadable(
            f"{source}: the gzip stream is truncated (the upload or download was cut "
            "short); fetch the object again or restore a previous version"
        ) from error
    except (gzip.BadGzipFile, zlib.error) as error:
        raise CheckpointUnreadable(f"{source}: corrupt gzip data ({error})") from error


def _unzstd(stream: IO[bytes], source: str) -> bytes:
    """Inflate every zstd frame in ``stream`` into one buffer, reading it a chunk at a time.

    One decompressor per frame, because only a per-frame decompressor reports where a frame
    ends: input that stops inside a frame is a cut-off transfer, not a short state. zstd allows
    frames back to back (Pulumi writes one; other tools may write several).
    """
    inflated = io.BytesIO()
    decompressor = zstandard.ZstdDecompressor()
    frame = decompressor.decompressobj()
    inside_frame = False
    try:
        data = stream.read(_ZSTD_CHUNK)
        while data:
            inflated.write(frame.decompress(data))
            inside_frame = not frame.eof
            leftover = b""
            if frame.eof:
                leftover, frame = frame.unused_data, decompressor.decompressobj()
            data = leftover or stream.read(_ZSTD_CHUNK)
    except zstandard.ZstdError as error:
        raise CheckpointUnreadable(f"{source}: corrupt zstd data ({error})") from error
    if inside_frame:
        raise CheckpointUnreadable(
            f"{source}: the zstd stream is truncated (the upload or download was cut short); "
            "fetch the object again or restore a previous version"
        )
    return inflated.getvalue()


def _text(raw: bytes, source: str) -> StateText:
    """Decode as UTF-8, or as what a byte-order mark says.

    Windows PowerShell 5.1 writes UTF-16 LE with a BOM for ``pulumi stack export > file``, and
    some editors save UTF-8 with a BOM; Pulumi itself writes plain UTF-8. The BOM is dropped.
    """
    encoding, label = "utf-8", "UTF-8"
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "UTF-16"
    try:
        return StateText(raw.decode(encoding), source)
    except UnicodeDecodeError as error:
        raise CheckpointUnreadable(
            f"{source}: not {label} text, so not a Pulumi checkpoint ({error.reason} at byte "
            f"{error.start})"
        ) from error


def read_file(path: Path) -> StateText:
    """A ``pulumi stack export`` output or a copied DIY state file, plain, gzip or zstd.

    A file named ``.zst`` is read as zstd even without the magic bytes, so a mislabelled or
    damaged one fails as "corrupt zstd data" rather than as puzzling JSON.
    """
    source = str(path)
    try:
        with path.open("rb") as file:
            if path.suffix == ZSTD_SUFFIX or file.read(len(ZSTD_MAGIC)) == ZSTD_MAGIC:
                file.seek(0)
                return _text(_unzstd(file, source), source)
            file.seek(0)
            raw = file.read()
    except FileNotFoundError as error:
        raise CheckpointUnreadable(f"state file not found: {path}") from error
    except IsADirectoryError as error:
        raise CheckpointUnreadable(f"{path} is a directory, not a state file") from error
    except PermissionError as error:
        raise CheckpointUnreadable(f"no permission to read {path}") from error
    return decode_bytes(raw, source)


def stack_key(project: str, stack: str) -> str:
    """The DIY backend's state object for a project-scoped stack (without extension)."""
    return f".pulumi/stacks/{project}/{stack}.json"


def state_candidates(plain: str) -> tuple[str, str, str]:
    """The keys the state of one stack may have, in the order S3 lists them."""
    return (plain, f"{plain}.gz", f"{plain}{ZSTD_SUFFIX}")


def choose_state_key(found: Mapping[str, datetime], plain: str) -> str | None:
    """The object Pulumi itself would load: the newest of ``.json``, ``.json.gz``, ``.json.zst``.

    That is the DIY backend's ``stackPath`` rule (``pkg/backend/diy/state.go``): it walks the
    listing in key order and keeps a candidate unless it is older than the one kept so far, so on
    equal LastModified the later key wins (``.zst`` over ``.gz`` over plain). Several exist when
    the compression setting changed over time. ``found`` maps the keys present to LastModified.
    """
    best: str | None = None
    for key in state_candidates(plain):
        if key in found and (best is None or found[key] >= found[best]):
            best = key
    return best


def read_bucket(s3: S3Client, bucket: str, project: str, stack: str) -> StateText:
    """The current checkpoint of ``project/stack`` in a DIY backend bucket.

    Each candidate key is asked for by name (HeadObject) rather than found by listing the
    prefix: with ``PULUMI_RETAIN_CHECKPOINTS`` every update also writes ``<stack>.json.<unixnano>``
    beside the state, and those sort between ``.json`` and ``.json.gz``, so after a thousand
    updates the compressed state would no longer be on the first page of a listing.
    """
    plain = stack_key(project, stack)
    target = f"s3://{bucket}/{plain}"
    try:
        found = {
            key: modified
            for key in state_candidates(plain)
            if (modified := _last_modified(s3, bucket, key)) is not None
        }
        key = choose_state_key(found, plain)
        if key is None:
            s3.head_bucket(Bucket=bucket)  # a missing bucket also answers 404 to each HeadObject
            raise CheckpointUnreadable(
                f"no state for stack {project}/{stack} in s3://{bucket} (looked for {plain}, "
                f"{plain}.gz and {plain}{ZSTD_SUFFIX}): check --project/--stack, or run "
                "`pulumi up` once"
            )
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except (ClientError, BotoCoreError) as error:
        raise translate(error, service="s3", target=target) from error
    return decode_bytes(body, f"s3://{bucket}/{key}")


def _last_modified(s3: S3Client, bucket: str, key: str) -> datetime | None:
    """When ``key`` was last written, or None if it does not exist."""
    try:
        return s3.head_object(Bucket=bucket, Key=key)["LastModified"]
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # always matches


def _expect(text: str, pos: int, char: str) -> int:
    if text[pos : pos + 1] != char:
        raise ValueError(f"expected {char!r} at character {pos}")
    return pos + 1


def _decode(text: str, pos: int) -> tuple[object, int]:
    value, end = _DECODER.raw_decode(text, pos)
    return value, end


def _walk_array(text: str, pos: int, path: JsonPath, visit: Visitor) -> int:
    pos = _skip(text, _expect(text, pos, "["))
    if text[pos : pos + 1] == "]":
        return pos + 1
    index = 0
    while True:
        value, pos = _decode(text, pos)
        visit((*path, index), value)
        index += 1
        pos = _skip(text, pos)
        if text[pos : pos + 1] == "]":
            return pos + 1
        pos = _skip(text, _expect(text, pos, ","))


def _walk_object(
    text: str, pos: int, path: JsonPath, plan: Plan, *, visit: Visitor, entered: set[JsonPath]
) -> int:
    entered.add(path)
    pos = _skip(text, _expect(text, pos, "{"))
    if text[pos : pos + 1] == "}":
        return pos + 1
    while True:
        if text[pos : pos + 1] != '"':
            raise ValueError(f"expected a property name at character {pos}")
        key, pos = _decode(text, pos)
        assert isinstance(key, str)  # noqa: S101 - a JSON string always decodes to str
        pos = _skip(text, _expect(text, _skip(text, pos), ":"))
        sub_plan = plan.get(key)
        opener = text[pos : pos + 1]
        if isinstance(sub_plan, Mapping) and opener == "{":
            pos = _walk_object(text, pos, (*path, key), sub_plan, visit=visit, entered=entered)
        elif sub_plan == ITEMS and opener == "[":
            pos = _walk_array(text, pos, (*path, key), visit)
        else:
            value, pos = _decode(text, pos)
            visit((*path, key), value)
        pos = _skip(text, pos)
        if text[pos : pos + 1] == "}":
            return pos + 1
        pos = _skip(text, _expect(text, pos, ","))


def walk(state: StateText, visit: Visitor) -> Shape:
    """Stream the checkpoint to ``visit``: one call per resource, one per other top-level part.

    Resources arrive with paths like ``("checkpoint", "latest", "resources", 4)``; anything else
    (the manifest, ``secrets_providers``, the version) arrives decoded at its own path.
    Raises ``CheckpointUnreadable`` for text that is not JSON or not a version 3 or 4 checkpoint.
    """
    version: list[object] = []
    entered: set[JsonPath] = set()

    def record(path: JsonPath, value: object) -> None:
        if path == ("version",):
            version.append(value)
        visit(path, value)

    text = state.text
    try:
        start = _skip(text, 0)
        if text[start : start + 1] != "{":
            raise CheckpointUnreadable(
                f"{state.source}: not a Pulumi checkpoint (expected a JSON object)"
            )
        end = _skip(text, _walk_object(text, start, (), _ROOT_PLAN, visit=record, entered=entered))
        if end != len(text):
            raise ValueError(f"unexpected data after the document at character {end}")
    except (ValueError, IndexError) as error:
        raise CheckpointUnreadable(f"{state.source}: not valid JSON ({error})") from error

    roots = [key for key in ("checkpoint", "deployment") if (key,) in entered]
    if not version or len(roots) != 1:
        raise CheckpointUnreadable(
            f"{state.source}: not a Pulumi checkpoint: expected a `version` and either a "
            "`checkpoint` (DIY state file) or a `deployment` (`pulumi stack export`) object"
        )
    if version[0] not in SUPPORTED_VERSIONS:
        raise CheckpointUnreadable(
            f"{state.source}: checkpoint version {version[0]!r} is not supported (only 3, written "
            "by every Pulumi 3 CLI, and 4, written when the state uses newer features); run "
            "`pulumi stack export` with a current CLI"
        )
    root = roots[0]
    return Shape(kind="diy-checkpoint" if root == "checkpoint" else "stack-export", root=root)
