"""``SecretIssueStamp``: records, once, when an OAuth client (and so its secret) was created.

The bridged Genesys provider reports no creation date for a client (``genesyscloud_oauth_client``
has none in its schema), and the program must not evaluate "now" on every run, or every
``pulumi up`` would make each secret look new. A stamp is a Pulumi dynamic resource whose only
input is the client id: it is created right after its client, returns the time as ``issuedAt``,
and keeps that value in state for as long as the client id is the same. A client replaced by
Genesys (a new id, so a new secret) replaces its stamp; anything else leaves it alone. One stamp
per live generation, so that a rollback to the previous generation finds that generation's own
time again.

How Pulumi runs it, as for ``components.rotation_provider``: the provider object is pickled
with dill into the resource's ``__provider`` input and kept in state, and dill stores this class
*by reference* (its module is importable). The process Pulumi starts for it imports
``components.secret_issue_stamp`` from the project directory, so this class must stay in this
module under this name. The object has no attributes; it reads no credentials and calls nothing.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider

from components.issue_time import ISSUED_AT_OUTPUT, issued_now

SECRET_ISSUE_STAMP_TYPE = "pulumi-python:dynamic/rotation:SecretIssueStamp"  # noqa: S105 - a type
CLIENT_ID = "clientId"


class SecretIssueStampProvider(ResourceProvider):
    """Stamps the time at create; a new client id replaces the stamp. Pickled into state."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(
            id_=str(props[CLIENT_ID]),
            outs={CLIENT_ID: props[CLIENT_ID], ISSUED_AT_OUTPUT: issued_now()},
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [CLIENT_ID] if olds.get(CLIENT_ID) != news.get(CLIENT_ID) else []
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=False)


class SecretIssueStamp(Resource, module="rotation", name="SecretIssueStamp"):
    """When the client ``client_id`` was created, i.e. when its own secret was issued."""

    def __init__(
        self,
        name: str,
        *,
        client_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            SecretIssueStampProvider(),
            name,
            {CLIENT_ID: client_id, ISSUED_AT_OUTPUT: None},
            opts,
        )

    @property
    def issued_at(self) -> pulumi.Output[str]:
        """UTC, ``YYYY-MM-DDTHH:MM:SSZ``; unchanged while the client id is."""
        issued: pulumi.Output[str] = self.__dict__[ISSUED_AT_OUTPUT]
        return issued
