"""Where each resource of the honest sample state sits, looked up by type and name.

The audit names a finding by its JSON path (``resources[7].outputs.clientSecret``), so a test
must know the position of the resource it mutates. Asking ``SampleState.index`` for the resource
it means (the ivr-integration OAuth client, not "resource 7") keeps every test on its target
when the program registers one more resource.
"""

from __future__ import annotations

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

IVR_COMPONENT = at(COMPONENT_TYPE, "ivr-integration")
IVR_CLIENT = at(OAUTH_CLIENT_TYPE, "ivr-integration-oauth-client")
IVR_STAMP = at(SECRET_ISSUE_STAMP_TYPE, "ivr-integration-oauth-client-secret-issued")
IVR_SECRET = at(SECRET_TYPE, "ivr-integration-secret")
IVR_VERSION = at(SECRET_VERSION_TYPE, "ivr-integration-secret-version")

AGENT_COMPONENT = at(COMPONENT_TYPE, "agent-desktop")
AGENT_CLIENT = at(OAUTH_CLIENT_TYPE, "agent-desktop-oauth-client")
AGENT_SECRET = at(SECRET_TYPE, "agent-desktop-secret")
AGENT_VERSION = at(SECRET_VERSION_TYPE, "agent-desktop-secret-version")

WFM_COMPONENT = at(COMPONENT_TYPE, "wfm-sync")
WFM_CLIENT = at(OAUTH_CLIENT_TYPE, "wfm-sync-oauth-client")
WFM_SECRET = at(SECRET_TYPE, "wfm-sync-secret")
WFM_VERSION = at(SECRET_VERSION_TYPE, "wfm-sync-secret-version")

APPENDED = len(_SAMPLE.resources)
"""Where a resource a test appends to the honest state lands."""
