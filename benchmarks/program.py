"""How long the program takes to evaluate, and what the component costs over bare resources.

Runs the real ``__main__.py`` under the capturing engine for 1, 10, 100 and 500 clients, then a
program that registers the same four resources per client without the ComponentResource.
Prints seconds, ms per client and the overhead ratio. Targets: 500 clients under 10 s, overhead
at most 1.2x. Figures, not assertions: run ``venv/bin/python -m benchmarks.program``.
"""

from __future__ import annotations

import copy
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import yaml

from components.config import parse_stack_config
from components.credentials_document import credentials_document
from components.genesys_oauth_client import OauthClient, OauthClientArgs, OauthClientRoleArgs
from components.genesys_provider import create_genesys_provider
from components.issue_time import ISSUED_AT_TAG
from components.secret_issue_stamp import SecretIssueStamp
from genesys_oauth_secrets.plan.engine import PROJECT, start_engine

SIZES = (1, 10, 100, 500)
REPEATS = 3
REPO = Path(__file__).resolve().parents[1]


def config_with(count: int) -> dict[str, Any]:
    """The shipped prod config with ``count`` CLIENT-CREDENTIALS clients."""
    stack_file = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    prefix = f"{PROJECT}:"
    config = {key.removeprefix(prefix): value for key, value in stack_file["config"].items()}
    template = config["clients"][0]
    config["clients"] = [{**template, "name": f"client-{i}"} for i in range(count)]
    return config


def bare_program(config: dict[str, Any]) -> Callable[[], None]:
    """The same provider, and client, issue stamp, secret and version per client, without a
    component."""
    parsed = parse_stack_config({key: value for key, value in config.items() if ":" not in key})

    def program() -> None:
        provider = create_genesys_provider(parsed.genesys_region.name, parsed.genesys_provider)
        for client in parsed.clients:
            oauth_client = OauthClient(
                f"{client.name}-oauth-client",
                OauthClientArgs(
                    name=client.name,
                    authorized_grant_type=client.grant_type,
                    roles=[OauthClientRoleArgs(role_id=r.role_id) for r in client.roles],
                ),
                pulumi.ResourceOptions(provider=provider),
            )
            stamp = SecretIssueStamp(
                f"{client.name}-oauth-client-secret-issued", client_id=oauth_client.client_id
            )
            secret = aws.secretsmanager.Secret(
                f"{client.name}-secret",
                name=f"genesys/oauth/bench/{client.name}",
                tags={ISSUED_AT_TAG: stamp.issued_at},
            )
            aws.secretsmanager.SecretVersion(
                f"{client.name}-secret-version",
                secret_id=secret.id,
                secret_string=credentials_document(
                    oauth_client.client_id,
                    pulumi.Output.secret(oauth_client.client_secret),
                    parsed.genesys_region,
                    client.grant_type,
                ),
            )

    return program


def seconds(action: Callable[[], None]) -> float:
    """Median wall time of ``action`` over REPEATS runs."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    print(f"{'clients':>8} {'program s':>10} {'ms/client':>10} {'bare s':>8} {'overhead':>9}")
    for count in SIZES:
        config = config_with(count)

        def with_component(config: dict[str, Any] = config) -> None:
            start_engine("bench", log_level=logging.WARNING).evaluate(copy.deepcopy(config))

        def without_component(config: dict[str, Any] = config) -> None:
            start_engine("bench", log_level=logging.WARNING).run_function(bare_program(config))

        program_s = seconds(with_component)
        bare_s = seconds(without_component)
        print(
            f"{count:>8} {program_s:>10.3f} {1000 * program_s / count:>10.2f} "
            f"{bare_s:>8.3f} {program_s / bare_s:>8.2f}x"
        )


if __name__ == "__main__":
    main()
