"""What a fleet of consumers sees while a rotation is applied: requests served, failed, and the
latency the rotation adds (issue 20, finding 8).

Starts its own moto server and the fake Genesys login host (``tests/support``) on 127.0.0.1,
stores one credentials document, and runs ``CONSUMERS`` threads, each one service instance with
its own ``CredentialsReader`` (default ttl, 300 s) and ``TokenClient``, asking for a token every
50 ms. Tokens live 2 s, so each instance requests a new one every second (half the lifetime,
the token client's rule for short tokens) and meets the rotation within a second of it; the
instances start evenly spread over that second, as a real fleet's are.

After a warm-up, a rotation is applied the way ``pulumi up`` applies it:

- ``overlap``: the new client exists and the new secret version is written; the previous
  client is deleted ``OVERLAP_DELETE`` seconds later (``keepPrevious: false``, the harsh case);
- ``regenerate``: the old secret dies at once (``POST …/secret`` returned) and the new version
  is written after a window of 0.5, 2 or 5 s (the time ``pulumi up`` takes between the two).

Each request's latency is measured around ``access_token()``; "added" is a request's latency
minus the warm-up's median (its second half: the first includes starting the clients), and
+p50/+p99 are over every request from the rotation on. Most are served from the token cache,
so the rotation shows in +p99 and in the requests that waited (over 100 ms): how many, their
median and the longest. A consumer stuck in a wait asks nothing meanwhile (a closed loop, like
a request handler), so "served" counts fewer requests in the slow scenarios.
``--rotation-wait 0`` turns the wait off: one re-read, then the rejected document is
remembered for the cache window, so a regenerate rotation fails until the window ends.
Figures, not assertions: ``venv/bin/python -m benchmarks.rotation_fleet [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import boto3

from benchmarks.fake_aws import moto_on_loopback
from genesys_credentials import CredentialsError, CredentialsReader, TokenClient
from genesys_credentials.reader import DEFAULT_ROTATION_WAIT
from tests.support.fake_genesys_login import FakeGenesysLogin

CONSUMERS = 20
EVERY = 0.05
TOKEN_LIFETIME = 2
OVERLAP_DELETE = 3.0
WINDOWS = (0.5, 2.0, 5.0)
WAITED = 0.1
"""A request that took 100 ms more than the steady median waited for the rotation."""
LOOPBACK = "127.0.0.1,localhost"


Put = Callable[[str], None]
"""Writes a new version of the scenario's secret, as the deployment does."""
Rotation = Callable[[FakeGenesysLogin, Put, str], None]
"""Applies one rotation to the login host and the secret, given the current client id."""


@dataclass(frozen=True)
class Timing:
    warm_up: float
    after_rotation: float


FULL = Timing(warm_up=3.0, after_rotation=15.0)
QUICK = Timing(warm_up=1.5, after_rotation=8.0)


@dataclass
class Outcomes:
    """Every request's start, latency and outcome, appended from the consumer threads."""

    served: list[tuple[float, float]] = field(default_factory=list)
    failed: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, latency: float, failure: str | None) -> None:
        with self.lock:
            if failure is None:
                self.served.append((started, latency))
            else:
                self.failed.append((started, failure))


def document(client_id: str, client_secret: str) -> str:
    return json.dumps(
        {
            "version": 1,
            "client_id": client_id,
            "client_secret": client_secret,
            "genesys_region": "us-east-1",
            "api_host": "api.mypurecloud.com",
            "login_host": "login.mypurecloud.com",
            "grant_type": "CLIENT-CREDENTIALS",
        }
    )


def consume(tokens: TokenClient, outcomes: Outcomes, stop: threading.Event, offset: float) -> None:
    """One service instance: a token every EVERY seconds until ``stop``, from ``offset`` on."""
    if stop.wait(offset):
        return
    next_at = time.perf_counter()
    while not stop.is_set():
        started = time.perf_counter()
        failure: str | None = None
        try:
            tokens.access_token()
        except CredentialsError as error:
            failure = type(error).__name__
        outcomes.record(started, time.perf_counter() - started, failure)
        next_at = max(next_at + EVERY, time.perf_counter())
        stop.wait(max(0.0, next_at - time.perf_counter()))


def overlap(login: FakeGenesysLogin, put: Put, old_id: str) -> None:
    """New client and new version together; the previous client deleted a few seconds later."""
    new_id, new_secret = str(uuid.uuid4()), secrets.token_urlsafe(24)
    login.accept(new_id, new_secret)
    put(document(new_id, new_secret))
    time.sleep(OVERLAP_DELETE)
    login.accept(old_id, secrets.token_urlsafe(24))  # a deleted client: invalid_client


