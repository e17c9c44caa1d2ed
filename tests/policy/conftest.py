"""One pack process for the whole session, started as the engine starts it and configured with
the defaults the engine sends when a stack gives no pack config."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest

from genesys_oauth_secrets.plan.engine import PROJECT, STACK
from genesys_oauth_secrets.plan.pack_config import engine_config
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack, start_policy_pack


@pytest.fixture(scope="session")
def pack() -> Iterator[RunningPolicyPack]:
    with closing(start_policy_pack(project=PROJECT, stack=STACK, dry_run=False)) as running:
        running.configure(engine_config(running.info(), {}))
        yield running
