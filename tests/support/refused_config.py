"""A program run its stack config stops: the error, and the check that nothing was registered.

The program validates its whole config before it creates anything (``components/config.py``),
so a refused config must leave the deployment holding the root stack alone. Every test of a bad
config reads the error through here, so each of them checks that promise the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from components.config import ConfigError
from genesys_oauth_secrets.plan.engine import ProgramRun

NOTHING_DEPLOYED = ["pulumi:pulumi:Stack"]


def refused_before_any_resource(
    run: ProgramRun, config: Mapping[str, Any], secret_keys: Iterable[str] = ()
) -> ConfigError:
    """Evaluate ``config``: it must raise ``ConfigError`` with only the root stack registered."""
    with pytest.raises(ConfigError) as raised:
        run.evaluate(config, secret_keys)
    assert [r.type for r in run.registrations] == NOTHING_DEPLOYED
    return raised.value
