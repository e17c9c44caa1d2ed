"""Find a Pulumi checkpoint (a local file or the DIY bucket) and stream its bytes as UTF-8 JSON.

The audit never holds the whole state: this module hands ``pulumi_json`` a file-like object
that yields the checkpoint a chunk at a time, already decompressed and transcoded, and stops
early on anything that is not a state file:

- only regular files are read (a FIFO would block forever, ``/dev/zero`` never ends, a
  directory has no content); the check is made on the opened descriptor, so a file swapped for
  a FIFO between the check and the read cannot slip through;
- at most ``max_bytes`` are read, counted *after* decompression, so a small gzip or zstd bomb
  stops at the cap instead of filling memory; ``--max-state-mib`` raises the cap;
- gzip (``PULUMI_DIY_BACKEND_GZIP``) and zstd (``PULUMI_DIY_BACKEND_ZSTD``, CLI 3.224+) are
  recognised by their magic bytes only, like Pulumi's ``encoding.DetectCompression``
  (``sdk/go/common/encoding/marshal.go``): the file name decides nothing, so a ``.zst`` file
  holding plain JSON is plain JSON and zstd in a ``.json`` file is zstd;
- what Pulumi refuses is refused here, by rule (``refusal.PulumiRefuses``): a byte-order mark
  and the JSON whitespace Go does not accept (form feed, vertical tab), and bytes after a gzip
  member that Go's multistream reader rejects (zero padding included);
- invalid UTF-8 becomes U+FFFD, as Go's ``encoding/json`` does inside strings.

A bucket object is first copied to a temporary file (within the same cap), so that the audit can
read it twice without asking S3 twice, which could return a newer state the second time.
"""

from __future__ import annotations

import codecs
import errno
import itertools
import os
import stat
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import zstandard
from botocore.exceptions import BotoCoreError, ClientError

