"""A run's resources in a form two runs can be compared by, without holding a secret in the clear.

``plan --against REF`` evaluates two programs: this checkout's and REF's (in a subprocess, so
each imports its own ``components``). Both are reduced to a ``Snapshot``: per resource its URN,
protect flag, ``importId`` and inputs. A secret input is kept only as an HMAC-SHA256 under a
key drawn at random for that one comparison: equal digests mean equal values, the digest
itself says nothing once the key is gone, and no code path prints it. Every input also records
which resources' computed values it holds (``<computed: NAME.prop>``), secret or not, because
such an input changes whenever NAME is created or replaced, even when its text does not.

Run as ``python -m genesys_oauth_secrets.plan.snapshot`` it is the subprocess's entry: it plans
``--program`` with ``--dir``'s stack file and writes the snapshot to ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pulumi

from genesys_oauth_secrets.plan.documents import JsonDocument
from genesys_oauth_secrets.plan.engine import (
    PROJECT,
    ProgramRun,
    Registration,
    is_secret_envelope,
    secret_envelope_paths,
    start_engine,
)
from genesys_oauth_secrets.plan.errors import EXIT_FAILURE, EXIT_REFUSED, PlanError
from genesys_oauth_secrets.plan.mocks import PlanMocks
from genesys_oauth_secrets.plan.stack_config import load_config

KEY_VARIABLE = "GENESYS_OAUTH_SECRETS_DIFF_KEY"
"""Environment variable that hands the per-run HMAC key (hex) to the subprocess."""
MIN_KEY_BYTES = 16
"""A shorter key (none at all, when the variable is missing) would make digests guessable."""
PLACEHOLDER = re.compile(r"<computed: ([^<>]+)\.[A-Za-z0-9_]+>")
"""``mocks.placeholder``'s form; group 1 is the resource name."""


@dataclass(frozen=True)
class SnapshotInput(JsonDocument):
    """One top-level input: its value, or for a secret only its digest."""

    secret: bool
    value: Any
    """The plain value; None for a secret."""
    digest: str | None
    """HMAC of a secret's value under the run's key; None for a plain value."""
    refs: tuple[str, ...]
    """Names of the resources whose computed values this input holds."""

    def same_as(self, other: SnapshotInput) -> bool:
        return (self.secret, self.value, self.digest) == (other.secret, other.value, other.digest)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SnapshotInput:
        return cls(bool(data["secret"]), data["value"], data["digest"], tuple(data["refs"]))


@dataclass(frozen=True)
class SnapshotResource(JsonDocument):
    """One registered resource, in the form two runs are compared by."""

    urn: str
    type: str
    name: str
    custom: bool
    protect: bool
    import_id: str
    inputs: dict[str, SnapshotInput]

    @classmethod
    def of(cls, registration: Registration, inputs: dict[str, SnapshotInput]) -> SnapshotResource:
        """The registration's own fields of that name (a field added to both is compared without
        another line here), with its inputs in their comparable form."""
        kept = {field.name for field in fields(cls)} - {"inputs"}
        return cls(**{name: getattr(registration, name) for name in kept}, inputs=inputs)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SnapshotResource:
        return cls(
            urn=str(data["urn"]),
            type=str(data["type"]),
            name=str(data["name"]),
            custom=bool(data["custom"]),
            protect=bool(data["protect"]),
            import_id=str(data["importId"]),
            inputs={key: SnapshotInput.from_json(item) for key, item in data["inputs"].items()},
        )


Snapshot = dict[str, SnapshotResource]
"""Resources by URN."""


def _digest(key: bytes, value: Any) -> str:
    return hmac.new(key, json.dumps(value, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def snapshot_of(run: ProgramRun, key: bytes) -> Snapshot:
    """The comparable form of a finished run."""
    snapshot: Snapshot = {}
    for registration in run.registrations:
        inputs = {}
        for name, value in registration.inputs.items():
            refs = tuple(sorted(set(PLACEHOLDER.findall(json.dumps(value)))))
            secret = is_secret_envelope(value) or any(secret_envelope_paths(value))
            inputs[name] = SnapshotInput(
                secret=secret,
                value=None if secret else value,
                digest=_digest(key, value) if secret else None,
                refs=refs,
            )
        snapshot[registration.urn] = SnapshotResource.of(registration, inputs)
    return snapshot


def snapshot_to_json(snapshot: Snapshot) -> list[dict[str, Any]]:
    return [resource.to_json() for resource in snapshot.values()]


def snapshot_from_json(data: Sequence[Mapping[str, Any]]) -> Snapshot:
    resources = (SnapshotResource.from_json(item) for item in data)
    return {resource.urn: resource for resource in resources}


def evaluate(project_dir: Path, stack: str, program: Path) -> ProgramRun:
    """Plan ``program`` with ``project_dir``'s stack file, as ``plan`` does; RunError on refusal."""
    config = load_config(project_dir, PROJECT, stack)
    run = start_engine(
        PlanMocks(), preview=True, log_level=logging.WARNING, stack=stack, program=program
    )
    run.evaluate(config)
    return run


def main(argv: Sequence[str] | None = None) -> int:
    """The subprocess's entry: one ``error:`` line on stderr and exit 1 or 2 when it fails."""
    parser = argparse.ArgumentParser(prog="genesys_oauth_secrets.plan.snapshot")
    parser.add_argument("--stack", required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--program", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        key = bytes.fromhex(os.environ.get(KEY_VARIABLE, ""))
    except ValueError:
        key = b""
    if len(key) < MIN_KEY_BYTES:
        # Without a drawn key a digest is a plain hash anyone can test guesses against.
        print(f"error: {KEY_VARIABLE} must hold the run's HMAC key (hex)", file=sys.stderr)
        return EXIT_FAILURE
    try:
        run = evaluate(args.dir, args.stack, args.program)
    except PlanError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except pulumi.RunError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:
        print(f"error: the program failed ({type(error).__name__})", file=sys.stderr)
        return EXIT_FAILURE
    args.out.write_text(json.dumps(snapshot_to_json(snapshot_of(run, key))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
