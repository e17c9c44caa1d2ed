"""The snapshot subprocess refuses to digest secrets without the run's drawn HMAC key."""

from __future__ import annotations

from pathlib import Path

import pytest

from genesys_oauth_secrets.plan import snapshot
from genesys_oauth_secrets.plan.engine import MAIN


@pytest.mark.parametrize("key", [None, "", "not-hex", "00" * 8])
def test_without_a_drawn_key_nothing_is_planned_nor_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str | None,
) -> None:
    if key is None:
        monkeypatch.delenv(snapshot.KEY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(snapshot.KEY_VARIABLE, key)
    out = tmp_path / "snapshot.json"
    argv = ["--stack", "prod", "--dir", str(MAIN.parent), "--program", str(MAIN)]

    code = snapshot.main([*argv, "--out", str(out)])

    assert code == 2
    assert not out.exists()
    assert capsys.readouterr().err.startswith(f"error: {snapshot.KEY_VARIABLE}")
