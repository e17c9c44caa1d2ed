"""One resource of the offline plan as the report and the client-input lines read it.

Its own module so that both ``report`` (which builds them) and ``client_inputs`` (which reads
them) depend on it, not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_oauth_secrets.plan.documents import JsonDocument


@dataclass(frozen=True)
class PlannedResource(JsonDocument):
    """One RegisterResource request with its secrets named, never shown."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    provider: str | None
    """URN of an explicit provider; None means the package's default provider."""
    protect: bool
    """``protect``: the engine refuses to delete it until the flag is lifted."""
    secret_inputs: tuple[str, ...]
    secret_outputs: tuple[str, ...]
    inputs: dict[str, Any]
    """Inputs with every secret replaced by ``[secret]``."""
    import_id: str = ""
    """``importId``: the id of an existing resource the engine adopts instead of creating."""
