"""List a stack's DIY-backend locks and remove only the stale ones.

Pulumi's DIY backend has no DynamoDB table: each running command writes
``.pulumi/locks/organization/<project>/<stack>/<uuid>.json`` holding ``{pid, username, hostname,
timestamp}`` and deletes it when done (``pkg/backend/diy/lock.go``). A run that dies leaves its
object behind and every later run refuses to start. Deleting a lock whose run is still alive lets
two runs write the same state, so this module errs towards keeping locks:

- a lock is stale only if both its own timestamp (the writer's clock) and the object's
  LastModified (S3's clock) are older than the threshold, so one skewed clock cannot make a
  fresh lock look old;
- a lock written by this host whose process is still running is never stale, whatever its age;
- each deletion targets one lock's own key, so a run that starts meanwhile (new uuid) is untouched.

A lock object is input anyone with write access to the bucket can shape, so it is read
defensively: at most :data:`MAX_LOCK_BYTES`, the four fields with the types Pulumi writes, a pid
a process can have, a timestamp that converts to UTC. Anything else is "unreadable lock content"
(aged by S3's clock alone), and every field is escaped and shortened when printed, so a
username with a newline or terminal escapes cannot fake a line of output.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from genesys_credentials.safe_text import printable
from genesys_oauth_secrets.shared.errors import UsageError, error_code, translate
from genesys_oauth_secrets.shared.names import shown

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_DURATION_PART = re.compile(r"([0-9]{1,9})([smhd])", re.ASCII)
_MINUTE, _HOUR, _DAY = 60, 3600, 86400
_SECONDS = {"s": 1, "m": _MINUTE, "h": _HOUR, "d": _DAY}
MAX_OLDER_THAN = timedelta(days=3650)
"""Ten years: a DIY lock older than that is stale by any threshold; larger ones are typos."""
MAX_LOCK_BYTES = 64 * 1024
"""Pulumi's lock is about 150 bytes; a bigger object is not one, and is not read whole."""
MAX_PID = 2**31 - 1
"""The largest pid any OS hands out (pid_t is 32-bit); ``os.kill`` overflows beyond it."""
SHOWN = 100
"""Characters of a lock's key, user or host printed."""


def utcnow() -> datetime:
    """The current time; one seam, so tests can age locks that S3 dated "now"."""
    return datetime.now(UTC)


def lock_prefix(project: str, stack: str) -> str:
    """Where the DIY backend keeps a project-scoped stack's locks."""
    return f".pulumi/locks/organization/{project}/{stack}/"


def parse_duration(text: str) -> timedelta:
    """``90s``, ``30m``, ``2h``, ``1d`` or combinations like ``1h30m``, up to ten years."""
    if not text or len(text) > SHOWN or _DURATION_PART.sub("", text) != "":
        raise UsageError(f"--older-than {shown(text)}: use a duration like 30m, 2h, 1d or 1h30m")
    seconds = sum(int(amount) * _SECONDS[unit] for amount, unit in _DURATION_PART.findall(text))
    if seconds <= 0:
        raise UsageError("--older-than must be longer than zero")
    if seconds > MAX_OLDER_THAN.total_seconds():
        raise UsageError(
            f"--older-than {shown(text)} is longer than {MAX_OLDER_THAN.days}d: no lock can be "
            "that old; give the age after which a lock counts as stale, e.g. 2h"
        )
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Lock:
    """One lock object: who holds it, where, since when."""

    key: str
    last_modified: datetime
    pid: int | None
    username: str | None
    hostname: str | None
    timestamp: datetime | None
    """From the lock content, in UTC; None if the object is not a readable Pulumi lock."""

    @property
    def holder(self) -> str:
        """``user@host (pid N)`` as Pulumi prints it, or a note that the content is unreadable.

        Escaped and shortened: the content is whatever was written to the bucket.
        """
        if self.timestamp is None:
            return "unreadable lock content"
        user, host = (printable(text or "", SHOWN) for text in (self.username, self.hostname))
        return f"{user}@{host} (pid {self.pid})"

    def age(self, now: datetime) -> timedelta:
        """The younger of the two clocks' ages: the conservative one."""
        ages = [now - self.last_modified]
        if self.timestamp is not None:
            ages.append(now - self.timestamp)
        return min(ages)

    def alive_here(self) -> bool:
        """The lock was written by a process on this machine that is still running."""
        if self.pid is None or self.hostname != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def parse_lock(key: str, last_modified: datetime, body: bytes) -> Lock:
    """The lock Pulumi wrote (``{pid, username, hostname, timestamp}``), or an unreadable one."""
    unreadable = Lock(key, last_modified, None, None, None, None)
    if len(body) > MAX_LOCK_BYTES:
        return unreadable
    try:
        content = json.loads(body)
    except (ValueError, RecursionError):
        return unreadable
    if not isinstance(content, dict):
        return unreadable
    pid, username, hostname = content.get("pid"), content.get("username"), content.get("hostname")
    timestamp = _utc(content.get("timestamp"))
    if (
        isinstance(pid, bool)
        or not isinstance(pid, int)
        or not 1 <= pid <= MAX_PID
        or not isinstance(username, str)
        or not isinstance(hostname, str)
        or timestamp is None
    ):
        return unreadable
    return Lock(key, last_modified, pid, username, hostname, timestamp)