from genesys_oauth_secrets.audit.refusal import PulumiRefuses
from genesys_oauth_secrets.shared import names
from genesys_oauth_secrets.shared.errors import (
    BackendError,
    CheckpointUnreadable,
    error_code,
    translate,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MIB = 1024 * 1024
_DIY_STACKS = "/.pulumi/stacks/"
"""Where a DIY backend (a file:// one too) keeps each stack's checkpoint."""
MAX_STATE_MIB = 1024 * 1024
"""The highest ``--max-state-mib``: 1 TiB."""
DEFAULT_MAX_MIB = 512
"""A 100,000-resource state of this program is ~290 MiB; real stacks are far smaller."""
MAX_VALUE_BYTES = 64 * MIB
"""One resource (or other top-level part) is built in memory; more JSON text than this is not a
resource a provider returned but an attempt to fill memory."""

GZIP_MAGIC = b"\x1f\x8b\x08"
"""``isGzipCompressed`` (sdk/go/common/encoding/marshal.go): ID1, ID2 and CM=deflate."""
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_SUFFIX = ".zst"
CHUNK = 64 * 1024
_ZSTD_STEP = 256
"""Compressed bytes per zstd call: zstd has no output limit per call and one RLE block of 3
bytes inflates to 128 KiB, so small steps keep a bomb's single answer at a few MiB."""


@dataclass(frozen=True)
class StateSource:
    """A checkpoint on local disk, the name to report it by, and the read cap."""

    path: Path
    label: str
    max_bytes: int
    diy: bool = False
    """Read from where the DIY backend keeps a stack's checkpoint (not a ``stack export``)."""


def open_regular(path: Path, what: str) -> IO[bytes]:
    """Open ``path`` for reading only if it is a regular file; never block on a FIFO.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer; the
    type is then checked on the descriptor itself.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError as error:
        raise BackendError(f"{what} not found: {path}") from error
    except PermissionError as error:
        raise BackendError(f"no permission to read {what} {path}") from error
    except OSError as error:
        reason = error.strerror or errno.errorcode.get(error.errno or 0, "error")
        raise BackendError(f"cannot open {what} {path}: {reason}") from error
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = _describe_mode(mode)
        raise BackendError(
            f"{path} is {kind}, not a regular file: pass the {what} itself (download or "
            "export it to a file first)"
        )
    return os.fdopen(fd, "rb")


def _describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def local_source(path: Path, max_bytes: int) -> StateSource:
    """A state file given on the command line: a regular file no larger than the cap."""
    with open_regular(path, "state file") as file:
        size = os.fstat(file.fileno()).st_size
    if size > max_bytes:
        raise CheckpointUnreadable(_too_large(str(path), max_bytes))
    return StateSource(path, str(path), max_bytes, diy=_DIY_STACKS in path.resolve().as_posix())


def _too_large(label: str, max_bytes: int) -> str:
    return (
        f"{label}: the state is larger than {max_bytes // MIB} MiB (after decompression); if it "
        "really is that large, raise the cap with --max-state-mib"
    )


class ChunkReader:
    """The file-like object ijson reads: ``read(n)`` over a generator of byte chunks.

    Counts what it hands out, so the walker can ask that one resource stay under
    ``MAX_VALUE_BYTES`` (``mark``) without touching every event.
    """

    def __init__(self, chunks: Iterator[bytes], label: str) -> None:
        self._chunks = chunks
        self._pending = b""
        self.label = label
        self.position = 0
        self._mark = 0

    def mark(self) -> None:
        """A new resource (or top-level part) starts here."""
        self._mark = self.position

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes; ``b""`` only at the end."""
        if self.position - self._mark > MAX_VALUE_BYTES:
            raise CheckpointUnreadable(
                f"{self.label}: one part of the state (near byte {self._mark}) is larger than "
                f"{MAX_VALUE_BYTES // MIB} MiB of JSON, which no resource is: not a state file"
            )
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._pending = chunk
        if size < 0 or size >= len(self._pending):
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        self.position += len(data)
        return data


def open_stream(source: StateSource, file: IO[bytes]) -> ChunkReader:
    """The checkpoint in ``file`` as UTF-8 JSON chunks: decompressed, capped, checked."""
    head = file.read(len(ZSTD_MAGIC))
    file.seek(0)
    chunks: Iterator[bytes]
    # DetectCompression (sdk/go/common/encoding/marshal.go): gzip magic first, then zstd, by
    # content only; pkg/backend/diy/state.go getCheckpoint applies it whatever the key's suffix.
    if head.startswith(GZIP_MAGIC):
        chunks = _gunzip(file, source.label)
    elif head == ZSTD_MAGIC:
        chunks = _unzstd(file, source.label)
    else:
        chunks = _plain(file)
    capped = _capped(chunks, source.max_bytes, source.label)
    return ChunkReader(_go_text(_as_utf8(capped, source.label), source.label), source.label)


def _plain(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(CHUNK):
        yield chunk


def _gunzip(file: IO[bytes], label: str) -> Iterator[bytes]:
    """Every gzip member, like Go's multistream ``gzip.Reader``; anything else after one refuses.

    Python's ``gzip`` skips zero padding after a member; Go's reader reads the next header and
    fails (``ErrHeader``, or ``ErrUnexpectedEOF`` on fewer than 10 bytes), so Pulumi cannot load
    such a file (Go compress/gzip/gunzip.go ``Reader.Read``). Output is bounded per call.
    """
    inflate = zlib.decompressobj(31)
    pending = b""
    try:
        while True:
            if not pending:
                pending = file.read(CHUNK)
                if not pending:
                    break
            out = inflate.decompress(pending, CHUNK)
            pending = inflate.unconsumed_tail
            if out:
                yield out
            if not inflate.eof:
                continue
            pending = inflate.unused_data + pending
            while len(pending) < len(GZIP_MAGIC) and (more := file.read(CHUNK)):
                pending += more
            if not pending:
                return
            if not pending.startswith(GZIP_MAGIC):
                raise PulumiRefuses(
                    label,
                    "gzip-trailing-data",
                    "bytes that are not a gzip member follow the compressed state (zero "
                    "padding, or other data); Go's gzip reader rejects them",
                )
            inflate = zlib.decompressobj(31)
    except zlib.error as error:
        raise CheckpointUnreadable(f"{label}: corrupt gzip data ({error})") from error
    raise CheckpointUnreadable(
        f"{label}: the gzip stream is truncated (the upload or download was cut short); "
        "fetch the object again or restore a previous version"
    )


def _unzstd(file: IO[bytes], label: str) -> Iterator[bytes]:
    """Every zstd frame back to back; input that stops inside a frame is a cut-off transfer.

    One decompressor per frame, because only a per-frame decompressor reports where a frame
    ends (``eof``); Pulumi writes one frame, other tools may write several.
    """
    decompressor = zstandard.ZstdDecompressor()
    frame = decompressor.decompressobj()
    inside_frame = False
    try:
        while block := file.read(CHUNK):
            view = memoryview(block)
            while view:
                step, view = view[:_ZSTD_STEP], view[_ZSTD_STEP:]
                out = frame.decompress(step.tobytes())
                inside_frame = not frame.eof
                if frame.eof:
                    leftover = frame.unused_data
                    frame = decompressor.decompressobj()
                    if leftover:
                        out += frame.decompress(leftover)
                        inside_frame = not frame.eof
                if out:
                    yield out
    except zstandard.ZstdError as error:
        raise CheckpointUnreadable(f"{label}: corrupt zstd data ({error})") from error
    if inside_frame:
        raise CheckpointUnreadable(
            f"{label}: the zstd stream is truncated (the upload or download was cut short); "
            "fetch the object again or restore a previous version"
        )


def _capped(chunks: Iterator[bytes], max_bytes: int, label: str) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise CheckpointUnreadable(_too_large(label, max_bytes))
        yield chunk


def text_encoding(head: bytes) -> tuple[str, int]:
    """``(codec, BOM length)`` for text starting with ``head``: UTF-8 unless a BOM says UTF-16."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", len(codecs.BOM_UTF16_LE)
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", len(codecs.BOM_UTF16_BE)
    return "utf-8", 0


def _as_utf8(chunks: Iterator[bytes], label: str) -> Iterator[bytes]:
    """UTF-8 as Go's ``encoding/json`` reads it: a byte-order mark refuses, bad bytes → U+FFFD.

    Go's decoder has no notion of a BOM: ``\xef\xbb\xbf`` (or UTF-16's ``\xff\xfe``) is an
    invalid character before the document (encoding/json scanner.go ``stateBeginValue``), so
    ``pulumi stack import`` and the DIY loader both refuse such a file. Invalid UTF-8 inside a
    string is replaced with U+FFFD (decode.go ``unquoteBytes``), so it is no reason to refuse.
    """
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= len(codecs.BOM_UTF8):
            break
    codec, bom = text_encoding(head)
    if bom:
        raise PulumiRefuses(
            label,
            "byte-order-mark",
            f"the file starts with a {codec.upper()} byte-order mark, which Go's JSON decoder "
            "rejects; write it with `pulumi stack export --file <path>` (PowerShell's `>` adds "
            "one)",
        )
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for chunk in itertools.chain((head,), chunks):
        if chunk.isascii() and not decoder.getstate()[0]:
            yield chunk
        elif text := decoder.decode(chunk).encode():
            yield text
    if tail := decoder.decode(b"", final=True).encode():
        yield tail


_NOT_GO_WHITESPACE = (b"\x0b", b"\x0c")


def _go_text(chunks: Iterator[bytes], label: str) -> Iterator[bytes]:
    """Refuse a form feed or vertical tab: JSON whitespace to yajl, an error to Go.

    Go accepts only space, tab, CR and LF between tokens (encoding/json scanner.go
    ``isSpace``); a raw control byte inside a string is an error for both parsers, so any
    such byte means Pulumi cannot load the file.
    """
    for chunk in chunks:
        for byte in _NOT_GO_WHITESPACE:
            if byte in chunk:
                raise PulumiRefuses(
                    label,
                    "json-whitespace",
                    "the JSON holds a form feed or vertical tab, which Go does not accept as "
                    "whitespace",
                )
        yield chunk


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


def download_state(
    s3: S3Client,
    bucket: str,
    project: str,
    stack: str,
    *,
    directory: Path,
    max_bytes: int,
) -> StateSource:
    """Copy the current checkpoint of ``project/stack`` into ``directory``, within the cap.

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
        label = f"s3://{bucket}/{key}"
        response = s3.get_object(Bucket=bucket, Key=key)
        if response.get("ContentLength", 0) > max_bytes:
            raise CheckpointUnreadable(_too_large(label, max_bytes))
        copy = directory / Path(key).name
        written = 0
        with copy.open("wb") as out:
            for chunk in response["Body"].iter_chunks(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise CheckpointUnreadable(_too_large(label, max_bytes))
                out.write(chunk)
    except (ClientError, BotoCoreError) as error:
        raise translate(error, service="s3", target=target) from error
    return StateSource(copy, label, max_bytes, diy=True)


def _last_modified(s3: S3Client, bucket: str, key: str) -> datetime | None:
    """When ``key`` was last written, or None if it does not exist."""
    try:
        return s3.head_object(Bucket=bucket, Key=key)["LastModified"]
    except ClientError as error:
        if error_code(error) in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def max_bytes_from_mib(text: str) -> int:
    """``--max-state-mib`` as bytes: a whole number of MiB up to 1 TiB, or a usage error. Parsed
    after argparse, so ``--json`` can report a bad value as a document."""
    return names.bounded_number(text, "--max-state-mib", 1, MAX_STATE_MIB) * MIB