def regenerate(window: float) -> Rotation:
    """The old secret dies at once; the new version is written ``window`` seconds later."""

    def rotate(login: FakeGenesysLogin, put: Put, client_id: str) -> None:
        new_secret = secrets.token_urlsafe(24)
        login.accept(client_id, new_secret)
        time.sleep(window)
        put(document(client_id, new_secret))

    return rotate


def run(name: str, rotate: Rotation, timing: Timing, rotation_wait: float) -> str:
    deployment = boto3.client("secretsmanager")  # built before the clock starts: ~0.1 s
    client_id, client_secret = str(uuid.uuid4()), secrets.token_urlsafe(24)
    arn = deployment.create_secret(
        Name=f"genesys/oauth/bench/{uuid.uuid4()}", SecretString=document(client_id, client_secret)
    )["ARN"]

    def put(text: str) -> None:
        deployment.put_secret_value(SecretId=arn, SecretString=text)

    login = FakeGenesysLogin(expires_in=TOKEN_LIFETIME)
    login.accept(client_id, client_secret)
    login.start()
    outcomes = Outcomes()
    stop = threading.Event()
    consumers = [
        threading.Thread(
            target=consume,
            args=(
                TokenClient(
                    CredentialsReader(arn, rotation_wait=rotation_wait),
                    token_url=login.token_url,
                ),
                outcomes,
                stop,
                index * TOKEN_LIFETIME / 2 / CONSUMERS,
            ),
        )
        for index in range(CONSUMERS)
    ]
    try:
        for consumer in consumers:
            consumer.start()
        time.sleep(timing.warm_up)
        rotated_at = time.perf_counter()
        rotate(login, put, client_id)
        time.sleep(max(0.0, rotated_at + timing.after_rotation - time.perf_counter()))
    finally:
        stop.set()
        for consumer in consumers:
            consumer.join(timeout=DEFAULT_ROTATION_WAIT + 30)
        login.stop()
    return report(name, outcomes, rotated_at - timing.warm_up / 2, rotated_at)


def report(name: str, outcomes: Outcomes, steady_from: float, rotated_at: float) -> str:
    """One table row; latencies in ms, added = latency minus the steady warm-up's median."""
    steady = [latency for at, latency in outcomes.served if steady_from <= at < rotated_at]
    baseline = statistics.median(steady) if steady else 0.0
    added = sorted(latency - baseline for at, latency in outcomes.served if at >= rotated_at)
    waited = [latency for latency in added if latency > WAITED]
    failed = len(outcomes.failed)
    total = len(outcomes.served) + failed
    kinds = sorted({kind for _, kind in outcomes.failed})
    return (
        f"{name:<17} {len(outcomes.served):>7} {failed:>7} {100 * failed / max(total, 1):>7.2f} "
        f"{ms(percentile(added, 0.50)):>8} {ms(percentile(added, 0.99)):>8} {len(waited):>7} "
        f"{ms(percentile(waited, 0.50)):>8} {ms(max(waited, default=0.0)):>8}  "
        f"{', '.join(kinds) or '-'}"
    )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (0 for none)."""
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, round(fraction * len(values)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter warm-up and rotation phase")
    parser.add_argument(
        "--rotation-wait",
        type=float,
        default=DEFAULT_ROTATION_WAIT,
        help="the readers' rotation_wait in seconds (0: never wait for a rotation)",
    )
    arguments = parser.parse_args()
    timing = QUICK if arguments.quick else FULL
    logging.getLogger("genesys_credentials").setLevel(logging.ERROR)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = LOOPBACK
    with moto_on_loopback():
        print(
            f"{CONSUMERS} consumers, a token every {EVERY * 1e3:.0f} ms, tokens living "
            f"{TOKEN_LIFETIME} s, rotation_wait={arguments.rotation_wait:g} s; "
            f"{timing.warm_up:g} s warm-up, {timing.after_rotation:g} s from the rotation on"
        )
        print(
            f"{'scenario':<17} {'served':>7} {'failed':>7} {'failed%':>7} {'+p50 ms':>8} "
            f"{'+p99 ms':>8} {'waited':>7} {'w.p50 ms':>8} {'w.max ms':>8}  failures"
        )
        scenarios: list[tuple[str, Rotation]] = [
            (f"overlap (del {OVERLAP_DELETE:g} s)", overlap),
            *[(f"regenerate {window:g} s", regenerate(window)) for window in WINDOWS],
        ]
        for name, rotate in scenarios:
            print(run(name, rotate, timing, arguments.rotation_wait), flush=True)


if __name__ == "__main__":
    main()
