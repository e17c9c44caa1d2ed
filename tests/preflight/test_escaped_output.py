"""Text from the environment cannot forge a preflight line or a workflow command (issue 20, 9).

A ``GENESYSCLOUD_OAUTHCLIENT_ID`` holding control characters is refused by name before any
request is sent (issue 20, 3), so its text never reaches a line; every finding is escaped
besides, which the plain rows below keep honest.
"""

from __future__ import annotations

import json

import pytest

from genesys_oauth_secrets.shared.findings import LABEL_WIDTH
from tests.preflight.conftest import World
from tests.support.fake_genesys_login import Scripted

FORGED = "::warning::forged"
CRAFTED_ID = f"x\n{FORGED}\r\nOK       aws-identity         forged \x1b[32m"


@pytest.mark.parametrize("as_json", [False, True])
def test_a_crafted_client_id_cannot_forge_a_line_or_a_workflow_command(
    world: World, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", CRAFTED_ID)
    world.api.script(Scripted(404, {"message": "not found"}))

    outcome = world.run(*(["--json"] if as_json else []))

    text = outcome.err if as_json else outcome.out
    assert outcome.code == 1
    [line] = [
        line
        for line in text.splitlines()
        if line.startswith(f"{'PROBLEM':{LABEL_WIDTH}} genesys-credentials")
    ]
    assert "GENESYSCLOUD_OAUTHCLIENT_ID holds control" in line
    assert "forged" not in line
    assert "\x1b" not in text
    assert not any(
        line.startswith(("::", f"{'OK':{LABEL_WIDTH}} {'aws-identity':20} forged"))
        for line in text.splitlines()
    )
    if as_json:
        [check] = [
            c for c in json.loads(outcome.out)["checks"] if c["check"] == "genesys-credentials"
        ]
        assert "\n" not in check["message"]
        assert "forged" not in check["message"]
