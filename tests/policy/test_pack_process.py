"""Starting the pack fails with one line naming the cause, whatever the pack does instead of
printing its port (``plan.policy_pack`` reads the pack's stdout like the engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from genesys_oauth_secrets.plan.policy_pack import PACK_DIR, PolicyPackError, start_policy_pack


def fake_pack(tmp_path: Path, main: str) -> Path:
    """A pack directory using the real pack's virtualenv with ``main`` as its ``__main__.py``."""
    (tmp_path / "venv").symlink_to(PACK_DIR / "venv")
    (tmp_path / "__main__.py").write_text(main)
    return tmp_path


def start(pack_dir: Path, timeout: float = 30.0) -> None:
    start_policy_pack(project="p", stack="s", dry_run=True, pack_dir=pack_dir, timeout=timeout)


def test_a_missing_virtualenv_names_make_install(tmp_path: Path) -> None:
    with pytest.raises(PolicyPackError, match=r"is missing: run `make install`"):
        start(tmp_path)


def test_a_pack_that_crashes_reports_its_error(tmp_path: Path) -> None:
    pack_dir = fake_pack(tmp_path, "raise SystemExit('broken pack: no policies')\n")

    with pytest.raises(PolicyPackError, match="exited before printing its port: broken pack"):
        start(pack_dir)


def test_a_pack_that_prints_something_else_is_refused(tmp_path: Path) -> None:
    pack_dir = fake_pack(tmp_path, "print('listening on 8080')\n")

    with pytest.raises(PolicyPackError, match="first stdout line is not a port number"):
        start(pack_dir)


def test_a_pack_that_never_answers_times_out(tmp_path: Path) -> None:
    pack_dir = fake_pack(tmp_path, "import time\ntime.sleep(60)\n")

    with pytest.raises(PolicyPackError, match=r"printed no port within 0.5 s"):
        start(pack_dir, timeout=0.5)


def test_a_pack_whose_port_does_not_answer_is_refused(tmp_path: Path) -> None:
    pack_dir = fake_pack(tmp_path, "import time\nprint(9, flush=True)\ntime.sleep(60)\n")

    with pytest.raises(PolicyPackError, match="does not answer on port 9: UNAVAILABLE"):
        start(pack_dir)
