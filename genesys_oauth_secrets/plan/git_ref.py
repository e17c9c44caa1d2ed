"""Another git ref's program and stack file, on disk: what ``plan --against REF`` plans.

``git archive`` writes REF's tree (committed content only, no working-tree edits) into a
temporary directory. Its ``genesys_oauth_secrets/`` is removed so the subprocess uses this
checkout's planner (the engine, the mocks, the snapshot format) on REF's ``__main__.py``,
``components/`` and ``Pulumi.<stack>.yaml``: the two sides then differ only in what REF holds.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.shared.text import shown

GIT_TIMEOUT_SECONDS = 60
TOOLS_PACKAGE = "genesys_oauth_secrets"


@dataclass(frozen=True)
class ExportedRef:
    ref: str
    """As the user typed it."""
    commit: str
    """The full commit id it resolved to."""
    project_dir: Path
    """REF's copy of the project directory (``Pulumi.yaml``, ``__main__.py``)."""
    root: Path
    """REF's copy of the repository root (``packages/genesys-credentials`` lives there)."""

    @property
    def label(self) -> str:
        """REF as it may be printed: git resolves ``main@{<any text>}``, escapes included."""
        return shown(self.ref)


def _plain_member(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's ``data`` filter, skipping what it refuses (a link out of the tree) instead of
    failing: REF's program needs its files, never a committed link to someone's virtualenv."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def _git(project_dir: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, REF validated by rev-parse first
            ["git", "-C", str(project_dir), *args],  # noqa: S607 - git from PATH, as a user's
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise PlanError("--against needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise PlanError(f"--against: git {args[0]} took over {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        reason = (done.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[0]
        raise PlanError(f"--against: git {args[0]}: {reason}")
    return done.stdout


def resolve(project_dir: Path, ref: str) -> str:
    """REF's commit id; PlanError when it is not a commit of ``project_dir``'s repository."""
    label = shown(ref)
    if not ref or ref.startswith("-"):
        raise PlanError(f"--against {label}: give a branch, tag or commit, e.g. --against main")
    try:
        commit = _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except PlanError:
        raise PlanError(
            f"--against {label}: not a commit of a git repository at {project_dir} "
            "(try `git branch -a` or `git log --oneline`)"
        ) from None
    return commit.decode().strip()


def export(project_dir: Path, ref: str, into: Path) -> ExportedRef:
    """Write REF's tree under ``into``; the project's place in it mirrors the checkout's."""
    commit = resolve(project_dir, ref)
    label = shown(ref)
    prefix = _git(project_dir, "rev-parse", "--show-prefix").decode().strip()
    # Run from the top: git archive in a subdirectory would write only that subdirectory.
    top = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    archive = _git(top, "archive", "--format=tar", commit)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter=_plain_member)  # noqa: S202 - data_filter checks each
    except tarfile.TarError as error:
        raise PlanError(
            f"--against {label}: git archive gave an unreadable tar ({error})"
        ) from None
    for copy in {into / TOOLS_PACKAGE, into / prefix / TOOLS_PACKAGE}:
        shutil.rmtree(copy, ignore_errors=True)
    project = into / prefix
    if not (project / "__main__.py").is_file():
        raise PlanError(f"--against {label}: {prefix or '.'}__main__.py is not in {commit[:12]}")
    return ExportedRef(ref=ref, commit=commit, project_dir=project, root=into)