def _utc(value: object) -> datetime | None:
    """An ISO 8601 time (Go's RFC 3339 with nanoseconds included) in UTC, or None."""
    if not isinstance(value, str) or len(value) > SHOWN:
        return None
    try:
        when = datetime.fromisoformat(value)
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def list_locks(
    s3: S3Client, bucket: str, project: str, stack: str, *, emit: Callable[[str], None]
) -> list[Lock]:
    """Every lock object of the stack, oldest first.

    A lock can be deleted between the listing and its read: its run has just finished, which is
    the normal life of a lock, not an error. Such a lock is skipped with one line through ``emit``.
    """
    prefix = lock_prefix(project, stack)
    target = f"s3://{bucket}/{prefix}"
    locks = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if not key.endswith(".json"):
                    continue
                try:
                    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_LOCK_BYTES + 1)
                except ClientError as error:
                    if error_code(error) not in {"NoSuchKey", "404"}:
                        raise
                    emit(
                        f"gone    {printable(key, SHOWN)}  [released while being listed: its run "
                        "just ended]"
                    )
                    continue
                locks.append(parse_lock(key, obj["LastModified"], body))
    except (ClientError, BotoCoreError) as error:
        raise translate(error, service="s3", target=target) from error
    return sorted(locks, key=lambda lock: lock.last_modified)


def is_stale(lock: Lock, now: datetime, older_than: timedelta) -> bool:
    """Old by both clocks and not held by a live process on this host."""
    return lock.age(now) > older_than and not lock.alive_here()


def format_age(age: timedelta) -> str:
    """``45s``, ``2h05m``, ``3d04h``: short enough for one line per lock."""
    seconds = max(int(age.total_seconds()), 0)
    if seconds < _MINUTE:
        return f"{seconds}s"
    days, rest = divmod(seconds, _DAY)
    hours, rest = divmod(rest, _HOUR)
    return f"{days}d{hours:02d}h" if days else f"{hours}h{rest // _MINUTE:02d}m"


def describe(lock: Lock, now: datetime) -> str:
    """One line per lock: key, holder, its own timestamp, and its age by both clocks."""
    key = printable(lock.key, SHOWN)
    stored = f"S3 object {format_age(now - lock.last_modified)} old"
    if lock.timestamp is None:
        return f"{key}  {lock.holder}  {stored}"
    return (
        f"{key}  {lock.holder}  since {lock.timestamp:%Y-%m-%dT%H:%M:%SZ} "
        f"({format_age(now - lock.timestamp)} ago; {stored})"
    )


def clear_stale(
    s3: S3Client,
    bucket: str,
    locks: list[Lock],
    *,
    now: datetime,
    older_than: timedelta,
    confirm: Callable[[list[Lock]], bool],
    emit: Callable[[str], None],
) -> list[Lock]:
    """Delete the stale locks after ``confirm`` agrees; return the ones deleted."""
    stale = [lock for lock in locks if is_stale(lock, now, older_than)]
    for lock in locks:
        if lock not in stale:
            reason = "held by a live process here" if lock.alive_here() else "fresh"
            emit(f"keep    {describe(lock, now)}  [{reason}]")
    if not stale:
        emit(f"no lock older than {format_age(older_than)}: nothing to clear")
        return []
    for lock in stale:
        emit(f"stale   {describe(lock, now)}")
    if not confirm(stale):
        emit("nothing deleted")
        return []
    for lock in stale:
        try:
            s3.delete_object(Bucket=bucket, Key=lock.key)
        except (ClientError, BotoCoreError) as error:
            raise translate(error, service="s3", target=f"s3://{bucket}/{lock.key}") from error
        emit(f"deleted {printable(lock.key, SHOWN)}")
    return stale
