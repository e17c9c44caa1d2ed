"""How many Secrets Manager calls 1,000 credential reads make, and what a read costs.

Starts its own moto server on 127.0.0.1 (fake credentials, nothing reaches AWS), stores one
credentials document, and reads it through ``CredentialsReader`` on a simulated clock:

- 1,000 reads spread evenly over several TTL windows (target: one GetSecretValue per window);
- the same 1,000 reads with ``ttl=0``, i.e. without the cache, for comparison;
- 8 threads reading 125 times each on a cold cache (target: one call in all).

Calls are counted on the wire (botocore's ``before-send`` event, retries included). Times are
wall-clock on this machine against a loopback emulator, so a real call to Secrets Manager
costs more than the uncached figure here. Figures, not assertions:
``venv/bin/python -m benchmarks.credentials_cache``.
"""

from __future__ import annotations

import json
import statistics
import threading
import time

import boto3

from benchmarks.fake_aws import moto_on_loopback
from genesys_credentials import CredentialsReader

READS = 1_000
TTL = 300.0
WINDOWS = 5
THREADS = 8
DOCUMENT = {
    "version": 1,
    "client_id": "00000000-0000-4000-8000-000000000000",
    "client_secret": "benchmark-only-not-a-secret",
    "genesys_region": "us-east-1",
    "api_host": "api.mypurecloud.com",
    "login_host": "login.mypurecloud.com",
    "grant_type": "CLIENT-CREDENTIALS",
}


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Calls:
    def __init__(self) -> None:
        self.sent = 0

    def count(self, **_: object) -> None:
        self.sent += 1


def watched(arn: str, ttl: float, clock: SimulatedClock) -> tuple[CredentialsReader, Calls]:
    reader = CredentialsReader(arn, ttl=ttl, clock=clock)
    calls = Calls()
    reader.client.meta.events.register("before-send.secrets-manager.GetSecretValue", calls.count)
    return reader, calls


def sequential(arn: str, ttl: float) -> str:
    """1,000 reads, the simulated clock stepping so they span WINDOWS TTL windows."""
    clock = SimulatedClock()
    reader, calls = watched(arn, ttl, clock)
    step = TTL * WINDOWS / READS
    cached: list[float] = []
    fetched: list[float] = []
    started = time.perf_counter()
    for _ in range(READS):
        before = calls.sent
        read_started = time.perf_counter()
        reader.get()
        (fetched if calls.sent > before else cached).append(time.perf_counter() - read_started)
        clock.now += step
    total = time.perf_counter() - started
    cached_us = f"{statistics.median(cached) * 1e6:.1f}" if cached else "-"
    fetched_ms = f"{statistics.median(fetched) * 1e3:.2f}" if fetched else "-"
    label = f"ttl={ttl:g} s"
    return (
        f"{label:<12} {READS:>6} {clock.now:>10.0f} {calls.sent:>6} {total:>8.3f} "
        f"{cached_us:>11} {fetched_ms:>12}"
    )


def concurrent(arn: str) -> str:
    """THREADS threads, READS // THREADS reads each, all starting on a cold cache."""
    reader, calls = watched(arn, TTL, SimulatedClock())
    start = threading.Barrier(THREADS)

    def work() -> None:
        start.wait(timeout=30)
        for _ in range(READS // THREADS):
            reader.get()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    total = time.perf_counter() - started
    reads = READS // THREADS
    return f"{THREADS} threads x {reads} reads, cold cache: {calls.sent} call(s), {total:.3f} s"


def main() -> None:
    with moto_on_loopback() as host:
        arn = boto3.client("secretsmanager").create_secret(
            Name="genesys/oauth/bench/client", SecretString=json.dumps(DOCUMENT)
        )["ARN"]
        print(f"{READS} reads over {WINDOWS} simulated windows of {TTL:g} s (moto on {host})")
        print(
            f"{'cache':<12} {'reads':>6} {'sim. secs':>10} {'calls':>6} {'wall s':>8} "
            f"{'cached µs':>11} {'uncached ms':>12}"
        )
        print(sequential(arn, TTL))
        print(sequential(arn, 0.0))
        print(concurrent(arn))


if __name__ == "__main__":
    main()
