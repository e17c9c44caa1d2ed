"""The ``describe-client`` subcommand: print the config entry that adopts one OAuth client.

Credentials are the deploying client's, read like the provider reads them
(``GENESYSCLOUD_ACCESS_TOKEN``, else ``GENESYSCLOUD_OAUTHCLIENT_ID``/``_SECRET`` through the
client-credentials grant), and it needs ``oauth:client:view``. The hosts are those of
``--genesys-region`` (default ``GENESYSCLOUD_REGION``), or ``--genesys-base-url`` for both.
Exit 0: the entry adopts the client as is; 1: printed, but a line on stderr says what to fix
first; 2: nothing could be read.
"""

from __future__ import annotations

import argparse
import os
import sys

import yaml

from components.genesys_regions import REGION_DOMAINS, genesys_region
from genesys_credentials import RetryPolicy, Secret
from genesys_credentials.errors import TokenRejected, TokenRequestFailed
from genesys_oauth_secrets.adopt.config_entry import config_entry
from genesys_oauth_secrets.preflight.genesys_login import (
    ID_ENV,
    REGION_ENV,
    SECRET_ENV,
    TOKEN_ENV,
    token_client,
)
from genesys_oauth_secrets.preflight.platform_api import (
    ApiError,
    PlatformApi,
    UnusableAnswer,
    api_path,
)
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.command import Command, Phase
from genesys_oauth_secrets.shared.errors import BackendError, UsageError
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_OK
from genesys_oauth_secrets.shared.text import shown

CLIENT_PATH = "/api/v2/oauth/clients/{}"
_UUID_LENGTH = 36


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client_id", metavar="CLIENT_ID", help="the existing OAuth client's id")
    parser.add_argument(
        "--genesys-region",
        choices=sorted(REGION_DOMAINS),
        metavar="REGION",
        help=f"the org's Genesys Cloud region (default: ${REGION_ENV})",
    )
    options.add_genesys_base_url(parser)


def _hosts(args: argparse.Namespace) -> tuple[str, str]:
    if args.genesys_base_url:
        base = str(args.genesys_base_url).rstrip("/")
        return base, base
    name = (args.genesys_region or os.environ.get(REGION_ENV) or "").lower()
    if name not in REGION_DOMAINS:
        raise UsageError(
            f"no Genesys region: pass --genesys-region (one of {', '.join(sorted(REGION_DOMAINS))})"
            f" or export {REGION_ENV}"
        )
    region = genesys_region(name)
    return f"https://{region.login_host}", f"https://{region.api_host}"


def _token(login_base_url: str, retry: RetryPolicy) -> Secret:
    if os.environ.get(TOKEN_ENV):
        return Secret(os.environ[TOKEN_ENV])
    if not os.environ.get(ID_ENV) or not os.environ.get(SECRET_ENV):
        raise UsageError(f"export {ID_ENV} and {SECRET_ENV} (or {TOKEN_ENV}) to read the client")
    try:
        tokens = token_client(
            login_base_url, os.environ[ID_ENV], Secret(os.environ[SECRET_ENV]), retry
        )
        return Secret(tokens.access_token())
    except TokenRejected:
        raise BackendError(f"the login host rejected {ID_ENV}/{SECRET_ENV} (401)") from None
    except (TokenRequestFailed, ValueError) as error:
        raise BackendError(f"no token from the login host: {error}") from None


def run(args: argparse.Namespace) -> int:
    client_id = str(args.client_id)
    if len(client_id) != _UUID_LENGTH:
        raise UsageError(f"CLIENT_ID {shown(client_id)} is not an OAuth client id (a UUID)")
    login, api = _hosts(args)
    retry = RetryPolicy()
    try:
        client = PlatformApi(api, _token(login, retry), retry).get(api_path(CLIENT_PATH, client_id))
    except ApiError as error:
        hint = {404: ": no client with that id in this org", 403: ": needs oauth:client:view"}
        raise BackendError(f"{error}{hint.get(error.status, '')}") from None
    except (UnusableAnswer, OSError, ValueError) as error:
        raise BackendError(str(error)) from None
    described = config_entry(client, client_id.lower())
    print(yaml.safe_dump([described.entry], sort_keys=False, allow_unicode=False), end="")
    for problem in described.problems:
        print(f"fix before adopting: {problem}", file=sys.stderr)
    if described.problems:
        print(
            "an import whose inputs differ from the real client fails or changes the client: "
            "change it in Genesys (Admin > Integrations > OAuth) and run this again",
            file=sys.stderr,
        )
        return EXIT_ATTENTION
    return EXIT_OK


COMMAND = Command(
    name="describe-client",
    phase=Phase.SET_UP,
    summary="print the clients entry that adopts an existing OAuth client (adopt: …)",
    description="Read an existing OAuth client from the Genesys Cloud Platform API and print "
    "the clients entry of Pulumi.<stack>.yaml that matches it exactly, with adopt set to its id, "
    "so that the program imports it instead of creating a new one. Never prints a secret.",
    configure=configure,
    run=run,
)
