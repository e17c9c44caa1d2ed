"""Where each resource of the honest sample state sits, looked up by type and name.

The audit names a finding by its JSON path (``resources[7].outputs.clientSecret``), so a test
must know the position of the resource it mutates. Asking ``SampleState.index`` for the resource
it means (the ivr-integration OAuth client, not "resource 7") keeps every test on its target
when the program registers one more resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.secret_issue_stamp import SECRET_ISSUE_STAMP_TYPE
from genesys_oauth_secrets.audit.scan import (
    COMPONENT_TYPE,
    GENESYS_PROVIDER_TYPE,
    OAUTH_CLIENT_TYPE,
    SECRET_VERSION_TYPE,
    STACK_TYPE,
)
from genesys_oauth_secrets.demo.sample_state import (
    GENESYS_DEFAULT_PROVIDER,
    PROJECT,
    STACK,
    build_state,
)

SECRET_TYPE = "aws:secretsmanager/secret:Secret"

_SAMPLE = build_state()


def at(kind: str, name: str) -> int:
    """The position of the resource of type ``kind`` named ``name`` in ``build_state()``."""
    return _SAMPLE.index(kind, name)


STACK_RESOURCE = at(STACK_TYPE, f"{PROJECT}-{STACK}")
GENESYS_DEFAULT = at(GENESYS_PROVIDER_TYPE, GENESYS_DEFAULT_PROVIDER)
DEPLOYER_PROVIDER = GENESYS_DEFAULT + 1
"""Where ``explicit_genesys_provider`` inserts its provider: right after the default one."""


@dataclass(frozen=True)
class ClientPositions:
    """The positions of one client's component and of its four children."""

    component: int
    client: int
    stamp: int
    secret: int
    version: int


def client_positions(client: str) -> ClientPositions:
    """Where the resources the program registers for ``client`` sit in ``build_state()``."""
    return ClientPositions(
        component=at(COMPONENT_TYPE, client),
        client=at(OAUTH_CLIENT_TYPE, f"{client}-oauth-client"),
        stamp=at(SECRET_ISSUE_STAMP_TYPE, f"{client}-oauth-client-secret-issued"),
        secret=at(SECRET_TYPE, f"{client}-secret"),
        version=at(SECRET_VERSION_TYPE, f"{client}-secret-version"),
    )


IVR = client_positions("ivr-integration")
AGENT = client_positions("agent-desktop")
WFM = client_positions("wfm-sync")

APPENDED = len(_SAMPLE.resources)
"""Where a resource a test appends to the honest state lands."""
