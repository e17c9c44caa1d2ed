"""``plan --against REF``: plan REF's program and stack file too, and diff the two plans.

REF is exported (``git_ref``) and planned in a subprocess whose import path puts REF's tree
first (its ``components`` and ``genesys_credentials``) and this checkout's root last (the
planner itself, whose copy in REF was removed). Python caches modules per process, so the two
programs could not share one. The HMAC key that makes secret inputs comparable is drawn here,
used by both sides, and dropped when the comparison returns.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from genesys_oauth_secrets.plan.diff import Diff, diff
from genesys_oauth_secrets.plan.engine import ProgramRun
from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.plan.git_ref import ExportedRef, export
from genesys_oauth_secrets.plan.snapshot import (
    KEY_VARIABLE,
    Snapshot,
    snapshot_from_json,
    snapshot_of,
)

TOOLS_ROOT = Path(__file__).resolve().parents[2]
"""This checkout's root: where ``genesys_oauth_secrets`` is imported from."""
CREDENTIALS_PACKAGE = Path("packages") / "genesys-credentials"
PLAN_TIMEOUT_SECONDS = 300
KEY_BYTES = 32


def _plan_ref(exported: ExportedRef, stack: str, key: bytes, workdir: Path) -> Snapshot:
    out = workdir / "snapshot.json"
    path = [exported.root, exported.root / CREDENTIALS_PACKAGE, TOOLS_ROOT]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(entry) for entry in path),
        KEY_VARIABLE: key.hex(),
    }
    command = [
        sys.executable,
        "-m",
        "genesys_oauth_secrets.plan.snapshot",
        "--stack",
        stack,
        "--dir",
        str(exported.project_dir),
        "--program",
        str(exported.project_dir / "__main__.py"),
        "--out",
        str(out),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, fixed argv
            command,
            cwd=exported.project_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=PLAN_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PlanError(
            f"--against {exported.label}: its plan took over {PLAN_TIMEOUT_SECONDS} s"
        ) from None
    if done.returncode != 0:
        # The subprocess prints only its own ``error:`` block (config problems span lines).
        _, found, message = done.stderr.partition("error: ")
        reason = message.strip() if found else f"exit {done.returncode}"
        raise PlanError(f"--against {exported.label}: planning {exported.label} failed: {reason}")
    try:
        return snapshot_from_json(json.loads(out.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        # REF's program ended its process itself (``sys.exit(0)``, ``os._exit``) before the
        # snapshot was written, or cut it short: exit 0 alone does not mean a plan.
        raise PlanError(
            f"--against {exported.label}: planning {exported.label} failed: it wrote no plan"
        ) from None


def plan_against(project_dir: Path, stack: str, ref: str, current: ProgramRun) -> Diff:
    """What ``pulumi up`` of this checkout would change, starting from REF's deployed plan."""
    key = secrets.token_bytes(KEY_BYTES)
    with tempfile.TemporaryDirectory(prefix="plan-against-") as temp:
        workdir = Path(temp)
        tree = workdir / "tree"
        tree.mkdir()
        exported = export(project_dir, ref, tree)
        before = _plan_ref(exported, stack, key, workdir)
    return diff(before, snapshot_of(current, key), ref=exported.label, commit=exported.commit)
